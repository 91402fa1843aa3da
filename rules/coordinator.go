package rules

// Coordinator owns what is known of both systems, feeds events through the
// engine and decides which writes to issue, over time (Semantics 8–12, 17–19).
// It is single-threaded and takes the time from its caller: no goroutines, no
// clock — the `now` of each call is the only time it reads.
//
// One job per file:
//   - coordinator.go: the flow of an input (event → decision → writes), start, output;
//   - coordinator_state.go: what is known (the snapshot) and how inputs change it;
//   - coordinator_write.go: where a rule's write goes (Semantics 8, 11);
//   - coordinator_contact.go: contacts, next states and deferral (Semantics 12, 19);
//   - coordinator_echo.go: this engine's own writes coming back (Semantics 9);
//   - coordinator_loop.go: the loop breaker (Semantics 10);
//   - coordinator_retry.go: answers, retries and the one timeout (Semantics 12);
//   - coordinator_read.go: reading a platform's current state (read commands);
//   - coordinator_salesforce.go: login de-duplication, naming statuses, Omni read late;
//   - coordinator_takeover.go: leadership, the writer's actions seen by a follower, takeover;
//   - coordinator_reconcile.go: reconcile (Semantics 17);
//   - coordinator_errors.go: classifying platform errors;
//   - coordinator_messages.go: every sentence said to an admin.
//
// State layout: everything about one destination lives in one destState — the
// write in flight (at most one, Semantics 11), the next intent queued behind it
// (latest wins), a write deferred until a condition holds, the writes whose
// echoes are still expected, and the recent write times the loop breaker counts.
// The two destinations never share state; the known state of both systems is a
// Snapshot, the same value the engine reads, so a decision's snapshot is a copy.
type Coordinator struct {
	eng    *Engine
	opts   Options
	cat    Catalog
	snap   Snapshot
	seq    int64
	nextID int64
	dests  [numDestinations]destState
	out    Output
	// unknown[i]: rule i targets a state missing from the live catalog.
	unknown map[int]bool
	// skipTrace: the decisions of the input being handled are written without
	// their per-rule trace (Session, "trace": false), so none is kept; traceBuf
	// is the buffer it is built in, reused from one event to the next.
	skipTrace bool
	traceBuf  []RuleTrace
	// cooldownUntil[i]: rule i is cooling down until then (Semantics 18).
	cooldownUntil []int64

	started bool
	leader  bool
	// sfRead: the Salesforce side has been read (start, a salesforce input or a
	// read); until then nothing is written to it.
	sfRead bool
	// reconcileOnRead: a Salesforce reconcile waits for Omni-Channel to be read.
	reconcileOnRead string
	// changes[d] counts the change events of the system d writes (a read sent
	// before a change is older than it).
	changes [numDestinations]int64

	contact contactState
	sf      salesforceState
	follow  followerState
	tk      *takeover
	reads   []*readCmd
}

// Command is a write (or a read) for the shim — or the simulator — to execute.
type Command struct {
	ID               int64       `json:"id"`
	ActionID         int64       `json:"actionId"`
	Destination      Destination `json:"destination"`
	Value            string      `json:"value"`
	StatusID         string      `json:"statusId,omitempty"`
	Logout           bool        `json:"logout,omitempty"`
	EnqueueNextState bool        `json:"enqueueNextState,omitempty"`
	Attempt          int         `json:"attempt"`
	// Read: not a write; the shim reads that platform's current state and
	// answers with a result carrying it (`state`, the start shape of that side).
	Read bool `json:"read,omitempty"`
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
	c := &Coordinator{eng: eng, opts: opts, leader: true, unknown: map[int]bool{}, sfRead: true}
	c.cat = Catalog{Connect: eng.doc.Connect, Salesforce: eng.doc.Salesforce}
	c.cooldownUntil = make([]int64, len(eng.rules))
	return c
}

// State is what the engine knows at start.
type State struct {
	ConnectState     string `json:"connectState"`
	ConnectStateType string `json:"connectStateType,omitempty"`
	// ConnectContacts: the agent's contacts (nil: not reported, "on a contact"
	// is then read from the state's name).
	ConnectContacts       []Contact `json:"connectContacts,omitempty"`
	ConnectNextState      string    `json:"connectNextState,omitempty"`
	ConnectRoutingProfile string    `json:"connectRoutingProfile,omitempty"`
	SalesforceStatus      string    `json:"salesforceStatus"` // DeveloperName; "Offline": logged out
	SalesforceStatusID    string    `json:"salesforceStatusId,omitempty"`
	ConfiguredCapacity    OptNum    `json:"configuredCapacity,omitzero"`
	Workload              OptNum    `json:"workload,omitzero"`
	// SalesforceNotRead: the Omni-Channel side has not been read yet (it loads
	// late): nothing is known of it and nothing is written to it until a
	// Salesforce read arrives (Coordinator.HandleSalesforce).
	SalesforceNotRead bool `json:"salesforceNotRead,omitempty"`
}

// Start records the current states and, when the live platforms report them,
// the catalogs; it raises unknown-state once for each rule whose target is
// missing from a live catalog, and reconciles when the options say so
// (Semantics 17) and this instance is the writer.
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
	c.started = true
	s := &c.snap
	s.ConnectState = st.ConnectState
	s.ConnectStateType = st.ConnectStateType
	if st.ConnectContacts != nil {
		s.ConnectContacts, s.ConnectContactsKnown = st.ConnectContacts, true
	}
	s.ConnectNextState = st.ConnectNextState
	s.ConnectRoutingProfile = st.ConnectRoutingProfile
	c.sfRead = !st.SalesforceNotRead
	if c.sfRead {
		c.setSalesforceStatus(st.SalesforceStatusID, st.SalesforceStatus)
		s.ConfiguredCapacity = st.ConfiguredCapacity
		s.Workload = st.Workload
	}
	c.checkCatalog(DestinationNone)
	if c.leader {
		c.reconcile(now, reconcileAtStart)
	}
	return c.flush(now)
}

// Snapshot returns what the coordinator knows now.
func (c *Coordinator) Snapshot() Snapshot { return c.snap }

// Catalog returns the catalog in use.
func (c *Coordinator) Catalog() *Catalog { return &c.cat }

// Paused reports whether the loop breaker holds a destination.
func (c *Coordinator) Paused(d Destination) bool { return c.dests[d].paused }

// Leader reports whether this instance writes (it may still be taking over).
func (c *Coordinator) Leader() bool { return c.leader }

// HandleEvent feeds one platform change.
func (c *Coordinator) HandleEvent(now int64, ev Event) Output {
	c.handleEvent(now, ev)
	c.afterInput(now)
	return c.flush(now)
}

// handleEvent runs one event: held while a status is being named, else
// de-duplicated, recognised as an echo, or decided.
func (c *Coordinator) handleEvent(now int64, ev Event) {
	c.expire(now)
	if c.sf.naming != nil {
		c.holdEvent(now, ev)
		return
	}
	c.cat.Normalize(&ev)
	if c.duplicateLogin(&ev) {
		d := c.newDecision(now, &ev)
		d.Duplicate = true
		d.Note = noteDuplicateLogin
		d.Rules = []RuleTrace{}
		return
	}
	if c.isEcho(now, &ev) {
		d := c.newDecision(now, &ev)
		d.Echo = true
		d.Rules = []RuleTrace{}
		if ended := c.observe(now, &ev); ended {
			c.contactEnded(now, true)
		}
		return
	}
	if c.needsName(&ev) {
		c.nameByRead(now, &ev)
		return
	}
	resumed := c.resumeByHand(&ev)
	noteResumed(c.decide(now, &ev), resumed)
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
	d := c.evaluate(now, ev)
	if ended := c.observe(now, ev); ended {
		c.contactEnded(now, ev.Type == SourceConnectStateChange)
	}
	c.planAll(now, ev, d)
	return d
}

// planAll plans a decision's actions.
func (c *Coordinator) planAll(now int64, ev *Event, d *Decision) {
	if !c.leader {
		c.follow.cause = causeOf(ev)
	}
	for _, a := range d.Actions {
		c.plan(now, a)
	}
}

// evaluate makes the decision for an event: the rules evaluated against it
// and the snapshot before it (rules cooling down count as not matching).
func (c *Coordinator) evaluate(now int64, ev *Event) *Decision {
	d := c.newDecision(now, ev)
	cool := Cooldown{Now: now, Until: c.cooldownUntil}
	if c.skipTrace {
		// Nobody reads this decision's trace: it is built in a buffer kept for the
		// next event and left out (a trace is a slice as long as the rules).
		c.eng.evaluateInto(ev, &c.snap, d, c.traceBuf, cool)
		c.traceBuf = d.Rules
		d.Rules = nil
	} else {
		c.eng.evaluateInto(ev, &c.snap, d, nil, cool)
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
	return d
}

// afterInput runs what any input may have made due: a takeover whose
// previous writer's writes have now shown up goes on to read both systems.
func (c *Coordinator) afterInput(now int64) {
	c.follow.prune(now)
	if c.tk != nil && !c.tk.reading && !c.remoteInFlight() {
		c.takeoverRead(now)
	}
}

// setStatus records a change of a write's status as an action event.
func (c *Coordinator) setStatus(w *write, st ActionStatus, reason string) {
	w.action.Status = st
	w.action.Reason = reason
	c.out.Actions = append(c.out.Actions, *w.action)
}

// raise adds an error to the output.
func (c *Coordinator) raise(e *Error) { c.out.Errors = append(c.out.Errors, e) }

func (c *Coordinator) flush(now int64) Output {
	out := c.out
	out.WakeAt = c.wakeAt()
	c.out = Output{}
	return out
}
