package rules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeEventValid(t *testing.T) {
	cases := []struct {
		in   string
		want Event
	}{
		{`{"type": "Connect Agent State Change", "oldState": "Available", "newState": "Lunch"}`,
			Event{Type: SourceConnectStateChange, OldState: "Available", NewState: "Lunch"}},
		{`{"type": "Salesforce Agent State Change", "statusId": "0N5xx0000000002", "statusApiName": "Lunch", "statusName": "Lunch", "reason": "OmniManualStatusChange"}`,
			Event{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000002", StatusAPIName: "Lunch", StatusName: "Lunch", Reason: "OmniManualStatusChange"}},
		{`{"type": "Salesforce Agent Logout"}`, Event{Type: SourceSalesforceLogout}},
		{`{"type": "Salesforce Work Accepted", "workItemId": "500xx000000abcd", "workId": "0Bzxx0000000001", "serviceChannel": "sfdc_case"}`,
			Event{Type: SourceSalesforceWorkAccepted, WorkItemID: "500xx000000abcd", WorkID: "0Bzxx0000000001", ServiceChannel: "sfdc_case"}},
		{`{"type": "Salesforce Workload Changed", "configuredCapacity": 5, "previousWorkload": 0, "newWorkload": 2}`,
			Event{Type: SourceSalesforceWorkloadChanged, ConfiguredCapacity: Num(5), PreviousWorkload: Num(0), NewWorkload: Num(2)}},
		// Omni sends workloads as strings.
		{`{"type": "Salesforce Workload Changed", "configuredCapacity": "5", "previousWorkload": "1.5", "newWorkload": "2"}`,
			Event{Type: SourceSalesforceWorkloadChanged, ConfiguredCapacity: Num(5), PreviousWorkload: Num(1.5), NewWorkload: Num(2)}},
		// A missing optional field is not an error; null and "" are missing.
		{`{"type": "Salesforce Workload Changed", "newWorkload": 2}`,
			Event{Type: SourceSalesforceWorkloadChanged, NewWorkload: Num(2)}},
		{`{"type": "Salesforce Workload Changed", "configuredCapacity": null, "previousWorkload": "", "newWorkload": 2}`,
			Event{Type: SourceSalesforceWorkloadChanged, NewWorkload: Num(2)}},
		{`{"type": "Salesforce Agent State Change", "statusId": "0N5xx0000000002AAA"}`,
			Event{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000002AAA"}},
		{`{"type": "Connect Agent State Change", "newState": "Lunch", "oldState": null, "extra": {"ignored": true}}`,
			Event{Type: SourceConnectStateChange, NewState: "Lunch"}},
		{`{"type": "CONNECT_AGENT_STATE_CHANGE", "newState": "Lunch"}`, Event{Type: SourceConnectStateChange, NewState: "Lunch"}},
		// What Streams reports besides the state's name (Semantics 12, 16, 19).
		{`{"type": "Connect Agent State Change", "oldState": "Busy", "newState": "AfterCallWork", "stateType": "system",
		   "nextState": "Lunch", "contacts": [{"type": "voice", "state": "ended"}, {"type": "chat", "state": "connected"}],
		   "routingProfile": "Basic Routing Profile"}`,
			Event{Type: SourceConnectStateChange, OldState: "Busy", NewState: "AfterCallWork", StateType: "system",
				NextState: "Lunch", HasNextState: true, RoutingProfile: "Basic Routing Profile", HasContacts: true,
				Contacts: []Contact{{Type: "voice", State: "ended"}, {Type: "chat", State: "connected"}}}},
		// An empty list and an empty next state are said, not missing.
		{`{"type": "Connect Agent State Change", "newState": "Available", "contacts": [], "nextState": ""}`,
			Event{Type: SourceConnectStateChange, NewState: "Available", HasContacts: true, Contacts: []Contact{}, HasNextState: true}},
		{`{"type": "Connect Agent State Change", "newState": "Available", "contacts": null}`,
			Event{Type: SourceConnectStateChange, NewState: "Available"}},
		// Winter '24 interruptible capacity, numbers as strings too.
		{`{"type": "Salesforce Workload Changed", "configuredCapacity": 5, "newWorkload": 2, "configuredInterruptibleCapacity": "2",
		   "previousInterruptibleWorkload": 0, "newInterruptibleWorkload": "1"}`,
			Event{Type: SourceSalesforceWorkloadChanged, ConfiguredCapacity: Num(5), NewWorkload: Num(2),
				ConfiguredInterruptibleCapacity: Num(2), PreviousInterruptibleWorkload: Num(0), NewInterruptibleWorkload: Num(1)}},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			ev, err := DecodeEvent([]byte(c.in))
			require.NoError(t, err)
			assert.Equal(t, c.want, ev)
		})
	}
}

func TestDecodeEventInvalid(t *testing.T) {
	cases := []struct {
		in, field, says string
	}{
		{`not json`, "", "not valid JSON"},
		{`{"type": "Salesforce Agent Logout"`, "", "not valid JSON"},
		{`[]`, "", "must be a JSON object, got an array"},
		{`null`, "", "must be a JSON object, got null"},
		{`{}`, "type", "has no type"},
		{`{"type": null}`, "type", "has no type"},
		{`{"type": 3}`, "type", "type must be a string, got a number"},
		{`{"type": "Connect Agent Status Change", "newState": "x"}`, "type", `did you mean "Connect Agent State Change"?`},
		{`{"type": "Connect Agent State Change"}`, "newState", "needs newState"},
		{`{"type": "Connect Agent State Change", "newState": ""}`, "newState", "needs newState"},
		{`{"type": "Connect Agent State Change", "newState": {"name": "Lunch"}}`, "newState", "newState must be a string, got an object"},
		{`{"type": "Connect Agent State Change", "newState": "Lunch", "oldState": 4}`, "oldState", "oldState must be a string, got a number"},
		{`{"type": "Salesforce Agent State Change", "statusId": ["x"]}`, "statusId", "got an array"},
		{`{"type": "Salesforce Workload Changed", "newWorkload": "abc"}`, "newWorkload", `got the string "abc"`},
		{`{"type": "Salesforce Workload Changed", "newWorkload": true}`, "newWorkload", "got a boolean"},
		{`{"type": "Salesforce Workload Changed", "configuredCapacity": {}}`, "configuredCapacity", "got an object"},
		{`{"type": "Salesforce Workload Changed", "previousWorkload": 1e400}`, "previousWorkload", "expected a number"},
		{`{"type": "Salesforce Workload Changed", "previousWorkload": "1e3"}`, "previousWorkload", "expected a number"},
		{`{"type": "Salesforce Work Accepted", "workItemId": "` + strings.Repeat("5", 5000) + `"}`, "workItemId", "too long"},
		{`{"type": "Connect Agent State Change", "newState": "Lunch", "contacts": {"type": "voice"}}`, "contacts", "must be an array"},
		{`{"type": "Connect Agent State Change", "newState": "Lunch", "contacts": ["voice"]}`, "contacts[0]", "must be an object"},
		{`{"type": "Connect Agent State Change", "newState": "Lunch", "contacts": [{"type": "chat", "state": 1}]}`, "contacts[0].state", "must be a string, got a number"},
		{`{"type": "Connect Agent State Change", "newState": "Lunch", "nextState": false}`, "nextState", "must be a string"},
		{`{"type": "Connect Agent State Change", "newState": "Lunch", "stateType": 3}`, "stateType", "must be a string"},
		{`{"type": "Salesforce Workload Changed", "newInterruptibleWorkload": "x"}`, "newInterruptibleWorkload", `got the string "x"`},
		// Semantics 14: a workload is never negative (a capacity of 0 or less only makes Pct unavailable).
		{`{"type": "Salesforce Workload Changed", "newWorkload": -1}`, "newWorkload", "is -1: a workload is never negative"},
		{`{"type": "Salesforce Workload Changed", "previousWorkload": "-2.5"}`, "previousWorkload", "is -2.5: a workload is never negative"},
		{`{"type": "Salesforce Workload Changed", "previousInterruptibleWorkload": -0.5}`, "previousInterruptibleWorkload", "never negative"},
		{`{"type": "Salesforce Workload Changed", "newWorkload": "NaN"}`, "newWorkload", `got the string "NaN"`},
	}
	for _, c := range cases {
		t.Run(c.in[:min(len(c.in), 80)], func(t *testing.T) {
			_, err := DecodeEvent([]byte(c.in))
			require.Error(t, err)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, CodeInvalidEvent, e.Code)
			assert.Equal(t, c.field, e.Field)
			assert.Contains(t, e.Message, c.says)
			assert.True(t, strings.HasPrefix(e.Message, "ignored a malformed event: "), e.Message)
		})
	}
}

func TestCatalogNormalize(t *testing.T) {
	cat := &Catalog{Salesforce: SalesforceCatalog{
		Statuses:        []SalesforceStatus{{ID: "0N5xx0000000002", DeveloperName: "Lunch", Label: "Out to lunch"}},
		ServiceChannels: []ServiceChannel{{DeveloperName: "sfdc_case", KeyPrefix: "500"}},
	}}
	ev := Event{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000002QAZ"}
	cat.Normalize(&ev)
	assert.Equal(t, "Lunch", ev.StatusAPIName, "18-character Ids match on their first 15")
	assert.Equal(t, "Out to lunch", ev.StatusName)
	ev = Event{Type: SourceSalesforceStateChange, StatusAPIName: "Lunch"}
	cat.Normalize(&ev)
	assert.Equal(t, "0N5xx0000000002", ev.StatusID)
	ev = Event{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000009"}
	cat.Normalize(&ev)
	assert.Equal(t, "", ev.StatusAPIName, "an unknown Id stays unresolved")
	ev = Event{Type: SourceSalesforceWorkAccepted, WorkItemID: "500xx000000abcd"}
	cat.Normalize(&ev)
	assert.Equal(t, "sfdc_case", ev.ServiceChannel)
	ev = Event{Type: SourceSalesforceWorkAccepted, WorkItemID: "500xx000000abcd", ServiceChannel: "sfdc_chat"}
	cat.Normalize(&ev)
	assert.Equal(t, "sfdc_chat", ev.ServiceChannel, "the event wins")
	assert.True(t, SameID("0N5xx0000000002", "0N5xx0000000002QAZ"))
	assert.False(t, SameID("", ""))
	assert.Nil(t, cat.StatusByID(""))
}

func TestEventSummary(t *testing.T) {
	for in, want := range map[string]string{
		`{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"}`:                     `Connect Agent State Change: "Available" → "Lunch"`,
		`{"type":"Salesforce Agent State Change","statusApiName":"Lunch","reason":"OmniToolkitStatusChange"}`: `Salesforce Agent State Change: "Lunch" (OmniToolkitStatusChange)`,
		`{"type":"Salesforce Work Accepted","workItemId":"500xx"}`:                                            `Salesforce Work Accepted: work item "500xx" on channel (unknown)`,
		`{"type":"Salesforce Workload Changed","configuredCapacity":4,"newWorkload":"2"}`:                     `Salesforce Workload Changed: workload ? → 2 of capacity 4`,
		`{"type":"Salesforce Agent Logout"}`:                                                                  `Salesforce Agent Logout`,
	} {
		ev := fxEvent(t, in)
		assert.Equal(t, want, ev.Summary())
	}
}

func TestAddedOperandsRead(t *testing.T) {
	snap := &Snapshot{ConnectNextState: "Break", ConnectRoutingProfile: "Sales", ConfiguredInterruptibleCapacity: Num(4),
		PreviousInterruptibleWorkload: Num(1), InterruptibleWorkload: Num(2)}
	connect := &Event{Type: SourceConnectStateChange, NewState: "AfterCallWork", NextState: "Lunch", HasNextState: true, RoutingProfile: "Support"}
	connectBare := &Event{Type: SourceConnectStateChange, NewState: "Available"}
	status := &Event{Type: SourceSalesforceStateChange, StatusAPIName: "Lunch", Reason: "OmniSupervisorStatusChange"}
	logout := &Event{Type: SourceSalesforceLogout, Reason: "OmniSupervisorLogout"}
	workload := &Event{Type: SourceSalesforceWorkloadChanged, ConfiguredInterruptibleCapacity: Num(2), NewInterruptibleWorkload: Num(1)}
	zeroCap := &Event{Type: SourceSalesforceWorkloadChanged, ConfiguredInterruptibleCapacity: Num(0), NewInterruptibleWorkload: Num(1)}
	cases := []struct {
		name string
		o    Operand
		ev   *Event
		want Value
	}{
		{"reason of a status change", OperandChangeReason, status, TextValue("OmniSupervisorStatusChange")},
		{"reason of a logout", OperandChangeReason, logout, TextValue("OmniSupervisorLogout")},
		{"no reason on a Connect event, never a remembered one", OperandChangeReason, connect, TextValue("")},
		{"next state from the event", OperandConnectNextState, connect, TextValue("Lunch")},
		{"next state remembered", OperandConnectNextState, connectBare, TextValue("Break")},
		{"next state on a Salesforce event", OperandConnectNextState, status, TextValue("Break")},
		{"routing profile from the event", OperandConnectRoutingProfile, connect, TextValue("Support")},
		{"routing profile remembered", OperandConnectRoutingProfile, connectBare, TextValue("Sales")},
		{"interruptible capacity from the event", OperandConfiguredInterruptibleCapacity, workload, Value{Kind: Number, Num: 2}},
		{"interruptible capacity remembered", OperandConfiguredInterruptibleCapacity, status, Value{Kind: Number, Num: 4}},
		{"new interruptible workload", OperandNewInterruptibleWorkload, workload, Value{Kind: Number, Num: 1}},
		{"previous interruptible workload remembered", OperandPreviousInterruptibleWorkload, workload, Value{Kind: Number, Num: 1}},
		{"new interruptible pct", OperandNewInterruptibleWorkloadPct, workload, Value{Kind: Number, Num: 50}},
		{"previous interruptible pct over the event's capacity", OperandPreviousInterruptibleWorkloadPct, workload, Value{Kind: Number, Num: 50}},
		{"pct unavailable at capacity 0", OperandNewInterruptibleWorkloadPct, zeroCap, Value{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, readOperand(c.o, Value{}, c.ev, snap))
		})
	}
}
