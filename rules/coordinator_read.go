package rules

// Reading a platform's current state. The engine asks with a read command
// ({id, destination, read: true}); the shim answers with a result carrying
// that side's current state. Reads take over a tab (both systems, when it
// becomes the writer) and name a status the catalog does not know. They time
// out like writes, after writeTimeoutMs.

// ConnectReport is what Streams reports of the agent — at start, in answer to
// a read, or without a state change (a connect input) — each part optional.
type ConnectReport struct {
	State          string
	HasState       bool
	StateType      string // the type Streams gives State (routable, not_routable, offline, system, error)
	Contacts       []Contact
	HasContacts    bool
	NextState      string
	HasNextState   bool
	RoutingProfile string
	States         []ConnectState // agent.getAgentStates(): the catalog, matched by name
	HasStates      bool
}

// SalesforceReport is what Omni-Channel reports — at start, in answer to a
// read, or read later (a salesforce input).
type SalesforceReport struct {
	HasStatus          bool // the current status was reported (LoggedOut, or the status)
	LoggedOut          bool
	StatusID           string
	StatusAPIName      string
	StatusName         string
	Statuses           []SalesforceStatus
	HasStatuses        bool
	ServiceChannels    []ServiceChannel
	HasServiceChannels bool
	ConfiguredCapacity OptNum
	Workload           OptNum
}

type readPurpose uint8

const (
	readTakeover readPurpose = iota // this tab became the writer
	readNaming                      // a status event came without its DeveloperName
)

// readCmd is a read in flight.
type readCmd struct {
	id      int64
	dest    Destination
	sentAt  int64
	purpose readPurpose
	// changesAt: the change events of that system handled when the read was
	// sent; a change handled since is newer than what the read returns.
	changesAt int64
}

// sendRead issues a read command.
func (c *Coordinator) sendRead(now int64, d Destination, p readPurpose) *readCmd {
	c.nextID++
	rc := &readCmd{id: c.nextID, dest: d, sentAt: now, purpose: p, changesAt: c.changes[d]}
	c.reads = append(c.reads, rc)
	c.out.Commands = append(c.out.Commands, Command{ID: rc.id, Destination: d, Read: true, Attempt: 1})
	return rc
}

// ReadDestination says which side a read command reads (false: id is not a
// read in flight). The session uses it to read a result's state.
func (c *Coordinator) ReadDestination(id int64) (Destination, bool) {
	if rc := c.readByID(id); rc != nil {
		return rc.dest, true
	}
	return 0, false
}

func (c *Coordinator) readByID(id int64) *readCmd {
	for _, rc := range c.reads {
		if rc.id == id {
			return rc
		}
	}
	return nil
}

func (c *Coordinator) dropRead(rc *readCmd) {
	for i, r := range c.reads {
		if r == rc {
			c.reads = append(c.reads[:i], c.reads[i+1:]...)
			return
		}
	}
}

// readAnswered takes a read's result. A refused read, or an answer without
// the state, counts as a failed read: the coordinator goes on with what it knows.
func (c *Coordinator) readAnswered(now int64, rc *readCmd, r *Result) {
	c.dropRead(rc)
	ok := r.OK && ((rc.dest == DestinationConnect && r.Connect != nil) || (rc.dest == DestinationSalesforce && r.Salesforce != nil))
	if !ok {
		typ, msg := r.ErrorType, r.ErrorMessage
		if r.OK {
			typ, msg = "Error", "the answer carries no state"
		}
		c.readFailed(now, rc, typ, msg)
		return
	}
	switch rc.purpose {
	case readTakeover:
		c.takeoverAnswered(now, rc, r)
	case readNaming:
		c.namingAnswered(now, rc, r.Salesforce, "")
	}
}

// readFailed ends a read without an answer.
func (c *Coordinator) readFailed(now int64, rc *readCmd, typ, msg string) {
	switch rc.purpose {
	case readTakeover:
		if c.tk != nil {
			if typ == errTimeout {
				c.raise(&Error{Code: CodeTimeout, Destination: rc.dest.String(), Message: msgReadTimeout(rc.dest, c.opts.WriteTimeoutMs, purposeTakeover)})
			} else {
				c.raise(&Error{Code: CodeStartFailed, Destination: rc.dest.String(), Cause: typ,
					Message: msgReadFailed(rc.dest, typ, msg, purposeTakeover)})
			}
		}
		c.takeoverAnswered(now, rc, nil)
	case readNaming:
		how := "a read of the current status failed: " + typ + " " + msg
		if typ == errTimeout {
			how = msgReadTimeout(rc.dest, c.opts.WriteTimeoutMs, purposeNaming)
		}
		c.namingAnswered(now, rc, nil, how)
	}
}

// readTimeouts ends the reads with no answer within writeTimeoutMs.
func (c *Coordinator) readTimeouts(now int64) {
	for i := 0; i < len(c.reads); {
		rc := c.reads[i]
		if now-rc.sentAt < c.opts.WriteTimeoutMs {
			i++
			continue
		}
		c.dropRead(rc)
		c.readFailed(now, rc, errTimeout, msgNoAnswer(c.opts.WriteTimeoutMs))
	}
}
