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

// The writer tab shares an error with the other tabs only when they cannot
// find it themselves: its writes' failures, yes; a malformed platform event,
// which every tab receives, no (it would reach them twice).
func TestSessionErrorsSayWhetherToShare(t *testing.T) {
	shares := func(raw []byte) map[string]bool {
		var o struct {
			Errors []struct {
				Code  string `json:"code"`
				Share *bool  `json:"share"`
			} `json:"errors"`
		}
		require.NoError(t, json.Unmarshal(raw, &o), "%s", raw)
		m := map[string]bool{}
		for _, e := range o.Errors {
			if e.Share != nil {
				require.True(t, *e.Share, "share is written only as true: %s", raw)
			}
			m[e.Code] = e.Share != nil
		}
		return m
	}
	s, err := NewSession([]byte(`{"rules": ` + string(fxDocJSON(t, nil, fxBase())) + `}`))
	require.NoError(t, err)
	handle(t, s, `{"op":"start","now":0,"connect":{"state":"Available"},"salesforce":{"status":{"statusApiName":"Available"}}}`)
	assert.Equal(t, map[string]bool{"invalid-event": false}, shares(s.Handle([]byte(
		`{"op":"event","now":1,"event":{"type":"Connect Agent State Change","newState":"Lunch","contacts":[{"type":"chat","state":3}]}}`))))
	o := handle(t, s, `{"op":"event","now":2,"event":{"type":"Connect Agent State Change","newState":"Lunch"}}`)
	require.Len(t, o.Commands, 1)
	assert.Equal(t, map[string]bool{"write-failed": true}, shares(s.Handle([]byte(
		`{"op":"result","now":3,"id":`+itoa(int(o.Commands[0].ID))+`,"ok":false,"error":{"type":"AccessDeniedException","message":"no"}}`))))
	for code, want := range map[string]bool{CodeWriteFailed: true, CodeTimeout: true, CodeLoop: true, CodeInternal: true,
		CodeInvalidRules: false, CodeInvalidEvent: false, CodeUnknownState: false} {
		assert.Equal(t, want, (&Error{Code: code}).Shared(), code)
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

// Regression (found by FuzzSession): {"op":"event"} without an event is an
// invalid-event error, not a recovered panic reported as internal.
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

// Every input is checked: a malformed one is skipped with an invalid-event
// error naming the field by its path, and changes nothing.
func TestSessionInvalidInputs(t *testing.T) {
	start := `{"op":"start","now":0,"connect":{"state":"Available","states":[{"name":"Available","type":"routable"},{"name":"Lunch","type":"not_routable"}]},
		"salesforce":{"status":{"statusId":"0N5xx0000000001","statusApiName":"Available"},"statuses":[{"id":"0N5xx0000000001","developerName":"Available","label":"Available"},{"id":"0N5xx0000000002","developerName":"Lunch","label":"Lunch"}]}}`
	for _, tc := range []struct {
		in, field string
	}{
		{`{"now":1}`, "op"},
		{`{"op":7}`, "op"},
		{`{"op":"dance"}`, "op"},
		{`{"op":"tick","now":"soon"}`, "now"},
		{`{"op":"tick","now":-1}`, "now"},
		{`{"op":"tick","now":1e300}`, "now"},
		{`{"op":"event","now":1,"event":{"type":"Connect Agent State Change","newState":"Lunch","contacts":[{"type":"chat","state":3}]}}`, "contacts[0].state"},
		{`{"op":"connect","now":1}`, "connect"},
		{`{"op":"connect","now":1,"connect":[]}`, "connect"},
		{`{"op":"connect","now":1,"connect":{"state":"Lunch"}}`, "connect.state"},
		{`{"op":"connect","now":1,"connect":{"contacts":{}}}`, "connect.contacts"},
		{`{"op":"connect","now":1,"connect":{"contacts":[{"type":"voice","state":{}}]}}`, "connect.contacts[0].state"},
		{`{"op":"connect","now":1,"connect":{"nextState":5}}`, "connect.nextState"},
		{`{"op":"connect","now":1,"connect":{"states":[{"type":"routable"}]}}`, "connect.states[0].name"},
		{`{"op":"connect","now":1,"connect":{"states":["Available"]}}`, "connect.states[0]"},
		{`{"op":"salesforce","now":1}`, "salesforce"},
		{`{"op":"salesforce","now":1,"salesforce":{"status":"Available"}}`, "salesforce.status"},
		{`{"op":"salesforce","now":1,"salesforce":{"status":{}}}`, "salesforce.status.statusId"},
		{`{"op":"salesforce","now":1,"salesforce":{"status":{"statusId":1}}}`, "salesforce.status.statusId"},
		{`{"op":"salesforce","now":1,"salesforce":{"statuses":[{"id":"0N5xx0000000003"}]}}`, "salesforce.statuses[0].developerName"},
		{`{"op":"salesforce","now":1,"salesforce":{"serviceChannels":[{"keyPrefix":"500"}]}}`, "salesforce.serviceChannels[0].developerName"},
		{`{"op":"salesforce","now":1,"salesforce":{"status":null,"workload":"lots"}}`, "salesforce.workload"},
		{`{"op":"start","now":1,"connect":{"contacts":[1]}}`, "connect.contacts[0]"},
		{`{"op":"start","now":1,"connect":{"state":"Available"},"salesforce":{"statuses":{}}}`, "salesforce.statuses"},
		{`{"op":"result","now":1}`, "id"},
		{`{"op":"result","now":1,"id":"2","ok":true}`, "id"},
		{`{"op":"result","now":1,"id":2.5,"ok":true}`, "id"},
		{`{"op":"result","now":1,"id":2}`, "ok"},
		{`{"op":"result","now":1,"id":2,"ok":"yes"}`, "ok"},
		{`{"op":"leader","now":1}`, "leader"},
		{`{"op":"leader","now":1,"leader":"true"}`, "leader"},
		{`{"op":"remote","now":1}`, "action"},
		{`{"op":"remote","now":1,"action":{"destination":"Connect Agent State","value":"Lunch","status":"issued"}}`, "action.id"},
		{`{"op":"remote","now":1,"action":{"id":1,"destination":"Somewhere","value":"Lunch","status":"issued"}}`, "action.destination"},
		{`{"op":"remote","now":1,"action":{"id":1,"destination":"Connect Agent State","value":"Lunch","status":"done"}}`, "action.status"},
		{`{"op":"remote","now":1,"action":{"id":1,"destination":"Connect Agent State","value":["Lunch"],"status":"issued"}}`, "action.value"},
		{`{"op":"remote","now":1,"action":{"id":1,"destination":"Connect Agent State","value":"Lunch","status":"issued","ruleIndex":-2}}`, "action.ruleIndex"},
		{`{"op":"remote","now":1,"action":{"id":1,"destination":"Connect Agent State","value":"Lunch","status":"issued","enqueueNextState":1}}`, "action.enqueueNextState"},
		{`{"op":"remote","now":1,"from":{},"action":{"id":1,"destination":"Connect Agent State","value":"Lunch","status":"issued"}}`, "from"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, err := NewSession([]byte(`{"rules": ` + string(fxDocJSON(t, nil, fxOmniToConnect("Lunch", "Lunch"))) + `}`))
			require.NoError(t, err)
			handle(t, s, start)
			before := s.Coordinator().Snapshot()
			o := handle(t, s, tc.in)
			require.Len(t, o.Errors, 1, "%+v", o.Errors)
			assert.Equal(t, CodeInvalidEvent, o.Errors[0].Code)
			assert.Equal(t, tc.field, o.Errors[0].Field)
			assert.Contains(t, o.Errors[0].Message, "ignored a malformed")
			assert.Empty(t, o.Decisions)
			assert.Empty(t, o.Commands)
			assert.Equal(t, before, s.Coordinator().Snapshot(), "nothing changed")
		})
	}
}

// The inputs besides events, through the session's JSON.
func TestSessionInputs(t *testing.T) {
	rules := fxDocJSON(t, nil, fxOmniToConnect("Lunch", "Lunch"), fxOmniToConnect("Available", "Available"), fxConnectToOmni("Break", "Break"))
	newSession := func(t *testing.T, options string) *Session {
		s, err := NewSession([]byte(`{"rules": ` + string(rules) + `, "options": ` + options + `}`))
		require.NoError(t, err)
		return s
	}
	t.Run("start without salesforce: Omni not read yet", func(t *testing.T) {
		s := newSession(t, `{}`)
		handle(t, s, `{"op":"start","now":0,"connect":{"state":"Available","stateType":"routable","contacts":[],"nextState":"","routingProfile":"Basic"}}`)
		snap := s.Coordinator().Snapshot()
		assert.True(t, snap.ConnectContactsKnown)
		assert.Equal(t, "Basic", snap.ConnectRoutingProfile)
		o := handle(t, s, `{"op":"event","now":1,"event":{"type":"Connect Agent State Change","oldState":"Available","newState":"Break"}}`)
		assert.Empty(t, o.Commands)
		assert.Equal(t, "deferred", o.Actions[0]["status"])
		o = handle(t, s, `{"op":"salesforce","now":2,"salesforce":{"status":{"statusId":"0N5xx0000000001","statusApiName":"Available"},
			"statuses":[{"id":"0N5xx0000000001","developerName":"Available","label":"Available"},{"id":"0N5xx0000000003","developerName":"Break","label":"On Break"}]}}`)
		require.Len(t, o.Commands, 1)
		assert.Equal(t, "0N5xx0000000003", o.Commands[0].StatusID)
	})
	t.Run("connect: a chat while Available, then its end", func(t *testing.T) {
		s := newSession(t, `{}`)
		handle(t, s, `{"op":"start","now":0,"connect":{"state":"Available"},"salesforce":{"status":null}}`)
		o := handle(t, s, `{"op":"connect","now":1,"connect":{"contacts":[{"type":"chat","state":"connected"}]}}`)
		assert.Empty(t, o.Decisions, "not a rule source")
		o = handle(t, s, `{"op":"event","now":2,"event":{"type":"Salesforce Agent State Change","statusApiName":"Lunch"}}`)
		require.Len(t, o.Commands, 1)
		assert.True(t, o.Commands[0].EnqueueNextState)
	})
	t.Run("a read is answered with its state", func(t *testing.T) {
		s := newSession(t, `{}`)
		handle(t, s, `{"op":"start","now":0,"connect":{"state":"Available"},"salesforce":{"status":null}}`)
		handle(t, s, `{"op":"leader","now":1,"leader":false}`)
		o := handle(t, s, `{"op":"leader","now":2,"leader":true}`)
		require.Len(t, o.Commands, 2)
		raw := s.Handle([]byte(`{"op":"tick","now":3}`))
		assert.NotContains(t, string(raw), `"read"`, "a read is not sent twice")
		reads := map[string]int64{}
		for _, c := range o.Commands {
			assert.Zero(t, c.ActionID)
			reads[c.Destination.String()] = c.ID
		}
		o = handle(t, s, `{"op":"result","now":4,"id":`+itoa(int(reads["Connect Agent State"]))+`,"ok":true,"state":{"state":"Break","contacts":[]}}`)
		assert.Empty(t, o.Decisions, "one answer of two")
		o = handle(t, s, `{"op":"result","now":5,"id":`+itoa(int(reads["Salesforce Agent State"]))+`,"ok":true,"state":{"status":{"statusId":"0N5xx0000000002","statusApiName":"Lunch"}}}`)
		require.Len(t, o.Decisions, 2, "both systems changed while this tab followed: two catch-up events")
		assert.Equal(t, "Break", s.Coordinator().Snapshot().ConnectState)
	})
	t.Run("a read answered with a malformed state: reported, and a failed read", func(t *testing.T) {
		s := newSession(t, `{}`)
		handle(t, s, `{"op":"start","now":0,"connect":{"state":"Available"},"salesforce":{"status":null}}`)
		handle(t, s, `{"op":"leader","now":1,"leader":false}`)
		o := handle(t, s, `{"op":"leader","now":2,"leader":true}`)
		id := o.Commands[0].ID
		o = handle(t, s, `{"op":"result","now":3,"id":`+itoa(int(id))+`,"ok":true,"state":{"status":7,"state":7}}`)
		require.NotEmpty(t, o.Errors)
		assert.Equal(t, CodeInvalidEvent, o.Errors[0].Code)
		assert.Contains(t, o.Errors[0].Field, "state.")
	})
	t.Run("remote and options from the document", func(t *testing.T) {
		doc := `{"rules": [` + string(mustJSON(t, fxOmniToConnect("Lunch", "Lunch"))) + `], "options": {"reconcile": "salesforce", "echoWindowMs": 100}}`
		s, err := NewSession([]byte(`{"rules": ` + doc + `, "options": {"echoWindowMs": 200}}`))
		require.NoError(t, err)
		opts := s.Coordinator().opts
		assert.Equal(t, ReconcileSalesforce, opts.Reconcile, "from the document")
		assert.Equal(t, int64(200), opts.EchoWindowMs, "passed to start wins")
		o := handle(t, s, `{"op":"start","now":0,"connect":{"state":"Available"},"salesforce":{"status":{"statusApiName":"Lunch"}}}`)
		require.Len(t, o.Decisions, 1, "reconcile at start")
		assert.Equal(t, true, o.Decisions[0]["reconcile"])
		handle(t, s, `{"op":"leader","now":1,"leader":false}`)
		o = handle(t, s, `{"op":"remote","now":2,"from":"tab-9","action":{"id":3,"destination":"Connect Agent State","value":"Lunch","rule":"Omni Lunch -> Connect Lunch","ruleIndex":0,"status":"issued"}}`)
		assert.Empty(t, o.Errors)
		o = handle(t, s, `{"op":"leader","now":3,"leader":true}`)
		assert.Empty(t, o.Commands, "waiting for the writer's write in flight")
		require.NotNil(t, s.Coordinator().tk)
		assert.Equal(t, int64(2+5000), s.Coordinator().tk.waitUntil, "until the write's answer would have been due (writeTimeoutMs after it was heard)")
	})
	t.Run("now never goes back; absent is the last", func(t *testing.T) {
		s := newSession(t, `{}`)
		handle(t, s, `{"op":"start","now":1000,"connect":{"state":"Available"},"salesforce":{"status":null}}`)
		o := handle(t, s, `{"op":"event","now":500,"event":{"type":"Salesforce Agent State Change","statusApiName":"Lunch"}}`)
		assert.Equal(t, float64(1000), o.Decisions[0]["time"])
		assert.Equal(t, int64(6000), o.WakeAt)
		o = handle(t, s, `{"op":"tick"}`)
		assert.Empty(t, o.Errors)
	})
}

// The WebAssembly module passes the page's clock with every input
// (AppendHandleAt): an input's own `now` is not read, the time never goes
// back, and inputs without a clock go on from the latest time seen.
func TestSessionHandleAtTheClock(t *testing.T) {
	s, err := NewSession([]byte(`{"rules": ` + string(fxDocJSON(t, nil, fxBase())) + `, "options": {"writeTimeoutMs": 1000}}`))
	require.NoError(t, err)
	at := func(in string, now int64) sessionOut {
		t.Helper()
		var o sessionOut
		require.NoError(t, json.Unmarshal(s.AppendHandleAt(nil, []byte(in), now), &o))
		return o
	}
	o := at(`{"op":"start","now":5,"connect":{"state":"Available"},"salesforce":{"status":{"statusId":"0N5xx0000000001","statusApiName":"Available"}}}`, 100000)
	require.Empty(t, o.Errors)
	o = at(`{"op":"event","now":1,"event":{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"}}`, 200000)
	require.Len(t, o.Commands, 1)
	assert.Equal(t, int64(201000), o.WakeAt, "the write times out writeTimeoutMs after the clock's time, not the input's now")
	o = at(`{"op":"tick"}`, 150000)
	assert.Empty(t, o.Errors, "a clock that goes back is at the latest time seen: nothing timed out")
	assert.Equal(t, int64(201000), o.WakeAt)
	o = at(`{"op":"tick","now":999999999}`, 201000)
	require.Len(t, o.Errors, 1, "the clock's time, not the input's now, timed the write out")
	assert.Equal(t, CodeTimeout, o.Errors[0].Code)
	o = handle(t, s, `{"op":"tick"}`)
	assert.Empty(t, o.Errors, "without a clock, an input without now is at the latest time seen")
}
