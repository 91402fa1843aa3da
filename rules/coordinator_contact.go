package rules

// Contacts, next states and deferral (Semantics 12, 19): whether the agent is
// on a contact, what a Connect write does meanwhile, and what happens when the
// contact ends or the agent queues or clears a next state.

// contactState is what the coordinator remembers about the current contact.
type contactState struct {
	// before is the Connect state the agent was in when the contact began:
	// the state Connect restores by itself when it ends ("" when unknown).
	before string
}

// liveContact reports whether a contact keeps the agent on a contact: any
// channel, in any state but the ones of a contact that never reached the agent
// or failed (missed, rejected, error). An ended contact is in After Call Work.
// Contact state types: amazon-connect-streams 2.28.2, src/api.js, connect.ContactStateType.
func liveContact(ct Contact) bool {
	switch ct.State {
	case "missed", "rejected", "error":
		return false
	}
	return true
}

// OnContact reports whether an agent is on a contact (Semantics 12): with the
// contacts known, when at least one is live; without them, from the state's name.
func OnContact(state string, contacts []Contact, contactsKnown bool) bool {
	if !contactsKnown {
		return IsOnContact(state)
	}
	for _, ct := range contacts {
		if liveContact(ct) {
			return true
		}
	}
	return false
}

func (c *Coordinator) onContact() bool {
	return OnContact(c.snap.ConnectState, c.snap.ConnectContacts, c.snap.ConnectContactsKnown)
}

// planOnContact handles a Connect write while the agent is on a contact: a
// routable target is deferred until the contact ends; a not-routable or
// offline one is sent as the next state. It reports whether to send it now.
func (c *Coordinator) planOnContact(w *write) bool {
	ds := &c.dests[DestinationConnect]
	a := w.action
	if c.connectType(a.Value) == "routable" {
		w.nextWhenDeferred = c.snap.ConnectNextState
		c.deferTo(ds, w, reasonDeferredOnContact(contactText(&c.snap)))
		return false
	}
	a.EnqueueNextState = true
	if ds.deferred != nil {
		c.setStatus(ds.deferred, StatusSuperseded, reasonReplacedBy(a.Value, a.Rule))
		ds.deferred = nil
	}
	return true
}

// contactEnded runs when the agent has no contact left. stateChanged: the input
// that ended it also changed the state (else Connect has yet to move, and an
// enqueued next state is still to come).
//
// An enqueued write that did not become the state is superseded (the agent
// chose another). A deferred routable write is issued — also when the contact
// ends in the state Connect restores by itself, in a system or error state
// (not the agent's choice), or in a next state queued before it — and is
// superseded only when the contact ends in a state the agent chose after it.
func (c *Coordinator) contactEnded(now int64, stateChanged bool) {
	ds := &c.dests[DestinationConnect]
	cur := c.snap.ConnectState
	if en := ds.enqueued; en != nil && stateChanged && cur != en.action.Value {
		ds.enqueued = nil
		c.setStatus(en, StatusSuperseded, reasonContactEndedInstead(cur))
	}
	w := ds.deferred
	if w == nil {
		return
	}
	ds.deferred = nil
	switch {
	case cur == w.action.Value:
		c.setStatus(w, StatusSkipped, whyConnect.reason(cur))
	case !c.agentChoice(cur), cur == c.contact.before, cur == w.nextWhenDeferred && cur != "",
		c.connectType(cur) == "routable":
		c.route(now, w)
	default:
		c.setStatus(w, StatusSuperseded, reasonContactEndedInChoice(cur))
	}
}

// enqueuedApplied: the state became this engine's enqueued next state.
func (c *Coordinator) enqueuedApplied(state string) {
	ds := &c.dests[DestinationConnect]
	if en := ds.enqueued; en != nil && en.action.Value == state {
		ds.enqueued = nil
		c.snap.ConnectNextState = ""
		c.setStatus(en, StatusApplied, reasonEnqueuedApplied)
	}
}

// ownNextState reports whether a next state is one this engine sent.
func (c *Coordinator) ownNextState(v string) bool {
	ds := &c.dests[DestinationConnect]
	for _, w := range [...]*write{ds.enqueued, ds.inflight, ds.queued} {
		if w != nil && w.action.EnqueueNextState && w.action.Value == v {
			return true
		}
	}
	return false
}

// nextStateChanged records Connect's next state as Streams reports it. Cleared
// without becoming the state, it supersedes this engine's enqueued write
// (Semantics 19); one the agent queued is a newer intent than this engine's
// enqueued or deferred write.
func (c *Coordinator) nextStateChanged(next string) {
	prev := c.snap.ConnectNextState
	c.snap.ConnectNextState = next
	if next == prev {
		return
	}
	ds := &c.dests[DestinationConnect]
	if next == "" {
		if en := ds.enqueued; en != nil && c.snap.ConnectState != en.action.Value {
			ds.enqueued = nil
			c.setStatus(en, StatusSuperseded, reasonNextStateCleared)
		}
		return
	}
	if c.ownNextState(next) {
		return
	}
	if en := ds.enqueued; en != nil {
		ds.enqueued = nil
		c.setStatus(en, StatusSuperseded, reasonAgentQueued(next))
	}
	if w := ds.deferred; w != nil && c.onContact() {
		ds.deferred = nil
		c.setStatus(w, StatusSuperseded, reasonAgentQueued(next))
	}
}

// HandleConnect feeds what Streams reports without a state change: contacts
// (a chat accepted while Available, a contact ended), a next state queued or
// cleared, the routing profile, or the agent states read again after a region
// failover (matched by name). No rule is evaluated: it is not a rule source.
func (c *Coordinator) HandleConnect(now int64, r ConnectReport) Output {
	c.expire(now)
	c.applyConnect(now, &r)
	c.afterInput(now)
	return c.flush(now)
}

// applyConnect applies a Connect report's parts other than the state itself.
func (c *Coordinator) applyConnect(now int64, r *ConnectReport) {
	s := &c.snap
	if r.HasStates {
		c.cat.Connect = ConnectCatalog{States: r.States}
		c.checkCatalog(DestinationConnect)
	}
	if r.StateType != "" {
		s.ConnectStateType = r.StateType
	}
	if r.RoutingProfile != "" {
		s.ConnectRoutingProfile = r.RoutingProfile
	}
	wasOn := c.onContact()
	if r.HasContacts {
		s.ConnectContacts, s.ConnectContactsKnown = r.Contacts, true
	}
	isOn := c.onContact()
	if !wasOn && isOn {
		c.contact.before = s.ConnectState
	}
	if r.HasNextState {
		c.nextStateChanged(r.NextState)
	}
	if wasOn && !isOn {
		c.contactEnded(now, false)
	}
}
