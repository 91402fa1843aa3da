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
