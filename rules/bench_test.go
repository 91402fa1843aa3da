package rules

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// benchSizes drives both the benchmarks and their correctness test.
var benchSizes = []int{10, 100, 1000}

// benchEngine builds n rules for one Connect event: every rule listens to
// Connect Agent State Change (the worst case: all are evaluated), rule i tests
// New State = "State i", the last two rules match (one per destination) and
// every other rule does not. Inactive rules and rules of other sources are
// mixed in to be skipped.
func benchEngine(tb testing.TB, n int) (*Engine, Event, Snapshot) {
	tb.Helper()
	rules := make([]map[string]any, 0, n)
	for i := 0; i < n; i++ {
		r := map[string]any{
			"name": "rule " + strconv.Itoa(i), "source": "Connect Agent State Change",
			"operandA": "Connect Agent New State", "comparator": "Equal to",
			"operandB": "Static Value", "operandBValue": "State " + strconv.Itoa(i),
			"destination": "Salesforce Agent State", "value": "Status_" + strconv.Itoa(i),
		}
		switch {
		case i == n-2:
			r["operandBValue"] = "Lunch"
			r["value"] = "Lunch"
		case i == n-1:
			r["operandBValue"] = "Lunch"
			r["destination"] = "Connect Agent State"
			r["value"] = "Lunch"
		case i%10 == 3:
			r["active"] = false
		case i%10 == 7:
			r["source"] = "Salesforce Workload Changed"
			r["operandA"] = "Salesforce New Workload Pct"
			r["comparator"] = "Greater than"
			r["operandBValue"] = i
		case i%10 == 5:
			r["operandA"] = "Salesforce Agent New State" // read from the snapshot
		}
		rules = append(rules, r)
	}
	doc, err := json.Marshal(map[string]any{"rules": rules})
	require.NoError(tb, err)
	eng, err := Compile(doc)
	require.NoError(tb, err)
	return eng, Event{Type: SourceConnectStateChange, OldState: "Available", NewState: "Lunch"},
		Snapshot{ConnectState: "Available", SalesforceStatus: "Available", ConfiguredCapacity: Num(5), Workload: Num(2)}
}

func TestBenchRulesEvaluateCorrectly(t *testing.T) {
	for _, n := range benchSizes {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			eng, ev, snap := benchEngine(t, n)
			d := eng.Evaluate(&ev, &snap)
			require.Len(t, d.Rules, n)
			require.Len(t, d.Actions, 2)
			assert.Equal(t, Action{Destination: DestinationSalesforce, Value: "Lunch", Rule: fmt.Sprintf("rule %d", n-2), RuleIndex: n - 2}, *d.Actions[0])
			assert.Equal(t, Action{Destination: DestinationConnect, Value: "Lunch", Rule: fmt.Sprintf("rule %d", n-1), RuleIndex: n - 1}, *d.Actions[1])
			counts := map[Outcome]int{}
			for _, tr := range d.Rules {
				counts[tr.Outcome]++
			}
			assert.Equal(t, 2, counts[OutcomeMatched])
			assert.Equal(t, 0, counts[OutcomeShadowed])
			assert.Equal(t, n, counts[OutcomeMatched]+counts[OutcomeNoMatch]+counts[OutcomeInactive]+counts[OutcomeOtherSource])
			checkDecision(t, eng, &ev, &d)
		})
	}
}

// Allocations per event do not grow with the number of non-matching rules.
func TestEvaluateAllocsIndependentOfRuleCount(t *testing.T) {
	allocs := map[int]float64{}
	for _, n := range []int{10, 1000} {
		eng, ev, snap := benchEngine(t, n)
		allocs[n] = testing.AllocsPerRun(200, func() {
			d := eng.Evaluate(&ev, &snap)
			if len(d.Actions) != 2 {
				t.Fatal("want 2 actions")
			}
		})
	}
	assert.Equal(t, allocs[10], allocs[1000], "allocs per event: %v", allocs)
	assert.LessOrEqual(t, allocs[1000], 4.0, "a few allocations per event: the trace, the actions")
}

func BenchmarkEvaluate(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			eng, ev, snap := benchEngine(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				d := eng.Evaluate(&ev, &snap)
				if len(d.Actions) != 2 {
					b.Fatal("want 2 actions")
				}
			}
		})
	}
}

// BenchmarkHandleEvent is the whole path of one event through the
// coordinator (evaluation, planning, output), for comparison.
func BenchmarkHandleEvent(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			eng, _, _ := benchEngine(b, n)
			co := NewCoordinator(eng, DefaultOptions())
			co.Start(0, State{ConnectState: "Available", SalesforceStatus: "Available"}, nil)
			ev := Event{Type: SourceConnectStateChange, NewState: "State 0"} // matches nothing that writes
			b.ReportAllocs()
			b.ResetTimer()
			now := int64(0)
			for b.Loop() {
				now++
				co.HandleEvent(now, ev)
			}
		})
	}
}
