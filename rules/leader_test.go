package rules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// defaultTimeout is the default writeTimeoutMs: how long a takeover waits, at
// most, for a write the previous writer had in flight.
const defaultTimeout = 5000

// fxReads returns the read commands of an output, by destination.
func fxReads(out Output) map[Destination]int64 {
	m := map[Destination]int64{}
	for _, c := range out.Commands {
		if c.Read {
			m[c.Destination] = c.ID
		}
	}
	return m
}

// fxWrites returns the write commands of an output.
func fxWrites(out Output) []Command {
	var w []Command
	for _, c := range out.Commands {
		if !c.Read {
			w = append(w, c)
		}
	}
	return w
}

// fxAnswer answers a takeover's two reads with the platforms' states.
func fxAnswer(t *testing.T, co *Coordinator, now int64, out Output, connect string, omni string) Output {
	t.Helper()
	reads := fxReads(out)
	require.Len(t, reads, 2, "a takeover reads both systems")
	co.HandleCommandResult(now, Result{ID: reads[DestinationConnect], OK: true, Connect: &ConnectReport{State: connect, HasState: true}})
	sf := &SalesforceReport{HasStatus: true, StatusAPIName: omni}
	if omni == OfflineStatus {
		sf = &SalesforceReport{HasStatus: true, LoggedOut: true}
	}
	return co.HandleCommandResult(now, Result{ID: reads[DestinationSalesforce], OK: true, Salesforce: sf})
}

func fxFollower(t *testing.T, opts func(*Options), rules ...fxRule) *Coordinator {
	t.Helper()
	co := fxCoord(t, opts, rules...)
	out := co.SetLeader(0, false)
	require.Empty(t, out.Commands)
	return co
}

func TestLosingLeadershipDropsPendingWrites(t *testing.T) {
	co := fxCoord(t, nil, fxOmniToConnect("Lunch", "Lunch"), fxOmniToConnect("Available", "Available"))
	out := co.HandleEvent(10, omniEv("Lunch", ""))
	require.Len(t, out.Commands, 1)
	out = co.HandleResult(20, out.Commands[0].ID, false, "InvalidStateException", "busy")
	require.Equal(t, StatusRetrying, out.Actions[0].Status)

	out = co.SetLeader(30, false)
	require.Len(t, out.Actions, 1)
	assert.Equal(t, StatusSuperseded, out.Actions[0].Status)
	assert.Zero(t, out.WakeAt, "no retry left to wake up for")
	out = co.Tick(1000)
	assert.Empty(t, out.Commands, "a follower never retries")
	out = co.HandleEvent(1100, omniEv("Available", "OmniManualStatusChange"))
	assert.Empty(t, out.Commands)
	require.Len(t, out.Decisions, 1, "followers still decide, for the log")
	assert.Equal(t, []string{"Available:skipped"}, fxStatuses(out))

	// Becoming the writer again: both systems read; they agree with the rules, nothing written.
	out = co.SetLeader(1200, true)
	assert.Len(t, fxReads(out), 2)
	assert.Empty(t, fxWrites(out))
	out = fxAnswer(t, co, 1210, out, "Available", "Available")
	assert.Empty(t, out.Commands)
	assert.Empty(t, out.Decisions, "reconcile is none by default")
}

// A write sent while this tab was the writer and refused after it became a
// follower is not retried, and raises no write-failed.
func TestFollowerNeverRetries(t *testing.T) {
	co := fxCoord(t, nil, fxOmniToConnect("Lunch", "Lunch"))
	out := co.HandleEvent(10, omniEv("Lunch", ""))
	require.Len(t, out.Commands, 1)
	co.SetLeader(20, false)
	out = co.HandleResult(30, out.Commands[0].ID, false, "InvalidStateException", "busy")
	require.Len(t, out.Actions, 1)
	assert.Equal(t, StatusSuperseded, out.Actions[0].Status)
	assert.Empty(t, out.Errors)
	assert.Zero(t, out.WakeAt)
	out = co.Tick(10000)
	assert.Empty(t, out.Commands)
	assert.Empty(t, out.Errors)
}

// The writer's writes in flight, as a follower hears of them, are waited for
// (bounded) before the new writer reads both systems.
func TestTakeoverWaitsForTheWritersWritesInFlight(t *testing.T) {
	rules := []fxRule{fxConnectToOmni("Lunch", "Lunch")}
	remote := RemoteAction{From: "tab-1", ID: 7, Destination: DestinationSalesforce, Value: "Lunch", Rule: "Connect Lunch -> Omni Lunch",
		RuleIndex: 0, Status: StatusIssued}
	t.Run("until the write shows up", func(t *testing.T) {
		co := fxFollower(t, nil, rules...)
		co.HandleEvent(10, connectEv("Available", "Lunch"))
		co.HandleRemote(12, remote)
		out := co.SetLeader(20, true)
		assert.Empty(t, out.Commands, "the previous writer's write is still in flight")
		assert.Equal(t, int64(12+defaultTimeout), out.WakeAt, "until its answer would have been due")
		out = co.HandleEvent(50, Event{Type: SourceSalesforceStateChange, StatusAPIName: "Lunch", Reason: "OmniToolkitStatusChange"})
		require.Len(t, out.Decisions, 1)
		assert.True(t, out.Decisions[0].Echo, "a follower knows the writer's echo")
		assert.Len(t, fxReads(out), 2, "it showed up: read both systems now")
		out = fxAnswer(t, co, 60, out, "Lunch", "Lunch")
		assert.Empty(t, out.Commands, "the write showed up: not made again")
	})
	t.Run("at most until its answer would have been due", func(t *testing.T) {
		co := fxFollower(t, nil, rules...)
		co.HandleEvent(10, connectEv("Available", "Lunch"))
		co.HandleRemote(12, remote)
		out := co.SetLeader(20, true)
		assert.Empty(t, co.Tick(12+defaultTimeout-1).Commands)
		out = co.Tick(12 + defaultTimeout)
		assert.Len(t, fxReads(out), 2)
		// The read shows it never landed (the old writer closed before sending it): made now, once.
		out = fxAnswer(t, co, 5100, out, "Lunch", "Available")
		w := fxWrites(out)
		require.Len(t, w, 1)
		assert.Equal(t, "Lunch", w[0].Value)
		assert.Equal(t, DestinationSalesforce, w[0].Destination)
		assert.Equal(t, []string{"Lunch:issued"}, fxStatuses(out))
		assert.Equal(t, reasonAdopted, out.Actions[0].Reason)
	})
	t.Run("the write landed, as the read shows", func(t *testing.T) {
		co := fxFollower(t, nil, rules...)
		co.HandleEvent(10, connectEv("Available", "Lunch"))
		co.HandleRemote(12, remote)
		out := co.Tick(20 + defaultTimeout)
		assert.Empty(t, out.Commands, "a follower does not take over by itself")
		co.SetLeader(30, true)
		out = co.Tick(30 + defaultTimeout)
		out = fxAnswer(t, co, 5100, out, "Lunch", "Lunch")
		assert.Empty(t, out.Commands)
		assert.Empty(t, out.Actions)
	})
	// Regression: the wait was a fixed 1 s, after which the takeover read both
	// systems, did not see the write, and made it again; the previous writer's
	// write then landed too — two writes for one decision.
	t.Run("a write landing later than a second is not made again", func(t *testing.T) {
		co := fxFollower(t, nil, rules...)
		co.HandleEvent(10, connectEv("Available", "Lunch"))
		co.HandleRemote(12, remote)
		co.SetLeader(20, true)
		out := co.Tick(1500)
		assert.Empty(t, out.Commands, "still waiting: the write's answer is not due yet")
		out = co.HandleEvent(2500, Event{Type: SourceSalesforceStateChange, StatusAPIName: "Lunch", Reason: "OmniToolkitStatusChange"})
		assert.True(t, out.Decisions[0].Echo)
		require.Len(t, fxReads(out), 2, "it showed up: read both systems now")
		out = fxAnswer(t, co, 2510, out, "Lunch", "Lunch")
		assert.Empty(t, fxWrites(out), "not made again")
		assert.Empty(t, fxWrites(co.Tick(6000)))
	})
}

// The old writer closed after deciding but before writing or telling anyone:
// the follower decided the same event, and makes that write when it takes over.
func TestTakeoverMakesTheWriteNobodyMade(t *testing.T) {
	co := fxFollower(t, nil, fxConnectToOmni("Lunch", "Lunch"), fxOmniToConnect("Break", "Break"))
	out := co.HandleEvent(10, connectEv("Available", "Lunch"))
	assert.Equal(t, []string{"Lunch:skipped"}, fxStatuses(out))
	out = co.SetLeader(20, true)
	out = fxAnswer(t, co, 30, out, "Lunch", "Available")
	w := fxWrites(out)
	require.Len(t, w, 1)
	assert.Equal(t, "Lunch", w[0].Value)
	// Once: its echo is this writer's, nothing else follows.
	out = co.HandleResult(40, w[0].ID, true, "", "")
	assert.Equal(t, []string{"Lunch:applied"}, fxStatuses(out))
	out = co.HandleEvent(50, Event{Type: SourceSalesforceStateChange, StatusAPIName: "Lunch", Reason: "OmniToolkitStatusChange"})
	assert.True(t, out.Decisions[0].Echo)
	assert.Empty(t, out.Commands)
}

// A follower's own intent is dropped once the writer reports the same write,
// or once the change shows up; a change the agent made since is newer.
func TestFollowerIntents(t *testing.T) {
	rules := []fxRule{fxConnectToOmni("Lunch", "Lunch"), fxConnectToOmni("Break", "Break")}
	for _, tc := range []struct {
		name  string
		after func(co *Coordinator)
		omni  string // what the read shows
		want  []string
	}{
		{"nothing heard: made", func(co *Coordinator) {}, "Available", []string{"Lunch"}},
		{"the writer applied it, the read shows it", func(co *Coordinator) {
			co.HandleRemote(11, RemoteAction{ID: 1, Destination: DestinationSalesforce, Value: "Lunch", Status: StatusApplied, RuleIndex: 0})
		}, "Lunch", nil},
		{"the writer skipped it", func(co *Coordinator) {
			co.HandleRemote(11, RemoteAction{ID: 1, Destination: DestinationSalesforce, Value: "Lunch", Status: StatusSkipped, RuleIndex: 0})
		}, "Available", nil},
		{"it showed up", func(co *Coordinator) {
			co.HandleEvent(11, omniEv("Lunch", "OmniToolkitStatusChange"))
		}, "Lunch", nil},
		{"the agent chose another status since", func(co *Coordinator) {
			co.HandleEvent(11, omniEv("Available", "OmniManualStatusChange"))
		}, "Available", nil},
		{"a newer intent wins", func(co *Coordinator) {
			co.HandleEvent(11, connectEv("Lunch", "Break"))
		}, "Available", []string{"Break"}},
		{"too old", func(co *Coordinator) {}, "Available", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			co := fxFollower(t, nil, rules...)
			co.HandleEvent(10, connectEv("Available", "Lunch"))
			tc.after(co)
			at := int64(20)
			if tc.name == "too old" {
				at = 10 + shadowTTLMs + 1
			}
			out := co.SetLeader(at, true)
			if len(fxReads(out)) == 0 { // waiting for the writer's write in flight
				at += defaultTimeout
				out = co.Tick(at)
			}
			out = fxAnswer(t, co, at+1, out, co.Snapshot().ConnectState, tc.omni)
			var got []string
			for _, w := range fxWrites(out) {
				got = append(got, w.Value)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// A change the new writer had missed shows in its reads: decided as a
// catch-up event; the previous writer's intents for that system are older.
func TestTakeoverCatchUp(t *testing.T) {
	co := fxFollower(t, nil, fxConnectToOmni("Break", "Break"), fxOmniToConnect("Lunch", "Lunch"))
	out := co.SetLeader(10, true)
	out = fxAnswer(t, co, 20, out, "Break", "Available")
	require.Len(t, out.Decisions, 1)
	d := out.Decisions[0]
	assert.Equal(t, "Break", d.Event.NewState)
	assert.Equal(t, "Available", d.Event.OldState)
	assert.Equal(t, noteCatchUp, d.Note)
	w := fxWrites(out)
	require.Len(t, w, 1)
	assert.Equal(t, "Break", w[0].Value)
	assert.Equal(t, "Break", co.Snapshot().ConnectState)

	// A change handled after a read was sent is newer than the read: no catch-up from it.
	co = fxFollower(t, nil, fxConnectToOmni("Break", "Break"))
	out = co.SetLeader(10, true)
	co.HandleEvent(15, connectEv("Available", "Lunch"))
	out = fxAnswer(t, co, 20, out, "Break", "Available")
	assert.Empty(t, out.Decisions)
	assert.Equal(t, "Lunch", co.Snapshot().ConnectState)
}

// Events during a takeover are decided; their writes wait for its end (deferred,
// then issued), superseding older intents.
func TestTakeoverHoldsWritesUntilItEnds(t *testing.T) {
	co := fxFollower(t, nil, fxConnectToOmni("Lunch", "Lunch"), fxConnectToOmni("Break", "Break"))
	out := co.SetLeader(10, true)
	reads := out
	out = co.HandleEvent(12, connectEv("Available", "Lunch"))
	assert.Equal(t, []string{"Lunch:deferred"}, fxStatuses(out))
	assert.Equal(t, reasonTakingOver, out.Actions[0].Reason)
	out = co.HandleEvent(14, connectEv("Lunch", "Break"))
	assert.Equal(t, []string{"Lunch:superseded", "Break:deferred"}, fxStatuses(out))
	out = fxAnswer(t, co, 20, reads, "Break", "Available")
	assert.Empty(t, out.Decisions, "the reads show nothing this tab missed")
	assert.Equal(t, []string{"Break:issued"}, fxStatuses(out))

	// Losing the role during a takeover drops what it held.
	co = fxFollower(t, nil, fxConnectToOmni("Lunch", "Lunch"))
	reads = co.SetLeader(10, true)
	co.HandleEvent(12, connectEv("Available", "Lunch"))
	out = co.SetLeader(13, false)
	assert.Equal(t, []string{"Lunch:superseded"}, fxStatuses(out))
	assert.Zero(t, out.WakeAt, "its reads are dropped")
	out = co.HandleCommandResult(14, Result{ID: fxReads(reads)[DestinationConnect], OK: true, Connect: &ConnectReport{State: "Lunch", HasState: true}})
	assert.Empty(t, out.Commands)
}

// A read with no answer times out like a write; the takeover goes on with what it knew.
func TestTakeoverReadTimeout(t *testing.T) {
	co := fxFollower(t, func(o *Options) { o.WriteTimeoutMs = 1000 }, fxConnectToOmni("Lunch", "Lunch"))
	co.HandleEvent(5, connectEv("Available", "Lunch"))
	out := co.SetLeader(10, true)
	reads := fxReads(out)
	assert.Equal(t, int64(1010), out.WakeAt)
	co.HandleCommandResult(20, Result{ID: reads[DestinationConnect], OK: true, Connect: &ConnectReport{State: "Lunch", HasState: true}})
	out = co.Tick(1010)
	assert.Equal(t, []string{CodeTimeout}, fxErrCodes(out))
	assert.Contains(t, out.Errors[0].Message, "Omni-Channel did not answer a read")
	require.Len(t, fxWrites(out), 1, "the intent it knew is made")

	// A refused read: start-failed, and the same.
	co = fxFollower(t, nil, fxConnectToOmni("Lunch", "Lunch"))
	out = co.SetLeader(10, true)
	reads = fxReads(out)
	co.HandleCommandResult(20, Result{ID: reads[DestinationConnect], OK: false, ErrorType: "Error", ErrorMessage: "no agent"})
	out = co.HandleCommandResult(30, Result{ID: reads[DestinationSalesforce], OK: true, Salesforce: &SalesforceReport{HasStatus: true, StatusAPIName: "Available"}})
	assert.Empty(t, out.Errors, "the Salesforce read answered")
	assert.Empty(t, out.Commands)
}

// Semantics 17: reconcile per options.reconcile, at start and on takeover,
// against the chosen system's current state; none by default.
func TestReconcile(t *testing.T) {
	rules := []fxRule{fxConnectToOmni("Lunch", "Lunch"), fxOmniToConnect("Break", "Break"),
		fxBase().with("name", "logout", "source", "Salesforce Agent Logout", "operandA", "Salesforce Agent New State",
			"operandBValue", "Offline", "destination", "Connect Agent State", "value", "Offline")}
	for _, tc := range []struct {
		mode, connect, omni string
		want                []string // destination:value
	}{
		{ReconcileNone, "Lunch", "Break", nil},
		{ReconcileConnect, "Lunch", "Break", []string{"Salesforce Agent State:Lunch"}},
		{ReconcileSalesforce, "Lunch", "Break", []string{"Connect Agent State:Break"}},
		{ReconcileSalesforce, "Available", OfflineStatus, []string{"Connect Agent State:Offline"}},
		{ReconcileConnect, "Lunch", "Lunch", nil}, // already there: no write
	} {
		t.Run(tc.mode+" "+tc.connect+" "+tc.omni, func(t *testing.T) {
			opts := DefaultOptions()
			opts.Reconcile = tc.mode
			// At start.
			co := NewCoordinator(fxEngine(t, fxCatalog(), rules...), opts)
			out := co.Start(0, State{ConnectState: tc.connect, SalesforceStatus: tc.omni}, nil)
			assert.Equal(t, tc.want, commandsText(out), "at start")
			for _, d := range out.Decisions {
				assert.True(t, d.Reconcile)
				assert.Contains(t, d.Note, "reconcile")
			}
			if tc.mode != ReconcileNone {
				assert.Len(t, out.Decisions, 1)
			}
			// On takeover.
			co = NewCoordinator(fxEngine(t, fxCatalog(), rules...), opts)
			co.SetLeader(0, false)
			co.Start(0, State{ConnectState: tc.connect, SalesforceStatus: tc.omni}, nil)
			out = co.SetLeader(10, true)
			out = fxAnswer(t, co, 20, out, tc.connect, tc.omni)
			assert.Equal(t, tc.want, commandsText(out), "on takeover")
		})
	}
	// A reconcile sees what this engine is writing: no undoing its own write.
	opts := DefaultOptions()
	opts.Reconcile = ReconcileConnect
	co := NewCoordinator(fxEngine(t, fxCatalog(), fxConnectToOmni("Lunch", "Lunch"), fxOmniToConnect("Available", "Available")), opts)
	co.SetLeader(0, false)
	co.Start(0, State{ConnectState: "Lunch", SalesforceStatus: "Lunch"}, nil)
	co.HandleEvent(5, omniEv("Available", "OmniManualStatusChange"))
	out := co.SetLeader(10, true)
	out = fxAnswer(t, co, 20, out, "Lunch", "Available")
	assert.Equal(t, []string{"Connect Agent State:Available"}, commandsText(out), "the follower's intent is made; the reconcile adds nothing")
}

func commandsText(out Output) []string {
	var s []string
	for _, c := range fxWrites(out) {
		s = append(s, c.Destination.String()+":"+c.Value)
	}
	return s
}

// Semantics 18 across tabs: the writer's issued write starts its rule's cooldown in every tab.
func TestRemoteIssuedStartsCooldown(t *testing.T) {
	co := fxFollower(t, nil, fxConnectToOmni("Lunch", "Lunch").with("cooldownMs", 5000), fxConnectToOmni("Lunch", "Break"))
	co.HandleRemote(10, RemoteAction{ID: 1, Destination: DestinationSalesforce, Value: "Lunch", Rule: "Connect Lunch -> Omni Lunch", RuleIndex: 0, Status: StatusIssued})
	out := co.HandleEvent(20, connectEv("Available", "Lunch"))
	require.Len(t, out.Decisions, 1)
	assert.Equal(t, OutcomeCooling, out.Decisions[0].Rules[0].Outcome)
	assert.Equal(t, int32(4990), out.Decisions[0].Rules[0].CoolLeftMs)
	assert.Equal(t, "Break", out.Decisions[0].Actions[0].Value)
}

func TestHugeUnknownEventTypeIsQuotedShort(t *testing.T) {
	_, err := DecodeEvent([]byte(`{"type":"` + strings.Repeat("x", 100000) + `"}`))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 1000)
	assert.Equal(t, CodeInvalidEvent, err.(*Error).Code)
}
