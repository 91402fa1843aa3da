package rules

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type sessionOut struct {
	Decisions []map[string]any `json:"decisions"`
	Actions   []map[string]any `json:"actions"`
	Commands  []Command        `json:"commands"`
	Errors    []Error          `json:"errors"`
	WakeAt    int64            `json:"wakeAt"`
}

func handle(t *testing.T, s *Session, in string) sessionOut {
	t.Helper()
	raw := s.Handle([]byte(in))
	require.True(t, json.Valid(raw), "%s", raw)
	var o sessionOut
	require.NoError(t, json.Unmarshal(raw, &o))
	require.NotNil(t, o.Decisions, "%s", raw)
	require.NotNil(t, o.Actions)
	require.NotNil(t, o.Commands)
	require.NotNil(t, o.Errors)
	return o
}

func TestSessionRoundTrip(t *testing.T) {
	rules := fxDocJSON(t, nil, fxBase(), fxOmniToConnect("Break", "Break"))
	for name, cfg := range map[string]string{
		"rules as an object": `{"rules": ` + string(rules) + `, "options": {"echoWindowMs": 1000}}`,
		"rules as JSON text": `{"rules": ` + string(mustJSON(t, string(rules))) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			s, err := NewSession([]byte(cfg))
			require.NoError(t, err)
			require.NotNil(t, s.Coordinator())
			o := handle(t, s, `{"op":"start","now":0,"connect":{"state":"Available","states":[{"name":"Available","type":"routable"},{"name":"Break","type":"not_routable"}]},
				"salesforce":{"status":{"statusId":"0N5xx0000000001","statusApiName":"Available"},
				"statuses":[{"id":"0N5xx0000000001","developerName":"Available","label":"Available"},{"id":"0N5xx0000000002","developerName":"Lunch","label":"Lunch"},{"id":"0N5xx0000000003","developerName":"Break","label":"Break"}]}}`)
			assert.Empty(t, o.Errors)
			o = handle(t, s, `{"op":"event","now":10,"event":{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"}}`)
			require.Len(t, o.Decisions, 1)
			require.Len(t, o.Commands, 1)
			assert.Equal(t, "0N5xx0000000002", o.Commands[0].StatusID, "resolved from the live catalog")
			assert.Equal(t, "issued", o.Actions[0]["status"])
			assert.Equal(t, int64(5010), o.WakeAt)
			// Streams reports failures as a JSON string.
			o = handle(t, s, `{"op":"result","now":20,"id":`+itoa(int(o.Commands[0].ID))+`,"ok":false,"error":"{\"type\":\"InvalidStateException\",\"message\":\"later\"}"}`)
			assert.Equal(t, "retrying", o.Actions[0]["status"])
			assert.Equal(t, "InvalidStateException", o.Actions[0]["error"])
			o = handle(t, s, `{"op":"tick","now":270}`)
			require.Len(t, o.Commands, 1)
			o = handle(t, s, `{"op":"result","now":280,"id":`+itoa(int(o.Commands[0].ID))+`,"ok":true}`)
			assert.Equal(t, "applied", o.Actions[0]["status"])
			o = handle(t, s, `{"op":"leader","now":290,"leader":false}`)
			assert.Empty(t, o.Decisions)
			o = handle(t, s, `{"op":"event","now":300,"event":{"type":"Salesforce Agent State Change","statusId":"0N5xx0000000003","reason":"OmniManualStatusChange"}}`)
			assert.Empty(t, o.Commands, "a follower does not write")
			assert.Equal(t, "skipped", o.Actions[0]["status"])
		})
	}
}

func TestSessionStartLoggedOutAndUnknownState(t *testing.T) {
	s, err := NewSession([]byte(`{"rules": ` + string(fxDocJSON(t, nil, fxConnectToOmni("Lunch", "Meeting"))) + `}`))
	require.NoError(t, err)
	o := handle(t, s, `{"op":"start","now":0,"connect":{"state":"Available"},"salesforce":{"status":null,"statuses":[{"id":"0N5xx0000000001","developerName":"Available","label":"Available"}]}}`)
	require.Len(t, o.Errors, 1)
	assert.Equal(t, CodeUnknownState, o.Errors[0].Code)
	assert.Equal(t, OfflineStatus, s.Coordinator().Snapshot().SalesforceStatus, "status null: logged out")
}

func TestSessionErrors(t *testing.T) {
	_, err := NewSession([]byte(`{"rules": {"rules": [{"source": "Nope"}]}}`))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeInvalidRules, e.Code)
	assert.NotEmpty(t, e.Problems)
	var back map[string]any
	require.NoError(t, json.Unmarshal(ErrorJSON(err), &back))
	assert.Equal(t, CodeInvalidRules, back["code"])
	assert.NotEmpty(t, back["problems"])

	for _, cfg := range []string{`not json`, `{}`, `{"rules": null}`, `{"rules": "not json"}`, `[]`} {
		_, err := NewSession([]byte(cfg))
		require.ErrorAs(t, err, &e, cfg)
		assert.Equal(t, CodeInvalidRules, e.Code, cfg)
	}
	_, err = NewSession([]byte(`{"rules": {"rules": []}, "options": {"loopMaxWrites": 0}}`))
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "loopMaxWrites", e.Field)

	s, err := NewSession([]byte(`{"rules": {"rules": []}}`))
	require.NoError(t, err)
	for in, code := range map[string]string{
		`not json`:        CodeInvalidEvent,
		`{"op": "dance"}`: CodeInvalidEvent,
		`{"op": "event", "event": {"type": "Salesforce Workload Changed", "newWorkload": "many"}}`: CodeInvalidEvent,
	} {
		o := handle(t, s, in)
		require.Len(t, o.Errors, 1, in)
		assert.Equal(t, code, o.Errors[0].Code, in)
	}
	assert.Equal(t, `{"code":"internal","message":"boom"}`, string(ErrorJSON(assertError("boom"))))
}

type assertError string

func (e assertError) Error() string { return string(e) }

// The platform error forms the shim may pass back, read through the session.
func TestSessionPlatformErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"type":"AccessDeniedException","message":"no"}`:             "AccessDeniedException",
		`"{\"type\":\"InvalidStateException\",\"message\":\"busy\"}"`: "InvalidStateException",
		`{"errorType":"ThrottlingException"}`:                         "ThrottlingException",
		`{"errorCode":"INSUFFICIENT_ACCESS","message":"x"}`:           "INSUFFICIENT_ACCESS",
		`"NetworkError"`: "NetworkError",
		`12`:             "Error",
		`null`:           "Error",
	} {
		s, err := NewSession([]byte(`{"rules": ` + string(fxDocJSON(t, nil, fxBase())) + `}`))
		require.NoError(t, err)
		handle(t, s, `{"op":"start","now":0,"connect":{"state":"Available"},"salesforce":{"status":{"statusApiName":"Available"}}}`)
		o := handle(t, s, `{"op":"event","now":1,"event":{"type":"Connect Agent State Change","newState":"Lunch"}}`)
		require.Len(t, o.Commands, 1)
		o = handle(t, s, `{"op":"result","now":2,"id":`+itoa(int(o.Commands[0].ID))+`,"ok":false,"error":`+in+`}`)
		require.NotEmpty(t, o.Actions, in)
		assert.Equal(t, want, o.Actions[0]["error"], in)
	}
}

func TestParseOptions(t *testing.T) {
	o, err := ParseOptions(nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultOptions(), o)
	assert.Equal(t, Options{EchoWindowMs: 5000, LoopMaxWrites: 6, LoopWindowMs: 10000, RetryAttempts: 3, RetryBaseMs: 250,
		WriteTimeoutMs: 5000, Trace: "full", Reconcile: "none"}, o, "the documented defaults")
	o, err = ParseOptions([]byte(`{"echoWindowMs": 0, "loopMaxWrites": "3", "retryBaseMs": 100, "logLevel": "debug", "leadership": false}`))
	require.NoError(t, err)
	assert.Equal(t, int64(0), o.EchoWindowMs)
	assert.Equal(t, 3, o.LoopMaxWrites)
	assert.Equal(t, int64(100), o.RetryBaseMs)
	for _, bad := range []string{`{"echoWindowMs": -1}`, `{"loopWindowMs": 0}`, `{"retryAttempts": 0}`, `{"writeTimeoutMs": "soon"}`,
		`{"loopMaxWrites": true}`, `{"trace": "some"}`, `[]`, `{"retryBaseMs": 1e13}`} {
		_, err := ParseOptions([]byte(bad))
		assert.Error(t, err, bad)
	}
}

// BUG (event.go / session.go, not fixed here): {"op":"event"} without an
// event makes eventFromNode dereference the nil node that in.get("event")
// returns; Handle recovers the panic and answers with an internal error
// instead of an invalid-event error. Found by FuzzSession.
func TestSessionEventWithoutEvent(t *testing.T) {
	s, err := NewSession([]byte(`{"rules": {"rules": []}}`))
	require.NoError(t, err)
	o := handle(t, s, `{"op":"event","now":1}`)
	require.Len(t, o.Errors, 1)
	assert.Equal(t, CodeInvalidEvent, o.Errors[0].Code)
}

// An input with "trace": false gets the same decision without the per-rule
// trace: the shim asks for it only when something will read it.
func TestSessionTraceOnRequest(t *testing.T) {
	rules := fxDocJSON(t, nil, fxBase(), fxOmniToConnect("Break", "Break"))
	start := `{"op":"start","now":0,"connect":{"state":"Available","states":[{"name":"Available","type":"routable"},{"name":"Break","type":"not_routable"}]},
		"salesforce":{"status":{"statusId":"0N5xx0000000001","statusApiName":"Available"},
		"statuses":[{"id":"0N5xx0000000001","developerName":"Available","label":"Available"},{"id":"0N5xx0000000002","developerName":"Lunch","label":"Lunch"}]}}`
	event := `"event":{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"}}`
	for _, tc := range []struct {
		name   string
		input  string
		traced bool
	}{
		{"no trace key: traced", `{"op":"event","now":10,` + event, true},
		{"trace true", `{"op":"event","now":10,"trace":true,` + event, true},
		{"trace false", `{"op":"event","now":10,"trace":false,` + event, false},
		{"trace not a boolean: traced", `{"op":"event","now":10,"trace":"no",` + event, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSession([]byte(`{"rules": ` + string(rules) + `}`))
			require.NoError(t, err)
			handle(t, s, start)
			o := handle(t, s, tc.input)
			require.Len(t, o.Decisions, 1)
			d := o.Decisions[0]
			require.Len(t, o.Commands, 1, "the decision is the same either way")
			assert.Equal(t, "Lunch", o.Actions[0]["value"])
			assert.Len(t, d["actions"], 1)
			if tc.traced {
				assert.Len(t, d["rules"], 2)
				assert.NotContains(t, d, "traced")
			} else {
				assert.NotContains(t, d, "rules")
				assert.Equal(t, false, d["traced"])
			}
		})
	}
}
