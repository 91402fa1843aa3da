package rules

// The Salesforce side's inputs: login de-duplication, naming a status the
// catalog does not know (with a read), and Omni-Channel read late or again.

// ReasonLogin is the reason of the status change Omni-Channel reports at login
// (the shim sends loginSuccess as a Salesforce Agent State Change with it).
const ReasonLogin = "OmniLoginStatusChange"

// maxHeldEvents bounds the events held while a status is being named: beyond
// it, the naming read is given up rather than letting the queue grow.
const maxHeldEvents = 64

type salesforceState struct {
	// login: the last Salesforce event was a login to this status; Omni-Channel
	// repeats it as a plain status change, which is a duplicate.
	login              bool
	loginID, loginName string
	naming             *readCmd // the read naming unnamed
	unnamed            *Event
	held               []Event // events that came after unnamed, in order
}

// duplicateLogin reports a Salesforce status change that repeats what is
// already known: a login reporting the status already known, or the status
// change Omni-Channel fires right after a login, for the same status.
func (c *Coordinator) duplicateLogin(ev *Event) bool {
	switch ev.Type {
	case SourceSalesforceStateChange:
	case SourceSalesforceLogout, SourceSalesforceWorkAccepted, SourceSalesforceWorkloadChanged:
		c.sf.login = false
		return false
	default:
		return false
	}
	if ev.Reason == ReasonLogin {
		s := &c.snap
		if c.sfRead && s.SalesforceStatus != "" && s.SalesforceStatus != OfflineStatus && sameStatus(ev, s.SalesforceStatusID, s.SalesforceStatus) {
			c.sf.login = false
			return true
		}
		c.sf.login, c.sf.loginID, c.sf.loginName = true, ev.StatusID, ev.StatusAPIName
		return false
	}
	if c.sf.login {
		c.sf.login = false
		return sameStatus(ev, c.sf.loginID, c.sf.loginName)
	}
	return false
}

// sameStatus compares an event's status with a known one: by Id (first 15
// characters) when both have one, else by DeveloperName.
func sameStatus(ev *Event, id, name string) bool {
	if ev.StatusID != "" && id != "" {
		return SameID(ev.StatusID, id)
	}
	return ev.StatusAPIName != "" && ev.StatusAPIName == name
}

// needsName: a status change whose Id the catalog does not know, without its
// DeveloperName.
func (c *Coordinator) needsName(ev *Event) bool {
	return ev.Type == SourceSalesforceStateChange && ev.StatusAPIName == "" && ev.StatusID != ""
}

// nameByRead reads the current status to name the event's; events that come
// meanwhile wait behind it, in order.
func (c *Coordinator) nameByRead(now int64, ev *Event) {
	held := new(Event) // a copy: the caller's event stays on its stack
	*held = *ev
	c.sf.unnamed = held
	c.sf.naming = c.sendRead(now, DestinationSalesforce, readNaming)
}

func (c *Coordinator) holdEvent(now int64, ev Event) {
	if len(c.sf.held) >= maxHeldEvents {
		rc := c.sf.naming
		c.dropRead(rc)
		c.namingAnswered(now, rc, nil, "too many events came while it was being read")
		c.handleEvent(now, ev)
		return
	}
	c.sf.held = append(c.sf.held, ev)
}

// namingAnswered ends a naming read: the status is named from the catalog the
// read brought, or from the current status when it is the same one; without a
// name the event is reported invalid and skipped (or, with a label, decided on
// the label). Then the events held meanwhile run, in order.
func (c *Coordinator) namingAnswered(now int64, rc *readCmd, rep *SalesforceReport, how string) {
	if rc != c.sf.naming || c.sf.unnamed == nil {
		return
	}
	ev := *c.sf.unnamed
	c.sf.naming, c.sf.unnamed = nil, nil
	if rep != nil {
		c.applySalesforceCatalog(rep)
		if st := c.cat.StatusByID(ev.StatusID); st != nil {
			ev.StatusAPIName = st.DeveloperName
			if ev.StatusName == "" {
				ev.StatusName = st.Label
			}
		} else if rep.HasStatus && !rep.LoggedOut && SameID(rep.StatusID, ev.StatusID) && rep.StatusAPIName != "" {
			ev.StatusAPIName = rep.StatusAPIName
			if ev.StatusName == "" {
				ev.StatusName = rep.StatusName
			}
		} else {
			how = "a read of the current status did not name it either"
		}
	}
	if ev.StatusAPIName == "" && ev.StatusName == "" {
		c.raise(invalidEvent("statusApiName", msgUnnamedStatus(ev.StatusID, how)))
	} else {
		resumed := c.resumeByHand(&ev)
		noteResumed(c.decide(now, &ev), resumed)
	}
	held := c.sf.held
	c.sf.held = nil
	for i, hev := range held {
		if c.sf.naming != nil {
			c.sf.held = append(c.sf.held, held[i:]...)
			break
		}
		c.handleEvent(now, hev)
	}
}

// HandleSalesforce feeds the Omni-Channel side read late (it loaded after
// start) or read again. Read for the first time, its status becomes what is
// known, the writes waiting for it are planned, and a Salesforce reconcile
// waiting for it runs; read again, a status that differs from what is known
// is a change this tab missed, decided as a catch-up event.
func (c *Coordinator) HandleSalesforce(now int64, r SalesforceReport) Output {
	c.expire(now)
	c.applySalesforce(now, &r, noteCatchUpRead)
	c.afterInput(now)
	return c.flush(now)
}

// applySalesforce applies a Salesforce report (a salesforce input or a read's answer).
func (c *Coordinator) applySalesforce(now int64, r *SalesforceReport, note string) {
	c.applySalesforceCatalog(r)
	if !r.HasStatus {
		return
	}
	if !c.sfRead {
		c.sfRead = true
		id, name := r.StatusID, r.StatusAPIName
		if r.LoggedOut {
			id, name = "", OfflineStatus
		}
		c.setSalesforceStatus(id, name)
		if r.ConfiguredCapacity.OK {
			c.snap.ConfiguredCapacity = r.ConfiguredCapacity
		}
		if r.Workload.OK {
			c.snap.Workload = r.Workload
		}
		ds := &c.dests[DestinationSalesforce]
		if w := ds.deferred; w != nil {
			ds.deferred = nil
			c.route(now, w)
		}
		if c.reconcileOnRead != "" {
			when := c.reconcileOnRead
			c.reconcileOnRead = ""
			c.reconcile(now, when)
		}
		return
	}
	if ev, changed := c.salesforceChange(r); changed {
		c.catchUp(now, ev, note)
	}
}

// applySalesforceCatalog takes the statuses and service channels a report carries.
func (c *Coordinator) applySalesforceCatalog(r *SalesforceReport) {
	if r.HasStatuses {
		c.cat.Salesforce.Statuses = r.Statuses
		c.checkCatalog(DestinationSalesforce)
	}
	if r.HasServiceChannels {
		c.cat.Salesforce.ServiceChannels = r.ServiceChannels
	}
}

// salesforceChange is the event a reported status amounts to, if it differs
// from the known one.
func (c *Coordinator) salesforceChange(r *SalesforceReport) (Event, bool) {
	s := &c.snap
	if r.LoggedOut {
		return Event{Type: SourceSalesforceLogout}, s.SalesforceStatus != OfflineStatus
	}
	ev := Event{Type: SourceSalesforceStateChange, StatusID: r.StatusID, StatusAPIName: r.StatusAPIName, StatusName: r.StatusName}
	c.cat.Normalize(&ev)
	if s.SalesforceStatus == OfflineStatus {
		return ev, true
	}
	if ev.StatusID != "" && s.SalesforceStatusID != "" {
		return ev, !SameID(ev.StatusID, s.SalesforceStatusID)
	}
	return ev, ev.StatusAPIName != "" && ev.StatusAPIName != s.SalesforceStatus
}

// catchUp decides a change this tab was not told about, found by a read.
func (c *Coordinator) catchUp(now int64, ev Event, note string) {
	if c.needsName(&ev) {
		c.handleEvent(now, ev)
		return
	}
	d := c.decide(now, &ev)
	d.Note = note
}
