package rules

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// naiveEvaluate is the reference: every rule tested in document order, no index.
func naiveEvaluate(e *Engine, ev *Event, snap *Snapshot) ([]Outcome, []int) {
	out := make([]Outcome, len(e.rules))
	winners := []int{-1, -1, -1}
	for i := range e.rules {
		r := &e.rules[i]
		switch {
		case !r.Active:
			out[i] = OutcomeInactive
			continue
		case r.Source != ev.Type:
			out[i] = OutcomeOtherSource
			continue
		case ev.Type == SourceSalesforceLogout && !r.Criteria.logoutOK():
			out[i] = OutcomeNotLogout
			continue
		}
		switch refEval(r.Criteria, 0, ev, snap) {
		case matchYes:
			if winners[r.Destination] < 0 {
				winners[r.Destination] = i
				out[i] = OutcomeMatched
			} else {
				out[i] = OutcomeShadowed
			}
		case matchUnavailable:
			out[i] = OutcomeUnavailable
		case matchNotNumeric:
			out[i] = OutcomeNotNumeric
		default:
			out[i] = OutcomeNoMatch
		}
	}
	return out, winners
}

// indexRules mixes indexed shapes (name = static text, either side) with
// everything else, over a small vocabulary so that matches are frequent.
func indexRules(t testing.TB) *Engine {
	vocab := []any{"Lunch", "Break", "Available", "Offline", "100", "100.0", 100, "", "sfdc_case"}
	ops := OperandLabels()
	cmps := ComparatorLabels()
	srcs := SourceLabels()
	var rules []map[string]any
	k := 0
	for _, src := range srcs {
		for _, a := range ops {
			for ci, c := range cmps {
				if ci > 1 && k%3 != 0 {
					k++
					continue
				}
				v := vocab[k%len(vocab)]
				r := map[string]any{"name": "r" + strconv.Itoa(k), "source": src, "operandA": a, "comparator": c,
					"operandB": "Static Value", "operandBValue": v, "destination": []string{"Salesforce Agent State", "Connect Agent State"}[k%2],
					"value": "Lunch"}
				if a == "Static Value" {
					r["operandAValue"] = vocab[(k+3)%len(vocab)]
					r["operandB"] = ops[k%len(ops)]
					if r["operandB"] == "Static Value" {
						r["operandBValue"] = v
					} else {
						delete(r, "operandBValue")
					}
				}
				if k%17 == 0 {
					r["active"] = false
				}
				rules = append(rules, r)
				k++
			}
		}
	}
	// Groups: a top-level all whose indexable member is not first (a hit
	// evaluates the whole group), and groups that cannot be indexed.
	crit := func(o string, v any) map[string]any {
		return map[string]any{"operandA": o, "comparator": "Equal to", "operandB": "Static Value", "operandBValue": v}
	}
	for _, src := range srcs {
		for vi, v := range vocab {
			other := crit(ops[(vi*5)%len(ops)], vocab[(vi+1)%len(vocab)])
			other["comparator"] = cmps[vi%len(cmps)]
			if other["operandA"] == "Static Value" {
				other["operandAValue"] = v
			}
			for gi, g := range []map[string]any{
				{"all": []any{other, crit(ops[vi%4], v)}},
				{"all": []any{crit(ops[(vi+1)%4], v), map[string]any{"any": []any{other, crit(ops[vi%len(ops)], v)}}}},
				{"any": []any{crit(ops[vi%4], v), other}},
			} {
				rules = append(rules, map[string]any{"name": "g" + strconv.Itoa(len(rules)), "source": src, "criteria": g,
					"destination": []string{"Salesforce Agent State", "Connect Agent State"}[(vi+gi)%2], "state": "Lunch"})
			}
		}
	}
	doc, _ := json.Marshal(map[string]any{"rules": rules})
	d, diags := Parse(doc)
	_ = diags // lint errors (ordering on names, logout criteria) are fine here: the engine must still agree
	return New(d)
}

func FuzzIndexedEvaluationMatchesLinear(f *testing.F) {
	f.Add(uint8(0), "Lunch", "Available", "Lunch", "sfdc_case", 2.0, 4.0, 5.0)
	f.Add(uint8(1), "100", "100.0", "Offline", "", 0.0, 0.0, 0.0)
	f.Add(uint8(2), "", "Break", "Available", "500xx", 5.0, 5.0, 5.0)
	f.Add(uint8(3), "Break", "", "100", "sfdc_case", 1.0, 100.0, 100.0)
	f.Add(uint8(4), "Available", "Lunch", "Break", "x", 3.0, 2.0, 0.0)
	eng := indexRules(f)
	f.Fuzz(func(t *testing.T, typ uint8, s1, s2, s3, s4 string, n1, n2, n3 float64) {
		ev := Event{Type: Source(1 + int(typ)%int(numSources-1)), OldState: s2, NewState: s1, StatusAPIName: s3,
			ServiceChannel: s4, PreviousWorkload: Num(n1), NewWorkload: Num(n2), ConfiguredCapacity: Num(n3),
			Reason: s3, RoutingProfile: s4, NextState: s1, HasNextState: typ&8 != 0}
		snap := Snapshot{ConnectState: s2, ConnectPreviousState: s3, SalesforceStatus: s1, ServiceChannel: s4, Workload: Num(n1)}
		d := eng.Evaluate(&ev, &snap)
		want, winners := naiveEvaluate(eng, &ev, &snap)
		for i := range want {
			if d.Rules[i].Outcome != want[i] {
				t.Fatalf("rule %d (%s): indexed %s, linear %s", i, eng.rules[i].Criterion(), d.Rules[i].Outcome, want[i])
			}
		}
		for _, a := range d.Actions {
			require.Equal(t, winners[a.Destination], a.RuleIndex)
		}
	})
}

// refEval is the reference evaluator of criteria (Semantics 15), written
// plainly: every member evaluated, no early stop, no cache; a group is true
// or false, a criterion may be unavailable or not numeric (false).
func refEval(c Criteria, i int, ev *Event, snap *Snapshot) match {
	n := c[i]
	if n.Join == JoinNone {
		return compareValues(n.Comparator, readOperand(n.OperandA, n.OperandAValue, ev, snap), readOperand(n.OperandB, n.OperandBValue, ev, snap))
	}
	trues, total := 0, 0
	for m := i + 1; m < n.End; m = c[m].End {
		total++
		if refEval(c, m, ev, snap) == matchYes {
			trues++
		}
	}
	if (n.Join == JoinAll && trues == total) || (n.Join == JoinAny && trues > 0) {
		return matchYes
	}
	return matchNo
}
