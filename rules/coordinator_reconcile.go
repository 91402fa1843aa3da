package rules

// Reconcile (Semantics 17): when a tab becomes the writer — at start, and when
// it takes over — the rules are evaluated once against the chosen system's
// current state as a change event, and the writes issued as usual (none to a
// system already there). options.reconcile chooses the system: "none" (the
// default), "connect" or "salesforce".

// Reconcile modes (options.reconcile).
const (
	ReconcileNone       = "none"
	ReconcileConnect    = "connect"
	ReconcileSalesforce = "salesforce"
)

// reconcile runs the reconcile the options ask for; a Salesforce one waits
// until Omni-Channel has been read. when says why, for the decision's note.
func (c *Coordinator) reconcile(now int64, when string) {
	var ev Event
	var system string
	switch c.opts.Reconcile {
	case ReconcileConnect:
		cur := c.current(DestinationConnect)
		if cur == "" {
			return
		}
		s := &c.snap
		ev = Event{Type: SourceConnectStateChange, NewState: cur, Contacts: s.ConnectContacts, HasContacts: s.ConnectContactsKnown,
			NextState: s.ConnectNextState, HasNextState: true, RoutingProfile: s.ConnectRoutingProfile}
		if cur == s.ConnectState {
			ev.StateType = s.ConnectStateType
		}
		system = "Amazon Connect"
	case ReconcileSalesforce:
		if !c.sfRead {
			c.reconcileOnRead = when
			return
		}
		cur := c.current(DestinationSalesforce)
		switch {
		case cur == "":
			return
		case cur == OfflineStatus:
			ev = Event{Type: SourceSalesforceLogout}
		default:
			ev = Event{Type: SourceSalesforceStateChange, StatusAPIName: cur}
			c.cat.Normalize(&ev)
			if cur == c.snap.SalesforceStatus && c.snap.SalesforceStatusID != "" {
				ev.StatusID = c.snap.SalesforceStatusID
			}
		}
		system = "Omni-Channel"
	default:
		return
	}
	// Not a change: what is known stays as it is (no observe).
	d := c.evaluate(now, &ev)
	d.Reconcile = true
	d.Note = noteReconcile(system, when)
	c.planAll(now, &ev, d)
}

// current is the state a system is in, or is being written to by this engine.
func (c *Coordinator) current(d Destination) string {
	ds := &c.dests[d]
	switch {
	case ds.queued != nil:
		return ds.queued.action.Value
	case ds.inflight != nil && !ds.inflight.action.EnqueueNextState:
		return ds.inflight.action.Value
	case d == DestinationConnect:
		return c.snap.ConnectState
	}
	return c.snap.SalesforceStatus
}
