package rules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A failed command's error, as each platform gives it, is read into a type
// and a message and classified: permanent errors are not retried (Semantics 12).
func TestPlatformErrors(t *testing.T) {
	for _, tc := range []struct {
		name       string
		raw        string // the result's error, as JSON
		typ, msg   string
		permanent  bool
		permission bool
	}{
		// Amazon Connect Streams: agent.setState's failure is a JSON string.
		{"Streams InvalidStateException", `"{\"type\":\"InvalidStateException\",\"message\":\"busy\"}"`, "InvalidStateException", "busy", false, false},
		{"Streams InvalidParameterException", `"{\"type\":\"InvalidParameterException\",\"message\":\"no such state\"}"`, "InvalidParameterException", "no such state", true, false},
		{"Streams AccessDeniedException", `{"type":"AccessDeniedException","message":"no"}`, "AccessDeniedException", "no", true, true},
		{"throttling", `{"errorType":"ThrottlingException"}`, "ThrottlingException", "", false, false},
		{"the shim found no such state", `{"type":"unknown-state","message":"\"Meeting\" is not an agent state"}`, "unknown-state", `"Meeting" is not an agent state`, true, false},
		{"a timeout", `{"type":"Timeout","message":"no answer"}`, "Timeout", "no answer", false, false},
		// Salesforce: Aura/Apex, SOAP faults, REST errors, Classic results.
		{"Apex NoAccessException", `{"exceptionType":"System.NoAccessException","message":"x"}`, "System.NoAccessException", "x", true, true},
		{"SOAP fault with prefix", `{"faultcode":"sf:INSUFFICIENT_ACCESS","faultstring":"insufficient access rights on object id"}`, "INSUFFICIENT_ACCESS", "insufficient access rights on object id", true, true},
		{"REST errorCode", `{"errorCode":"INSUFFICIENT_ACCESS_OR_READONLY","message":"x"}`, "INSUFFICIENT_ACCESS_OR_READONLY", "x", true, true},
		{"REST statusCode and errors[]", `{"statusCode":"INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY","errors":[{"message":"a"},"b",{"description":"c"}]}`, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "a; b; c", true, true},
		{"permission in the message", `{"name":"Error","message":"The user does not have permission to change presence status"}`, "", "The user does not have permission to change presence status", true, true},
		{"DeveloperName without View Setup", `{"message":"No such column 'DeveloperName' on entity 'ServicePresenceStatus'"}`, "", "No such column 'DeveloperName' on entity 'ServicePresenceStatus'", true, true},
		{"View Setup and Configuration", `"You need View Setup and Configuration to do this"`, "Error", "You need View Setup and Configuration to do this", true, true},
		{"an error name", `{"name":"NetworkError","message":"offline"}`, "NetworkError", "offline", false, false},
		{"a plain identifier", `"NetworkError"`, "NetworkError", "", false, false},
		{"a plain sentence", `"the network went away"`, "Error", "the network went away", false, false},
		{"a number", `12`, "Error", "12", false, false},
		{"a numeric statusCode", `{"statusCode":503}`, "503", "", false, false},
		{"null", `null`, "", "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, jerr := parseJSON([]byte(tc.raw))
			require.Nil(t, jerr)
			typ, msg := readPlatformError(n)
			assert.Equal(t, tc.typ, typ)
			assert.Equal(t, tc.msg, msg)
			c := classifyError(typ, msg)
			assert.Equal(t, tc.permanent, c.permanent, "permanent")
			assert.Equal(t, tc.permission, c.permission, "permission")
		})
	}
}

// A huge error message is passed on bounded, cut on a character boundary.
func TestPlatformErrorBounded(t *testing.T) {
	n, _ := parseJSON([]byte(`{"type":"X","message":"` + strings.Repeat("é", 3000) + `"}`))
	_, msg := readPlatformError(n)
	assert.Less(t, len(msg), maxErrorText+50)
	assert.Contains(t, msg, "(6000 characters)")
	assert.True(t, strings.HasPrefix(msg, "éé"))
	assert.NotContains(t, msg, "\ufffd")
}

// Through the session: a permanent error fails the write at once, a
// transient one is retried.
func TestSessionClassifiesRawErrors(t *testing.T) {
	for raw, want := range map[string]string{
		`"{\"type\":\"InvalidStateException\",\"message\":\"busy\"}"`:   "retrying",
		`{"faultcode":"sf:INSUFFICIENT_ACCESS","faultstring":"denied"}`: "failed",
		`"You do not have access to this presence status"`:              "failed",
		`"NetworkError"`: "retrying",
	} {
		s, err := NewSession([]byte(`{"rules": ` + string(fxDocJSON(t, nil, fxBase())) + `}`))
		require.NoError(t, err)
		handle(t, s, `{"op":"start","now":0,"connect":{"state":"Available"},"salesforce":{"status":{"statusApiName":"Available"}}}`)
		o := handle(t, s, `{"op":"event","now":1,"event":{"type":"Connect Agent State Change","newState":"Lunch"}}`)
		require.Len(t, o.Commands, 1)
		o = handle(t, s, `{"op":"result","now":2,"id":`+itoa(int(o.Commands[0].ID))+`,"ok":false,"error":`+raw+`}`)
		require.NotEmpty(t, o.Actions, raw)
		assert.Equal(t, want, o.Actions[0]["status"], raw)
	}
}
