package rules

import (
	"strconv"
)

// Engine is a compiled rules document: compile once, evaluate many.
// It is immutable and safe for concurrent use.
type Engine struct {
	doc      *Document
	rules    []Rule
	bySource [numSources][]int32 // indexes of active rules, in document order
	warnings Diagnostics
	// blank is every rule's trace before an event is evaluated (other-source
	// or inactive), copied into each decision in one move.
	blank []RuleTrace
	// crit is what evaluation reads of each rule, packed: the rules of one
	// source are walked without touching the rest of the Rule records.
	crit []criterion
	// plans: per source, how to evaluate it without testing every rule.
	plans [numSources]sourcePlan
}

// sourcePlan evaluates the rules of one source. The common rule shape,
// "<a name operand> Equal to <static text>", is indexed: one map look-up per
// operand finds the rules that match, and every other indexed rule is known
// not to match without being tested (its trace entry starts as no-match).
// The remaining rules are tested one by one. Both lists are in document order
// and are merged, so first-match-per-destination holds across them.
type sourcePlan struct {
	blank  []RuleTrace // the trace before evaluation: indexed rules no-match, others by outcome
	linear []int32     // rules tested one by one
	eq     [numIndexed]map[string][]int32
}

// The name operands that can be indexed.
const numIndexed = 4

func indexSlot(o Operand) int {
	switch o {
	case OperandConnectNewState:
		return 0
	case OperandConnectOldState:
		return 1
	case OperandSalesforceNewState:
		return 2
	case OperandServiceChannel:
		return 3
	}
	return -1
}

var slotOperand = [numIndexed]Operand{OperandConnectNewState, OperandConnectOldState, OperandSalesforceNewState, OperandServiceChannel}

// indexable returns the operand slot and the static text of a rule of the
// indexed shape, else -1. Numeric statics are not indexed: "100" must equal
// a state spelled "100.0", which only a numeric comparison sees.
func indexable(r *Rule) (int, string) {
	if r.Comparator != Equal {
		return -1, ""
	}
	if slot := indexSlot(r.OperandA); slot >= 0 && r.OperandB == OperandStatic && r.OperandBValue.Kind == Text {
		return slot, r.OperandBValue.Str
	}
	if slot := indexSlot(r.OperandB); slot >= 0 && r.OperandA == OperandStatic && r.OperandAValue.Kind == Text {
		return slot, r.OperandAValue.Str
	}
	return -1, ""
}

// criterion is the part of a rule evaluation reads.
type criterion struct {
	a, b       Operand
	cmp        Comparator
	dst        Destination
	logoutOK   bool // for a Logout rule: New State = "Offline", the only criterion that can match
	aVal, bVal Value
}

// Compile parses and checks a document and builds an engine. With errors it
// returns a *Error with code invalid-rules listing every problem.
func Compile(data []byte) (*Engine, error) {
	doc, diags := Parse(data)
	if diags.HasErrors() {
		return nil, invalidRules(diags)
	}
	e := New(doc)
	e.warnings = diags
	return e, nil
}

func invalidRules(diags Diagnostics) *Error {
	n := len(diags.Errors())
	msg := "the rules are invalid: " + strconv.Itoa(n) + " problem"
	if n != 1 {
		msg += "s"
	}
	return &Error{Code: CodeInvalidRules, Message: msg + ":\n" + diags.Errors().String(), Problems: diags}
}

// New builds an engine from a parsed document (which should have no errors).
func New(doc *Document) *Engine {
	e := &Engine{doc: doc, rules: doc.Rules}
	e.blank = make([]RuleTrace, len(e.rules))
	e.crit = make([]criterion, len(e.rules))
	for i := range e.rules {
		r := &e.rules[i]
		r.Index = i
		if r.Active && r.Source > SourceNone && r.Source < numSources {
			e.bySource[r.Source] = append(e.bySource[r.Source], int32(i))
		}
		e.blank[i].Index = i
		if !r.Active {
			e.blank[i].Outcome = OutcomeInactive
		}
		e.crit[i] = criterion{a: r.OperandA, b: r.OperandB, cmp: r.Comparator, dst: r.Destination,
			logoutOK: isLogoutCriterion(r), aVal: r.OperandAValue, bVal: r.OperandBValue}
	}
	for src := SourceConnectStateChange; src < numSources; src++ {
		p := &e.plans[src]
		p.blank = append([]RuleTrace(nil), e.blank...)
		for _, idx := range e.bySource[src] {
			r := &e.rules[idx]
			if src == SourceSalesforceLogout && !e.crit[idx].logoutOK {
				p.blank[idx].Outcome = OutcomeNotLogout
				continue
			}
			slot, key := indexable(r)
			if slot < 0 {
				p.linear = append(p.linear, idx)
				continue
			}
			if p.eq[slot] == nil {
				p.eq[slot] = map[string][]int32{}
			}
			p.eq[slot][key] = append(p.eq[slot][key], idx)
			p.blank[idx].Outcome = OutcomeNoMatch
		}
	}
	return e
}

// Document returns the compiled document.
func (e *Engine) Document() *Document { return e.doc }

// Rules returns the compiled rules.
func (e *Engine) Rules() []Rule { return e.rules }

// Warnings returns the warnings found while compiling.
func (e *Engine) Warnings() Diagnostics { return e.warnings }

// Outcome is what became of one rule for one event.
type Outcome uint8

// Outcomes.
const (
	OutcomeOtherSource Outcome = iota // the rule listens to another source
	OutcomeInactive
	OutcomeNoMatch     // the criterion is false
	OutcomeUnavailable // an operand has no value (e.g. a percentage with capacity 0)
	OutcomeNotNumeric  // an ordering comparator met a non-number
	OutcomeNotLogout   // a Logout rule whose criterion is not New State = "Offline"
	OutcomeMatched     // the rule matched and its action is the one for its destination
	OutcomeShadowed    // the rule matched but an earlier rule already won its destination
	OutcomeCooling     // the rule matched but is cooling down (Semantics 18): as if it had not matched
)

var outcomeNames = [...]string{"other-source", "inactive", "no-match", "unavailable", "not-numeric", "not-logout", "matched", "shadowed", "cooling"}

func (o Outcome) String() string { return outcomeNames[o] }

// RuleTrace says whether one rule matched and, if not, why. It holds no
// pointers and no text: a decision's trace is one flat allocation, whatever
// the number of rules. Names, reasons and the operand values are derived when
// the decision is rendered (Decision.Rule, Decision.Reason, Decision.Operands),
// from the event and snapshot the decision keeps.
type RuleTrace struct {
	Index   int     `json:"index"`
	Outcome Outcome `json:"-"`
	Winner  int     `json:"-"` // for shadowed rules: the index of the rule that won
	// CoolLeftMs: for a rule cooling down, how long until it may fire again.
	CoolLeftMs int64 `json:"-"`
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

// Matched reports whether the rule's criterion was true.
func (t RuleTrace) Matched() bool {
	return t.Outcome == OutcomeMatched || t.Outcome == OutcomeShadowed
}

// considered reports whether the rule's operands were read for this event.
func (t RuleTrace) considered() bool {
	return t.Outcome >= OutcomeNoMatch && t.Outcome != OutcomeNotLogout
}

// Rule returns the rule of trace entry i.
func (d *Decision) Rule(i int) *Rule { return &d.eng.rules[d.Rules[i].Index] }

// Operands returns what the operands of trace entry i read (Unavailable for
// rules whose criterion was not tested).
func (d *Decision) Operands(i int) (a, b Value) {
	t := d.Rules[i]
	if !t.considered() {
		return Value{}, Value{}
	}
	r := d.Rule(i)
	return readOperand(r.OperandA, r.OperandAValue, &d.Event, &d.Snapshot),
		readOperand(r.OperandB, r.OperandBValue, &d.Event, &d.Snapshot)
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
		return `a Logout rule fires only on "Salesforce Agent New State" "Equal to" "Offline"`
	}
	a, b := d.Operands(i)
	crit := describe(r.OperandA, a) + " " + comparatorSymbols[r.Comparator] + " " + describe(r.OperandB, b)
	switch t.Outcome {
	case OutcomeMatched:
		return crit + " is true: write " + r.Destination.String() + " = " + quote(r.Value)
	case OutcomeShadowed:
		return crit + " is true, but rules[" + strconv.Itoa(t.Winner) + "] already decided " + r.Destination.String() + " (first match wins)"
	case OutcomeCooling:
		return crit + " is true, but the rule is cooling down (" + durationText(t.CoolLeftMs) + " left of its " +
			durationText(r.CooldownMs) + " cooldown): the next rule for " + r.Destination.String() + " is considered"
	case OutcomeUnavailable:
		return crit + " cannot be tested: " + unavailableWhy(r, a, b)
	case OutcomeNotNumeric:
		return crit + " is false: " + quote(r.Comparator.String()) + " needs numbers on both sides"
	}
	return crit + " is false"
}

func unavailableWhy(r *Rule, a, b Value) string {
	for _, s := range []struct {
		o Operand
		v Value
	}{{r.OperandA, a}, {r.OperandB, b}} {
		if s.v.Kind == Unavailable {
			switch s.o {
			case OperandNewWorkloadPct, OperandPreviousWorkloadPct:
				return s.o.String() + " is unavailable (configured capacity is unknown or not above 0)"
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

// Action is a write a rule asks for, and what became of it.
type Action struct {
	ID               int64        `json:"id,omitempty"`
	Destination      Destination  `json:"destination"`
	Value            string       `json:"value"`
	Rule             string       `json:"rule"`
	RuleIndex        int          `json:"ruleIndex"`
	Status           ActionStatus `json:"status,omitempty"`
	Reason           string       `json:"reason,omitempty"`
	Error            string       `json:"error,omitempty"`
	EnqueueNextState bool         `json:"enqueueNextState,omitempty"`
	StatusID         string       `json:"statusId,omitempty"`
	Attempt          int          `json:"attempt,omitempty"`
}

// ActionStatus is where a write stands.
type ActionStatus string

// Action statuses (DESIGN.md "Browser API").
const (
	StatusIssued     ActionStatus = "issued"
	StatusApplied    ActionStatus = "applied"
	StatusRetrying   ActionStatus = "retrying"
	StatusFailed     ActionStatus = "failed"
	StatusSkipped    ActionStatus = "skipped"
	StatusDeferred   ActionStatus = "deferred"
	StatusEnqueued   ActionStatus = "enqueued"
	StatusSuperseded ActionStatus = "superseded"
	StatusQueued     ActionStatus = "queued" // waiting for the write in flight to its destination
)

// Decision is what one event led to (Semantics 13).
type Decision struct {
	Seq      int64       `json:"seq"`
	Time     int64       `json:"time"`
	Event    Event       `json:"event"`
	Snapshot Snapshot    `json:"snapshot"`
	Echo     bool        `json:"echo"`
	Note     string      `json:"note,omitempty"`
	Rules    []RuleTrace `json:"rules"`
	Actions  []*Action   `json:"actions"`

	eng *Engine // for rendering the trace

	// Duplicate: an event repeating what was just handled (Omni-Channel's
	// status change after a login); no rule evaluated.
	Duplicate bool `json:"duplicate,omitempty"`
	// Reconcile: the rules applied to a system's current state (Semantics 17).
	Reconcile bool `json:"reconcile,omitempty"`
}

// Evaluate runs every active rule of the event's source, in document order,
// against the event and the snapshot it saw. For each destination the first
// matching rule wins. It does not decide whether a write is needed: that is
// the coordinator's job (Semantics 8–12).
func (e *Engine) Evaluate(ev *Event, snap *Snapshot) Decision {
	d := Decision{Event: *ev, Snapshot: *snap}
	e.evaluateInto(ev, snap, &d, nil, Cooldown{})
	return d
}

// evaluateInto is Evaluate filling d. The per-rule trace goes in buf when it is large enough (the coordinator passes a reused
// one when nobody will read the trace), else in a new slice.
// Rules cooling down (cool) are traced as cooling and do not win their destination.
func (e *Engine) evaluateInto(ev *Event, snap *Snapshot, d *Decision, buf []RuleTrace, cool Cooldown) {
	d.eng = e
	blank := e.blank
	if ev.Type > SourceNone && ev.Type < numSources {
		blank = e.plans[ev.Type].blank
	}
	// One flat slice, filled by a copy rather than zeroed then set.
	if cap(buf) >= len(blank) {
		d.Rules = buf[:len(blank)]
	} else {
		d.Rules = make([]RuleTrace, len(blank))
	}
	copy(d.Rules, blank)
	if ev.Type <= SourceNone || ev.Type >= numSources {
		return
	}
	p := &e.plans[ev.Type]

	// Each operand is read once per event, not once per rule.
	var known [OperandStatic]Value
	var have [OperandStatic]bool
	read := func(o Operand, static Value) Value {
		if o >= OperandStatic {
			return static
		}
		if !have[o] {
			known[o] = readOperand(o, static, ev, snap)
			have[o] = true
		}
		return known[o]
	}
	// The candidate lists, each in document order: the rules tested one by one,
	// and for each indexed operand the rules whose static text is its value.
	var lists [numIndexed + 1][]int32
	lists[0] = p.linear
	n := 1
	for slot, m := range p.eq {
		if m == nil {
			continue
		}
		if hits := m[read(slotOperand[slot], Value{}).text()]; len(hits) > 0 {
			lists[n] = hits
			n++
		}
	}
	var won [numDestinations]int
	var actions [numDestinations]*Action
	found := 0
	var pos [numIndexed + 1]int
	for {
		// Next rule in document order among the lists (k-way merge of ≤ 5).
		best := -1
		for l := 0; l < n; l++ {
			if pos[l] < len(lists[l]) && (best < 0 || lists[l][pos[l]] < lists[best][pos[best]]) {
				best = l
			}
		}
		if best < 0 {
			break
		}
		idx := lists[best][pos[best]]
		pos[best]++
		c := &e.crit[idx]
		t := &d.Rules[idx]
		m := matchYes // an index hit is a match
		if best == 0 {
			m = compareValues(c.cmp, read(c.a, c.aVal), read(c.b, c.bVal))
		}
		if m == matchYes {
			if left := cool.left(idx); left > 0 {
				t.Outcome = OutcomeCooling
				t.CoolLeftMs = left
				continue
			}
		}
		switch m {
		case matchYes:
			if won[c.dst] == 0 {
				won[c.dst] = int(idx) + 1
				t.Outcome = OutcomeMatched
				r := &e.rules[idx]
				actions[c.dst] = &Action{Destination: r.Destination, Value: r.Value, Rule: r.Label(), RuleIndex: int(idx)}
				found++
			} else {
				t.Outcome = OutcomeShadowed
				t.Winner = won[c.dst] - 1
			}
		case matchUnavailable:
			t.Outcome = OutcomeUnavailable
		case matchNotNumeric:
			t.Outcome = OutcomeNotNumeric
		default:
			t.Outcome = OutcomeNoMatch
		}
	}
	if found > 0 {
		d.Actions = make([]*Action, 0, found)
		// Salesforce first, then Connect: a stable order for traces and tests.
		for dst := DestinationSalesforce; dst < numDestinations; dst++ {
			if actions[dst] != nil {
				d.Actions = append(d.Actions, actions[dst])
			}
		}
	}
}

// readOperand reads an operand from the event when it carries the value, else
// from the last known state of that system (Semantics 2).
func readOperand(o Operand, static Value, ev *Event, snap *Snapshot) Value {
	switch o {
	case OperandStatic:
		return static
	case OperandConnectNewState:
		if ev.Type == SourceConnectStateChange {
			return TextValue(ev.NewState)
		}
		return TextValue(snap.ConnectState)
	case OperandConnectOldState:
		if ev.Type == SourceConnectStateChange {
			if ev.OldState != "" {
				return TextValue(ev.OldState)
			}
			return TextValue(snap.ConnectState)
		}
		return TextValue(snap.ConnectPreviousState)
	case OperandSalesforceNewState:
		switch {
		case ev.Type == SourceSalesforceLogout:
			return Value{Kind: Text, Str: OfflineStatus}
		case ev.Type == SourceSalesforceStateChange && ev.StatusAPIName != "":
			return TextValue(ev.StatusAPIName)
		}
		return TextValue(snap.SalesforceStatus)
	case OperandServiceChannel:
		if ev.Type == SourceSalesforceWorkAccepted {
			return TextValue(ev.ServiceChannel)
		}
		return TextValue(snap.ServiceChannel)
	case OperandPreviousWorkload:
		return numValue(pick(ev.PreviousWorkload, snap.PreviousWorkload))
	case OperandNewWorkload:
		return numValue(pick(ev.NewWorkload, snap.Workload))
	case OperandConfiguredCapacity:
		return numValue(pick(ev.ConfiguredCapacity, snap.ConfiguredCapacity))
	case OperandPreviousWorkloadPct:
		return pct(pick(ev.PreviousWorkload, snap.PreviousWorkload), pick(ev.ConfiguredCapacity, snap.ConfiguredCapacity))
	case OperandNewWorkloadPct:
		return pct(pick(ev.NewWorkload, snap.Workload), pick(ev.ConfiguredCapacity, snap.ConfiguredCapacity))
	case OperandChangeReason:
		// The reason of the Salesforce change being handled, never a remembered one.
		if ev.Type == SourceSalesforceStateChange || ev.Type == SourceSalesforceLogout {
			return TextValue(ev.Reason)
		}
		return TextValue("")
	case OperandConfiguredInterruptibleCapacity:
		return numValue(pick(ev.ConfiguredInterruptibleCapacity, snap.ConfiguredInterruptibleCapacity))
	case OperandPreviousInterruptibleWorkload:
		return numValue(pick(ev.PreviousInterruptibleWorkload, snap.PreviousInterruptibleWorkload))
	case OperandNewInterruptibleWorkload:
		return numValue(pick(ev.NewInterruptibleWorkload, snap.InterruptibleWorkload))
	case OperandPreviousInterruptibleWorkloadPct:
		return pct(pick(ev.PreviousInterruptibleWorkload, snap.PreviousInterruptibleWorkload),
			pick(ev.ConfiguredInterruptibleCapacity, snap.ConfiguredInterruptibleCapacity))
	case OperandNewInterruptibleWorkloadPct:
		return pct(pick(ev.NewInterruptibleWorkload, snap.InterruptibleWorkload),
			pick(ev.ConfiguredInterruptibleCapacity, snap.ConfiguredInterruptibleCapacity))
	case OperandConnectNextState:
		if ev.Type == SourceConnectStateChange && ev.HasNextState {
			return TextValue(ev.NextState)
		}
		return TextValue(snap.ConnectNextState)
	case OperandConnectRoutingProfile:
		if ev.Type == SourceConnectStateChange && ev.RoutingProfile != "" {
			return TextValue(ev.RoutingProfile)
		}
		return TextValue(snap.ConnectRoutingProfile)
	}
	return Value{}
}

func pick(fromEvent, known OptNum) OptNum {
	if fromEvent.OK {
		return fromEvent
	}
	return known
}

func numValue(n OptNum) Value {
	if !n.OK {
		return Value{}
	}
	return Value{Kind: Number, Num: n.V}
}

// pct is workload / capacity × 100, unrounded; unavailable when capacity ≤ 0.
func pct(workload, capacity OptNum) Value {
	if !workload.OK || !capacity.OK || capacity.V <= 0 {
		return Value{}
	}
	return Value{Kind: Number, Num: workload.V / capacity.V * 100}
}

type match uint8

const (
	matchNo match = iota
	matchYes
	matchUnavailable
	matchNotNumeric
)

// compareValues applies a comparator (Semantics 3): numerically when both
// sides are numbers, else as exact, case-sensitive strings; the ordering
// comparators need numbers on both sides.
func compareValues(c Comparator, a, b Value) match {
	if a.Kind == Unavailable || b.Kind == Unavailable {
		return matchUnavailable
	}
	num := a.Kind == Number && b.Kind == Number
	var r bool
	switch c {
	case Equal, NotEqual:
		if num {
			r = a.Num == b.Num
		} else {
			r = a.text() == b.text()
		}
		if c == NotEqual {
			r = !r
		}
	default:
		if !num {
			return matchNotNumeric
		}
		switch c {
		case Greater:
			r = a.Num > b.Num
		case GreaterOrEqual:
			r = a.Num >= b.Num
		case Less:
			r = a.Num < b.Num
		case LessOrEqual:
			r = a.Num <= b.Num
		default:
			return matchNo
		}
	}
	if r {
		return matchYes
	}
	return matchNo
}

// durationText renders milliseconds for people: "250 ms", "1.5 s", "90 s".
func durationText(ms int64) string {
	if ms < 1000 {
		return strconv.FormatInt(ms, 10) + " ms"
	}
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64) + " s"
}
