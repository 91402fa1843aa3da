package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loginEv(status string) Event {
	return Event{Type: SourceSalesforceStateChange, StatusAPIName: status, Reason: ReasonLogin}
}

// Omni-Channel fires loginSuccess then the same status as a statusChanged: the
// repeat is a duplicate decision, no rule evaluated. A login reporting the
// status already known is one too.
func TestLoginDeduplication(t *testing.T) {
	rules := []fxRule{fxOmniToConnect("Available", "Available"), fxOmniToConnect("Lunch", "Lunch")}
	for _, tc := range []struct {
		name      string
		start     string // Omni status at start
		events    []Event
		duplicate []bool // per event
	}{
		{"login then the same status", OfflineStatus,
			[]Event{loginEv("Available"), omniEv("Available", "")}, []bool{false, true}},
		{"by Id, 15 and 18 characters", OfflineStatus,
			[]Event{{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000001", Reason: ReasonLogin},
				{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000001AAA"}}, []bool{false, true}},
		{"login then another status", OfflineStatus,
			[]Event{loginEv("Available"), omniEv("Lunch", "OmniManualStatusChange")}, []bool{false, false}},
		{"only the status change right after the login", OfflineStatus,
			[]Event{loginEv("Available"), {Type: SourceSalesforceWorkloadChanged, NewWorkload: Num(1)}, omniEv("Available", "")}, []bool{false, false, false}},
		{"a login reporting the status already known", "Available",
			[]Event{loginEv("Available")}, []bool{true}},
		{"a login after a logout is not", "Available",
			[]Event{{Type: SourceSalesforceLogout}, loginEv("Available")}, []bool{false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			co := NewCoordinator(fxEngine(t, fxCatalog(), rules...), DefaultOptions())
			co.Start(0, State{ConnectState: "Training", SalesforceStatus: tc.start}, nil)
			for i, ev := range tc.events {
				out := co.HandleEvent(int64(10*(i+1)), ev)
				require.Len(t, out.Decisions, 1)
				d := out.Decisions[0]
				assert.Equal(t, tc.duplicate[i], d.Duplicate, "event %d", i)
				if d.Duplicate {
					assert.Empty(t, d.Rules, "no rule evaluated")
					assert.Empty(t, out.Commands)
					assert.Equal(t, noteDuplicateLogin, d.Note)
				}
			}
		})
	}
}

// A status change whose Id the catalog does not know, without its
// DeveloperName, is named by reading the current status; the events that come
// meanwhile wait, in order.
func TestStatusNamedByRead(t *testing.T) {
	rules := []fxRule{fxOmniToConnect("Meeting", "Lunch"), fxConnectToOmni("Break", "Break")}
	unnamed := Event{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000009", Reason: "OmniManualStatusChange"}
	t.Run("named by the current status", func(t *testing.T) {
		co := fxCoord(t, nil, rules...)
		out := co.HandleEvent(10, unnamed)
		assert.Empty(t, out.Decisions, "held until named")
		reads := fxReads(out)
		require.Contains(t, reads, DestinationSalesforce)
		out = co.HandleEvent(11, connectEv("Available", "Break"))
		assert.Empty(t, out.Decisions, "later events wait behind it")
		out = co.HandleCommandResult(12, Result{ID: reads[DestinationSalesforce], OK: true, Salesforce: &SalesforceReport{
			HasStatus: true, StatusID: "0N5xx0000000009AAA", StatusAPIName: "Meeting", StatusName: "In a Meeting"}})
		require.Len(t, out.Decisions, 2)
		assert.Equal(t, "Meeting", out.Decisions[0].Event.StatusAPIName)
		assert.Equal(t, "Break", out.Decisions[1].Event.NewState, "in order")
		assert.Equal(t, []string{"Connect Agent State:Lunch", "Salesforce Agent State:Break"}, commandsText(out))
	})
	t.Run("named by the catalog the read brings", func(t *testing.T) {
		co := fxCoord(t, nil, rules...)
		out := co.HandleEvent(10, unnamed)
		out = co.HandleCommandResult(12, Result{ID: fxReads(out)[DestinationSalesforce], OK: true, Salesforce: &SalesforceReport{
			HasStatus: true, StatusID: "0N5xx0000000001", StatusAPIName: "Available",
			HasStatuses: true, Statuses: []SalesforceStatus{{ID: "0N5xx0000000009", DeveloperName: "Meeting", Label: "Meeting"}}}})
		require.Len(t, out.Decisions, 1)
		assert.Equal(t, "Meeting", out.Decisions[0].Event.StatusAPIName)
	})
	t.Run("not named: invalid-event, skipped, later events go on", func(t *testing.T) {
		co := fxCoord(t, nil, rules...)
		out := co.HandleEvent(10, unnamed)
		read := fxReads(out)[DestinationSalesforce]
		co.HandleEvent(11, connectEv("Available", "Break"))
		out = co.HandleCommandResult(12, Result{ID: read, OK: true, Salesforce: &SalesforceReport{HasStatus: true, StatusAPIName: "Available", StatusID: "0N5xx0000000001"}})
		assert.Equal(t, []string{CodeInvalidEvent}, fxErrCodes(out))
		assert.Equal(t, "statusApiName", out.Errors[0].Field)
		assert.Contains(t, out.Errors[0].Message, `"0N5xx0000000009"`)
		require.Len(t, out.Decisions, 1)
		assert.Equal(t, "Break", out.Decisions[0].Event.NewState)
	})
	t.Run("a label is enough when the read fails", func(t *testing.T) {
		co := fxCoord(t, func(o *Options) { o.WriteTimeoutMs = 100 }, rules...)
		ev := unnamed
		ev.StatusName = "Meeting"
		out := co.HandleEvent(10, ev)
		assert.Equal(t, int64(110), out.WakeAt, "the read times out like a write")
		out = co.Tick(110)
		assert.Empty(t, out.Errors)
		require.Len(t, out.Decisions, 1)
		assert.Equal(t, "Meeting", co.Snapshot().SalesforceStatus)
	})
	t.Run("too many events waiting: given up", func(t *testing.T) {
		co := fxCoord(t, nil, rules...)
		co.HandleEvent(10, unnamed)
		var out Output
		for i := 0; i <= maxHeldEvents; i++ {
			out = co.HandleEvent(11, Event{Type: SourceSalesforceWorkloadChanged, NewWorkload: Num(float64(i))})
		}
		assert.Equal(t, []string{CodeInvalidEvent}, fxErrCodes(out))
		assert.Len(t, out.Decisions, maxHeldEvents+1)
		assert.Equal(t, Num(float64(maxHeldEvents)), co.Snapshot().Workload)
	})
	t.Run("an echo by Id needs no name", func(t *testing.T) {
		co := fxCoord(t, nil, fxConnectToOmni("Break", "Break"))
		out := co.HandleEvent(10, connectEv("Available", "Break"))
		co.HandleResult(11, out.Commands[0].ID, true, "", "")
		out = co.HandleEvent(12, Event{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000003AAA"})
		assert.Empty(t, fxReads(out))
		assert.True(t, out.Decisions[0].Echo)
	})
}

// Omni-Channel read late: nothing is written to it before, no intent is lost,
// and unknown-state is checked once its catalog is known.
func TestOmniReadLate(t *testing.T) {
	eng := fxEngine(t, nil, fxConnectToOmni("Lunch", "Lunch"), fxConnectToOmni("Break", "Meeting"))
	co := NewCoordinator(eng, DefaultOptions())
	out := co.Start(0, State{ConnectState: "Available", SalesforceNotRead: true}, nil)
	assert.Empty(t, out.Errors)
	out = co.HandleEvent(10, connectEv("Available", "Lunch"))
	assert.Empty(t, out.Commands)
	assert.Equal(t, []string{"Lunch:deferred"}, fxStatuses(out))
	assert.Equal(t, reasonOmniNotRead, out.Actions[0].Reason)
	out = co.HandleSalesforce(20, SalesforceReport{HasStatus: true, StatusID: "0N5xx0000000001", HasStatuses: true,
		Statuses: []SalesforceStatus{{ID: "0N5xx0000000001", DeveloperName: "Available"}, {ID: "0N5xx0000000002", DeveloperName: "Lunch"}}})
	assert.Equal(t, []string{CodeUnknownState}, fxErrCodes(out), "Meeting is missing from the catalog read")
	assert.Equal(t, []string{"Salesforce Agent State:Lunch"}, commandsText(out))
	assert.Equal(t, "0N5xx0000000002", out.Commands[0].StatusID)
	assert.Equal(t, "Available", co.Snapshot().SalesforceStatus, "named from the catalog")

	// Read again, a status that differs is a change this tab missed: a catch-up decision.
	co.HandleResult(30, out.Commands[0].ID, true, "", "")
	out = co.HandleSalesforce(40, SalesforceReport{HasStatus: true, LoggedOut: true})
	require.Len(t, out.Decisions, 1)
	assert.Equal(t, SourceSalesforceLogout, out.Decisions[0].Event.Type)
	assert.Equal(t, noteCatchUpRead, out.Decisions[0].Note)
	out = co.HandleSalesforce(50, SalesforceReport{HasStatus: true, LoggedOut: true})
	assert.Empty(t, out.Decisions, "the same again: nothing")
}

// Key prefixes compare case-sensitively; Ids on their first 15 characters.
func TestCatalogFilling(t *testing.T) {
	cat := Catalog{Salesforce: SalesforceCatalog{
		Statuses:        []SalesforceStatus{{ID: "0N5xx0000000001", DeveloperName: "Available", Label: "Available"}},
		ServiceChannels: []ServiceChannel{{DeveloperName: "sfdc_lead", KeyPrefix: "00Q"}, {DeveloperName: "profiles", KeyPrefix: "00e"}}}}
	for _, tc := range []struct {
		item, channel string
	}{
		{"00Qxx000000abcd", "sfdc_lead"}, {"00qxx000000abcd", ""}, {"00exx000000abcd", "profiles"}, {"00Exx000000abcd", ""}, {"00", ""},
	} {
		assert.Equal(t, tc.channel, cat.ChannelForWorkItem(tc.item), tc.item)
	}
	for _, tc := range []struct {
		id   string
		name string
	}{
		{"0N5xx0000000001", "Available"}, {"0N5xx0000000001AAA", "Available"}, {"0n5xx0000000001", ""}, {"0N5xx000000000", ""},
	} {
		ev := Event{Type: SourceSalesforceStateChange, StatusID: tc.id}
		cat.Normalize(&ev)
		assert.Equal(t, tc.name, ev.StatusAPIName, tc.id)
	}
}
