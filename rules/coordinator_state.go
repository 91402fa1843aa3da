package rules

// What the coordinator knows of both systems (the snapshot), of each
// destination's writes, and how inputs change them.

// destState is everything about one destination.
type destState struct {
	inflight *write // sent (or waiting to be retried), not yet answered
	queued   *write // the next intent, issued when the one in flight ends
	// deferred waits for a condition: Connect, a routable target until the
	// contact ends (Semantics 12); Salesforce, any target until Omni-Channel is read.
	deferred *write
	enqueued *write // Connect: accepted as the next state, applies when the contact ends
	held     *write // during a takeover: the latest intent, planned when it ends
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
	// note is the reason given when the write is issued ("" for most).
	note string
	// nextWhenDeferred: Connect's next state when the write was deferred (a
	// contact ending in it ends in a choice older than the write).
	nextWhenDeferred string
}

// observe updates the known state with an event; it reports whether the
// event ended a contact.
func (c *Coordinator) observe(now int64, ev *Event) (contactEnded bool) {
	s := &c.snap
	switch ev.Type {
	case SourceConnectStateChange:
		c.changes[DestinationConnect]++
		wasOn := c.onContact()
		s.ConnectPreviousState = s.ConnectState
		if ev.OldState != "" {
			s.ConnectPreviousState = ev.OldState
		}
		s.ConnectState = ev.NewState
		s.ConnectStateType = ev.StateType
		if ev.HasContacts {
			// The event's own slice: never written in place, so the snapshots of
			// earlier decisions, which share it, stay as they were.
			s.ConnectContacts, s.ConnectContactsKnown = ev.Contacts, true
		}
		if ev.RoutingProfile != "" {
			s.ConnectRoutingProfile = ev.RoutingProfile
		}
		c.enqueuedApplied(ev.NewState)
		isOn := c.onContact()
		if !wasOn && isOn {
			c.contact.before = s.ConnectPreviousState
		}
		switch {
		case wasOn && !isOn:
			// Connect applied (or dropped) the next state as the contact ended:
			// contactEnded says what became of this engine's.
			s.ConnectNextState = ev.NextState
		case ev.HasNextState:
			c.nextStateChanged(ev.NextState)
		}
		c.follow.noteChange(c, DestinationConnect, ev.NewState)
		return wasOn && !isOn
	case SourceSalesforceStateChange:
		c.changes[DestinationSalesforce]++
		if ev.StatusAPIName != "" {
			s.SalesforceStatus = ev.StatusAPIName
		} else {
			s.SalesforceStatus = ev.StatusName
		}
		s.SalesforceStatusID = ev.StatusID
		c.follow.noteChange(c, DestinationSalesforce, s.SalesforceStatus)
	case SourceSalesforceLogout:
		c.changes[DestinationSalesforce]++
		s.SalesforceStatus = OfflineStatus
		s.SalesforceStatusID = ""
		c.follow.noteChange(c, DestinationSalesforce, OfflineStatus)
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
	return false
}

// setSalesforceStatus records the current status from what a read reports:
// its Id and DeveloperName, each filled from the catalog when missing.
func (c *Coordinator) setSalesforceStatus(id, name string) {
	s := &c.snap
	s.SalesforceStatus, s.SalesforceStatusID = name, id
	if name == "" && id != "" {
		if st := c.cat.StatusByID(id); st != nil {
			s.SalesforceStatus = st.DeveloperName
		}
	}
	if s.SalesforceStatusID == "" && s.SalesforceStatus != OfflineStatus {
		if st := c.cat.StatusByName(s.SalesforceStatus); st != nil {
			s.SalesforceStatusID = st.ID
		}
	}
}

// checkTarget says what is wrong with a target, given the live catalog ("" if nothing).
func (c *Coordinator) checkTarget(d Destination, value string) string {
	switch d {
	case DestinationConnect:
		if len(c.cat.Connect.States) > 0 && findConnectState(c.cat.Connect.States, value) == nil {
			return msgTargetNotInConnect(value)
		}
	case DestinationSalesforce:
		if value != OfflineStatus && len(c.cat.Salesforce.Statuses) > 0 && c.cat.StatusByName(value) == nil {
			return msgTargetNotInOmni(value)
		}
	}
	return ""
}

// checkCatalog raises unknown-state once for each active rule writing d (both
// destinations: DestinationNone) whose target the catalog lacks — at start,
// and when a catalog is read again, for the rules that became unknown — and
// forgets the ones it has again.
func (c *Coordinator) checkCatalog(d Destination) {
	for i := range c.eng.rules {
		r := &c.eng.rules[i]
		if !r.Active || (d != DestinationNone && r.Destination != d) {
			continue
		}
		what := c.checkTarget(r.Destination, r.Value)
		switch {
		case what == "":
			delete(c.unknown, i)
		case !c.unknown[i]:
			c.unknown[i] = true
			idx := i
			c.raise(&Error{Code: CodeUnknownState, Rule: r.Label(), RuleIndex: &idx, Destination: r.Destination.String(),
				Value: r.Value, Message: msgUnknownAtStart(r.Label(), what)})
		}
	}
}

// connectErrorStates are the Streams agent states of type "error", the states
// Connect puts the agent in after a failure (a missed call, a failed
// connection): not the agent's choice. Source: amazon-connect-streams 2.28.2,
// src/api.js, connect.AgentErrorStates.
var connectErrorStates = map[string]bool{
	"Error": true, "AgentHungUp": true, "BadAddressAgent": true, "BadAddressCustomer": true, "Default": true,
	"FailedConnectAgent": true, "FailedConnectCustomer": true, "InvalidLocale": true, "LineEngagedAgent": true,
	"LineEngagedCustomer": true, "MissedCallAgent": true, "MissedCallCustomer": true, "MultipleCcpWindows": true,
	"RealtimeCommunicationError": true,
}

// connectType is the type Streams gives a Connect state (routable,
// not_routable, offline, system, error): as the last event reported it for the
// current state, else from the catalog, else told from the name.
func (c *Coordinator) connectType(name string) string {
	if name == c.snap.ConnectState && c.snap.ConnectStateType != "" {
		return c.snap.ConnectStateType
	}
	if s := findConnectState(c.cat.Connect.States, name); s != nil && s.Type != "" {
		return s.Type
	}
	switch {
	case name == "Available":
		return "routable"
	case name == "Offline":
		return "offline"
	case connectErrorStates[name]:
		return "error"
	case IsConnectSystemState(name):
		return "system"
	}
	return "not_routable"
}

// agentChoice reports whether a Connect state is one an agent picks (routable,
// not routable, offline) rather than one Connect sets (system, error).
func (c *Coordinator) agentChoice(name string) bool {
	t := c.connectType(name)
	return t != "system" && t != "error"
}

// landed reports whether a destination already shows a value.
func (c *Coordinator) landed(d Destination, value string, enqueue bool) bool {
	if d == DestinationConnect {
		return c.snap.ConnectState == value || (enqueue && c.snap.ConnectNextState == value)
	}
	return c.snap.SalesforceStatus == value
}
