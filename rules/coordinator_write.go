package rules

// Where a rule's write goes: skipped, deferred, queued behind the write in
// flight, or sent (Semantics 8, 11, 12).

// plan decides what to do with one action a decision asks for.
func (c *Coordinator) plan(now int64, a *Action) {
	if a.ID == 0 {
		c.nextID++
		a.ID = c.nextID
	}
	c.route(now, &write{action: a})
}

// route sends a write where it belongs now. It is also how a write that
// waited (deferred, held during a takeover, queued) is planned again.
func (c *Coordinator) route(now int64, w *write) {
	a := w.action
	ds := &c.dests[a.Destination]
	switch {
	case !c.leader:
		c.follow.shadowIntent(c, a)
		c.setStatus(w, StatusSkipped, reasonFollower)
		return
	case c.tk != nil:
		if ds.held != nil && ds.held != w {
			c.setStatus(ds.held, StatusSuperseded, reasonReplacedBy(a.Value, a.Rule))
		}
		ds.held = w
		c.setStatus(w, StatusDeferred, reasonTakingOver)
		return
	case ds.paused:
		c.setStatus(w, StatusSkipped, reasonPaused(a.Destination))
		return
	}
	if what := c.checkTarget(a.Destination, a.Value); what != "" {
		a.Error = CodeUnknownState
		c.setStatus(w, StatusFailed, reasonMissingFromCatalog)
		idx := a.RuleIndex
		c.raise(&Error{Code: CodeUnknownState, Rule: a.Rule, RuleIndex: &idx, Destination: a.Destination.String(),
			Value: a.Value, Message: msgUnknownWhenFired(a.Rule, what)})
		return
	}
	if a.Destination == DestinationSalesforce && a.Value != OfflineStatus && a.StatusID == "" {
		if s := c.cat.StatusByName(a.Value); s != nil {
			a.StatusID = s.ID
		}
	}
	// Semantics 8: no write when the destination already is (or is about to be) in the target state.
	if cur, why := c.effective(a.Destination); cur == a.Value {
		// A queued write to something else would undo this intent: it is superseded.
		if ds.queued != nil && ds.queued != w {
			c.setStatus(ds.queued, StatusSuperseded, reasonReplacedBy(a.Value, a.Rule))
			ds.queued = nil
		}
		c.setStatus(w, StatusSkipped, why.reason(cur))
		return
	}
	if a.Destination == DestinationSalesforce && !c.sfRead {
		c.deferTo(ds, w, reasonOmniNotRead)
		return
	}
	if a.Destination == DestinationConnect && c.onContact() {
		if !c.planOnContact(w) {
			return
		}
	} else {
		a.EnqueueNextState = false
	}
	c.submit(now, w)
}

// deferTo makes w the destination's deferred write (latest wins).
func (c *Coordinator) deferTo(ds *destState, w *write, reason string) {
	if ds.deferred != nil && ds.deferred != w {
		c.setStatus(ds.deferred, StatusSuperseded, reasonReplacedBy(w.action.Value, w.action.Rule))
	}
	ds.deferred = w
	c.setStatus(w, StatusDeferred, reason)
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
	case ds.deferred != nil:
		return ds.deferred.action.Value, whyDeferred
	case d == DestinationConnect && ds.enqueued != nil:
		return ds.enqueued.action.Value, whyEnqueued
	case d == DestinationConnect && c.snap.ConnectNextState != "" && c.onContact():
		// the agent's next state: Connect goes there when the contact ends
		return c.snap.ConnectNextState, whyEnqueued
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

// submit sends a write now, or queues it behind the one in flight.
func (c *Coordinator) submit(now int64, w *write) {
	ds := &c.dests[w.action.Destination]
	if ds.inflight != nil && ds.inflight != w {
		if ds.queued != nil && ds.queued != w {
			c.setStatus(ds.queued, StatusSuperseded, reasonReplacedBy(w.action.Value, w.action.Rule))
		}
		ds.queued = w
		c.setStatus(w, StatusQueued, reasonWaitingInFlight(w.action.Destination))
		return
	}
	if c.loopTripped(now, ds, w) {
		return
	}
	ds.recent = append(ds.recent, recentWrite{at: now, rule: w.action.Rule, value: w.action.Value})
	ds.inflight = w
	c.send(now, w)
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
		c.expectEcho(ds, w)
	}
	c.out.Commands = append(c.out.Commands, cmd)
	if w.attempt == 1 {
		// Semantics 18: the rule cools down from when its write is issued.
		if r := a.RuleIndex; r >= 0 && r < len(c.cooldownUntil) && c.eng.rules[r].CooldownMs > 0 {
			c.cooldownUntil[r] = now + c.eng.rules[r].CooldownMs
		}
		c.setStatus(w, StatusIssued, w.note)
	}
}

// next issues the queued write, if any, once the destination is free.
func (c *Coordinator) next(now int64, ds *destState) {
	q := ds.queued
	if q == nil || ds.inflight != nil {
		return
	}
	ds.queued = nil
	c.route(now, q)
}
