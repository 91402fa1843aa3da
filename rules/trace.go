package rules

import (
	"strconv"
)

// Outcome is what became of one rule for one event.
type Outcome uint8

// Outcomes.
const (
	OutcomeOtherSource Outcome = iota // the rule listens to another source
	OutcomeInactive
	OutcomeNoMatch     // the criteria are false
	OutcomeUnavailable // the rule's one criterion has an operand without a value (e.g. a percentage with capacity 0)
	OutcomeNotNumeric  // the rule's one criterion has an ordering comparator that met a non-number
	OutcomeNotLogout   // a Logout rule that does not test New State = "Offline" (Semantics 4)
	OutcomeMatched     // the rule matched and its action is the one for its destination
	OutcomeShadowed    // the rule matched but an earlier rule already won its destination
	OutcomeCooling     // the rule matched but is cooling down (Semantics 18): as if it had not matched
)

var outcomeNames = [...]string{"other-source", "inactive", "no-match", "unavailable", "not-numeric", "not-logout", "matched", "shadowed", "cooling"}

func (o Outcome) String() string { return outcomeNames[o] }

// RuleTrace says whether one rule matched and, if not, why. It holds no
// pointers and no text, in 16 bytes: a decision's trace is one flat
// allocation, whatever the number of rules, and copying it is most of what an
// event costs with many rules. Names, reasons, the operand values and the result of
// each member of a criteria group are derived when the decision is rendered
// (Decision.Rule, Decision.Reason, Decision.Operands, Decision.Members), from
// the event and snapshot the decision keeps.
type RuleTrace struct {
	Index  int32 `json:"index"`
	Winner int32 `json:"-"` // for shadowed rules: the index of the rule that won
	// CoolLeftMs: for a rule cooling down, how long until it may fire again
	// (a cooldown is at most a day).
	CoolLeftMs int32   `json:"-"`
	Outcome    Outcome `json:"-"`
}

// Cooldown says which rules are cooling down (Semantics 18): rule i matches
// as if it had not while Now < Until[i]. The zero value: none is.
type Cooldown struct {
	Now   int64
	Until []int64 // indexed by rule; shorter than the rules, or nil: the rest are not cooling
}

func (c Cooldown) left(rule int32) int64 {
	if int(rule) < len(c.Until) && c.Until[rule] > c.Now {
		return c.Until[rule] - c.Now
	}
	return 0
}

// Matched reports whether the rule matched (and was not cooling down).
func (t RuleTrace) Matched() bool {
	return t.Outcome == OutcomeMatched || t.Outcome == OutcomeShadowed
}

// considered reports whether the rule's operands were read for this event.
func (t RuleTrace) considered() bool {
	return t.Outcome >= OutcomeNoMatch && t.Outcome != OutcomeNotLogout
}

// Rule returns the rule of trace entry i.
func (d *Decision) Rule(i int) *Rule { return &d.eng.rules[d.Rules[i].Index] }

// Operands returns what the operands of trace entry i read, for a rule whose
// criteria are one criterion (Unavailable for rules whose criteria were not
// tested, and for groups: see Members).
func (d *Decision) Operands(i int) (a, b Value) {
	r := d.Rule(i)
	if !d.Rules[i].considered() || len(r.Criteria) == 0 || r.Criteria.isGroup() {
		return Value{}, Value{}
	}
	c := &r.Criteria[0].Criterion
	return readOperand(c.OperandA, c.OperandAValue, &d.Event, &d.Snapshot),
		readOperand(c.OperandB, c.OperandBValue, &d.Event, &d.Snapshot)
}

// MemberResult is what one node of a rule's criteria came to.
type MemberResult uint8

// Results. Unavailable and NotNumeric count as false (Semantics 3 and 15).
const (
	ResultNotEvaluated MemberResult = iota // an earlier member already decided its group
	ResultTrue
	ResultFalse
	ResultUnavailable // an operand has no value
	ResultNotNumeric  // an ordering comparator met a non-number
)

var resultNames = [...]string{"not-evaluated", "true", "false", "unavailable", "not-numeric"}

func (r MemberResult) String() string { return resultNames[r] }

func resultOf(m match) MemberResult {
	switch m {
	case matchYes:
		return ResultTrue
	case matchUnavailable:
		return ResultUnavailable
	case matchNotNumeric:
		return ResultNotNumeric
	}
	return ResultFalse
}

// MemberTrace is one node of a rule's criteria for one event: its path, its
// result, and for a criterion what its operands read.
type MemberTrace struct {
	Node   *CriteriaNode
	Result MemberResult
	A, B   Value
}

// Members returns the result of every node of the criteria of trace entry i,
// in document order, the root first: what evaluation found, members it did
// not need marked not evaluated (Semantics 15). Nil when the rule's criteria
// were not tested.
func (d *Decision) Members(i int) []MemberTrace {
	r := d.Rule(i)
	if !d.Rules[i].considered() || len(r.Criteria) == 0 {
		return nil
	}
	out := make([]MemberTrace, len(r.Criteria))
	for k := range r.Criteria {
		out[k].Node = &r.Criteria[k]
	}
	traceNode(r.Criteria, 0, &d.Event, &d.Snapshot, out)
	return out
}

// traceNode evaluates node i as the engine does (in order, stopping early),
// recording each result in out.
func traceNode(c Criteria, i int, ev *Event, snap *Snapshot, out []MemberTrace) bool {
	n := &c[i]
	switch n.Join {
	case JoinNone:
		a := readOperand(n.OperandA, n.OperandAValue, ev, snap)
		b := readOperand(n.OperandB, n.OperandBValue, ev, snap)
		out[i].A, out[i].B = a, b
		out[i].Result = resultOf(compareValues(n.Comparator, a, b))
	default:
		want := n.Join == JoinAny // the member result that decides the group
		res := !want
		c.members(i, func(m int) bool {
			if traceNode(c, m, ev, snap, out) == want {
				res = want
				return false
			}
			return true
		})
		out[i].Result = ResultFalse
		if res {
			out[i].Result = ResultTrue
		}
	}
	return out[i].Result == ResultTrue
}

// Reason explains the outcome of trace entry i in words.
func (d *Decision) Reason(i int) string {
	t := d.Rules[i]
	r := d.Rule(i)
	switch t.Outcome {
	case OutcomeOtherSource:
		return "listens to " + quote(r.Source.String())
	case OutcomeInactive:
		return "inactive"
	case OutcomeNotLogout:
		return `a Logout rule fires only when it tests "Salesforce Agent New State" "Equal to" "Offline" (its criterion, or a member of its top-level "all" group)`
	}
	var crit, why string
	if len(r.Criteria) == 0 {
		return "the rule has no criteria: it never matches"
	}
	if r.Criteria.isGroup() {
		crit, why = groupReason(d.Members(i))
	} else {
		a, b := d.Operands(i)
		crit = criterionText(&r.Criteria[0].Criterion, a, b)
		why = "is true"
		switch t.Outcome {
		case OutcomeUnavailable:
			why = "cannot be tested: " + unavailableWhy(&r.Criteria[0].Criterion, a, b)
		case OutcomeNotNumeric:
			why = "is false: " + quote(r.Criteria[0].Comparator.String()) + " needs numbers on both sides"
		case OutcomeNoMatch:
			why = "is false"
		}
	}
	switch t.Outcome {
	case OutcomeMatched:
		return crit + " " + why + ": write " + r.Destination.String() + " = " + quote(r.Value)
	case OutcomeShadowed:
		return crit + " " + why + ", but rules[" + strconv.Itoa(int(t.Winner)) + "] already decided " + r.Destination.String() + " (first match wins)"
	case OutcomeCooling:
		return crit + " " + why + ", but the rule is cooling down (" + durationText(int64(t.CoolLeftMs)) + " left of its " +
			durationText(r.CooldownMs) + " cooldown): the next rule for " + r.Destination.String() + " is considered"
	}
	return crit + " " + why
}

// groupReason says why a group came out as it did: "criteria (all of 3)"
// and "is true (every member)", "is false (criteria.all[1])", ...
func groupReason(ms []MemberTrace) (crit, why string) {
	root := ms[0].Node
	decider := ""
	for k := 1; k < len(ms) && decider == ""; k++ {
		if ms[k].Node.Depth == 1 && ms[k].Result != ResultNotEvaluated && (ms[k].Result == ResultTrue) == (root.Join == JoinAny) {
			decider = ms[k].Node.Path
		}
	}
	crit = root.Path + " (" + groupSize(ms, 0) + ")"
	switch {
	case ms[0].Result == ResultTrue && root.Join == JoinAll:
		return crit, "is true (every member)"
	case ms[0].Result == ResultTrue:
		return crit, "is true (" + decider + ")"
	case root.Join == JoinAll:
		return crit, "is false (" + decider + ")"
	}
	return crit, "is false (no member)"
}

// groupSize renders group node k as "all of 3" or "any of 2".
func groupSize(ms []MemberTrace, k int) string {
	n := 0
	for m := k + 1; m < ms[k].Node.End; m++ {
		if ms[m].Node.Depth == ms[k].Node.Depth+1 {
			n++
		}
	}
	return ms[k].Node.Join.String() + " of " + strconv.Itoa(n)
}

// Text explains one member of a criteria group: for a criterion its
// operands and result, for a group its result.
func (m *MemberTrace) Text() string {
	n := m.Node
	if m.Result == ResultNotEvaluated {
		return "not evaluated (an earlier member decided the group)"
	}
	if n.Join != JoinNone {
		return n.Join.String() + " group is " + boolWord(m.Result == ResultTrue)
	}
	s := criterionText(&n.Criterion, m.A, m.B)
	switch m.Result {
	case ResultTrue:
		return s + " is true"
	case ResultUnavailable:
		return s + " is false: " + unavailableWhy(&n.Criterion, m.A, m.B)
	case ResultNotNumeric:
		return s + " is false: " + quote(n.Comparator.String()) + " needs numbers on both sides"
	}
	return s + " is false"
}

func criterionText(c *Criterion, a, b Value) string {
	return describe(c.OperandA, a) + " " + comparatorSymbols[c.Comparator] + " " + describe(c.OperandB, b)
}

func unavailableWhy(c *Criterion, a, b Value) string {
	for _, s := range []struct {
		o Operand
		v Value
	}{{c.OperandA, a}, {c.OperandB, b}} {
		if s.v.Kind == Unavailable {
			switch s.o {
			case OperandNewWorkloadPct, OperandPreviousWorkloadPct:
				return s.o.String() + " is unavailable (configured capacity is unknown or not above 0)"
			case OperandNewInterruptibleWorkloadPct, OperandPreviousInterruptibleWorkloadPct:
				return s.o.String() + " is unavailable (configured interruptible capacity is unknown or not above 0)"
			default:
				return s.o.String() + " is unavailable (not reported yet)"
			}
		}
	}
	return "an operand is unavailable"
}

func describe(o Operand, v Value) string {
	if o == OperandStatic {
		return v.String()
	}
	return o.String() + " (" + v.String() + ")"
}
