package rules

// Echoes (Semantics 9): a change event that reports exactly what this engine
// wrote updates the known state but triggers no rule.

type echo struct {
	value    string
	statusID string
	until    int64 // 0: until the write ends (in flight)
	cmdID    int64
	actionID int64
}

// expectEcho records the echo a write's try will cause: one per write, a
// retry's replacing its earlier try's.
func (c *Coordinator) expectEcho(ds *destState, w *write) {
	a := w.action
	k := 0
	for _, e := range ds.echoes {
		if e.actionID != a.ID {
			ds.echoes[k] = e
			k++
		}
	}
	ds.echoes = append(ds.echoes[:k], echo{value: a.Value, statusID: a.StatusID, cmdID: w.cmdID, actionID: a.ID})
}

// isEcho reports (and consumes) a change event that reports what this engine
// wrote. A next state this engine enqueued is an echo when it becomes the
// state, however long the contact lasted.
func (c *Coordinator) isEcho(now int64, ev *Event) bool {
	if c.opts.EchoWindowMs == 0 {
		return false
	}
	var ds *destState
	var val, id string
	switch ev.Type {
	case SourceConnectStateChange:
		ds, val = &c.dests[DestinationConnect], ev.NewState
		if en := ds.enqueued; en != nil && en.action.Value == val {
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
		if (val != "" && e.value == val) || (id != "" && SameID(e.statusID, id)) {
			ds.echoes = append(ds.echoes[:i], ds.echoes[i+1:]...)
			return true
		}
	}
	if ev.Type == SourceConnectStateChange {
		return c.remoteEcho(DestinationConnect, val)
	}
	return c.remoteEcho(DestinationSalesforce, val)
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
