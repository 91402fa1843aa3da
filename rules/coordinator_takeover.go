package rules

// Leadership: one tab writes, the others follow (they decide, for the log, and
// write nothing). A follower keeps track of the writer's writes as it hears of
// them (remote actions) and of the writes it would make itself (its shadow
// intents). When it becomes the writer it takes over: it waits for the
// previous writer's writes in flight to show up in events — each at most until
// its answer would have been due (writeTimeoutMs after the follower heard of
// it) —, reads both systems, decides what changed meanwhile as catch-up
// events, makes the writes the previous writer decided but did not make, and
// reconciles per options.reconcile. No write the previous writer decided is
// lost, and none that shows up is made again, however late it lands.

const (
	// remoteTTLMs: a writer's write still in flight after this long is
	// forgotten (tries end within retryAttempts × writeTimeoutMs).
	remoteTTLMs = 30000
	// shadowTTLMs: a follower's own intent older than this is not made at a
	// takeover (a live writer reports its actions within milliseconds).
	shadowTTLMs = 10000
	// maxRemote bounds the writer's actions a follower keeps.
	maxRemote = 64
)

// RemoteAction is a writer tab's action as this (follower) tab received it.
type RemoteAction struct {
	From             string // the writer tab ("" when not known)
	ID               int64
	Destination      Destination
	Value            string
	Rule             string
	RuleIndex        int
	Status           ActionStatus
	EnqueueNextState bool
}

// intent is a write some tab decided: the writer's (remote) or this
// follower's own (a shadow).
type intent struct {
	key       string // remote: writer tab and action id
	dest      Destination
	value     string
	rule      string
	ruleIndex int
	status    ActionStatus
	at        int64
	order     int64 // when it was learnt, for "newest"
	// cause: the change event whose decision made a shadow.
	causeDest  Destination
	causeValue string
	caused     bool
}

type followerState struct {
	remote []intent
	shadow [numDestinations]*intent
	order  int64
	// cause of the decision being planned (shadows record it).
	cause intent
	now   int64
}

type takeover struct {
	waitUntil int64
	reading   bool
	pending   [numDestinations]*readCmd
	answers   [numDestinations]*Result
	done      [numDestinations]bool
	// changesAt[d]: the change events of d handled when its read was sent.
	changesAt [numDestinations]int64
}

// bothDestinations, Omni-Channel first (the order of a decision's actions).
var bothDestinations = [...]Destination{DestinationSalesforce, DestinationConnect}

// inFlightStatus: a write the writer sent that has not shown up yet.
func inFlightStatus(s ActionStatus) bool {
	return s == StatusIssued || s == StatusRetrying || s == StatusApplied
}

// adoptableStatus: a write the writer decided and has not made (or not known made).
func adoptableStatus(s ActionStatus) bool {
	return s == StatusIssued || s == StatusRetrying || s == StatusQueued || s == StatusDeferred
}

// SetLeader makes this instance the writer (true) or a follower that decides
// but never writes (false). Before Start it only records the role.
func (c *Coordinator) SetLeader(now int64, leader bool) Output {
	c.expire(now)
	switch {
	case !c.started:
		c.leader = leader
	case leader && !c.leader:
		c.leader = true
		c.tk = &takeover{waitUntil: c.follow.inFlightUntil(now, c.opts.WriteTimeoutMs)}
	case !leader && c.leader:
		c.stopWriting()
	}
	c.afterInput(now)
	return c.flush(now)
}

// stopWriting: this tab is a follower now; nothing still waiting here may be sent.
func (c *Coordinator) stopWriting() {
	c.leader = false
	if c.tk != nil {
		for _, rc := range c.tk.pending {
			if rc != nil {
				c.dropRead(rc)
			}
		}
		c.tk = nil
	}
	c.reconcileOnRead = ""
	for d := range c.dests {
		ds := &c.dests[d]
		for _, w := range [...]*write{ds.queued, ds.deferred, ds.held} {
			if w != nil {
				c.setStatus(w, StatusSuperseded, reasonNoLongerWriter)
			}
		}
		ds.queued, ds.deferred, ds.held = nil, nil, nil
		if w := ds.inflight; w != nil && !w.sent {
			c.setStatus(w, StatusSuperseded, reasonNoLongerWriter)
			ds.inflight = nil
		}
	}
}

// HandleRemote feeds a writer tab's action as this tab received it. The
// writer's issued writes start their rule's cooldown here too.
func (c *Coordinator) HandleRemote(now int64, r RemoteAction) Output {
	c.expire(now)
	if !c.leader || c.tk != nil {
		c.follow.remoteAction(c, now, &r)
	}
	c.afterInput(now)
	return c.flush(now)
}

func (f *followerState) remoteAction(c *Coordinator, now int64, r *RemoteAction) {
	if i := r.RuleIndex; r.Status == StatusIssued && i >= 0 && i < len(c.eng.rules) && c.eng.rules[i].Label() == r.Rule &&
		c.eng.rules[i].CooldownMs > 0 {
		c.cooldownUntil[i] = now + c.eng.rules[i].CooldownMs
	}
	landed := c.landed(r.Destination, r.Value, r.EnqueueNextState)
	// The writer reports this destination: this tab's own intent for the same
	// write is the writer's to make; and if it has already shown up, what this
	// tab decided from that change was the writer's echo.
	if s := f.shadow[r.Destination]; s != nil && s.value == r.Value {
		f.shadow[r.Destination] = nil
	}
	if landed {
		for d, s := range f.shadow {
			if s != nil && s.caused && s.causeDest == r.Destination && s.causeValue == r.Value {
				f.shadow[d] = nil
			}
		}
	}
	key := r.From + ":" + itoa(int(r.ID))
	k := -1
	for i := range f.remote {
		if f.remote[i].key == key {
			k = i
			break
		}
	}
	if !adoptableStatus(r.Status) && r.Status != StatusApplied || landed {
		if k >= 0 {
			f.remote = append(f.remote[:k], f.remote[k+1:]...)
		}
		return
	}
	if k >= 0 {
		f.remote[k].status, f.remote[k].at = r.Status, now
		return
	}
	f.order++
	if len(f.remote) >= maxRemote {
		f.remote = append(f.remote[:0], f.remote[1:]...)
	}
	f.remote = append(f.remote, intent{key: key, dest: r.Destination, value: r.Value, rule: r.Rule, ruleIndex: r.RuleIndex,
		status: r.Status, at: now, order: f.order})
}

// shadowIntent records the write this follower would make (latest wins).
func (f *followerState) shadowIntent(c *Coordinator, a *Action) {
	f.order++
	in := f.cause
	in.dest, in.value, in.rule, in.ruleIndex, in.at, in.order = a.Destination, a.Value, a.Rule, a.RuleIndex, f.now, f.order
	f.shadow[a.Destination] = &in
}

// noteChange: a change event of the system d writes. The intents it shows
// up are done; a change to a state no intent targets, made by the agent
// (not a system state), is newer than every intent for d.
func (f *followerState) noteChange(c *Coordinator, d Destination, value string) {
	if len(f.remote) == 0 && f.shadow[d] == nil {
		return
	}
	matched := false
	k := 0
	for _, in := range f.remote {
		if in.dest == d && in.value == value {
			matched = true
			continue
		}
		f.remote[k] = in
		k++
	}
	f.remote = f.remote[:k]
	if s := f.shadow[d]; s != nil && s.value == value {
		f.shadow[d], matched = nil, true
	}
	if matched || (d == DestinationConnect && !c.agentChoice(value)) {
		return
	}
	f.shadow[d] = nil
	k = 0
	for _, in := range f.remote {
		if in.dest != d {
			f.remote[k] = in
			k++
		}
	}
	f.remote = f.remote[:k]
}

// inFlightUntil is how long a new writer waits for the previous writer's
// writes in flight: each until its answer would have been due, writeTimeoutMs
// after this tab heard of it — by then the previous writer would have counted
// it failed. (A fixed shorter wait let a write that landed after the
// takeover's read be made a second time.)
func (f *followerState) inFlightUntil(now, timeoutMs int64) int64 {
	until := now
	for _, in := range f.remote {
		if inFlightStatus(in.status) && in.at+timeoutMs > until {
			until = in.at + timeoutMs
		}
	}
	return until
}

// prune forgets the writer's writes in flight for too long.
func (f *followerState) prune(now int64) {
	f.now = now
	k := 0
	for _, in := range f.remote {
		if inFlightStatus(in.status) && now-in.at > remoteTTLMs {
			continue
		}
		f.remote[k] = in
		k++
	}
	f.remote = f.remote[:k]
}

// causeOf says which change a decision's writes follow from (shadows keep it).
func causeOf(ev *Event) intent {
	switch ev.Type {
	case SourceConnectStateChange:
		return intent{causeDest: DestinationConnect, causeValue: ev.NewState, caused: true}
	case SourceSalesforceStateChange:
		name := ev.StatusAPIName
		if name == "" {
			name = ev.StatusName
		}
		return intent{causeDest: DestinationSalesforce, causeValue: name, caused: true}
	case SourceSalesforceLogout:
		return intent{causeDest: DestinationSalesforce, causeValue: OfflineStatus, caused: true}
	}
	return intent{}
}

// remoteEcho: a change event that shows a write the writer has in flight is
// the writer's echo: a follower decides no rule on it, as the writer does not.
func (c *Coordinator) remoteEcho(d Destination, value string) bool {
	if c.leader && c.tk == nil {
		return false
	}
	for _, in := range c.follow.remote {
		if in.dest == d && in.value == value && inFlightStatus(in.status) {
			return true
		}
	}
	return false
}

// remoteInFlight: the writer has writes in flight that have not shown up.
func (c *Coordinator) remoteInFlight() bool {
	for _, in := range c.follow.remote {
		if inFlightStatus(in.status) && !c.landed(in.dest, in.value, false) {
			return true
		}
	}
	return false
}

// takeoverRead reads both systems.
func (c *Coordinator) takeoverRead(now int64) {
	c.tk.reading = true
	for _, d := range bothDestinations {
		c.tk.pending[d] = c.sendRead(now, d, readTakeover)
	}
}

// takeoverAnswered takes a takeover read's answer (nil: none); with both in,
// the takeover ends.
func (c *Coordinator) takeoverAnswered(now int64, rc *readCmd, r *Result) {
	tk := c.tk
	if tk == nil || tk.pending[rc.dest] != rc {
		return
	}
	tk.pending[rc.dest], tk.done[rc.dest], tk.answers[rc.dest] = nil, true, r
	tk.changesAt[rc.dest] = rc.changesAt
	if tk.done[DestinationConnect] && tk.done[DestinationSalesforce] {
		c.finishTakeover(now, tk)
	}
}

// finishTakeover: catalogs from the reads, the previous writer's undone
// writes made, the changes this tab missed decided, reconcile.
func (c *Coordinator) finishTakeover(now int64, tk *takeover) {
	c.tk = nil
	var catchUps []Event
	var moved [numDestinations]bool
	if r := tk.answers[DestinationConnect]; r != nil && r.Connect != nil {
		rep := *r.Connect
		fresh := c.changes[DestinationConnect] == tk.changesAt[DestinationConnect]
		if rep.HasStates {
			c.cat.Connect = ConnectCatalog{States: rep.States}
			c.checkCatalog(DestinationConnect)
			rep.HasStates = false
		}
		switch {
		case !fresh:
		case rep.HasState && rep.State != "" && rep.State != c.snap.ConnectState:
			catchUps = append(catchUps, Event{Type: SourceConnectStateChange, OldState: c.snap.ConnectState, NewState: rep.State,
				StateType: rep.StateType, Contacts: rep.Contacts, HasContacts: rep.HasContacts, NextState: rep.NextState,
				HasNextState: rep.HasNextState, RoutingProfile: rep.RoutingProfile})
			moved[DestinationConnect] = true
		default:
			c.applyConnect(now, &rep)
		}
	}
	if r := tk.answers[DestinationSalesforce]; r != nil && r.Salesforce != nil {
		rep := r.Salesforce
		fresh := c.changes[DestinationSalesforce] == tk.changesAt[DestinationSalesforce]
		switch {
		case !c.sfRead:
			c.reconcileOnRead = "" // the takeover reconciles below
			c.applySalesforce(now, rep, "")
		case fresh:
			c.applySalesforceCatalog(rep)
			if ev, changed := c.salesforceChange(rep); rep.HasStatus && changed {
				catchUps = append(catchUps, ev)
				moved[DestinationSalesforce] = true
			}
		default:
			c.applySalesforceCatalog(rep)
		}
	}
	for _, d := range bothDestinations {
		c.adopt(now, d, moved[d])
	}
	c.follow = followerState{order: c.follow.order, now: now}
	for _, ev := range catchUps {
		c.catchUp(now, ev, noteCatchUp)
	}
	c.reconcile(now, reconcileTakeover)
}

// adopt plans, for one destination, the newest intent: this tab's own held
// during the takeover, else the previous writer's or this tab's own decided
// while following — unless it has shown up, or the system moved on since.
func (c *Coordinator) adopt(now int64, d Destination, moved bool) {
	ds := &c.dests[d]
	if w := ds.held; w != nil {
		ds.held = nil
		c.route(now, w)
		return
	}
	if moved {
		return
	}
	var pick *intent
	for i := range c.follow.remote {
		in := &c.follow.remote[i]
		if in.dest == d && adoptableStatus(in.status) && (pick == nil || in.order > pick.order) {
			pick = in
		}
	}
	if s := c.follow.shadow[d]; s != nil && now-s.at <= shadowTTLMs && (pick == nil || s.order > pick.order) {
		pick = s
	}
	if pick == nil || c.landed(d, pick.value, false) {
		return
	}
	idx := pick.ruleIndex
	if idx < 0 || idx >= len(c.eng.rules) {
		idx = -1
	}
	c.nextID++
	a := &Action{ID: c.nextID, Destination: d, Value: pick.value, Rule: pick.rule, RuleIndex: idx}
	c.route(now, &write{action: a, note: reasonAdopted})
}
