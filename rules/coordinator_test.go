package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Rules used by the coordinator tests: Connect → Omni and Omni → Connect
// mappings by name.
func fxConnectToOmni(state, status string) fxRule {
	return fxBase().with("name", "Connect "+state+" -> Omni "+status, "operandBValue", state, "value", status)
}

func fxOmniToConnect(status, state string) fxRule {
	return fxBase().with("name", "Omni "+status+" -> Connect "+state, "source", "Salesforce Agent State Change",
		"operandA", "Salesforce Agent New State", "operandBValue", status, "destination", "Connect Agent State", "value", state)
}

// fxCoord starts a coordinator at time 0 with Connect and Omni Available.
func fxCoord(t *testing.T, opts func(*Options), rules ...fxRule) *Coordinator {
	t.Helper()
	o := DefaultOptions()
	if opts != nil {
		opts(&o)
	}
	co := NewCoordinator(fxEngine(t, fxCatalog(), rules...), o)
	out := co.Start(0, State{ConnectState: "Available", SalesforceStatus: "Available"}, nil)
	require.Empty(t, out.Errors)
	require.Empty(t, out.Commands)
	return co
}

func connectEv(old, new string) Event {
	return Event{Type: SourceConnectStateChange, OldState: old, NewState: new}
}

func omniEv(status, reason string) Event {
	return Event{Type: SourceSalesforceStateChange, StatusAPIName: status, Reason: reason}
}

// fxStatuses lists each action status change as "value:status".
func fxStatuses(out Output) []string {
	var s []string
	for _, a := range out.Actions {
		s = append(s, a.Value+":"+string(a.Status))
	}
	return s
}

func fxErrCodes(out Output) []string {
	var s []string
	for _, e := range out.Errors {
		s = append(s, e.Code)
	}
	return s
}

// Semantics 8.
func TestCoordinatorSkipsWriteToCurrentState(t *testing.T) {
	co := fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"), fxConnectToOmni("Available", "Available"))
	out := co.HandleEvent(10, connectEv("Lunch", "Available"))
	assert.Empty(t, out.Commands)
	assert.Equal(t, []string{"Available:skipped"}, fxStatuses(out))
	assert.Equal(t, `Omni-Channel is already "Available"`, out.Actions[0].Reason)
	require.Len(t, out.Decisions, 1)
	require.Len(t, out.Decisions[0].Actions, 1)
	assert.Equal(t, StatusSkipped, out.Decisions[0].Actions[0].Status, "the decision shows what became of the action")

	// Nor when a write in flight already targets it.
	out = co.HandleEvent(20, connectEv("Available", "Lunch"))
	require.Len(t, out.Commands, 1)
	out = co.HandleEvent(30, connectEv("Lunch", "Lunch"))
	assert.Empty(t, out.Commands)
	assert.Equal(t, []string{"Lunch:skipped"}, fxStatuses(out))
	assert.Contains(t, out.Actions[0].Reason, "in flight")
}

// Semantics 9: within the echo window after the write completed the change
// event is an echo; after it, it is not.
func TestCoordinatorEchoWindow(t *testing.T) {
	rules := []fxRule{fxConnectToOmni("Lunch", "Lunch"), fxOmniToConnect("Lunch", "Break")}
	run := func(t *testing.T, opts func(*Options), echoAt int64) *Decision {
		co := fxCoord(t, opts, rules...)
		out := co.HandleEvent(0, connectEv("Available", "Lunch"))
		require.Len(t, out.Commands, 1)
		cmd := out.Commands[0]
		assert.Equal(t, Command{ID: cmd.ID, ActionID: cmd.ActionID, Destination: DestinationSalesforce, Value: "Lunch",
			StatusID: "0N5xx0000000002", Attempt: 1}, cmd)
		out = co.HandleResult(100, cmd.ID, true, "", "")
		assert.Equal(t, []string{"Lunch:applied"}, fxStatuses(out))
		assert.Equal(t, "Lunch", co.Snapshot().SalesforceStatus)
		out = co.HandleEvent(echoAt, Event{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000002AAA", StatusAPIName: "Lunch"})
		require.Len(t, out.Decisions, 1)
		return out.Decisions[0]
	}
	t.Run("within the window", func(t *testing.T) {
		for _, at := range []int64{100, 2000, 5100} {
			d := run(t, nil, at)
			assert.True(t, d.Echo, "at %d", at)
			assert.Empty(t, d.Rules, "no rule is evaluated for an echo")
			assert.Empty(t, d.Actions)
			assert.Contains(t, d.Text(), "echo")
		}
	})
	t.Run("after the window", func(t *testing.T) {
		d := run(t, nil, 5101)
		assert.False(t, d.Echo)
		require.Len(t, d.Rules, 2)
		assert.Equal(t, OutcomeMatched, d.Rules[1].Outcome)
		require.Len(t, d.Actions, 1)
		assert.Equal(t, "Break", d.Actions[0].Value)
	})
	t.Run("custom window", func(t *testing.T) {
		d := run(t, func(o *Options) { o.EchoWindowMs = 1000 }, 1100)
		assert.True(t, d.Echo)
		d = run(t, func(o *Options) { o.EchoWindowMs = 1000 }, 1101)
		assert.False(t, d.Echo)
	})
	t.Run("echoWindowMs 0 turns suppression off", func(t *testing.T) {
		for _, at := range []int64{0, 100, 101} {
			d := run(t, func(o *Options) { o.EchoWindowMs = 0 }, at)
			assert.False(t, d.Echo)
			require.Len(t, d.Rules, 2)
			assert.Equal(t, OutcomeMatched, d.Rules[1].Outcome)
		}
	})
	t.Run("an echo is consumed once", func(t *testing.T) {
		co := fxCoord(t, nil, rules...)
		out := co.HandleEvent(0, connectEv("Available", "Lunch"))
		co.HandleResult(10, out.Commands[0].ID, true, "", "")
		out = co.HandleEvent(20, omniEv("Lunch", ""))
		assert.True(t, out.Decisions[0].Echo)
		out = co.HandleEvent(30, omniEv("Lunch", "OmniManualStatusChange"))
		assert.False(t, out.Decisions[0].Echo, "the agent picking the same status again is not an echo")
	})
	t.Run("a different value is not an echo", func(t *testing.T) {
		co := fxCoord(t, nil, rules...)
		out := co.HandleEvent(0, connectEv("Available", "Lunch"))
		co.HandleResult(10, out.Commands[0].ID, true, "", "")
		out = co.HandleEvent(20, omniEv("Break", ""))
		assert.False(t, out.Decisions[0].Echo)
		assert.Equal(t, "Break", co.Snapshot().SalesforceStatus)
	})
	t.Run("the echo updates the known state", func(t *testing.T) {
		co := fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"))
		out := co.HandleEvent(0, connectEv("Available", "Lunch"))
		// The echo arrives before the result: the snapshot follows the event.
		out = co.HandleEvent(5, Event{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000002", Reason: "OmniToolkitStatusChange"})
		require.True(t, out.Decisions[0].Echo)
		assert.Equal(t, "Lunch", co.Snapshot().SalesforceStatus, "the DeveloperName is resolved from the Id")
	})
}

// Semantics 9, Lightning: a toolkit status change matching a pending write is
// an echo; one that matches nothing is a change like any other.
func TestCoordinatorToolkitEchoOnLightning(t *testing.T) {
	rules := []fxRule{fxConnectToOmni("Lunch", "Lunch"), fxOmniToConnect("Break", "Break"), fxOmniToConnect("Lunch", "Training")}
	co := fxCoord(t, nil, rules...)
	out := co.HandleEvent(0, connectEv("Available", "Lunch"))
	require.Len(t, out.Commands, 1)
	// The status change arrives before setStatus resolves.
	out = co.HandleEvent(50, omniEv("Lunch", "OmniToolkitStatusChange"))
	require.Len(t, out.Decisions, 1)
	assert.True(t, out.Decisions[0].Echo)
	assert.Empty(t, out.Commands)
	out = co.HandleResult(60, 9999, true, "", "") // unrelated id: ignored
	assert.Empty(t, out.Actions)

	// A toolkit change this engine did not ask for (another component) is evaluated.
	co = fxCoord(t, nil, rules...)
	out = co.HandleEvent(0, omniEv("Break", "OmniToolkitStatusChange"))
	require.Len(t, out.Decisions, 1)
	assert.False(t, out.Decisions[0].Echo)
	require.Len(t, out.Commands, 1)
	assert.Equal(t, "Break", out.Commands[0].Value)
}

// fxPlatforms plays both platforms for the loop test: every command succeeds
// and comes back as a change event, with no echo suppression to stop it.
func fxPlayback(t *testing.T, co *Coordinator, now *int64, out Output, max int) (writes []Command, errs []*Error) {
	t.Helper()
	pending := out.Commands
	errs = append(errs, out.Errors...)
	for n := 0; len(pending) > 0 && n < max; n++ {
		cmd := pending[0]
		pending = pending[1:]
		writes = append(writes, cmd)
		*now += 100
		res := co.HandleResult(*now, cmd.ID, true, "", "")
		pending = append(pending, res.Commands...)
		errs = append(errs, res.Errors...)
		var ev Event
		if cmd.Destination == DestinationConnect {
			ev = connectEv("", cmd.Value)
		} else {
			ev = omniEv(cmd.Value, "OmniToolkitStatusChange")
		}
		*now += 10
		res = co.HandleEvent(*now, ev)
		pending = append(pending, res.Commands...)
		errs = append(errs, res.Errors...)
	}
	return writes, errs
}

// Semantics 10: more than loopMaxWrites writes to one destination within the
// loop window pauses it and raises a loop error naming the rules; a hand
// change resumes.
func TestCoordinatorLoopBreaker(t *testing.T) {
	cycle := []fxRule{
		fxConnectToOmni("Lunch", "Break"),
		fxOmniToConnect("Break", "Training"),
		fxConnectToOmni("Training", "Lunch"),
		fxOmniToConnect("Lunch", "Lunch"),
	}
	co := fxCoord(t, func(o *Options) { o.EchoWindowMs = 0 }, cycle...)
	now := int64(0)
	writes, errs := fxPlayback(t, co, &now, co.HandleEvent(now, connectEv("Available", "Lunch")), 100)
	perDest := map[Destination]int{}
	for _, w := range writes {
		perDest[w.Destination]++
	}
	assert.Equal(t, 6, perDest[DestinationSalesforce], "six writes pass, the seventh is held")
	require.Len(t, errs, 1)
	assert.Equal(t, CodeLoop, errs[0].Code)
	assert.Equal(t, "Salesforce Agent State", errs[0].Destination)
	assert.ElementsMatch(t, []string{"Connect Lunch -> Omni Break", "Omni Break -> Connect Training",
		"Connect Training -> Omni Lunch", "Omni Lunch -> Connect Lunch"}, errs[0].Rules)
	for _, r := range errs[0].Rules {
		assert.Contains(t, errs[0].Message, r)
	}
	assert.Contains(t, errs[0].Message, "more than 6 times in 10 s")
	assert.True(t, co.Paused(DestinationSalesforce))
	assert.False(t, co.Paused(DestinationConnect))

	// While paused, a rule's write to it is skipped.
	now += 100
	out := co.HandleEvent(now, connectEv("", "Lunch"))
	assert.Empty(t, out.Commands)
	assert.Equal(t, []string{"Break:skipped"}, fxStatuses(out))
	assert.Contains(t, out.Actions[0].Reason, "loop breaker")

	// The agent's own change resumes it, and its decision says so.
	now += 100
	out = co.HandleEvent(now, omniEv("Available", "OmniManualStatusChange"))
	assert.False(t, co.Paused(DestinationSalesforce))
	require.Len(t, out.Decisions, 1)
	assert.Equal(t, "the agent changed state by hand: writes to Salesforce Agent State paused by the loop breaker resume", out.Decisions[0].Note)
	now += 100
	out = co.HandleEvent(now, connectEv("", "Lunch"))
	require.Len(t, out.Commands, 1)
	assert.Equal(t, "Break", out.Commands[0].Value)
}

func TestCoordinatorLoopWindow(t *testing.T) {
	// Six writes, then the window passes: the seventh goes through.
	co := fxCoord(t, func(o *Options) { o.LoopMaxWrites = 2; o.LoopWindowMs = 1000 },
		fxConnectToOmni("Lunch", "Lunch"), fxConnectToOmni("Break", "Break"))
	now := int64(0)
	write := func(state string) Output {
		now += 10
		out := co.HandleEvent(now, connectEv("", state))
		for _, c := range out.Commands {
			now += 10
			co.HandleResult(now, c.ID, true, "", "")
		}
		return out
	}
	// Hand changes reset the count, so each Connect event here is a hand
	// change; the count is per destination within the window, not per event.
	assert.Len(t, write("Lunch").Commands, 1)
	assert.Len(t, write("Break").Commands, 1)
	out := write("Lunch")
	assert.Len(t, out.Commands, 1, "a hand change resets the loop count")
	assert.Empty(t, out.Decisions[0].Note, "nothing was paused: no resume to note")
}

// Semantics 11: one write in flight per destination; a newer target replaces
// a queued one, which is reported superseded.
func TestCoordinatorOneWriteInFlightLatestWins(t *testing.T) {
	co := fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"), fxConnectToOmni("Break", "Break"),
		fxConnectToOmni("Training", "Training"), fxConnectToOmni("Available", "Available"))
	out := co.HandleEvent(0, connectEv("Available", "Lunch"))
	require.Len(t, out.Commands, 1)
	first := out.Commands[0]
	assert.Equal(t, []string{"Lunch:issued"}, fxStatuses(out))

	out = co.HandleEvent(10, connectEv("Lunch", "Break"))
	assert.Empty(t, out.Commands, "one write in flight")
	assert.Equal(t, []string{"Break:queued"}, fxStatuses(out))

	out = co.HandleEvent(20, connectEv("Break", "Training"))
	assert.Empty(t, out.Commands)
	assert.Equal(t, []string{"Break:superseded", "Training:queued"}, fxStatuses(out))
	assert.Contains(t, out.Actions[0].Reason, `replaced by "Training"`)

	out = co.HandleResult(30, first.ID, true, "", "")
	assert.Equal(t, []string{"Lunch:applied", "Training:issued"}, fxStatuses(out))
	require.Len(t, out.Commands, 1)
	assert.Equal(t, "Training", out.Commands[0].Value)

	// Back to where the write in flight goes, while it is in flight: the
	// newest intent replaces the queued one and, once the write in flight
	// lands, is skipped: no second write of the same value.
	out = co.HandleEvent(40, connectEv("Training", "Available"))
	assert.Equal(t, []string{"Available:queued"}, fxStatuses(out))
	out = co.HandleEvent(50, connectEv("Available", "Training"))
	assert.Equal(t, []string{"Available:superseded", "Training:queued"}, fxStatuses(out))
	out = co.HandleResult(60, co.dests[DestinationSalesforce].inflight.cmdID, true, "", "")
	assert.Equal(t, []string{"Training:applied", "Training:skipped"}, fxStatuses(out))
	assert.Empty(t, out.Commands)
}

// Destinations are independent: a write in flight to one does not hold the other.
func TestCoordinatorDestinationsIndependent(t *testing.T) {
	co := fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"), fxOmniToConnect("Break", "Break"))
	out := co.HandleEvent(0, connectEv("Available", "Lunch"))
	require.Len(t, out.Commands, 1)
	out = co.HandleEvent(10, omniEv("Break", "OmniManualStatusChange"))
	require.Len(t, out.Commands, 1)
	assert.Equal(t, DestinationConnect, out.Commands[0].Destination)
}

// Semantics 12: 3 tries in all, 250 ms then 500 ms apart, then write-failed.
func TestCoordinatorRetriesWithBackoff(t *testing.T) {
	co := fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"))
	out := co.HandleEvent(0, connectEv("Available", "Lunch"))
	require.Len(t, out.Commands, 1)
	c1 := out.Commands[0]
	assert.Equal(t, int64(5000), out.WakeAt, "the write times out after writeTimeoutMs")

	out = co.HandleResult(100, c1.ID, false, "InvalidStateException", "not now")
	assert.Equal(t, []string{"Lunch:retrying"}, fxStatuses(out))
	assert.Contains(t, out.Actions[0].Reason, "try 2 of 3 in 250 ms")
	assert.Empty(t, out.Commands)
	assert.Empty(t, out.Errors)
	assert.Equal(t, int64(350), out.WakeAt)

	out = co.Tick(349)
	assert.Empty(t, out.Commands, "not before the backoff")
	out = co.Tick(350)
	require.Len(t, out.Commands, 1)
	c2 := out.Commands[0]
	assert.Equal(t, 2, c2.Attempt)
	assert.Equal(t, c1.ActionID, c2.ActionID, "a retry is the same write")
	assert.NotEqual(t, c1.ID, c2.ID, "each try has its own id")

	out = co.HandleResult(400, c2.ID, false, "ThrottlingException", "slow down")
	assert.Contains(t, out.Actions[0].Reason, "try 3 of 3 in 500 ms")
	assert.Equal(t, int64(900), out.WakeAt)
	assert.Empty(t, co.Tick(899).Commands)
	out = co.Tick(900)
	require.Len(t, out.Commands, 1)
	c3 := out.Commands[0]
	assert.Equal(t, 3, c3.Attempt)

	out = co.HandleResult(950, c3.ID, false, "NetworkError", "offline")
	assert.Equal(t, []string{"Lunch:failed"}, fxStatuses(out))
	require.Len(t, out.Errors, 1)
	e := out.Errors[0]
	assert.Equal(t, CodeWriteFailed, e.Code)
	assert.Equal(t, "NetworkError", e.Cause)
	assert.Equal(t, "Connect Lunch -> Omni Lunch", e.Rule)
	assert.Contains(t, e.Message, "after 3 tries")
	assert.Equal(t, int64(0), out.WakeAt)
	assert.Empty(t, co.Tick(100000).Commands)

	// A success on a retry is applied.
	co = fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"))
	out = co.HandleEvent(0, connectEv("Available", "Lunch"))
	co.HandleResult(10, out.Commands[0].ID, false, "InvalidStateException", "")
	out = co.Tick(260)
	require.Len(t, out.Commands, 1)
	out = co.HandleResult(270, out.Commands[0].ID, true, "", "")
	assert.Equal(t, []string{"Lunch:applied"}, fxStatuses(out))
	assert.Equal(t, "Lunch", co.Snapshot().SalesforceStatus)
}

func TestCoordinatorRetryOptions(t *testing.T) {
	co := fxCoord(t, func(o *Options) { o.RetryAttempts = 1 }, fxConnectToOmni("Lunch", "Lunch"))
	out := co.HandleEvent(0, connectEv("Available", "Lunch"))
	out = co.HandleResult(10, out.Commands[0].ID, false, "InvalidStateException", "")
	assert.Equal(t, []string{"Lunch:failed"}, fxStatuses(out))
	assert.Equal(t, []string{CodeWriteFailed}, fxErrCodes(out))

	co = fxCoord(t, func(o *Options) { o.RetryAttempts = 4; o.RetryBaseMs = 100 }, fxConnectToOmni("Lunch", "Lunch"))
	out = co.HandleEvent(0, connectEv("Available", "Lunch"))
	now := int64(0)
	var waits []int64
	for try := 1; try < 4; try++ {
		out = co.HandleResult(now, out.Commands[0].ID, false, "InvalidStateException", "")
		waits = append(waits, out.WakeAt-now)
		now = out.WakeAt
		out = co.Tick(now)
		require.Len(t, out.Commands, 1)
	}
	assert.Equal(t, []int64{100, 200, 400}, waits, "doubling from retryBaseMs")
}

// Semantics 12: permanent errors are not retried.
func TestCoordinatorPermanentErrors(t *testing.T) {
	for _, errType := range []string{"InvalidParameterException", "AccessDeniedException", CodeUnknownState,
		"INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY"} {
		t.Run(errType, func(t *testing.T) {
			co := fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"))
			out := co.HandleEvent(0, connectEv("Available", "Lunch"))
			out = co.HandleResult(10, out.Commands[0].ID, false, errType, "no")
			assert.Equal(t, []string{"Lunch:failed"}, fxStatuses(out))
			assert.Contains(t, out.Actions[0].Reason, "permanent")
			require.Equal(t, []string{CodeWriteFailed}, fxErrCodes(out))
			assert.Equal(t, errType, out.Errors[0].Cause)
			assert.Equal(t, int64(0), out.WakeAt)
			assert.Empty(t, co.Tick(10000).Commands)
		})
	}
	t.Run("permission error in the message", func(t *testing.T) {
		co := fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"))
		out := co.HandleEvent(0, connectEv("Available", "Lunch"))
		out = co.HandleResult(10, out.Commands[0].ID, false, "Error", "The user does not have permission to change presence status")
		assert.Equal(t, []string{"Lunch:failed"}, fxStatuses(out))
	})
	t.Run("a target missing from the catalog is never sent", func(t *testing.T) {
		co := NewCoordinator(fxEngine(t, nil, fxConnectToOmni("Lunch", "Meeting")), DefaultOptions())
		live := &Catalog{Salesforce: SalesforceCatalog{Statuses: []SalesforceStatus{{ID: "0N5xx0000000001", DeveloperName: "Available", Label: "Available"}}}}
		co.Start(0, State{ConnectState: "Available", SalesforceStatus: "Available"}, live)
		out := co.HandleEvent(10, connectEv("Available", "Lunch"))
		assert.Empty(t, out.Commands)
		assert.Equal(t, []string{"Meeting:failed"}, fxStatuses(out))
		assert.Equal(t, []string{CodeUnknownState}, fxErrCodes(out))
	})
}

// Semantics 12: no answer within writeTimeoutMs is a failed try.
func TestCoordinatorTimeout(t *testing.T) {
	co := fxCoord(t, func(o *Options) { o.WriteTimeoutMs = 1000 }, fxConnectToOmni("Lunch", "Lunch"))
	out := co.HandleEvent(0, connectEv("Available", "Lunch"))
	c1 := out.Commands[0]
	assert.Equal(t, int64(1000), out.WakeAt)
	out = co.Tick(999)
	assert.Empty(t, out.Errors)
	out = co.Tick(1000)
	assert.Equal(t, []string{CodeTimeout}, fxErrCodes(out))
	assert.Contains(t, out.Errors[0].Message, "within 1 s")
	assert.Equal(t, []string{"Lunch:retrying"}, fxStatuses(out))
	assert.Equal(t, int64(1250), out.WakeAt)
	out = co.Tick(1250)
	require.Len(t, out.Commands, 1)
	c2 := out.Commands[0]
	assert.Equal(t, 2, c2.Attempt)

	// The late answer to the first try changes nothing.
	out = co.HandleResult(1300, c1.ID, true, "", "")
	assert.Empty(t, out.Actions)
	out = co.HandleResult(1400, c2.ID, true, "", "")
	assert.Equal(t, []string{"Lunch:applied"}, fxStatuses(out))

	// Three timeouts: write-failed.
	co = fxCoord(t, func(o *Options) { o.WriteTimeoutMs = 1000 }, fxConnectToOmni("Lunch", "Lunch"))
	out = co.HandleEvent(0, connectEv("Available", "Lunch"))
	var codes []string
	for i := 0; i < 10 && out.WakeAt > 0; i++ {
		out = co.Tick(out.WakeAt)
		codes = append(codes, fxErrCodes(out)...)
	}
	assert.Equal(t, []string{CodeTimeout, CodeTimeout, CodeTimeout, CodeWriteFailed}, codes)
}

// Start raises unknown-state once for each rule whose target is missing from
// the live catalog; the rule raises it again each time it fires, with no write.
func TestCoordinatorStartUnknownState(t *testing.T) {
	eng := fxEngine(t, nil,
		fxConnectToOmni("Lunch", "Meeting"),
		fxOmniToConnect("Break", "Coffee"),
		fxConnectToOmni("Break", "Break"),
		fxOmniToConnect("Lunch", "Lunch"),
		fxConnectToOmni("Training", "Offline"),
		fxOmniToConnect("Meeting", "Gone").with("active", false),
	)
	co := NewCoordinator(eng, DefaultOptions())
	cat := Catalog{}
	require.NoError(t, json.Unmarshal(mustJSON(t, fxCatalog()["connect"]), &cat.Connect))
	require.NoError(t, json.Unmarshal(mustJSON(t, fxCatalog()["salesforce"]), &cat.Salesforce))
	out := co.Start(0, State{ConnectState: "Available", SalesforceStatus: "Available"}, &cat)
	require.Equal(t, []string{CodeUnknownState, CodeUnknownState}, fxErrCodes(out), "Offline is always a valid Omni target; inactive rules are not checked")
	assert.Equal(t, "Connect Lunch -> Omni Meeting", out.Errors[0].Rule)
	assert.Equal(t, 0, *out.Errors[0].RuleIndex)
	assert.Equal(t, "Meeting", out.Errors[0].Value)
	assert.Equal(t, "Omni Break -> Connect Coffee", out.Errors[1].Rule)
	assert.Contains(t, out.Errors[1].Message, `"Coffee"`)

	out = co.HandleEvent(10, connectEv("Available", "Lunch"))
	assert.Empty(t, out.Commands)
	assert.Equal(t, []string{CodeUnknownState}, fxErrCodes(out))
	assert.Contains(t, out.Errors[0].Message, "nothing was written")
	out = co.HandleEvent(20, connectEv("Lunch", "Available"))
	assert.Empty(t, out.Errors, "other events raise nothing")
	out = co.HandleEvent(30, connectEv("Available", "Lunch"))
	assert.Equal(t, []string{CodeUnknownState}, fxErrCodes(out), "again each time the rule fires")

	// Without a live catalog, the document's catalog (none here) applies: no errors.
	co = NewCoordinator(eng, DefaultOptions())
	out = co.Start(0, State{ConnectState: "Available", SalesforceStatus: "Available"}, nil)
	assert.Empty(t, out.Errors)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// A follower decides but never writes; becoming the leader takes over (reads
// both systems) and makes the write it decided that nobody made.
func TestCoordinatorFollowerAndLeader(t *testing.T) {
	co := fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"), fxOmniToConnect("Break", "Break"))
	out := co.SetLeader(0, false)
	assert.Empty(t, out.Commands)
	assert.Empty(t, out.Decisions)

	out = co.HandleEvent(10, connectEv("Available", "Lunch"))
	assert.Empty(t, out.Commands)
	require.Len(t, out.Decisions, 1, "a follower still decides")
	assert.Equal(t, []string{"Lunch:skipped"}, fxStatuses(out))
	assert.Contains(t, out.Actions[0].Reason, "follower")
	assert.Equal(t, "Lunch", co.Snapshot().ConnectState, "and keeps track of the state")

	out = co.SetLeader(20, false)
	assert.Empty(t, out.Decisions, "staying a follower does nothing")

	out = co.SetLeader(30, true)
	assert.Empty(t, fxWrites(out))
	out = fxAnswer(t, co, 40, out, "Lunch", "Available")
	assert.Equal(t, []string{"Salesforce Agent State:Lunch"}, commandsText(out))
	assert.True(t, co.Leader())

	out = co.SetLeader(50, true)
	assert.Empty(t, out.Commands, "already the leader: nothing to do")
}

// Logging out of Omni-Channel: the Offline target is a logout command.
func TestCoordinatorOfflineTargetLogsOut(t *testing.T) {
	co := fxCoord(t, nil, fxConnectToOmni("Offline", "Offline"))
	out := co.HandleEvent(0, connectEv("Available", "Offline"))
	require.Len(t, out.Commands, 1)
	assert.True(t, out.Commands[0].Logout)
	assert.Empty(t, out.Commands[0].StatusID)
	out = co.HandleResult(10, out.Commands[0].ID, true, "", "")
	assert.Equal(t, OfflineStatus, co.Snapshot().SalesforceStatus)
	out = co.HandleEvent(20, Event{Type: SourceSalesforceLogout})
	assert.True(t, out.Decisions[0].Echo)
}

// Every action status change is reported, and every decision's actions end
// somewhere visible: no event is silently dropped.
func TestCoordinatorOutputJSON(t *testing.T) {
	co := fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"))
	out := co.HandleEvent(0, connectEv("Available", "Lunch"))
	b, err := json.Marshal(out)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"decisions", "actions", "commands", "errors", "wakeAt"} {
		assert.Contains(t, m, k)
	}
	assert.True(t, strings.Contains(string(b), `"status":"issued"`))
}

// Regression: a write that failed leaves no echo expectation, so the agent
// choosing that status by hand right after is a change, not this engine's
// echo (Semantics 9: an echo reports exactly what this engine wrote), and the
// loop breaker resumes on it; a retried try replaces its earlier try's.
func TestCoordinatorFailedWriteLeavesNoEcho(t *testing.T) {
	co := fxCoord(t, nil, fxConnectToOmni("Lunch", "Lunch"), fxOmniToConnect("Lunch", "Training"))
	out := co.HandleEvent(0, connectEv("Available", "Lunch"))
	out = co.HandleResult(10, out.Commands[0].ID, false, "AccessDeniedException", "no")
	require.Equal(t, []string{"Lunch:failed"}, fxStatuses(out))
	out = co.HandleEvent(1000, omniEv("Lunch", "OmniManualStatusChange"))
	require.Len(t, out.Decisions, 1)
	assert.False(t, out.Decisions[0].Echo, "the failed write changed nothing: this is the agent's own change")
	require.Len(t, out.Commands, 1)
	assert.Equal(t, "Training", out.Commands[0].Value)
}
