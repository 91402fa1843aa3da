package rules

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fxText(s string) Value { return Value{Kind: Text, Str: s} }
func fxNum(f float64) Value { return Value{Kind: Number, Num: f} }
func fxUnavailable() Value  { return Value{} }
func fxSameValue(a, b Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Number:
		return a.Num == b.Num || math.Abs(a.Num-b.Num) < 1e-9
	case Text:
		return a.Str == b.Str
	}
	return true
}

// Semantics 2: every operand, read from the event when it carries the value,
// else from the last known value of that system.
func TestReadOperand(t *testing.T) {
	snap := Snapshot{
		ConnectState: "Available", ConnectPreviousState: "Break",
		SalesforceStatus: "Busy_Omni", SalesforceStatusID: "0N5xx0000000009",
		ConfiguredCapacity: Num(4), PreviousWorkload: Num(1), Workload: Num(2),
		ServiceChannel: "sfdc_lead",
	}
	connect := Event{Type: SourceConnectStateChange, OldState: "Available", NewState: "Lunch"}
	connectNoOld := Event{Type: SourceConnectStateChange, NewState: "Lunch"}
	sfChange := Event{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000002", StatusAPIName: "Lunch_Break", StatusName: "Lunch Break"}
	sfChangeNoName := Event{Type: SourceSalesforceStateChange, StatusID: "0N5xx0000000002"}
	sfOfflineStatus := Event{Type: SourceSalesforceStateChange, StatusAPIName: "Offline"}
	logout := Event{Type: SourceSalesforceLogout}
	work := Event{Type: SourceSalesforceWorkAccepted, WorkItemID: "500xx000000abcd", ServiceChannel: "sfdc_case"}
	workNoChannel := Event{Type: SourceSalesforceWorkAccepted, WorkItemID: "zzzxx000000abcd"}
	workload := Event{Type: SourceSalesforceWorkloadChanged, ConfiguredCapacity: Num(3), PreviousWorkload: Num(0), NewWorkload: Num(1)}
	workloadOnlyNew := Event{Type: SourceSalesforceWorkloadChanged, NewWorkload: Num(3)}
	workloadZeroCap := Event{Type: SourceSalesforceWorkloadChanged, ConfiguredCapacity: Num(0), PreviousWorkload: Num(1), NewWorkload: Num(2)}
	workloadNegCap := Event{Type: SourceSalesforceWorkloadChanged, ConfiguredCapacity: Num(-5), NewWorkload: Num(2)}

	cases := []struct {
		name string
		o    Operand
		ev   Event
		snap Snapshot
		want Value
	}{
		// Connect Agent New State
		{"connect new: from the event", OperandConnectNewState, connect, snap, fxText("Lunch")},
		{"connect new: known on other events", OperandConnectNewState, work, snap, fxText("Available")},
		{"connect new: known on logout", OperandConnectNewState, logout, snap, fxText("Available")},
		{"connect new: unknown is empty text", OperandConnectNewState, work, Snapshot{}, fxText("")},
		// Connect Agent Old State
		{"connect old: from the event", OperandConnectOldState, connect, snap, fxText("Available")},
		{"connect old: event without oldState uses the known state", OperandConnectOldState, connectNoOld, snap, fxText("Available")},
		{"connect old: known previous on other events", OperandConnectOldState, sfChange, snap, fxText("Break")},
		// Salesforce Agent New State
		{"omni new: statusApiName", OperandSalesforceNewState, sfChange, snap, fxText("Lunch_Break")},
		{"omni new: a status named Offline", OperandSalesforceNewState, sfOfflineStatus, snap, fxText("Offline")},
		{"omni new: Offline on logout", OperandSalesforceNewState, logout, snap, fxText("Offline")},
		{"omni new: Offline on logout whatever was known", OperandSalesforceNewState, logout, Snapshot{SalesforceStatus: "Lunch"}, fxText("Offline")},
		{"omni new: known on Connect events", OperandSalesforceNewState, connect, snap, fxText("Busy_Omni")},
		{"omni new: known Offline while logged out", OperandSalesforceNewState, work, Snapshot{SalesforceStatus: OfflineStatus}, fxText("Offline")},
		{"omni new: event without a name falls back to the known", OperandSalesforceNewState, sfChangeNoName, snap, fxText("Busy_Omni")},
		// Salesforce Service Channel
		{"channel: from the event", OperandServiceChannel, work, snap, fxText("sfdc_case")},
		{"channel: work accepted without a channel is empty", OperandServiceChannel, workNoChannel, snap, fxText("")},
		{"channel: last accepted on other events", OperandServiceChannel, connect, snap, fxText("sfdc_lead")},
		// Salesforce Previous Workload
		{"previous workload: from the event", OperandPreviousWorkload, workload, snap, fxNum(0)},
		{"previous workload: known", OperandPreviousWorkload, connect, snap, fxNum(1)},
		{"previous workload: never reported", OperandPreviousWorkload, connect, Snapshot{}, fxUnavailable()},
		// Salesforce New Workload
		{"new workload: from the event", OperandNewWorkload, workload, snap, fxNum(1)},
		{"new workload: known", OperandNewWorkload, work, snap, fxNum(2)},
		{"new workload: never reported", OperandNewWorkload, work, Snapshot{}, fxUnavailable()},
		// Salesforce Configured Capacity
		{"capacity: from the event", OperandConfiguredCapacity, workload, snap, fxNum(3)},
		{"capacity: known", OperandConfiguredCapacity, workloadOnlyNew, snap, fxNum(4)},
		{"capacity: zero is a number", OperandConfiguredCapacity, workloadZeroCap, snap, fxNum(0)},
		// Salesforce Previous Workload Pct
		{"previous pct: event", OperandPreviousWorkloadPct, workload, snap, fxNum(0)},
		{"previous pct: known", OperandPreviousWorkloadPct, connect, snap, fxNum(25)},
		{"previous pct: event workload over known capacity", OperandPreviousWorkloadPct, workloadOnlyNew, snap, fxNum(25)},
		{"previous pct: capacity 0", OperandPreviousWorkloadPct, workloadZeroCap, snap, fxUnavailable()},
		{"previous pct: nothing known", OperandPreviousWorkloadPct, connect, Snapshot{}, fxUnavailable()},
		// Salesforce New Workload Pct: unrounded
		{"new pct: 1/3 unrounded", OperandNewWorkloadPct, workload, snap, fxNum(100.0 / 3)},
		{"new pct: event workload, known capacity", OperandNewWorkloadPct, workloadOnlyNew, snap, fxNum(75)},
		{"new pct: known", OperandNewWorkloadPct, work, snap, fxNum(50)},
		{"new pct: capacity 0 is unavailable", OperandNewWorkloadPct, workloadZeroCap, snap, fxUnavailable()},
		{"new pct: negative capacity is unavailable", OperandNewWorkloadPct, workloadNegCap, snap, fxUnavailable()},
		{"new pct: known capacity 0", OperandNewWorkloadPct, work, Snapshot{ConfiguredCapacity: Num(0), Workload: Num(1)}, fxUnavailable()},
		{"new pct: over 100", OperandNewWorkloadPct, Event{Type: SourceSalesforceWorkloadChanged, ConfiguredCapacity: Num(2), NewWorkload: Num(3)}, snap, fxNum(150)},
		// Static Value
		{"static text", OperandStatic, connect, snap, fxText("Lunch")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			static := Value{}
			if c.o == OperandStatic {
				static = fxText("Lunch")
			}
			got := readOperand(c.o, static, &c.ev, &c.snap)
			assert.True(t, fxSameValue(c.want, got), "want %v (%d), got %v (%d)", c.want, c.want.Kind, got, got.Kind)
		})
	}
	t.Run("1/3 is not rounded", func(t *testing.T) {
		got := readOperand(OperandNewWorkloadPct, Value{}, &workload, &snap)
		w, c := 1.0, 3.0 // variables: constant arithmetic would be exact
		assert.Equal(t, w/c*100, got.Num)
		assert.NotEqual(t, 33.0, got.Num)
		assert.NotEqual(t, 33.33, got.Num)
	})
}

// Service channel from the event, else the work item's key prefix through the
// catalog, else empty — through the coordinator, which normalizes events.
func TestServiceChannelThroughCatalog(t *testing.T) {
	eng := fxEngine(t, fxCatalog(), fxBase().with("name", "case", "source", "Salesforce Work Accepted",
		"operandA", "Salesforce Service Channel", "operandBValue", "sfdc_case",
		"destination", "Connect Agent State", "value", "Training"))
	cases := []struct {
		event   string
		channel string
		match   bool
	}{
		{`{"type":"Salesforce Work Accepted","workItemId":"500xx000000abcd","workId":"0Bz1","serviceChannel":"sfdc_case"}`, "sfdc_case", true},
		{`{"type":"Salesforce Work Accepted","workItemId":"500xx000000abcd","workId":"0Bz1"}`, "sfdc_case", true},
		{`{"type":"Salesforce Work Accepted","workItemId":"00Qxx000000abcd"}`, "sfdc_lead", false},
		{`{"type":"Salesforce Work Accepted","workItemId":"00qxx000000abcd"}`, "", false}, // key prefixes are case-sensitive
		{`{"type":"Salesforce Work Accepted","workItemId":"999xx000000abcd"}`, "", false},
		{`{"type":"Salesforce Work Accepted","workItemId":"50"}`, "", false},
		{`{"type":"Salesforce Work Accepted"}`, "", false},
		{`{"type":"Salesforce Work Accepted","workItemId":"500xx","serviceChannel":"sfdc_chat"}`, "sfdc_chat", false},
	}
	for _, c := range cases {
		t.Run(c.event, func(t *testing.T) {
			co := NewCoordinator(eng, DefaultOptions())
			co.Start(0, State{ConnectState: "Available", SalesforceStatus: "Available"}, nil)
			out := co.HandleEvent(1, fxEvent(t, c.event))
			require.Len(t, out.Decisions, 1)
			d := out.Decisions[0]
			a, _ := d.Operands(0)
			assert.Equal(t, c.channel, a.Str)
			assert.Equal(t, Text, a.Kind)
			assert.Equal(t, c.match, d.Rules[0].Matched())
			assert.Equal(t, c.channel, co.Snapshot().ServiceChannel, "the channel is remembered")
		})
	}
}

// Semantics 3.
func TestCompareValues(t *testing.T) {
	type row struct {
		c    Comparator
		a, b Value
		want match
	}
	n100 := fxNum(100)
	s100 := TextValue("100")
	s100f := TextValue("100.0")
	abc := TextValue("abc")
	rows := []row{
		// Equal to: numbers numerically, else exact, case-sensitive strings.
		{Equal, s100, n100, matchYes},
		{Equal, n100, s100, matchYes},
		{Equal, s100f, n100, matchYes},
		{Equal, TextValue("+100"), n100, matchYes},
		{Equal, TextValue("0100"), n100, matchYes},
		{Equal, TextValue("-0"), fxNum(0), matchYes},
		{Equal, TextValue(".5"), fxNum(0.5), matchYes},
		{Equal, TextValue("1e2"), n100, matchNo},
		{Equal, TextValue(" 100"), n100, matchNo},
		{Equal, TextValue("0x64"), n100, matchNo},
		{Equal, TextValue("Infinity"), TextValue("Infinity"), matchYes},
		{Equal, abc, TextValue("abc"), matchYes},
		{Equal, abc, TextValue("ABC"), matchNo},
		{Equal, abc, TextValue("abc "), matchNo},
		{Equal, TextValue(""), TextValue(""), matchYes},
		{Equal, abc, n100, matchNo},
		// Not equal to
		{NotEqual, s100, n100, matchNo},
		{NotEqual, abc, TextValue("ABC"), matchYes},
		{NotEqual, abc, n100, matchYes},
		{NotEqual, TextValue("1e2"), n100, matchYes},
		// Greater than
		{Greater, fxNum(3), fxNum(2), matchYes},
		{Greater, fxNum(2), fxNum(2), matchNo},
		{Greater, TextValue("3"), fxNum(2), matchYes},
		{Greater, TextValue("10"), TextValue("9"), matchYes}, // numerically, not as text
		{Greater, abc, fxNum(2), matchNotNumeric},
		{Greater, fxNum(2), abc, matchNotNumeric},
		{Greater, abc, TextValue("abb"), matchNotNumeric},
		// Greater than or equal to
		{GreaterOrEqual, fxNum(2), fxNum(2), matchYes},
		{GreaterOrEqual, fxNum(1.999), fxNum(2), matchNo},
		{GreaterOrEqual, s100, n100, matchYes},
		{GreaterOrEqual, abc, abc, matchNotNumeric},
		// Less than
		{Less, fxNum(-5), fxNum(0), matchYes},
		{Less, TextValue("-5"), TextValue("0"), matchYes},
		{Less, fxNum(0), fxNum(0), matchNo},
		{Less, TextValue(""), fxNum(1), matchNotNumeric},
		// Less than or equal to
		{LessOrEqual, fxNum(0), fxNum(0), matchYes},
		{LessOrEqual, fxNum(0.1), fxNum(0), matchNo},
		{LessOrEqual, abc, fxNum(1), matchNotNumeric},
	}
	for _, c := range []Comparator{Equal, NotEqual, Greater, GreaterOrEqual, Less, LessOrEqual} {
		rows = append(rows,
			row{c, fxUnavailable(), fxNum(1), matchUnavailable},
			row{c, fxNum(1), fxUnavailable(), matchUnavailable},
			row{c, fxUnavailable(), abc, matchUnavailable})
	}
	for _, r := range rows {
		t.Run(fmt.Sprintf("%v %s %v", r.a, r.c, r.b), func(t *testing.T) {
			assert.Equal(t, r.want, compareValues(r.c, r.a, r.b))
		})
	}
}

func TestTextValue(t *testing.T) {
	for s, isNum := range map[string]bool{
		"100": true, "-1": true, "+1.5": true, "1.": true, ".5": true, "0": true,
		"": false, "-": false, ".": false, "1e5": false, "1,5": false, " 1": false, "NaN": false,
		"Inf": false, "0x1": false, "1.2.3": false, "١": false,
		strings.Repeat("9", 65): false, strings.Repeat("9", 400): false,
	} {
		v := TextValue(s)
		assert.Equal(t, isNum, v.Kind == Number, "%q", s)
		assert.Equal(t, s, v.Str, "the original spelling is kept")
	}
	b, _ := json.Marshal([]Value{TextValue("100"), TextValue("abc"), {}, NumberValue(2.5)})
	assert.JSONEq(t, `[100, "abc", null, 2.5]`, string(b))
	assert.Equal(t, "(unavailable)", Value{}.String())
	assert.Equal(t, `"abc"`, TextValue("abc").String())
	assert.Equal(t, "100.0", TextValue("100.0").String())
	assert.Equal(t, "33.5", NumberValue(33.5).String())
}

// The six comparators through whole rules: static values from the document
// (strings or numbers) against operands read at run time.
func TestEvaluateComparators(t *testing.T) {
	wl := func(capacity, prev, cur float64) Event {
		return Event{Type: SourceSalesforceWorkloadChanged, ConfiguredCapacity: Num(capacity), PreviousWorkload: Num(prev), NewWorkload: Num(cur)}
	}
	cases := []struct {
		operandA   string
		comparator string
		value      any
		ev         Event
		want       Outcome
	}{
		{"Salesforce New Workload Pct", "Equal to", "100", wl(4, 3, 4), OutcomeMatched},
		{"Salesforce New Workload Pct", "Equal to", 100, wl(4, 3, 4), OutcomeMatched},
		{"Salesforce New Workload Pct", "Equal to", "100.00", wl(4, 3, 4), OutcomeMatched},
		{"Salesforce New Workload Pct", "Not equal to", 100, wl(4, 3, 4), OutcomeNoMatch},
		{"Salesforce New Workload Pct", "Greater than", 50, wl(4, 3, 4), OutcomeMatched},
		{"Salesforce New Workload Pct", "Greater than", 100, wl(4, 3, 4), OutcomeNoMatch},
		{"Salesforce New Workload Pct", "Greater than or equal to", "100", wl(4, 3, 4), OutcomeMatched},
		{"Salesforce New Workload Pct", "Less than", 100, wl(3, 3, 1), OutcomeMatched},
		{"Salesforce New Workload Pct", "Less than", 33.3, wl(3, 3, 1), OutcomeNoMatch},
		{"Salesforce New Workload Pct", "Less than", 33.34, wl(3, 3, 1), OutcomeMatched},
		{"Salesforce New Workload Pct", "Less than or equal to", "0", wl(3, 1, 0), OutcomeMatched},
		{"Salesforce New Workload Pct", "Greater than", 0, wl(0, 1, 2), OutcomeUnavailable},
		{"Salesforce New Workload Pct", "Not equal to", 0, wl(0, 1, 2), OutcomeUnavailable},
		{"Salesforce New Workload Pct", "Equal to", 0, wl(-1, 0, 0), OutcomeUnavailable},
		{"Salesforce Previous Workload Pct", "Greater than or equal to", 100, wl(2, 2, 1), OutcomeMatched},
		{"Salesforce Previous Workload", "Greater than", 1, wl(2, 2, 1), OutcomeMatched},
		{"Salesforce New Workload", "Less than or equal to", "1", wl(2, 2, 1), OutcomeMatched},
		{"Salesforce Configured Capacity", "Equal to", "2", wl(2, 2, 1), OutcomeMatched},
		{"Salesforce Configured Capacity", "Not equal to", "2.5", wl(2, 2, 1), OutcomeMatched},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %s %v", c.operandA, c.comparator, c.value), func(t *testing.T) {
			eng := fxEngine(t, nil, fxBase().with("name", "r", "source", "Salesforce Workload Changed",
				"operandA", c.operandA, "comparator", c.comparator, "operandBValue", c.value,
				"destination", "Connect Agent State", "value", "Lunch"))
			d := eng.Evaluate(&c.ev, &Snapshot{})
			assert.Equal(t, c.want.String(), d.Rules[0].Outcome.String(), d.Reason(0))
			assert.Equal(t, c.want == OutcomeMatched, len(d.Actions) == 1)
		})
	}
}

// Lint rejects an ordering comparator on names; a rule that reaches the engine
// anyway (New on an unchecked document) is false with a not-numeric outcome.
func TestEvaluateNotNumeric(t *testing.T) {
	eng := fxEngineUnchecked(t, fxBase().with("name", "abc > 2", "operandA", "Static Value", "operandAValue", "abc",
		"comparator", "Greater than", "operandBValue", 2))
	ev := Event{Type: SourceConnectStateChange, NewState: "Lunch"}
	d := eng.Evaluate(&ev, &Snapshot{})
	tr := d.Rules[0]
	assert.Equal(t, OutcomeNotNumeric, tr.Outcome)
	assert.False(t, tr.Matched())
	assert.Empty(t, d.Actions)
	assert.Equal(t, `"abc" > 2 is false: "Greater than" needs numbers on both sides`, d.Reason(0))

	eng = fxEngineUnchecked(t, fxBase().with("name", "state < Lunch", "comparator", "Less than"))
	d = eng.Evaluate(&ev, &Snapshot{})
	assert.Equal(t, OutcomeNotNumeric, d.Rules[0].Outcome)
	assert.Equal(t, `Connect Agent New State ("Lunch") < "Lunch" is false: "Less than" needs numbers on both sides`, d.Reason(0))
}

func TestEvaluateUnavailableReason(t *testing.T) {
	eng := fxEngine(t, nil, fxBase().with("name", "full", "source", "Salesforce Workload Changed",
		"operandA", "Salesforce New Workload Pct", "comparator", "Greater than or equal to", "operandBValue", 100,
		"destination", "Connect Agent State"),
		fxBase().with("name", "busy", "source", "Salesforce Workload Changed",
			"operandA", "Salesforce New Workload", "comparator", "Greater than", "operandBValue", 0,
			"destination", "Salesforce Agent State"))
	ev := Event{Type: SourceSalesforceWorkloadChanged, ConfiguredCapacity: Num(0)}
	d := eng.Evaluate(&ev, &Snapshot{})
	assert.Equal(t, OutcomeUnavailable, d.Rules[0].Outcome)
	assert.Equal(t, "Salesforce New Workload Pct ((unavailable)) ≥ 100 cannot be tested: Salesforce New Workload Pct is unavailable (configured capacity is unknown or not above 0)", d.Reason(0))
	assert.Equal(t, OutcomeUnavailable, d.Rules[1].Outcome)
	assert.Contains(t, d.Reason(1), "Salesforce New Workload is unavailable (not reported yet)")
	assert.Empty(t, d.Actions)
}

// Semantics 1 and 5: only active rules of the event's source; for each
// destination the first match wins and later matches are shadowed.
func TestEvaluateFirstMatchPerDestination(t *testing.T) {
	lunch := func(name, dest, value string) fxRule {
		return fxBase().with("name", name, "destination", dest, "value", value)
	}
	eng := fxEngine(t, nil,
		fxBase().with("name", "other source", "source", "Salesforce Agent State Change", "operandA", "Salesforce Agent New State"),
		lunch("inactive first", "Salesforce Agent State", "Inactive").with("active", false),
		fxBase().with("name", "no match", "operandBValue", "Break", "value", "Break"),
		lunch("omni wins", "Salesforce Agent State", "Lunch"),
		fxBase().with("name", "omni shadowed", "operandA", "Connect Agent Old State", "operandBValue", "Available", "value", "Other"),
		lunch("connect wins", "Connect Agent State", "Training"),
		lunch("connect shadowed", "Connect Agent State", "Break"),
		lunch("omni shadowed again", "Salesforce Agent State", "Third"),
	)
	ev := Event{Type: SourceConnectStateChange, OldState: "Available", NewState: "Lunch"}
	d := eng.Evaluate(&ev, &Snapshot{ConnectState: "Available"})
	var outcomes []string
	for i, tr := range d.Rules {
		outcomes = append(outcomes, d.Rule(i).Name+": "+tr.Outcome.String())
	}
	assert.Equal(t, []string{
		"other source: other-source",
		"inactive first: inactive",
		"no match: no-match",
		"omni wins: matched",
		"omni shadowed: shadowed",
		"connect wins: matched",
		"connect shadowed: shadowed",
		"omni shadowed again: shadowed",
	}, outcomes)
	assert.EqualValues(t, 3, d.Rules[4].Winner)
	assert.EqualValues(t, 5, d.Rules[6].Winner)
	assert.EqualValues(t, 3, d.Rules[7].Winner)
	require.Len(t, d.Actions, 2)
	assert.Equal(t, Action{Destination: DestinationSalesforce, Value: "Lunch", Rule: "omni wins", RuleIndex: 3}, *d.Actions[0])
	assert.Equal(t, Action{Destination: DestinationConnect, Value: "Training", Rule: "connect wins", RuleIndex: 5}, *d.Actions[1])
	assert.Equal(t, `Connect Agent Old State ("Available") = "Available" is true, but rules[3] already decided Salesforce Agent State (first match wins)`, d.Reason(4))
	assert.Equal(t, "inactive", d.Reason(1))
	assert.Equal(t, `listens to "Salesforce Agent State Change"`, d.Reason(0))
	for i, tr := range d.Rules {
		assert.EqualValues(t, i, tr.Index)
	}
}

func TestEvaluateInactiveRules(t *testing.T) {
	eng := fxEngine(t, nil, fxBase().with("active", false), fxBase().with("name", "active", "active", true, "value", "Break"))
	ev := Event{Type: SourceConnectStateChange, NewState: "Lunch"}
	d := eng.Evaluate(&ev, &Snapshot{})
	assert.Equal(t, OutcomeInactive, d.Rules[0].Outcome)
	assert.False(t, d.Rules[0].Matched())
	assert.Equal(t, OutcomeMatched, d.Rules[1].Outcome)
	require.Len(t, d.Actions, 1)
	assert.Equal(t, "Break", d.Actions[0].Value)

	eng = fxEngine(t, nil, fxBase().with("active", false))
	d = eng.Evaluate(&ev, &Snapshot{})
	assert.Empty(t, d.Actions)
	assert.Nil(t, d.Actions)
}

// Semantics 4: a status named Offline is not a Logout; a Logout rule matches
// only with Salesforce Agent New State equal to exactly "Offline".
func TestLogoutSemantics(t *testing.T) {
	logoutRule := fxBase().with("name", "logout", "source", "Salesforce Agent Logout", "operandA", "Salesforce Agent New State",
		"operandBValue", "Offline", "destination", "Connect Agent State", "value", "Offline")
	swapped := fxBase().with("name", "logout swapped", "source", "Salesforce Agent Logout", "operandA", "Static Value",
		"operandAValue", "Offline", "operandB", "Salesforce Agent New State", "operandBValue", nil,
		"destination", "Connect Agent State", "value", "Offline")
	offlineStatus := fxBase().with("name", "status Offline", "source", "Salesforce Agent State Change",
		"operandA", "Salesforce Agent New State", "operandBValue", "Offline", "destination", "Connect Agent State", "value", "Break")
	workWhileOffline := fxBase().with("name", "work while offline", "source", "Salesforce Work Accepted",
		"operandA", "Salesforce Agent New State", "operandBValue", "Offline", "destination", "Connect Agent State", "value", "Lunch")
	logoutEvent := Event{Type: SourceSalesforceLogout}
	offlineEvent := Event{Type: SourceSalesforceStateChange, StatusAPIName: "Offline", StatusID: "0N5xx0000000007"}

	t.Run("logout matches Offline", func(t *testing.T) {
		eng := fxEngine(t, nil, logoutRule, offlineStatus)
		d := eng.Evaluate(&logoutEvent, &Snapshot{SalesforceStatus: "Available"})
		assert.Equal(t, OutcomeMatched, d.Rules[0].Outcome)
		assert.Equal(t, OutcomeOtherSource, d.Rules[1].Outcome, "a Logout is not a status change")
		assert.Equal(t, `Salesforce Agent New State ("Offline") = "Offline" is true: write Connect Agent State = "Offline"`, d.Reason(0))
	})
	t.Run("operands swapped", func(t *testing.T) {
		eng := fxEngine(t, nil, swapped)
		d := eng.Evaluate(&logoutEvent, &Snapshot{})
		assert.Equal(t, OutcomeMatched, d.Rules[0].Outcome)
	})
	t.Run("a status named Offline is not a logout", func(t *testing.T) {
		eng := fxEngine(t, nil, logoutRule, offlineStatus)
		d := eng.Evaluate(&offlineEvent, &Snapshot{SalesforceStatus: "Available"})
		assert.Equal(t, OutcomeOtherSource, d.Rules[0].Outcome)
		assert.Equal(t, OutcomeMatched, d.Rules[1].Outcome)
		require.Len(t, d.Actions, 1)
		assert.Equal(t, "Break", d.Actions[0].Value)
	})
	t.Run("logout rules testing anything else never match", func(t *testing.T) {
		for _, r := range []fxRule{
			logoutRule.with("operandBValue", "offline"),
			logoutRule.with("operandBValue", "OFFLINE"),
			logoutRule.with("operandBValue", "Offline "),
			logoutRule.with("comparator", "Not equal to", "operandBValue", "Available"),
			logoutRule.with("operandA", "Connect Agent New State", "operandBValue", "Available"),
			logoutRule.with("operandA", "Static Value", "operandAValue", "Offline"),
		} {
			eng := fxEngineUnchecked(t, r)
			d := eng.Evaluate(&logoutEvent, &Snapshot{ConnectState: "Available", SalesforceStatus: "Offline"})
			assert.Equal(t, OutcomeNotLogout, d.Rules[0].Outcome, "%v", r)
			assert.Empty(t, d.Actions)
			assert.Contains(t, d.Reason(0), `"Offline"`)
			// It loads (the adapter accepts such rules too) and lint warns, naming it.
			eng, err := Compile(fxDocJSON(t, nil, r))
			require.NoError(t, err)
			var codes []string
			for _, w := range eng.Warnings() {
				codes = append(codes, w.Code)
				assert.Equal(t, "logout", w.RuleName)
			}
			assert.Contains(t, codes, "logout-never-matches")
			d = eng.Evaluate(&logoutEvent, &Snapshot{ConnectState: "Available", SalesforceStatus: "Offline"})
			assert.Equal(t, OutcomeNotLogout, d.Rules[0].Outcome)
			assert.Empty(t, d.Actions)
		}
	})
	t.Run("other sources read Offline while logged out", func(t *testing.T) {
		eng := fxEngine(t, nil, workWhileOffline)
		ev := Event{Type: SourceSalesforceWorkAccepted, WorkItemID: "500xx000000abcd"}
		d := eng.Evaluate(&ev, &Snapshot{SalesforceStatus: OfflineStatus})
		assert.Equal(t, OutcomeMatched, d.Rules[0].Outcome)
		d = eng.Evaluate(&ev, &Snapshot{SalesforceStatus: "Available"})
		assert.Equal(t, OutcomeNoMatch, d.Rules[0].Outcome)
	})
}

// A Work Accepted rule can test the current Connect state (Semantics 2).
func TestEvaluateCrossSystemOperands(t *testing.T) {
	eng := fxEngine(t, nil, fxBase().with("name", "case while available", "source", "Salesforce Work Accepted",
		"operandBValue", "Available", "destination", "Connect Agent State", "value", "Training"))
	ev := Event{Type: SourceSalesforceWorkAccepted, WorkItemID: "500xx000000abcd", ServiceChannel: "sfdc_case"}
	d := eng.Evaluate(&ev, &Snapshot{ConnectState: "Available"})
	require.Len(t, d.Actions, 1)
	assert.Equal(t, `Connect Agent New State ("Available") = "Available" is true: write Connect Agent State = "Training"`, d.Reason(0))
	d = eng.Evaluate(&ev, &Snapshot{ConnectState: "Lunch"})
	assert.Empty(t, d.Actions)
	assert.Equal(t, `Connect Agent New State ("Lunch") = "Available" is false`, d.Reason(0))
}

// Semantics 13: the decision carries the event, the snapshot, every rule by
// name and index with its outcome and reason, and the actions.
func TestDecisionContent(t *testing.T) {
	eng := fxEngine(t, nil,
		fxBase(),
		fxBase().with("name", "Break to Omni", "operandBValue", "Break", "value", "Break"),
		fxBase().with("name", "Workload", "source", "Salesforce Workload Changed", "operandA", "Salesforce New Workload Pct",
			"comparator", "Greater than", "operandBValue", 50, "destination", "Connect Agent State", "value", "Training"),
	)
	ev := fxEvent(t, `{"type": "Connect Agent State Change", "oldState": "Available", "newState": "Lunch"}`)
	snap := Snapshot{ConnectState: "Available", SalesforceStatus: "Available"}
	d := eng.Evaluate(&ev, &snap)
	assert.Equal(t, ev, d.Event)
	assert.Equal(t, snap, d.Snapshot)
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, "Connect Agent State Change", got["event"].(map[string]any)["type"])
	assert.Equal(t, "Available", got["snapshot"].(map[string]any)["connectState"])
	assert.Equal(t, false, got["echo"])
	rules := got["rules"].([]any)
	require.Len(t, rules, 3)
	assert.Equal(t, map[string]any{"index": 0.0, "name": "Lunch to Omni", "matched": true, "outcome": "matched",
		"reason":   `Connect Agent New State ("Lunch") = "Lunch" is true: write Salesforce Agent State = "Lunch"`,
		"operandA": "Lunch", "operandB": "Lunch"}, rules[0])
	assert.Equal(t, map[string]any{"index": 1.0, "name": "Break to Omni", "matched": false, "outcome": "no-match",
		"reason":   `Connect Agent New State ("Lunch") = "Break" is false`,
		"operandA": "Lunch", "operandB": "Break"}, rules[1])
	assert.Equal(t, map[string]any{"index": 2.0, "name": "Workload", "matched": false, "outcome": "other-source",
		"reason": `listens to "Salesforce Workload Changed"`}, rules[2])
	actions := got["actions"].([]any)
	require.Len(t, actions, 1)
	assert.Equal(t, map[string]any{"destination": "Salesforce Agent State", "value": "Lunch", "rule": "Lunch to Omni", "ruleIndex": 0.0}, actions[0])

	// Numbers in traces are numbers; the reason shows the unrounded percentage.
	wl := Event{Type: SourceSalesforceWorkloadChanged, ConfiguredCapacity: Num(3), NewWorkload: Num(2)}
	d = eng.Evaluate(&wl, &Snapshot{})
	assert.Equal(t, "Salesforce New Workload Pct (66.66666666666666) > 50 is true: write Connect Agent State = \"Training\"", d.Reason(2))
	b, _ = json.Marshal(d)
	var whole struct {
		Rules []json.RawMessage `json:"rules"`
	}
	require.NoError(t, json.Unmarshal(b, &whole))
	b = whole.Rules[2]
	assert.JSONEq(t, `{"index":2,"name":"Workload","matched":true,"outcome":"matched","reason":"Salesforce New Workload Pct (66.66666666666666) \u003e 50 is true: write Connect Agent State = \"Training\"","operandA":66.66666666666666,"operandB":50}`, string(b))

	// The decision renders for people.
	text := d.Text()
	assert.Contains(t, text, "Salesforce Workload Changed")
	assert.Contains(t, text, `rules[2] "Workload": Salesforce New Workload Pct (66.66666666666666) > 50 is true`)
}

// An unnamed rule is named by its index in actions.
func TestUnnamedRuleLabel(t *testing.T) {
	eng := fxEngine(t, nil, fxBase().with("name", nil))
	ev := Event{Type: SourceConnectStateChange, NewState: "Lunch"}
	d := eng.Evaluate(&ev, &Snapshot{})
	require.Len(t, d.Actions, 1)
	assert.Equal(t, "rules[0]", d.Actions[0].Rule)
	assert.Len(t, eng.Warnings(), 1, "a missing name is a warning")
}

// Evaluate is safe for concurrent use and does not change the engine.
func TestEvaluateConcurrent(t *testing.T) {
	eng := fxEngine(t, nil, fxBase(), fxBase().with("name", "b", "destination", "Connect Agent State", "value", "Training"))
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 200; i++ {
				ev := Event{Type: SourceConnectStateChange, NewState: "Lunch"}
				d := eng.Evaluate(&ev, &Snapshot{})
				if len(d.Actions) != 2 {
					t.Error("want 2 actions")
				}
			}
			done <- true
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

func TestEvaluateUnknownEventType(t *testing.T) {
	eng := fxEngine(t, nil, fxBase())
	for _, typ := range []Source{SourceNone, numSources, 200} {
		ev := Event{Type: typ}
		d := eng.Evaluate(&ev, &Snapshot{})
		assert.Empty(t, d.Actions)
		assert.Equal(t, OutcomeOtherSource, d.Rules[0].Outcome)
	}
}
