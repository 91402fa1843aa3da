package rules

// Answers to commands, retries and the one timeout (Semantics 12): a failed
// write is tried retryAttempts times in all, retryBaseMs apart and doubling;
// permanent errors are not retried; a command with no answer within
// writeTimeoutMs — writes and reads alike — counts as a failed try. This is the
// only timeout: the shim and its adapters keep no timer of their own for writes.

// Result is the outcome of a command, as the shim reports it.
type Result struct {
	ID int64
	OK bool
	// ErrorType and ErrorMessage: what the platform gave, read into its type
	// and message (classified here: classifyError).
	ErrorType, ErrorMessage string
	// The answer to a read command: the current state of the side it read.
	Connect    *ConnectReport
	Salesforce *SalesforceReport
}

// HandleResult feeds the outcome of a write. errType is the platform's error
// type ("" on success).
func (c *Coordinator) HandleResult(now int64, cmdID int64, ok bool, errType, errMsg string) Output {
	return c.HandleCommandResult(now, Result{ID: cmdID, OK: ok, ErrorType: errType, ErrorMessage: errMsg})
}

// HandleCommandResult feeds the outcome of any command, write or read.
func (c *Coordinator) HandleCommandResult(now int64, r Result) Output {
	c.expire(now)
	if rc := c.readByID(r.ID); rc != nil {
		c.readAnswered(now, rc, &r)
	} else {
		c.writeAnswered(now, &r)
	}
	c.afterInput(now)
	return c.flush(now)
}

// writeAnswered applies a write's outcome. A late answer to a try that already
// timed out changes nothing.
func (c *Coordinator) writeAnswered(now int64, r *Result) {
	for d := range c.dests {
		ds := &c.dests[d]
		w := ds.inflight
		if w == nil || !w.sent || w.cmdID != r.ID {
			continue
		}
		if r.OK {
			c.succeeded(now, ds, w)
		} else {
			c.failed(now, ds, w, r.ErrorType, r.ErrorMessage)
		}
		return
	}
}

func (c *Coordinator) succeeded(now int64, ds *destState, w *write) {
	a := w.action
	ds.inflight = nil
	c.endEcho(now, ds, w.cmdID)
	switch {
	case a.EnqueueNextState:
		ds.enqueued = w
		c.snap.ConnectNextState = a.Value
		c.setStatus(w, StatusEnqueued, reasonEnqueued)
	case a.Destination == DestinationConnect:
		c.snap.ConnectPreviousState, c.snap.ConnectState = c.snap.ConnectState, a.Value
		c.snap.ConnectStateType = ""
		c.setStatus(w, StatusApplied, "")
	default:
		c.snap.SalesforceStatus = a.Value
		c.snap.SalesforceStatusID = a.StatusID
		c.setStatus(w, StatusApplied, "")
	}
	c.next(now, ds)
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
		c.setStatus(w, StatusSuperseded, reasonNotRetriedFollower(errType))
		return
	}
	if errType == errTimeout {
		// No answer: the write may still land, so its echo stays expected for a window.
		c.endEcho(now, ds, w.cmdID)
	} else {
		c.dropEcho(ds, w.cmdID) // refused: no change will come back
	}
	permanent := classifyError(errType, errMsg).permanent
	if !permanent && w.attempt < c.opts.RetryAttempts && ds.queued == nil {
		backoff := c.opts.RetryBaseMs << (w.attempt - 1)
		w.sent, w.retryAt = false, now+backoff
		c.setStatus(w, StatusRetrying, reasonRetrying(errType, errMsg, w.attempt+1, c.opts.RetryAttempts, backoff))
		return
	}
	ds.inflight = nil
	if ds.queued != nil && !permanent && w.attempt < c.opts.RetryAttempts {
		c.setStatus(w, StatusSuperseded, reasonNotRetriedNewer(errType, ds.queued.action.Value))
	} else {
		why := whyFailed(w.attempt, permanent)
		c.setStatus(w, StatusFailed, reasonFailed(errType, errMsg, why))
		idx := a.RuleIndex
		c.raise(&Error{Code: CodeWriteFailed, Rule: a.Rule, RuleIndex: &idx, Destination: a.Destination.String(),
			Value: a.Value, Cause: errType, Message: msgWriteFailed(a, errType, errMsg, why)})
	}
	c.next(now, ds)
}

// errTimeout is the error type of a command with no answer in writeTimeoutMs.
const errTimeout = "Timeout"

// Tick lets time pass: retries fall due, commands with no answer time out, a
// takeover's wait ends.
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
			c.raise(&Error{Code: CodeTimeout, Rule: a.Rule, RuleIndex: &idx, Destination: a.Destination.String(),
				Value: a.Value, Message: msgWriteTimeout(a, c.opts.WriteTimeoutMs)})
			c.failed(now, ds, w, errTimeout, msgNoAnswer(c.opts.WriteTimeoutMs))
		}
	}
	c.readTimeouts(now)
	if c.tk != nil && !c.tk.reading && now >= c.tk.waitUntil {
		c.takeoverRead(now)
	}
	c.afterInput(now)
	return c.flush(now)
}

// wakeAt is when the coordinator next needs a Tick (0: nothing pending): a
// retry falling due, a write or read timing out, a takeover's wait ending.
func (c *Coordinator) wakeAt() int64 {
	var at int64
	earliest := func(t int64) {
		if at == 0 || t < at {
			at = t
		}
	}
	for d := range c.dests {
		w := c.dests[d].inflight
		if w == nil {
			continue
		}
		if w.sent {
			earliest(w.sentAt + c.opts.WriteTimeoutMs)
		} else {
			earliest(w.retryAt)
		}
	}
	for _, rc := range c.reads {
		earliest(rc.sentAt + c.opts.WriteTimeoutMs)
	}
	if c.tk != nil && !c.tk.reading {
		earliest(c.tk.waitUntil)
	}
	return at
}
