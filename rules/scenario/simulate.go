package scenario

import (
	"encoding/json"
	"fmt"

	"github.com/presence-sync/presence-sync/rules"
)

// StepFailure says what went wrong in one step.
type StepFailure struct {
	Step     int
	Problem  string
	Expected string
	Got      string
	Trace    []*rules.Decision
}

// ScenarioResult is the outcome of one scenario.
type ScenarioResult struct {
	Name     string
	Path     string
	Failures []StepFailure
	Err      error // the scenario could not run at all
	Writes   int
	Statuses map[rules.ActionStatus]int // final status of every action
}

// Passed reports whether every check held.
func (r *ScenarioResult) Passed() bool { return r.Err == nil && len(r.Failures) == 0 }

type delivery int

const (
	deliverTick    delivery = iota
	deliverResult           // a command's outcome
	deliverEvent            // a platform change event
	deliverConnect          // a Streams report without a state change
)

type scheduled struct {
	at     int64
	seq    int64
	kind   delivery
	result rules.Result
	ev     rules.Event
	report rules.ConnectReport
	apply  func()
	// read: the result answers a read of readDest.
	read     bool
	readDest rules.Destination
}

// simulator plays both platforms for a scenario.
type simulator struct {
	sc       *Scenario
	coord    *rules.Coordinator
	now      int64
	seq      int64
	latency  int64
	queue    []scheduled
	tickAt   int64
	fails    map[rules.Destination]*FailSpec
	failRead map[rules.Destination]*FailSpec
	// the simulated CCP
	connect       string
	prevConn      string // Connect's state before the last simulated write
	next          string // Connect's next state
	contacts      []rules.Contact
	contactsKnown bool
	// the simulated Omni-Channel
	sfStatus string
	// what the current step caused
	writes    []rules.Command
	reads     []rules.Command
	errors    []*rules.Error
	decisions []*rules.Decision
	changes   []rules.Action
	actions   map[int64]rules.ActionStatus
}

// Run plays the scenario and checks every expectation.
func (sc *Scenario) Run() *ScenarioResult {
	res := &ScenarioResult{Name: sc.Name, Path: sc.path, Statuses: map[rules.ActionStatus]int{}}
	docJSON, err := sc.rulesDocument()
	if err != nil {
		res.Err = err
		return res
	}
	eng, err := rules.Compile(docJSON)
	if err != nil {
		res.Err = err
		return res
	}
	opts, err := rules.OptionsFor(eng.Document(), sc.Options)
	if err != nil {
		res.Err = err
		return res
	}
	var extra struct {
		WriteLatencyMs int64 `json:"writeLatencyMs"`
	}
	if len(sc.Options) > 0 {
		_ = json.Unmarshal(sc.Options, &extra)
	}
	sim := &simulator{sc: sc, coord: rules.NewCoordinator(eng, opts), latency: extra.WriteLatencyMs,
		fails: map[rules.Destination]*FailSpec{}, failRead: map[rules.Destination]*FailSpec{},
		connect: sc.Initial.ConnectState, sfStatus: sc.Initial.SalesforceStatus, next: sc.Initial.ConnectNextState,
		contacts: sc.Initial.ConnectContacts, contactsKnown: sc.Initial.ConnectContacts != nil,
		actions: map[int64]rules.ActionStatus{}}
	// What initial leaves out is unknown at start ("" — not "Offline": a
	// scenario that means logged out says so).
	var live *rules.Catalog
	if sc.Live != nil {
		live = &rules.Catalog{Connect: sc.Live.Connect, Salesforce: sc.Live.Salesforce}
	}
	// What start causes (errors, a reconcile's writes) counts in the first step.
	sim.take(sim.coord.Start(0, sc.Initial, live))

	for i, step := range sc.Steps {
		if i > 0 {
			sim.writes, sim.reads, sim.errors, sim.decisions, sim.changes = nil, nil, nil, nil, nil
		}
		if step.Reconcile && i > 0 {
			res.Failures = append(res.Failures, StepFailure{Step: i, Problem: `"reconcile": true checks the reconcile at start: it belongs on the first step`})
		}
		if problem := sim.inputs(&step); problem != "" {
			res.Failures = append(res.Failures, StepFailure{Step: i, Problem: problem, Trace: sim.decisions})
			continue
		}
		if err := sim.drain(sim.now); err != nil {
			res.Failures = append(res.Failures, StepFailure{Step: i, Problem: err.Error(), Trace: sim.decisions})
			break
		}
		if step.AdvanceMs > 0 {
			if err := sim.drain(sim.now + step.AdvanceMs); err != nil {
				res.Failures = append(res.Failures, StepFailure{Step: i, Problem: err.Error(), Trace: sim.decisions})
				break
			}
		}
		res.Failures = append(res.Failures, sim.check(i, &step)...)
	}
	for _, st := range sim.actions {
		res.Statuses[st]++
	}
	return res
}

// inputs feeds a step's inputs; it returns a problem with the step itself.
func (s *simulator) inputs(step *Step) string {
	if f := step.Fail; f != nil {
		var d rules.Destination
		if err := d.UnmarshalText([]byte(f.Destination)); err != nil || d == rules.DestinationNone {
			return fmt.Sprintf("fail: destination %q is not a destination", f.Destination)
		}
		times := f.Times
		if times == 0 {
			times = 1
		}
		spec := &FailSpec{Destination: f.Destination, Error: f.Error, Times: times, Reads: f.Reads}
		if f.Reads {
			s.failRead[d] = spec
		} else {
			s.fails[d] = spec
		}
	}
	if m := step.Missed; m != nil {
		if m.ConnectState != nil {
			s.prevConn, s.connect = s.connect, *m.ConnectState
		}
		if m.SalesforceStatus != nil {
			s.sfStatus = *m.SalesforceStatus
		}
	}
	if step.Leader != nil {
		s.take(s.coord.SetLeader(s.now, *step.Leader))
	}
	if len(step.Remote) > 0 {
		r, err := rules.DecodeRemote(step.Remote)
		if err != nil {
			return "remote: " + err.Error()
		}
		s.take(s.coord.HandleRemote(s.now, r))
	}
	if len(step.Salesforce) > 0 {
		r, err := rules.DecodeSalesforceReport(step.Salesforce)
		if err != nil {
			return "salesforce: " + err.Error()
		}
		s.omniRead(&r)
		s.take(s.coord.HandleSalesforce(s.now, r))
	}
	if len(step.Connect) > 0 {
		r, err := rules.DecodeConnectReport(step.Connect)
		if err != nil {
			return "connect: " + err.Error()
		}
		if r.HasState {
			return "connect: a state change is an event, not a connect step"
		}
		s.connectReport(r)
	}
	if len(step.Event) > 0 {
		ev, err := rules.DecodeEvent(step.Event)
		if err != nil {
			s.errors = append(s.errors, err.(*rules.Error))
		} else {
			s.platformEvent(&ev)
			s.take(s.coord.HandleEvent(s.now, ev))
		}
	}
	return ""
}

// onContact is the simulated CCP's view (Semantics 12).
func (s *simulator) onContact() bool { return rules.OnContact(s.connect, s.contacts, s.contactsKnown) }

// platformEvent applies the scenario's own event to the simulated platforms,
// as if the agent or the platform had made that change.
func (s *simulator) platformEvent(ev *rules.Event) {
	switch ev.Type {
	case rules.SourceConnectStateChange:
		was := s.onContact()
		if ev.HasContacts {
			s.contacts, s.contactsKnown = ev.Contacts, true
		}
		if ev.OldState == "" {
			ev.OldState = s.connect
		}
		now := rules.OnContact(ev.NewState, s.contacts, s.contactsKnown)
		if s.next != "" && was && !now {
			// The contact ends: Amazon Connect goes to the next state.
			ev.NewState = s.next
			s.next = ""
			if ev.HasNextState {
				ev.NextState = ""
			}
		} else if ev.HasNextState {
			s.next = ev.NextState
		}
		s.connect = ev.NewState
	case rules.SourceSalesforceStateChange:
		name := ev.StatusAPIName
		if name == "" {
			if st := s.status(ev.StatusID, ""); st != nil {
				name = st.DeveloperName
			}
		}
		s.sfStatus = name
	case rules.SourceSalesforceLogout:
		s.sfStatus = rules.OfflineStatus
	}
}

// connectReport applies what Streams reports without a state change to the
// simulated CCP; a contact ending with a next state queued moves Connect there,
// which Streams reports as a state change.
func (s *simulator) connectReport(r rules.ConnectReport) {
	was := s.onContact()
	if r.HasContacts {
		s.contacts, s.contactsKnown = r.Contacts, true
	}
	if r.HasNextState {
		s.next = r.NextState
	}
	if s.next != "" && was && !s.onContact() {
		ev := rules.Event{Type: rules.SourceConnectStateChange, OldState: s.connect, NewState: s.next, StateType: r.StateType,
			Contacts: s.contacts, HasContacts: s.contactsKnown, HasNextState: true, RoutingProfile: r.RoutingProfile}
		s.prevConn, s.connect, s.next = s.connect, s.next, ""
		s.take(s.coord.HandleEvent(s.now, ev))
		if r.HasStates {
			s.take(s.coord.HandleConnect(s.now, rules.ConnectReport{States: r.States, HasStates: true}))
		}
		return
	}
	s.take(s.coord.HandleConnect(s.now, r))
}

// omniRead sets the simulated Omni-Channel to what a salesforce step reports.
func (s *simulator) omniRead(r *rules.SalesforceReport) {
	switch {
	case r.LoggedOut:
		s.sfStatus = rules.OfflineStatus
	case r.StatusAPIName != "":
		s.sfStatus = r.StatusAPIName
	case r.HasStatus:
		if st := s.status(r.StatusID, ""); st != nil {
			s.sfStatus = st.DeveloperName
		}
	}
}

// status finds a presence status of the org, by Id or DeveloperName: the
// scenario's catalog is the org's, the live one what the agent was given.
func (s *simulator) status(id, name string) *rules.SalesforceStatus {
	org := rules.Catalog{Salesforce: s.sc.Salesforce}
	for _, cat := range []*rules.Catalog{&org, s.coord.Catalog()} {
		if id != "" {
			if st := cat.StatusByID(id); st != nil {
				return st
			}
		} else if st := cat.StatusByName(name); st != nil {
			return st
		}
	}
	return nil
}

func (s *simulator) push(it scheduled) {
	s.seq++
	it.seq = s.seq
	s.queue = append(s.queue, it)
}

// take processes one coordinator output: records it and executes its commands.
func (s *simulator) take(out rules.Output) {
	s.decisions = append(s.decisions, out.Decisions...)
	s.errors = append(s.errors, out.Errors...)
	s.changes = append(s.changes, out.Actions...)
	for _, a := range out.Actions {
		s.actions[a.ID] = a.Status
	}
	for _, cmd := range out.Commands {
		switch {
		case cmd.Read:
			s.reads = append(s.reads, cmd)
		case cmd.Attempt == 1:
			s.writes = append(s.writes, cmd)
		}
		s.execute(cmd)
	}
	if out.WakeAt > 0 && (s.tickAt == 0 || out.WakeAt < s.tickAt || s.tickAt < s.now) {
		s.tickAt = out.WakeAt
		s.push(scheduled{at: out.WakeAt, kind: deliverTick})
	}
}

// failing consumes one injected failure for a command, if any is due.
func failing(specs map[rules.Destination]*FailSpec, d rules.Destination) (*FailSpec, bool) {
	f := specs[d]
	if f == nil || f.Times <= 0 {
		return nil, false
	}
	f.Times--
	return f, true
}

func (s *simulator) execute(cmd rules.Command) {
	at := s.now
	if s.sc.Feedback {
		at += s.latency
	}
	if cmd.Read {
		s.answerRead(cmd, at)
		return
	}
	if f, ok := failing(s.fails, cmd.Destination); ok {
		if f.Error == "NoAnswer" || f.Error == "Timeout" {
			return // the platform never answers
		}
		s.push(scheduled{at: at, kind: deliverResult, result: rules.Result{ID: cmd.ID, ErrorType: f.Error, ErrorMessage: "simulated failure"}})
		return
	}
	applyPlatform := func() {
		switch {
		case cmd.Destination == rules.DestinationConnect && cmd.EnqueueNextState:
			s.next = cmd.Value
		case cmd.Destination == rules.DestinationConnect:
			s.prevConn, s.connect = s.connect, cmd.Value
		default:
			s.sfStatus = cmd.Value
		}
	}
	ok := rules.Result{ID: cmd.ID, OK: true}
	if !s.sc.Feedback {
		applyPlatform()
		s.take(s.coord.HandleCommandResult(s.now, ok))
		return
	}
	// The platform accepts the write, then reports the change as a real one would.
	s.push(scheduled{at: at, kind: deliverResult, result: ok, apply: applyPlatform})
	switch {
	case cmd.Destination == rules.DestinationConnect && cmd.EnqueueNextState:
		// Streams reports the next state in the agent's snapshot, with no state change.
		s.push(scheduled{at: at, kind: deliverConnect, report: rules.ConnectReport{NextState: cmd.Value, HasNextState: true}})
	case cmd.Destination == rules.DestinationConnect:
		s.push(scheduled{at: at, kind: deliverEvent, ev: rules.Event{Type: rules.SourceConnectStateChange, NewState: cmd.Value}})
	case cmd.Logout:
		s.push(scheduled{at: at, kind: deliverEvent, ev: rules.Event{Type: rules.SourceSalesforceLogout}})
	default:
		ev := rules.Event{Type: rules.SourceSalesforceStateChange, StatusID: cmd.StatusID, StatusAPIName: cmd.Value,
			StatusName: cmd.Value, Reason: "OmniToolkitStatusChange"}
		if st := s.coord.Catalog().StatusByName(cmd.Value); st != nil {
			ev.StatusName = st.Label
		}
		s.push(scheduled{at: at, kind: deliverEvent, ev: ev})
	}
}

// answerRead answers a read with the simulated platform's current state (as
// it is when the answer is delivered).
func (s *simulator) answerRead(cmd rules.Command, at int64) {
	if f, ok := failing(s.failRead, cmd.Destination); ok {
		if f.Error == "NoAnswer" || f.Error == "Timeout" {
			return
		}
		s.push(scheduled{at: at, kind: deliverResult, result: rules.Result{ID: cmd.ID, ErrorType: f.Error, ErrorMessage: "simulated failure"}})
		return
	}
	// The answer is the platform as it is when the answer is delivered.
	s.push(scheduled{at: at, kind: deliverResult, result: rules.Result{ID: cmd.ID, OK: true}, read: true, readDest: cmd.Destination})
}

// readAnswer is a read's answer: the simulated platform as it is now.
func (s *simulator) readAnswer(id int64, d rules.Destination) rules.Result {
	r := rules.Result{ID: id, OK: true}
	if d == rules.DestinationConnect {
		r.Connect = &rules.ConnectReport{State: s.connect, HasState: true, Contacts: s.contacts, HasContacts: s.contactsKnown,
			NextState: s.next, HasNextState: true}
		return r
	}
	sf := &rules.SalesforceReport{HasStatus: s.sfStatus != ""}
	switch {
	case s.sfStatus == rules.OfflineStatus:
		sf.LoggedOut = true
	case s.sfStatus != "":
		sf.StatusAPIName, sf.StatusName = s.sfStatus, s.sfStatus
		if st := s.status("", s.sfStatus); st != nil {
			sf.StatusID, sf.StatusName = st.ID, st.Label
		}
	}
	r.Salesforce = sf
	return r
}

const maxDeliveries = 200000

// drain delivers everything scheduled up to the time until, in time order.
func (s *simulator) drain(until int64) error {
	for n := 0; ; n++ {
		if n > maxDeliveries {
			return fmt.Errorf("the simulation did not settle after %d deliveries", maxDeliveries)
		}
		best := -1
		for i, it := range s.queue {
			if it.at <= until && (best < 0 || it.at < s.queue[best].at || (it.at == s.queue[best].at && it.seq < s.queue[best].seq)) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		it := s.queue[best]
		s.queue = append(s.queue[:best], s.queue[best+1:]...)
		if it.at > s.now {
			s.now = it.at
		}
		switch it.kind {
		case deliverTick:
			if s.tickAt == it.at {
				s.tickAt = 0
			}
			s.take(s.coord.Tick(s.now))
		case deliverResult:
			if it.apply != nil {
				it.apply()
			}
			r := it.result
			if it.read {
				r = s.readAnswer(r.ID, it.readDest)
			}
			s.take(s.coord.HandleCommandResult(s.now, r))
		case deliverEvent:
			ev := it.ev
			if ev.Type == rules.SourceConnectStateChange {
				ev.OldState = s.prevConn
			}
			s.take(s.coord.HandleEvent(s.now, ev))
		case deliverConnect:
			s.take(s.coord.HandleConnect(s.now, it.report))
		}
	}
	if until > s.now {
		s.now = until
	}
	return nil
}
