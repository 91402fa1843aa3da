package rules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLosingLeadershipDropsPendingWrites(t *testing.T) {
	eng, err := Compile([]byte(`{"rules":[
	 {"name":"omni lunch","source":"Salesforce Agent State Change","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Lunch","destination":"Connect Agent State","value":"Lunch"},
	 {"name":"omni available","source":"Salesforce Agent State Change","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Available","destination":"Connect Agent State","value":"Available"}]}`))
	require.NoError(t, err)
	c := NewCoordinator(eng, DefaultOptions())
	c.Start(0, State{ConnectState: "Available", SalesforceStatus: "Available"}, nil)
	out := c.HandleEvent(10, Event{Type: SourceSalesforceStateChange, StatusAPIName: "Lunch"})
	require.Len(t, out.Commands, 1)
	out = c.HandleResult(20, out.Commands[0].ID, false, "InvalidStateException", "busy")
	require.Equal(t, StatusRetrying, out.Actions[0].Status)

	out = c.SetLeader(30, false)
	require.Len(t, out.Actions, 1)
	assert.Equal(t, StatusSuperseded, out.Actions[0].Status)
	assert.Zero(t, out.WakeAt, "no retry left to wake up for")
	out = c.Tick(1000)
	assert.Empty(t, out.Commands, "a follower never retries")
	out = c.HandleEvent(1100, Event{Type: SourceSalesforceStateChange, StatusAPIName: "Available", Reason: "OmniManualStatusChange"})
	assert.Empty(t, out.Commands)
	require.Len(t, out.Decisions, 1, "followers still decide, for the log")

	// Becoming the writer again reconciles: Omni is Available, Connect is Available: nothing to do.
	out = c.SetLeader(1200, true)
	assert.Empty(t, out.Commands)
	require.NotEmpty(t, out.Decisions)
	assert.Contains(t, out.Decisions[0].Note, "reconcile")
}

// A new writer follows the system that changed last; it never swaps two systems that disagree.
func TestReconcileFollowsTheSystemThatChangedLast(t *testing.T) {
	doc := []byte(`{"rules":[
	 {"name":"c lunch","source":"Connect Agent State Change","operandA":"Connect Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Lunch","destination":"Salesforce Agent State","value":"Lunch"},
	 {"name":"c available","source":"Connect Agent State Change","operandA":"Connect Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Available","destination":"Salesforce Agent State","value":"Available"},
	 {"name":"o lunch","source":"Salesforce Agent State Change","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Lunch","destination":"Connect Agent State","value":"Lunch"},
	 {"name":"o available","source":"Salesforce Agent State Change","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Available","destination":"Connect Agent State","value":"Available"}]}`)
	for _, tc := range []struct {
		name      string
		first     Event
		second    Event
		wantDest  Destination
		wantValue string
	}{
		{"Connect changed last", Event{Type: SourceSalesforceStateChange, StatusAPIName: "Available"}, Event{Type: SourceConnectStateChange, NewState: "Lunch"}, DestinationSalesforce, "Lunch"},
		{"Omni changed last", Event{Type: SourceConnectStateChange, NewState: "Lunch"}, Event{Type: SourceSalesforceStateChange, StatusAPIName: "Available"}, DestinationConnect, "Available"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng, err := Compile(doc)
			require.NoError(t, err)
			c := NewCoordinator(eng, DefaultOptions())
			c.Start(0, State{ConnectState: "Available", SalesforceStatus: "Available"}, nil)
			c.SetLeader(1, false)
			c.HandleEvent(10, tc.first)
			c.HandleEvent(20, tc.second)
			out := c.SetLeader(30, true)
			require.Len(t, out.Commands, 1, "one write, to the system that did not change last")
			assert.Equal(t, tc.wantDest, out.Commands[0].Destination)
			assert.Equal(t, tc.wantValue, out.Commands[0].Value)
		})
	}
}

// A write sent while this tab was the writer and refused after it became a
// follower is not retried, and raises no write-failed.
func TestFollowerNeverRetries(t *testing.T) {
	eng, err := Compile([]byte(`{"rules":[{"name":"omni lunch","source":"Salesforce Agent State Change","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Lunch","destination":"Connect Agent State","value":"Lunch"}]}`))
	require.NoError(t, err)
	c := NewCoordinator(eng, DefaultOptions())
	c.Start(0, State{ConnectState: "Available", SalesforceStatus: "Available"}, nil)
	out := c.HandleEvent(10, Event{Type: SourceSalesforceStateChange, StatusAPIName: "Lunch"})
	require.Len(t, out.Commands, 1)
	c.SetLeader(20, false)
	out = c.HandleResult(30, out.Commands[0].ID, false, "InvalidStateException", "busy")
	require.Len(t, out.Actions, 1)
	assert.Equal(t, StatusSuperseded, out.Actions[0].Status)
	assert.Empty(t, out.Errors)
	assert.Zero(t, out.WakeAt)
	out = c.Tick(10000)
	assert.Empty(t, out.Commands)
	assert.Empty(t, out.Errors)
}

func TestHugeUnknownEventTypeIsQuotedShort(t *testing.T) {
	_, err := DecodeEvent([]byte(`{"type":"` + strings.Repeat("x", 100000) + `"}`))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 1000)
	assert.Equal(t, CodeInvalidEvent, err.(*Error).Code)
}
