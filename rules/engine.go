package rules

import (
	"strconv"
)

// Engine is a compiled rules document: compile once, evaluate many.
// It is immutable and safe for concurrent use. It shares nothing with the
// document it was built from.
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
	crit []compiledRule
	// nodes holds every rule's criteria, flat: a rule's root is nodes[crit[i].root],
	// a group's members follow it up to its end.
	nodes []compiledNode
	// plans: per source, how to evaluate it without testing every rule.
	plans [numSources]sourcePlan
}

// sourcePlan evaluates the rules of one source. The common rule shape,
// "<a name operand> Equal to <static text>" (as the criterion, or as a member
// of a top-level "all" group), is indexed: one map look-up per operand finds
// the rules whose indexed criterion is true, and every other indexed rule is
// known not to match without being tested (its trace entry starts as
// no-match). The remaining rules are tested one by one. Both lists are in
// document order and are merged, so first-match-per-destination holds across
// them.
type sourcePlan struct {
	blank  []RuleTrace // the trace before evaluation: indexed rules no-match, others by outcome
	linear []int32     // rules tested one by one
	eq     [numIndexed]map[string][]int32
}

// The name operands that can be indexed: those that always read as text. A
// group is indexed on its member with the first of them in this order: the
// states that tell events apart before the operands that scope rules (a
// routing profile is typically shared by many rules).
const numIndexed = 7

var slotOperand = [numIndexed]Operand{OperandConnectNewState, OperandSalesforceNewState, OperandServiceChannel,
	OperandConnectOldState, OperandConnectNextState, OperandChangeReason, OperandConnectRoutingProfile}

// compiledRule is the part of a rule evaluation reads.
type compiledRule struct {
	root     int32 // its criteria's root in Engine.nodes; -1: none (a rule Parse rejected)
	dst      Destination
	logoutOK bool // for a Logout rule: it tests New State = "Offline" (Semantics 4)
	evalHit  bool // an index hit still evaluates the criteria (a group)
}

// compiledNode is one node of a rule's criteria.
type compiledNode struct {
	join       Join
	a, b       Operand
	cmp        Comparator
	end        int32 // index in Engine.nodes after this node's members
	aVal, bVal Value
}

// Document returns the compiled document.
func (e *Engine) Document() *Document { return e.doc }

// Rules returns the compiled rules.
func (e *Engine) Rules() []Rule { return e.rules }

// Warnings returns the warnings found while compiling (none for the engine of
// a Session, which looks for errors only: lint and Compile report every warning).
func (e *Engine) Warnings() Diagnostics { return e.warnings }

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

// Action statuses (js/API.md, the action event).
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

	Duplicate bool `json:"duplicate,omitempty"` // repeats what was just handled (Omni's status after a login): no rule evaluated
	Reconcile bool `json:"reconcile,omitempty"` // the rules applied to a system's current state (Semantics 17)
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
	oc := operandCache{ev: ev, snap: snap}
	// The candidate lists, each in document order: the rules tested one by one,
	// and for each indexed operand the rules whose static text is its value.
	var lists [numIndexed + 1][]int32
	lists[0] = p.linear
	n := 1
	for slot, m := range p.eq {
		if m == nil {
			continue
		}
		if hits := m[oc.read(slotOperand[slot], Value{}).text()]; len(hits) > 0 {
			lists[n] = hits
			n++
		}
	}
	var won [numDestinations]int
	var actions [numDestinations]*Action
	found := 0
	var pos [numIndexed + 1]int
	for {
		// Next rule in document order among the lists (k-way merge of ≤ 8).
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
		m := matchYes // an index hit on a lone criterion is a match
		if best == 0 || c.evalHit {
			m = matchNo
			if c.root >= 0 {
				m = e.eval(c.root, &oc)
			}
		}
		if m == matchYes {
			if left := cool.left(idx); left > 0 {
				t.Outcome = OutcomeCooling
				t.CoolLeftMs = int32(min(left, maxCooldownMs))
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
				t.Winner = int32(won[c.dst] - 1)
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

// operandCache reads each operand once per event, not once per criterion.
type operandCache struct {
	ev    *Event
	snap  *Snapshot
	known [OperandStatic]Value
	have  [OperandStatic]bool
}

func (oc *operandCache) read(o Operand, static Value) Value {
	if o >= OperandStatic {
		return static
	}
	if !oc.have[o] {
		oc.known[o] = readOperand(o, static, oc.ev, oc.snap)
		oc.have[o] = true
	}
	return oc.known[o]
}

// eval evaluates node i of the compiled criteria (Semantics 15): members in
// order, stopping at the first that decides the group. A group is true or
// false; a lone criterion may also be unavailable or not numeric (false).
func (e *Engine) eval(i int32, oc *operandCache) match {
	n := &e.nodes[i]
	switch n.join {
	case JoinAll:
		for m := i + 1; m < n.end; m = e.nodes[m].end {
			if e.eval(m, oc) != matchYes {
				return matchNo
			}
		}
		return matchYes
	case JoinAny:
		for m := i + 1; m < n.end; m = e.nodes[m].end {
			if e.eval(m, oc) == matchYes {
				return matchYes
			}
		}
		return matchNo
	}
	return compareValues(n.cmp, oc.read(n.a, n.aVal), oc.read(n.b, n.bVal))
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
