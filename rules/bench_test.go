package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// benchSizes and benchShapes drive both the benchmarks and their correctness
// tests: each shape builds n rules for one Connect event, of which the last
// two match (one per destination) and every other rule does not.
var benchSizes = []int{10, 100, 1000}

var benchShapes = []struct {
	name  string
	rules func(n int) []map[string]any
}{
	{"single", benchSingleRules},
	{"groups", benchGroupRules},
}

// benchSingleRules: every rule listens to Connect Agent State Change (the
// worst case: all are evaluated), rule i tests New State = "State i" in the
// record form. Inactive rules and rules of other sources are mixed in to be
// skipped.
func benchSingleRules(n int) []map[string]any {
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
	return rules
}

func benchCrit(operandA, comparator string, value any) map[string]any {
	return map[string]any{"operandA": operandA, "comparator": comparator, "operandB": "Static Value", "operandBValue": value}
}

// benchGroupRules: every rule's criteria are a 5-member "all" group in the
// canonical shape: the routing profile, the new state (the member that tells
// rules apart), the old state, the workload and the next state. Rule i%10 == 9
// tells itself apart by a workload instead (no state to index it on: every
// event evaluates it, up to that member); inactive rules and rules of another
// source are mixed in.
func benchGroupRules(n int) []map[string]any {
	rules := make([]map[string]any, 0, n)
	for i := 0; i < n; i++ {
		members := []any{
			benchCrit("Connect Routing Profile", "Equal to", "Sales"),
			benchCrit("Connect Agent New State", "Equal to", "State "+strconv.Itoa(i)),
			benchCrit("Connect Agent Old State", "Not equal to", "Offline"),
			benchCrit("Salesforce New Workload Pct", "Less than", 100),
			benchCrit("Connect Agent Next State", "Equal to", ""),
		}
		r := map[string]any{"name": "rule " + strconv.Itoa(i), "source": "Connect Agent State Change",
			"criteria":    map[string]any{"all": members},
			"destination": "Salesforce Agent State", "state": "Status_" + strconv.Itoa(i)}
		switch {
		case i == n-2:
			members[1] = benchCrit("Connect Agent New State", "Equal to", "Lunch")
			r["state"] = "Lunch"
		case i == n-1:
			members[1] = benchCrit("Connect Agent New State", "Equal to", "Lunch")
			r["destination"] = "Connect Agent State"
			r["state"] = "Lunch"
		case i%10 == 3:
			r["active"] = false
		case i%10 == 7:
			r["source"] = "Salesforce Workload Changed"
			members[1] = benchCrit("Salesforce New Workload Pct", "Greater than", i)
		case i%10 == 9:
			members[1] = benchCrit("Salesforce New Workload", "Greater than", 1000+i)
		}
		rules = append(rules, r)
	}
	return rules
}

func benchDoc(tb testing.TB, rules []map[string]any) []byte {
	doc, err := json.Marshal(map[string]any{"rules": rules})
	require.NoError(tb, err)
	return doc
}

// benchEngine compiles a shape's n rules and gives the event they are measured with.
func benchEngine(tb testing.TB, shape int, n int) (*Engine, Event, Snapshot) {
	tb.Helper()
	eng, err := Compile(benchDoc(tb, benchShapes[shape].rules(n)))
	require.NoError(tb, err)
	return eng, Event{Type: SourceConnectStateChange, OldState: "Available", NewState: "Lunch", RoutingProfile: "Sales", HasNextState: true},
		Snapshot{ConnectState: "Available", SalesforceStatus: "Available", ConfiguredCapacity: Num(5), Workload: Num(2)}
}

func TestBenchRulesEvaluateCorrectly(t *testing.T) {
	for shape, sh := range benchShapes {
		for _, n := range benchSizes {
			t.Run(sh.name+"/"+strconv.Itoa(n), func(t *testing.T) {
				eng, ev, snap := benchEngine(t, shape, n)
				assert.Empty(t, eng.Warnings())
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
				for i := range d.Rules {
					checkMembers(t, eng.rules[i].Criteria, d.Members(i), &ev, &snap, d.Rules[i].Outcome)
				}
			})
		}
	}
}

// Allocations per event do not grow with the number of non-matching rules,
// whatever the rules' shape.
func TestEvaluateAllocsIndependentOfRuleCount(t *testing.T) {
	for shape, sh := range benchShapes {
		allocs := map[int]float64{}
		for _, n := range []int{10, 1000} {
			eng, ev, snap := benchEngine(t, shape, n)
			allocs[n] = testing.AllocsPerRun(200, func() {
				d := eng.Evaluate(&ev, &snap)
				if len(d.Actions) != 2 {
					t.Fatal("want 2 actions")
				}
			})
		}
		assert.Equal(t, allocs[10], allocs[1000], "%s: allocs per event: %v", sh.name, allocs)
		assert.LessOrEqual(t, allocs[1000], 4.0, "%s: a few allocations per event: the trace, the actions", sh.name)
	}
}

// BenchmarkEvaluate: one event against n rules of each shape (target:
// 1,000 rules of 5-member "all" groups ≤ 20 µs natively).
func BenchmarkEvaluate(b *testing.B) {
	for shape, sh := range benchShapes {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/rules=%d", sh.name, n), func(b *testing.B) {
				eng, ev, snap := benchEngine(b, shape, n)
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
}

// BenchmarkCompile: parsing, checking (lint's proofs included) and compiling
// n rules of each shape from JSON (target: 1,000 groups rules ≤ 150 ms in the
// browser): in wasm under Node, GOOS=js GOARCH=wasm go test
// -exec=$PWD/wasm/testdata/go_js_wasm_exec -run '^$' -bench Compile ./rules/).
func BenchmarkCompile(b *testing.B) {
	for _, sh := range benchShapes {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/rules=%d", sh.name, n), func(b *testing.B) {
				doc := benchDoc(b, sh.rules(n))
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if _, err := Compile(doc); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkHandleEvent is the whole path of one event through the
// coordinator (evaluation, planning, output), for comparison.
func BenchmarkHandleEvent(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			eng, _, _ := benchEngine(b, 0, n)
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

// sessionCycleStates are the Connect states BenchmarkSessionCycle goes round.
var sessionCycleStates = []string{"Lunch", "Break", "Coffee", "Meeting"}

// benchSession builds a Session as the shim does: n rules, of which the last
// len(sessionCycleStates) map a Connect state to Omni_<state> and the others are
// benchEngine's fillers that never match; started with both platforms' catalogs.
func benchSession(tb testing.TB, n int) *Session {
	tb.Helper()
	rules := make([]map[string]any, 0, n)
	statuses := []map[string]any{{"id": "0N5000", "developerName": "Available", "label": "Available"}}
	for i := 0; i < n-len(sessionCycleStates); i++ {
		rules = append(rules, map[string]any{
			"name": "filler " + strconv.Itoa(i), "source": "Connect Agent State Change",
			"operandA": "Connect Agent New State", "comparator": "Equal to",
			"operandB": "Static Value", "operandBValue": "State " + strconv.Itoa(i),
			"destination": "Salesforce Agent State", "value": "Omni_Lunch",
		})
	}
	connectStates := []map[string]any{{"name": "Available", "type": "routable"}}
	for i, s := range sessionCycleStates {
		rules = append(rules, map[string]any{
			"name": s + " to Omni", "source": "Connect Agent State Change",
			"operandA": "Connect Agent New State", "comparator": "Equal to",
			"operandB": "Static Value", "operandBValue": s,
			"destination": "Salesforce Agent State", "value": "Omni_" + s,
		})
		statuses = append(statuses, map[string]any{"id": "0N500" + strconv.Itoa(i+1), "developerName": "Omni_" + s, "label": "Omni " + s})
		connectStates = append(connectStates, map[string]any{"name": s, "type": "not_routable"})
	}
	cfg, err := json.Marshal(map[string]any{"rules": map[string]any{"rules": rules}})
	require.NoError(tb, err)
	s, err := NewSession(cfg)
	require.NoError(tb, err)
	start, err := json.Marshal(map[string]any{"op": "start", "now": 1, "trace": false,
		"connect":    map[string]any{"state": "Available", "states": connectStates},
		"salesforce": map[string]any{"status": map[string]any{"statusId": "0N5000", "statusApiName": "Available"}, "statuses": statuses},
	})
	require.NoError(tb, err)
	out := s.Handle(start)
	require.NotContains(tb, string(out), `"code"`, "start: %s", out)
	return s
}

// sessionCycle is one synced change as the browser shim sends it, JSON in and
// out: the Connect event, the setStatus result, then Omni-Channel's echo.
type sessionCycle struct {
	s    *Session
	i    int
	now  int64
	prev string
	buf  []byte
	out  []byte // the output buffer, reused as the WebAssembly module does
}

func (c *sessionCycle) handle(input []byte) []byte {
	c.out = c.s.AppendHandle(c.out[:0], input)
	return c.out
}

func (c *sessionCycle) input(parts ...string) []byte {
	c.now++
	c.buf = append(c.buf[:0], `{"op":`...)
	c.buf = append(c.buf, parts[0]...)
	c.buf = append(c.buf, `,"now":`...)
	c.buf = strconv.AppendInt(c.buf, c.now, 10)
	c.buf = append(c.buf, `,"trace":false`...)
	for _, p := range parts[1:] {
		c.buf = append(c.buf, ',')
		c.buf = append(c.buf, p...)
	}
	return append(c.buf, '}')
}

// run does one cycle and returns the three outputs' total length; it fails
// unless the event issued exactly one command.
func (c *sessionCycle) run(tb testing.TB) int {
	st := sessionCycleStates[c.i%len(sessionCycleStates)]
	c.i++
	out := c.handle(c.input(`"event"`, `"event":{"type":"Connect Agent State Change","oldState":"`+c.prev+`","newState":"`+st+`"}`))
	c.prev = st
	at := bytes.Index(out, []byte(`"commands":[{"id":`))
	if at < 0 {
		tb.Fatalf("no command for %s: %s", st, out)
	}
	id := out[at+len(`"commands":[{"id":`):]
	id = id[:bytes.IndexByte(id, ',')]
	n := len(out)
	out = c.handle(c.input(`"result"`, `"id":`+string(id), `"ok":true`))
	n += len(out)
	k := strconv.Itoa(1 + indexString(sessionCycleStates, st))
	out = c.handle(c.input(`"event"`, `"event":{"type":"Salesforce Agent State Change","statusId":"0N500`+k+`","statusApiName":"Omni_`+st+`","statusName":"Omni `+st+`","reason":"OmniToolkitStatusChange"}`))
	return n + len(out)
}

func indexString(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

func TestSessionCycleSyncsEveryChange(t *testing.T) {
	for _, n := range benchSizes {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			c := &sessionCycle{s: benchSession(t, n), prev: "Available"}
			for range 2 * len(sessionCycleStates) {
				c.run(t)
			}
			snap := c.s.Coordinator().Snapshot()
			last := sessionCycleStates[len(sessionCycleStates)-1]
			assert.Equal(t, last, snap.ConnectState)
			assert.Equal(t, "Omni_"+last, snap.SalesforceStatus)
		})
	}
}

// BenchmarkSessionCycle is the browser's per-event path through the engine,
// JSON in and out: a Connect change, its setStatus result and Omni-Channel's
// echo (three inputs, as js/bench counts them).
func BenchmarkSessionCycle(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			c := &sessionCycle{s: benchSession(b, n), prev: "Available"}
			b.ReportAllocs()
			for b.Loop() {
				c.run(b)
			}
		})
	}
}

// An input with "trace": false builds no per-rule trace: what an event costs in
// memory does not grow with the number of rules (a burst of events in one tick
// gives Go's collector in the browser no chance to run, so this is what the
// module's memory grows by).
func TestSessionWithoutTraceAllocatesNoTrace(t *testing.T) {
	perCycle := func(n int) uint64 {
		c := &sessionCycle{s: benchSession(t, n), prev: "Available"}
		c.run(t)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		const cycles = 200
		for range cycles {
			c.run(t)
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / cycles
	}
	small, large := perCycle(10), perCycle(1000)
	t.Logf("bytes per cycle: %d (10 rules), %d (1,000 rules)", small, large)
	assert.Less(t, large, small+1024, "a trace of 1,000 rules (about 24 KB) was built")
}

// A decision's trace is copied whole for every event: its entries stay small.
func TestRuleTraceIsSmall(t *testing.T) {
	assert.Equal(t, uintptr(16), unsafe.Sizeof(RuleTrace{}))
}
