package rules

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Fuzz targets of the rules language: formatting, and criteria groups.

// FuzzFormat: parse → fmt → parse. Format either refuses with located syntax
// or mixed-shape errors, or returns a document that formats to itself, holds
// the same rules and has the same problems (by code, rule and severity).
func FuzzFormat(f *testing.F) {
	for _, d := range fuzzSeedDocs(f) {
		f.Add(d)
	}
	files, _ := filepath.Glob("testdata/fmt/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{``, `[]`, `{"rules": [{"value": "a", "value": "b", "operandA": 1, "operandA": "Static Value"}]}`,
		`{"rules": [{"operandBValue": 1}, {"criteria": {"all": [{"any": []}]}, "state": "x"}]}`, "{\"r\xffules\": [1, 2.50, -0, 1e400]}",
		`{"rules": [{"criteria": 1, "operandA": "x"}]}`, `{"rules": [{"state": 1, "value": 2}]}`, `{"rules": {"operandA": "x"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, refused := Format(data)
		if out == nil {
			if len(refused) == 0 {
				t.Fatal("refused without a reason")
			}
			for _, d := range refused {
				if d.Severity != SeverityError || (d.Code != "syntax" && d.Code != "mixed-shape") || d.Line < 1 {
					t.Fatalf("refused with %+v", d)
				}
			}
			return
		}
		again, diags := Format(out)
		if again == nil || !bytes.Equal(again, out) {
			t.Fatalf("fmt of fmt's output differs:\n%s\n%s\n%s", out, again, diags)
		}
		doc, d1 := Parse(data)
		doc2, d2 := Parse(out)
		if k1, k2 := problemKeys(d1), problemKeys(d2); !reflect.DeepEqual(k1, k2) {
			t.Fatalf("problems changed:\n%v\n%v\n%s", k1, k2, out)
		}
		if (doc == nil) != (doc2 == nil) {
			t.Fatalf("doc %v, then %v", doc, doc2)
		}
		if doc == nil {
			return
		}
		requireSameRules(t, "fmt", doc, doc2)
	})
}

// fuzzBytes hands out the bytes of a fuzz input, then zeros.
type fuzzBytes struct {
	b []byte
	i int
}

func (f *fuzzBytes) next() int {
	if f.i >= len(f.b) {
		return 0
	}
	f.i++
	return int(f.b[f.i-1])
}

// fuzzStates are the states FuzzGroups' rules write: names its criteria test, so that cycles form.
var fuzzStates = []string{"Lunch", "Break", "Available", "Offline", "Sales"}

var fuzzVocab = []any{"Lunch", "Break", "Available", "Offline", "Sales", "100", 100, 0, "", "OmniPushTimeout", 50, "1.5"}

// fuzzCriteria builds a criteria tree (canonical JSON) from the bytes.
func fuzzCriteria(f *fuzzBytes, depth int) any {
	ops := OperandLabels()
	cmps := ComparatorLabels()
	b := f.next()
	if depth < maxGroupDepth && b%3 == 0 {
		join := "all"
		if b&4 != 0 {
			join = "any"
		}
		n := 1 + f.next()%4
		members := make([]any, n)
		for k := range members {
			members[k] = fuzzCriteria(f, depth+1)
		}
		return map[string]any{join: members}
	}
	c := map[string]any{"operandA": ops[f.next()%len(ops)], "comparator": cmps[f.next()%len(cmps)], "operandB": "Static Value",
		"operandBValue": fuzzVocab[f.next()%len(fuzzVocab)]}
	if c["operandA"] == "Static Value" {
		c["operandAValue"] = fuzzVocab[f.next()%len(fuzzVocab)]
	}
	if b&8 != 0 { // the static value first
		c["operandA"], c["operandB"] = c["operandB"], c["operandA"]
		c["operandAValue"], c["operandBValue"] = c["operandBValue"], c["operandAValue"]
		if c["operandBValue"] == nil {
			delete(c, "operandBValue")
		}
	}
	return c
}

// FuzzGroups: rules with random criteria trees against random events. The
// engine (flat compiled form, early stop, index on group members, operand
// cache) agrees with the plain reference evaluator on every rule's outcome
// and every winner; each member trace is consistent: a criterion evaluated is
// what its comparison gives, a group is what its evaluated members give, and
// a member is not evaluated exactly when an earlier sibling decided its group.
func FuzzGroups(f *testing.F) {
	f.Add([]byte{0, 4, 1, 1, 0, 7, 2, 1, 3, 0, 1, 9}, uint8(0), "Lunch", "Available", "Sales", "OmniPushTimeout", 1.0, 2.0, 4.0)
	f.Add([]byte{3, 8, 16, 2, 4, 0, 0, 12, 12, 3, 6, 6, 9, 0, 4, 2, 2, 2, 2}, uint8(1), "Break", "Lunch", "", "OmniSupervisorLogout", 0.0, 0.0, 0.0)
	f.Add([]byte{0, 3, 0, 3, 0, 3, 0, 3, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1}, uint8(2), "100", "100.0", "Sales", "", 50.0, 100.0, 2.0)
	f.Add([]byte("a fairly long and arbitrary seed that makes many rules"), uint8(3), "Offline", "", "Support", "", 3.0, 3.0, 3.0)
	f.Fuzz(func(t *testing.T, tree []byte, typ uint8, s1, s2, s3, s4 string, n1, n2, n3 float64) {
		fb := &fuzzBytes{b: tree}
		srcs := SourceLabels()
		var rules []map[string]any
		for k := 0; k < 2+len(tree)%7; k++ {
			r := map[string]any{"name": "r" + itoa(k), "source": srcs[fb.next()%len(srcs)],
				"criteria": fuzzCriteria(fb, 0), "destination": DestinationLabels()[fb.next()%2], "state": fuzzStates[fb.next()%len(fuzzStates)],
				"active": fb.next()%9 != 0}
			if k > 0 && fb.next()%3 == 0 { // an earlier rule's criteria, alone or in a group: shadowing to find
				prev := rules[fb.next()%k]
				r["source"], r["destination"] = prev["source"], prev["destination"]
				switch fb.next() % 3 {
				case 0:
					r["criteria"] = prev["criteria"]
				case 1:
					r["criteria"] = map[string]any{"all": []any{r["criteria"], prev["criteria"]}}
				default:
					prev["criteria"] = map[string]any{"any": []any{r["criteria"], prev["criteria"]}}
				}
			}
			rules = append(rules, r)
		}
		data, err := json.Marshal(map[string]any{"rules": rules})
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := Parse(data)
		if doc == nil {
			t.Fatalf("no document from %s", data)
		}
		checkProofIndexes(t, data)
		eng := New(doc)
		ev := Event{Type: Source(1 + int(typ)%int(numSources-1)), NewState: s1, OldState: s2, RoutingProfile: s3, Reason: s4,
			StatusAPIName: s1, ServiceChannel: s2, NextState: s2, HasNextState: typ&16 != 0,
			PreviousWorkload: Num(n1), NewWorkload: Num(n2), ConfiguredCapacity: Num(n3), NewInterruptibleWorkload: Num(n1)}
		snap := Snapshot{ConnectState: s2, ConnectPreviousState: s1, SalesforceStatus: s3, ConnectRoutingProfile: s3,
			Workload: Num(n1), ConfiguredInterruptibleCapacity: Num(n3)}
		if typ&32 != 0 {
			ev.ConfiguredCapacity = OptNum{}
		}
		d := eng.Evaluate(&ev, &snap)
		want, winners := naiveEvaluate(eng, &ev, &snap)
		for i := range want {
			if d.Rules[i].Outcome != want[i] {
				t.Fatalf("rule %d %s: engine %s, reference %s", i, eng.rules[i].Criterion(), d.Rules[i].Outcome, want[i])
			}
		}
		for _, a := range d.Actions {
			if winners[a.Destination] != a.RuleIndex {
				t.Fatalf("action from rule %d, reference winner %d", a.RuleIndex, winners[a.Destination])
			}
		}
		for i := range d.Rules {
			checkMembers(t, eng.rules[i].Criteria, d.Members(i), &ev, &snap, d.Rules[i].Outcome)
		}
		if _, err := json.Marshal(d); err != nil {
			t.Fatal(err)
		}
		_ = d.Text()
	})
}

// checkMembers asserts that a rule's member trace is consistent (see FuzzGroups).
func checkMembers(t *testing.T, c Criteria, ms []MemberTrace, ev *Event, snap *Snapshot, o Outcome) {
	t.Helper()
	if ms == nil {
		return
	}
	if (ms[0].Result == ResultTrue) != (o == OutcomeMatched || o == OutcomeShadowed || o == OutcomeCooling) {
		t.Fatalf("root %s, outcome %s", ms[0].Result, o)
	}
	var walk func(i int, evaluated bool)
	walk = func(i int, evaluated bool) {
		n := &c[i]
		if !evaluated {
			if ms[i].Result != ResultNotEvaluated {
				t.Fatalf("%s evaluated after its group was decided", n.Path)
			}
			c.members(i, func(m int) bool { walk(m, false); return true })
			return
		}
		if ms[i].Result == ResultNotEvaluated {
			t.Fatalf("%s not evaluated", n.Path)
		}
		if n.Join == JoinNone {
			if want := resultOf(refEval(c, i, ev, snap)); ms[i].Result != want {
				t.Fatalf("%s: %s, comparison gives %s", n.Path, ms[i].Result, want)
			}
			return
		}
		decided := false
		anyTrue, allTrue := false, true
		c.members(i, func(m int) bool {
			walk(m, !decided)
			if !decided {
				tr := ms[m].Result == ResultTrue
				anyTrue, allTrue = anyTrue || tr, allTrue && tr
				decided = (n.Join == JoinAll && !tr) || (n.Join == JoinAny && tr)
			}
			return true
		})
		if want := (n.Join == JoinAll && allTrue) || (n.Join == JoinAny && anyTrue); (ms[i].Result == ResultTrue) != want {
			t.Fatalf("%s: %s, its members give %v", n.Path, ms[i].Result, want)
		}
	}
	walk(0, true)
}
