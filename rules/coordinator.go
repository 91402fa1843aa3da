package rules

import (
	"strconv"
	"strings"
)

// Coordinator owns what is known of both systems, feeds events through the
// engine and decides which writes to issue, over time (Semantics 8–12). It is
// single-threaded and takes the time from its caller: no goroutines, no clock.
//
// State layout: everything about one destination lives in one destState — the
// write in flight (at most one, Semantics 11), the next intent queued behind it
// (latest wins), a routable Connect target deferred until the contact ends, the
// writes whose echoes are still expected, and the recent write times the loop
// breaker counts. The two destinations never share state, so the policies for
// one cannot disturb the other; the known state of both systems is a Snapshot,
// the same value the engine reads, so a decision's snapshot is a plain copy.
type Coordinator struct {
	eng    *Engine
	opts   Options
	cat    Catalog
	snap   Snapshot
	seq    int64
	nextID int64
	dests  [numDestinations]destState
	leader bool
	out    Output
	// when each system last changed (by any event, echo or not): reconcile
	// follows the system that changed last.
	changedAt [numDestinations]int64
	// unknown[i]: rule i targets a state missing from the live catalog.
	unknown map[int]bool
	// skipTrace: the decisions of the input being handled are written without
	// their per-rule trace (Session, "trace": false), so none is kept; traceBuf
	// is the buffer it is built in, reused from one event to the next.
	skipTrace bool
	traceBuf  []RuleTrace
}

type destState struct {
	inflight *write // sent (or waiting to be retried), not yet answered
	queued   *write // the next intent, issued when the one in flight ends
	deferred *write // Connect: a routable target waiting for the contact to end
	enqueued *write // Connect: accepted as the next state, applies when the contact ends
	echoes   []echo // writes whose change events are still expected
	recent   []recentWrite
	paused   bool
}

type write struct {
	action  *Action
	cmdID   int64 // the id of the current try's command
	attempt int
	sent    bool
	sentAt  int64
	retryAt int64
}

type echo struct {
	value    string
	statusID string
	until    int64 // 0: until the write ends (in flight)
	cmdID    int64
	actionID int64
}

type recentWrite struct {
	at    int64
	rule  string
	value string
}

// Command is a write for the shim (or the simulator) to execute.
type Command struct {
	ID               int64       `json:"id"`
	ActionID         int64       `json:"actionId"`
	Destination      Destination `json:"destination"`
	Value            string      `json:"value"`
	StatusID         string      `json:"statusId,omitempty"`
	Logout           bool        `json:"logout,omitempty"`
	EnqueueNextState bool        `json:"enqueueNextState,omitempty"`
	Attempt          int         `json:"attempt"`
}

// Output is everything one input led to.
type Output struct {
	Decisions []*Decision `json:"decisions"`
	Actions   []Action    `json:"actions"` // each change of a write's status, in order
	Commands  []Command   `json:"commands"`
	Errors    []*Error    `json:"errors"`
	WakeAt    int64       `json:"wakeAt"`
}

// NewCoordinator starts with nothing known; call Start with what the platforms report.
func NewCoordinator(eng *Engine, opts Options) *Coordinator {
	c := &Coordinator{eng: eng, opts: opts, leader: true, unknown: map[int]bool{}}
	c.cat = Catalog{Connect: eng.doc.Connect, Salesforce: eng.doc.Salesforce}
	return c
}

// State is what the engine knows at start.
type State struct {
	ConnectState       string `json:"connectState"`
	SalesforceStatus   string `json:"salesforceStatus"` // DeveloperName; "Offline": logged out
	SalesforceStatusID string `json:"salesforceStatusId,omitempty"`
	ConfiguredCapacity OptNum `json:"configuredCapacity,omitzero"`
	Workload           OptNum `json:"workload,omitzero"`
}

// Start records the current states and, when the live platforms report them,
// the catalogs; it raises unknown-state once for each rule whose target is
// missing from a live catalog.
func (c *Coordinator) Start(now int64, st State, live *Catalog) Output {
	if live != nil {
		if len(live.Connect.States) > 0 {
			c.cat.Connect = live.Connect
		}
		if len(live.Salesforce.Statuses) > 0 {
			c.cat.Salesforce.Statuses = live.Salesforce.Statuses
		}
		if len(live.Salesforce.ServiceChannels) > 0 {
			c.cat.Salesforce.ServiceChannels = live.Salesforce.ServiceChannels
		}
	}
	c.snap.ConnectState = st.ConnectState
	c.snap.SalesforceStatus = st.SalesforceStatus
	c.snap.SalesforceStatusID = st.SalesforceStatusID
	if st.SalesforceStatus == "" && st.SalesforceStatusID != "" {
		if s := c.cat.StatusByID(st.SalesforceStatusID); s != nil {
			c.snap.SalesforceStatus = s.DeveloperName
		}
	}
	if c.snap.SalesforceStatusID == "" {
		if s := c.cat.StatusByName(c.snap.SalesforceStatus); s != nil {
			c.snap.SalesforceStatusID = s.ID
		}
	}
	c.snap.ConfiguredCapacity = st.ConfiguredCapacity
	c.snap.Workload = st.Workload
	for i := range c.eng.rules {
		r := &c.eng.rules[i]
		if !r.Active {
			continue
		}
		if err := c.checkTarget(r.Destination, r.Value); err != "" {
			c.unknown[i] = true
			idx := i
			c.out.Errors = append(c.out.Errors, &Error{Code: CodeUnknownState, Rule: r.Label(), RuleIndex: &idx,
				Destination: r.Destination.String(), Value: r.Value,
				Message: "rule " + quote(r.Label()) + " targets " + err + "; it will not write until the catalog has it"})
		}
	}
	return c.flush(now)
}

// checkTarget says what is wrong with a target, given the live catalog ("" if nothing).
func (c *Coordinator) checkTarget(d Destination, value string) string {
	switch d {
	case DestinationConnect:
		if len(c.cat.Connect.States) > 0 && findConnectState(c.cat.Connect.States, value) == nil {
			return quote(value) + ", which is not an agent state this agent can set in Amazon Connect"
		}
	case DestinationSalesforce:
		if value != OfflineStatus && len(c.cat.Salesforce.Statuses) > 0 && c.cat.StatusByName(value) == nil {
			return quote(value) + ", which is not a presence status DeveloperName this agent can use in Omni-Channel"
		}
	}
	return ""
}

// Snapshot returns what the coordinator knows now.
func (c *Coordinator) Snapshot() Snapshot { return c.snap }

// Catalog returns the catalog in use.
func (c *Coordinator) Catalog() *Catalog { return &c.cat }

// Paused reports whether the loop breaker holds a destination.
func (c *Coordinator) Paused(d Destination) bool { return c.dests[d].paused }

// SetLeader makes this instance the writer (true) or a follower that decides
// but never writes (false). Becoming the leader reconciles: the rules are
// applied once to the current state of both systems.
func (c *Coordinator) SetLeader(now int64, leader bool) Output {
	was := c.leader
	c.leader = leader
	switch {
	case leader && !was:
		c.reconcile(now)
	case !leader && was:
		// A follower never writes: nothing still waiting here may be sent.
		const why = "this tab is no longer the writer; the writer tab decides"
		for d := range c.dests {
			ds := &c.dests[d]
			for _, w := range []*write{ds.queued, ds.deferred} {
				if w != nil {
					c.setStatus(w, StatusSuperseded, why)
				}
			}
			ds.queued, ds.deferred = nil, nil
			if w := ds.inflight; w != nil && !w.sent {
				c.setStatus(w, StatusSuperseded, why)
				ds.inflight = nil
			}
		}
	}
	return c.flush(now)
}

// reconcile applies the rules once to the current state, as changes of both
// systems to their current states — first the system that changed last, then
// the other only if the first led to no write: evaluating both when they
// disagree would swap them.
func (c *Coordinator) reconcile(now int64) {
	var sf, conn *Event
	switch {
	case c.snap.SalesforceStatus == OfflineStatus:
		sf = &Event{Type: SourceSalesforceLogout}
	case c.snap.SalesforceStatus != "":
		sf = &Event{Type: SourceSalesforceStateChange, StatusID: c.snap.SalesforceStatusID, StatusAPIName: c.snap.SalesforceStatus}
	}
	if c.snap.ConnectState != "" {
		conn = &Event{Type: SourceConnectStateChange, OldState: c.snap.ConnectPreviousState, NewState: c.snap.ConnectState}
	}
	order := []*Event{conn, sf}
	if c.changedAt[DestinationSalesforce] > c.changedAt[DestinationConnect] {
		order = []*Event{sf, conn}
	}
	for _, ev := range order {
		if ev == nil {
			continue
		}
		d := c.decide(now, ev)
		d.Note = "reconcile: this tab became the writer"
		for _, a := range d.Actions {
			if a.Status != StatusSkipped && a.Status != StatusFailed {
				return
			}
		}
	}
}

// HandleEvent feeds one platform change.
func (c *Coordinator) HandleEvent(now int64, ev Event) Output {
	c.cat.Normalize(&ev)
	c.expire(now)
	if c.isEcho(now, &ev) {
		d := c.newDecision(now, &ev)
		d.Echo = true
		d.Rules = []RuleTrace{}
		c.apply(now, &ev)
		return c.flush(now)
	}
	if c.isHandChange(&ev) {
		for dst := range c.dests {
			c.dests[dst].paused = false
			c.dests[dst].recent = c.dests[dst].recent[:0]
		}
	}
	c.decide(now, &ev)
	return c.flush(now)
}

func (c *Coordinator) newDecision(now int64, ev *Event) *Decision {
	c.seq++
	d := &Decision{Seq: c.seq, Time: now, Event: *ev, Snapshot: c.snap, Actions: []*Action{}}
	c.out.Decisions = append(c.out.Decisions, d)
	return d
}

// decide evaluates the rules, applies the event to the known state, then plans
// the writes.
func (c *Coordinator) decide(now int64, ev *Event) *Decision {
	d := c.newDecision(now, ev)
	if c.skipTrace {
		// Nobody reads this decision's trace: it is built in a buffer kept for the
		// next event and left out (a trace is a slice as long as the rules).
		c.eng.evaluateInto(ev, &c.snap, d, c.traceBuf, Cooldown{})
		c.traceBuf = d.Rules
		d.Rules = nil
	} else {
		c.eng.evaluateInto(ev, &c.snap, d, nil, Cooldown{})
	}
	if c.opts.Trace == "matched" && d.Rules != nil {
		kept := d.Rules[:0]
		for _, t := range d.Rules {
			if c.eng.rules[t.Index].Source == ev.Type {
				kept = append(kept, t)
			}
		}
		d.Rules = kept
	}
	ended := c.apply(now, ev)
	if ended {
		c.contactEnded(now)
	}
	for _, a := range d.Actions {
		c.plan(now, a)
	}
	return d
}

// apply updates the known state with an event; it reports whether the event
// ended a contact.
func (c *Coordinator) apply(now int64, ev *Event) (contactEnded bool) {
	s := &c.snap
	switch ev.Type {
	case SourceConnectStateChange:
		c.changedAt[DestinationConnect] = now
		was := s.ConnectState
		s.ConnectPreviousState = was
		if ev.OldState != "" {
			s.ConnectPreviousState = ev.OldState
		}
		s.ConnectState = ev.NewState
		s.ConnectStateType = ev.StateType
		if ev.HasContacts {
			s.ConnectContacts = append(s.ConnectContacts[:0], ev.Contacts...)
			s.ConnectContactsKnown = true
		}
		if ev.HasNextState {
			s.ConnectNextState = ev.NextState
		}
		if ev.RoutingProfile != "" {
			s.ConnectRoutingProfile = ev.RoutingProfile
		}
		contactEnded = IsOnContact(s.ConnectPreviousState) && !IsOnContact(ev.NewState)
	case SourceSalesforceStateChange:
		c.changedAt[DestinationSalesforce] = now
		if ev.StatusAPIName != "" {
			s.SalesforceStatus = ev.StatusAPIName
		} else {
			s.SalesforceStatus = ev.StatusName
		}
		s.SalesforceStatusID = ev.StatusID
	case SourceSalesforceLogout:
		c.changedAt[DestinationSalesforce] = now
		s.SalesforceStatus = OfflineStatus
		s.SalesforceStatusID = ""
	case SourceSalesforceWorkAccepted:
		s.ServiceChannel = ev.ServiceChannel
	case SourceSalesforceWorkloadChanged:
		if ev.ConfiguredCapacity.OK {
			s.ConfiguredCapacity = ev.ConfiguredCapacity
		}
		if ev.PreviousWorkload.OK {
			s.PreviousWorkload = ev.PreviousWorkload
		} else if ev.NewWorkload.OK {
			s.PreviousWorkload = s.Workload
		}
		if ev.NewWorkload.OK {
			s.Workload = ev.NewWorkload
		}
		if ev.ConfiguredInterruptibleCapacity.OK {
			s.ConfiguredInterruptibleCapacity = ev.ConfiguredInterruptibleCapacity
		}
		if ev.PreviousInterruptibleWorkload.OK {
			s.PreviousInterruptibleWorkload = ev.PreviousInterruptibleWorkload
		} else if ev.NewInterruptibleWorkload.OK {
			s.PreviousInterruptibleWorkload = s.InterruptibleWorkload
		}
		if ev.NewInterruptibleWorkload.OK {
			s.InterruptibleWorkload = ev.NewInterruptibleWorkload
		}
	}
	return contactEnded
}

// isEcho reports (and consumes) a change event that reports what this engine
// wrote (Semantics 9).
func (c *Coordinator) isEcho(now int64, ev *Event) bool {
	if c.opts.EchoWindowMs == 0 {
		return false
	}
	var ds *destState
	var val, id string
	switch ev.Type {
	case SourceConnectStateChange:
		ds, val = &c.dests[DestinationConnect], ev.NewState
		if en := ds.enqueued; en != nil && en.action.Value == val && IsOnContact(c.snap.ConnectState) {
			// the contact ended in the state this engine enqueued
			ds.enqueued = nil
			c.snap.ConnectNextState = ""
			c.setStatus(en, StatusApplied, "the contact ended and Amazon Connect applied the next state")
			return true
		}
	case SourceSalesforceStateChange:
		ds, val, id = &c.dests[DestinationSalesforce], ev.StatusAPIName, ev.StatusID
	case SourceSalesforceLogout:
		ds, val = &c.dests[DestinationSalesforce], OfflineStatus
	default:
		return false
	}
	for i, e := range ds.echoes {
		if e.value == val || (id != "" && SameID(e.statusID, id)) {
			ds.echoes = append(ds.echoes[:i], ds.echoes[i+1:]...)
			return true
		}
	}
	return false
}

// isHandChange reports whether a change event is not this engine's own write
// coming back, echo suppression on or off: the loop breaker resumes on those.
func (c *Coordinator) isHandChange(ev *Event) bool {
	var ds *destState
	var val string
	switch ev.Type {
	case SourceConnectStateChange:
		ds, val = &c.dests[DestinationConnect], ev.NewState
	case SourceSalesforceStateChange:
		ds, val = &c.dests[DestinationSalesforce], ev.StatusAPIName
		switch ev.Reason {
		case "OmniToolkitStatusChange":
			return false
		case "OmniManualStatusChange":
			return true
		}
	case SourceSalesforceLogout:
		ds, val = &c.dests[DestinationSalesforce], OfflineStatus
	default:
		return false
	}
	if ds.inflight != nil && ds.inflight.action.Value == val {
		return false
	}
	for _, e := range ds.echoes {
		if e.value == val {
			return false
		}
	}
	// With echo suppression off, the loop breaker still needs to know which
	// changes are this engine's own: a recent write of that value counts.
	for _, r := range ds.recent {
		if r.value == val {
			return false
		}
	}
	return true
}

// plan decides what to do with one action (Semantics 8, 10, 11, 12).
func (c *Coordinator) plan(now int64, a *Action) {
	c.nextID++
	a.ID = c.nextID
	ds := &c.dests[a.Destination]
	rule := &c.eng.rules[a.RuleIndex]
	if !c.leader {
		c.setStatus(&write{action: a}, StatusSkipped, "this tab is a follower; the writer tab writes")
		return
	}
	if ds.paused {
		c.setStatus(&write{action: a}, StatusSkipped, "writes to "+a.Destination.String()+" are paused by the loop breaker until the agent changes state by hand")
		return
	}
	if msg := c.checkTarget(a.Destination, a.Value); msg != "" {
		w := &write{action: a}
		a.Error = CodeUnknownState
		c.setStatus(w, StatusFailed, "the target is missing from the catalog")
		idx := a.RuleIndex
		c.out.Errors = append(c.out.Errors, &Error{Code: CodeUnknownState, Rule: rule.Label(), RuleIndex: &idx,
			Destination: a.Destination.String(), Value: a.Value,
			Message: "rule " + quote(rule.Label()) + " fired but targets " + msg + "; nothing was written"})
		return
	}
	if a.Destination == DestinationSalesforce && a.Value != OfflineStatus {
		if s := c.cat.StatusByName(a.Value); s != nil {
			a.StatusID = s.ID
		}
	}
	// Rule 8: no write when the destination already is (or is about to be) in the target state.
	if cur, why := c.effective(a.Destination); cur == a.Value {
		// A queued write to something else would undo this intent: it is superseded.
		if ds.queued != nil {
			c.setStatus(ds.queued, StatusSuperseded, "replaced by "+quote(a.Value)+" from rule "+quote(a.Rule))
			ds.queued = nil
		}
		c.setStatus(&write{action: a}, StatusSkipped, why.reason(cur))
		return
	}
	w := &write{action: a}
	// Semantics 12: on a contact, not-routable/offline targets are enqueued as
	// the next state and routable ones wait until the contact ends.
	if a.Destination == DestinationConnect && IsOnContact(c.snap.ConnectState) {
		if c.connectType(a.Value) == "routable" {
			if ds.deferred != nil {
				c.setStatus(ds.deferred, StatusSuperseded, "replaced by "+quote(a.Value)+" from rule "+quote(a.Rule))
			}
			ds.deferred = w
			c.setStatus(w, StatusDeferred, "the agent is on a contact ("+c.snap.ConnectState+"); a routable state is set when the contact ends")
			return
		}
		a.EnqueueNextState = true
		if ds.deferred != nil {
			c.setStatus(ds.deferred, StatusSuperseded, "replaced by "+quote(a.Value)+" from rule "+quote(a.Rule))
			ds.deferred = nil
		}
	}
	c.submit(now, w)
}

// effective is the state a destination is in, or will be in once the writes
// already planned complete, and why; the sentence for a skipped write is built
// from why only when a write is skipped (why.reason), not for every event.
func (c *Coordinator) effective(d Destination) (string, effectiveWhy) {
	ds := &c.dests[d]
	switch {
	case ds.queued != nil:
		return ds.queued.action.Value, whyQueued
	case ds.inflight != nil:
		return ds.inflight.action.Value, whyInflight
	case d == DestinationConnect && ds.deferred != nil:
		return ds.deferred.action.Value, whyDeferred
	case d == DestinationConnect && ds.enqueued != nil:
		return ds.enqueued.action.Value, whyEnqueued
	case d == DestinationConnect:
		return c.snap.ConnectState, whyConnect
	}
	return c.snap.SalesforceStatus, whySalesforce
}

// effectiveWhy says where effective's state comes from.
type effectiveWhy byte

const (
	whyQueued effectiveWhy = iota
	whyInflight
	whyDeferred
	whyEnqueued
	whyConnect
	whySalesforce
)

// reason is the skipped write's reason for a target already in effect.
func (w effectiveWhy) reason(value string) string {
	switch w {
	case whyQueued:
		return "a queued write already targets " + quote(value)
	case whyInflight:
		return "the write in flight already targets " + quote(value)
	case whyDeferred:
		return "a deferred write already targets " + quote(value)
	case whyEnqueued:
		return quote(value) + " is already the next state"
	case whyConnect:
		return "Amazon Connect is already " + quote(value)
	}
	return "Omni-Channel is already " + quote(value)
}

func (c *Coordinator) connectType(name string) string {
	if s := findConnectState(c.cat.Connect.States, name); s != nil {
		return s.Type
	}
	if name == "Available" {
		return "routable"
	}
	if name == "Offline" {
		return "offline"
	}
	return "not_routable"
}

// submit sends a write now, or queues it behind the one in flight.
func (c *Coordinator) submit(now int64, w *write) {
	ds := &c.dests[w.action.Destination]
	if ds.inflight != nil {
		if ds.queued != nil {
			c.setStatus(ds.queued, StatusSuperseded, "replaced by "+quote(w.action.Value)+" from rule "+quote(w.action.Rule))
		}
		ds.queued = w
		c.setStatus(w, StatusQueued, "waiting for the write in flight to "+w.action.Destination.String())
		return
	}
	// Loop breaker: more than LoopMaxWrites writes within LoopWindowMs.
	c.pruneRecent(now, ds)
	if len(ds.recent) >= c.opts.LoopMaxWrites {
		ds.paused = true
		rules := c.loopRules(now, w.action.Rule)
		c.setStatus(w, StatusSkipped, "paused by the loop breaker")
		c.out.Errors = append(c.out.Errors, &Error{Code: CodeLoop, Destination: w.action.Destination.String(), Rules: rules,
			Message: "rules " + joinQuoted(rules) + " wrote " + w.action.Destination.String() + " more than " +
				strconv.Itoa(c.opts.LoopMaxWrites) + " times in " + seconds(c.opts.LoopWindowMs) +
				"; writes to it are paused until the agent changes state by hand"})
		return
	}
	ds.recent = append(ds.recent, recentWrite{at: now, rule: w.action.Rule, value: w.action.Value})
	ds.inflight = w
	c.send(now, w)
}

func seconds(ms int64) string {
	if ms%1000 == 0 {
		return strconv.FormatInt(ms/1000, 10) + " s"
	}
	return strconv.FormatInt(ms, 10) + " ms"
}

func (c *Coordinator) pruneRecent(now int64, ds *destState) {
	k := 0
	for _, r := range ds.recent {
		if now-r.at < c.opts.LoopWindowMs {
			ds.recent[k] = r
			k++
		}
	}
	ds.recent = ds.recent[:k]
}

// loopRules names every rule that wrote to either destination within the loop window.
func (c *Coordinator) loopRules(now int64, last string) []string {
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	type rw struct {
		at   int64
		rule string
	}
	var all []rw
	for d := range c.dests {
		for _, r := range c.dests[d].recent {
			if now-r.at < c.opts.LoopWindowMs {
				all = append(all, rw{r.at, r.rule})
			}
		}
	}
	// oldest first
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].at < all[j-1].at; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	for _, r := range all {
		add(r.rule)
	}
	add(last)
	return names
}

// send issues the current try of a write as a command.
func (c *Coordinator) send(now int64, w *write) {
	ds := &c.dests[w.action.Destination]
	w.attempt++
	c.nextID++
	w.cmdID = c.nextID
	w.sent, w.sentAt, w.retryAt = true, now, 0
	a := w.action
	a.Attempt = w.attempt
	cmd := Command{ID: w.cmdID, ActionID: a.ID, Destination: a.Destination, Value: a.Value, StatusID: a.StatusID,
		EnqueueNextState: a.EnqueueNextState, Attempt: w.attempt}
	if a.Destination == DestinationSalesforce && a.Value == OfflineStatus {
		cmd.Logout = true
	}
	if c.opts.EchoWindowMs > 0 && !a.EnqueueNextState {
		// One expected echo per write: a retry replaces its earlier try's.
		k := 0
		for _, e := range ds.echoes {
			if e.actionID != a.ID {
				ds.echoes[k] = e
				k++
			}
		}
		ds.echoes = append(ds.echoes[:k], echo{value: a.Value, statusID: a.StatusID, cmdID: w.cmdID, actionID: a.ID})
	}
	c.out.Commands = append(c.out.Commands, cmd)
	if w.attempt == 1 {
		c.setStatus(w, StatusIssued, "")
	}
}

// HandleResult feeds the outcome of a command. errType is the platform's
// error type ("" on success).
func (c *Coordinator) HandleResult(now int64, cmdID int64, ok bool, errType, errMsg string) Output {
	c.expire(now)
	for d := range c.dests {
		ds := &c.dests[d]
		w := ds.inflight
		if w == nil || !w.sent || w.cmdID != cmdID {
			continue
		}
		if ok {
			c.succeeded(now, ds, w)
		} else {
			c.failed(now, ds, w, errType, errMsg)
		}
		return c.flush(now)
	}
	return c.flush(now) // a late answer to a try that already timed out: nothing to do
}

func (c *Coordinator) succeeded(now int64, ds *destState, w *write) {
	a := w.action
	ds.inflight = nil
	c.endEcho(now, ds, w.cmdID)
	switch {
	case a.EnqueueNextState:
		ds.enqueued = w
		c.snap.ConnectNextState = a.Value
		c.setStatus(w, StatusEnqueued, "Amazon Connect will apply it when the contact ends")
	case a.Destination == DestinationConnect:
		c.snap.ConnectPreviousState, c.snap.ConnectState = c.snap.ConnectState, a.Value
		c.setStatus(w, StatusApplied, "")
	default:
		c.snap.SalesforceStatus = a.Value
		c.snap.SalesforceStatusID = a.StatusID
		c.setStatus(w, StatusApplied, "")
	}
	c.next(now, ds)
}

// endEcho starts the echo window of a write that just ended.
func (c *Coordinator) endEcho(now int64, ds *destState, cmdID int64) {
	for i := range ds.echoes {
		if ds.echoes[i].cmdID == cmdID {
			ds.echoes[i].until = now + c.opts.EchoWindowMs
		}
	}
}

// dropEcho forgets the echo expected from a try that was refused.
func (c *Coordinator) dropEcho(ds *destState, cmdID int64) {
	k := 0
	for _, e := range ds.echoes {
		if e.cmdID != cmdID {
			ds.echoes[k] = e
			k++
		}
	}
	ds.echoes = ds.echoes[:k]
}

// isPermanent: errors that another try cannot fix (Semantics 12).
func isPermanent(errType, msg string) bool {
	switch errType {
	case "InvalidParameterException", "AccessDeniedException", CodeUnknownState,
		"INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY", "PermissionDenied", "permission":
		return true
	}
	l := strings.ToLower(errType + " " + msg)
	return strings.Contains(l, "permission") || strings.Contains(l, "insufficient_access") || strings.Contains(l, "access denied")
}

func (c *Coordinator) failed(now int64, ds *destState, w *write, errType, errMsg string) {
	a := w.action
	if errType == "" {
		errType = "Error"
	}
	a.Error = errType
	if !c.leader {
		// Sent while this tab was the writer; a follower never retries it.
		c.dropEcho(ds, w.cmdID)
		ds.inflight = nil
		c.setStatus(w, StatusSuperseded, errType+"; not retried: this tab is no longer the writer")
		return
	}
	if errType == "Timeout" {
		// No answer: the write may still land, so its echo stays expected for a window.
		c.endEcho(now, ds, w.cmdID)
	} else {
		c.dropEcho(ds, w.cmdID) // refused: no change will come back
	}
	if !isPermanent(errType, errMsg) && w.attempt < c.opts.RetryAttempts && ds.queued == nil {
		backoff := c.opts.RetryBaseMs << (w.attempt - 1)
		w.sent, w.retryAt = false, now+backoff
		c.setStatus(w, StatusRetrying, errType+": "+errMsg+"; try "+strconv.Itoa(w.attempt+1)+" of "+
			strconv.Itoa(c.opts.RetryAttempts)+" in "+strconv.FormatInt(backoff, 10)+" ms")
		return
	}
	ds.inflight = nil
	if ds.queued != nil && !isPermanent(errType, errMsg) && w.attempt < c.opts.RetryAttempts {
		c.setStatus(w, StatusSuperseded, errType+"; not retried: a newer target "+quote(ds.queued.action.Value)+" is waiting")
	} else {
		why := "after " + strconv.Itoa(w.attempt) + " tries"
		if isPermanent(errType, errMsg) {
			why = "a permanent error, not retried"
		}
		c.setStatus(w, StatusFailed, errType+": "+errMsg+" ("+why+")")
		idx := a.RuleIndex
		c.out.Errors = append(c.out.Errors, &Error{Code: CodeWriteFailed, Rule: a.Rule, RuleIndex: &idx,
			Destination: a.Destination.String(), Value: a.Value, Cause: errType,
			Message: "could not set " + a.Destination.String() + " to " + quote(a.Value) + " for rule " + quote(a.Rule) + ": " +
				strings.TrimSpace(errType+" "+errMsg) + " (" + why + ")"})
	}
	c.next(now, ds)
}

// next issues the queued write, if any, once the destination is free.
func (c *Coordinator) next(now int64, ds *destState) {
	q := ds.queued
	if q == nil || ds.inflight != nil {
		return
	}
	ds.queued = nil
	if cur, why := c.effective(q.action.Destination); cur == q.action.Value {
		c.setStatus(q, StatusSkipped, why.reason(cur))
		return
	}
	c.submit(now, q)
}

// contactEnded issues a deferred routable write; an enqueued next state that
// did not come (the agent chose another state) is reported superseded.
func (c *Coordinator) contactEnded(now int64) {
	ds := &c.dests[DestinationConnect]
	if en := ds.enqueued; en != nil {
		ds.enqueued = nil
		c.snap.ConnectNextState = ""
		if c.snap.ConnectState != en.action.Value {
			c.setStatus(en, StatusSuperseded, "the contact ended in "+quote(c.snap.ConnectState)+" instead")
		}
	}
	if w := ds.deferred; w != nil {
		ds.deferred = nil
		switch {
		case c.snap.ConnectState == w.action.Value:
			c.setStatus(w, StatusSkipped, "Amazon Connect is already "+quote(w.action.Value))
		case c.connectType(c.snap.ConnectState) != "routable":
			// The contact ended in a state the agent (or a next state) chose:
			// that choice is newer than the deferred intent.
			c.setStatus(w, StatusSuperseded, "the contact ended in "+quote(c.snap.ConnectState)+", a newer choice")
		default:
			c.submit(now, w)
		}
	}
}

// Tick lets time pass: retries fall due, writes with no answer time out.
func (c *Coordinator) Tick(now int64) Output {
	c.expire(now)
	for d := range c.dests {
		ds := &c.dests[d]
		w := ds.inflight
		if w == nil {
			continue
		}
		switch {
		case !w.sent && w.retryAt <= now:
			c.send(now, w)
		case w.sent && now-w.sentAt >= c.opts.WriteTimeoutMs:
			a := w.action
			idx := a.RuleIndex
			c.out.Errors = append(c.out.Errors, &Error{Code: CodeTimeout, Rule: a.Rule, RuleIndex: &idx,
				Destination: a.Destination.String(), Value: a.Value,
				Message: a.Destination.String() + " did not answer the write of " + quote(a.Value) + " within " + seconds(c.opts.WriteTimeoutMs)})
			c.failed(now, ds, w, "Timeout", "no answer within "+seconds(c.opts.WriteTimeoutMs))
		}
	}
	return c.flush(now)
}

// expire drops echo expectations whose window has passed.
func (c *Coordinator) expire(now int64) {
	for d := range c.dests {
		ds := &c.dests[d]
		k := 0
		for _, e := range ds.echoes {
			if e.until == 0 || now <= e.until {
				ds.echoes[k] = e
				k++
			}
		}
		ds.echoes = ds.echoes[:k]
	}
}

// setStatus records a change of a write's status as an action event.
func (c *Coordinator) setStatus(w *write, st ActionStatus, reason string) {
	w.action.Status = st
	w.action.Reason = reason
	c.out.Actions = append(c.out.Actions, *w.action)
}

// wakeAt is when the coordinator next needs a Tick (0: nothing pending).
func (c *Coordinator) wakeAt() int64 {
	var at int64
	for d := range c.dests {
		w := c.dests[d].inflight
		if w == nil {
			continue
		}
		t := w.retryAt
		if w.sent {
			t = w.sentAt + c.opts.WriteTimeoutMs
		}
		if at == 0 || t < at {
			at = t
		}
	}
	return at
}

func (c *Coordinator) flush(now int64) Output {
	out := c.out
	out.WakeAt = c.wakeAt()
	c.out = Output{}
	return out
}
