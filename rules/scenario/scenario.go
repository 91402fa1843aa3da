package scenario

import (
	"bytes"
	"strconv"

	"encoding/json"
	"fmt"
	"github.com/presence-sync/presence-sync/rules"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Scenario is a scripted run of the coordinator against simulated platforms
// (DESIGN.md "Scenario files").
type Scenario struct {
	Name        string                  `json:"name"`
	Description string                  `json:"description"`
	Rules       json.RawMessage         `json:"rules"`
	RulesFile   string                  `json:"rulesFile"`
	Connect     rules.ConnectCatalog    `json:"connect"`
	Salesforce  rules.SalesforceCatalog `json:"salesforce"`
	Initial     rules.State             `json:"initial"`
	// Live (an extension) is what the platforms report at start when it differs
	// from the document's catalogs, e.g. a status the agent's profile lacks.
	Live *struct {
		Connect    rules.ConnectCatalog    `json:"connect"`
		Salesforce rules.SalesforceCatalog `json:"salesforce"`
	} `json:"live,omitempty"`
	Options  json.RawMessage `json:"options"`
	Feedback bool            `json:"feedback"`
	Steps    []Step          `json:"steps"`

	path string
}

// Step is one step of a scenario.
type Step struct {
	Event       json.RawMessage `json:"event,omitempty"`
	AdvanceMs   int64           `json:"advanceMs,omitempty"`
	Fail        *FailSpec       `json:"fail,omitempty"`
	Expect      json.RawMessage `json:"expect,omitempty"`
	ExpectError json.RawMessage `json:"expectError,omitempty"`
	ExpectState *struct {
		ConnectState     *string `json:"connectState"`
		SalesforceStatus *string `json:"salesforceStatus"`
	} `json:"expectState,omitempty"`
	// ExpectSettled (an extension) checks that every write so far has ended:
	// applied, skipped, superseded or failed, none still pending.
	ExpectSettled bool `json:"expectSettled,omitempty"`
}

// FailSpec makes the next Times writes to a destination fail with Error.
// The error "NoAnswer" makes the platform never answer (a timeout).
type FailSpec struct {
	Destination string `json:"destination"`
	Error       string `json:"error"`
	Times       int    `json:"times"`
}

// LoadScenario reads a scenario file.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sc, err := ParseScenario(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sc.path = path
	return sc, nil
}

// ParseScenario reads a scenario from JSON.
func ParseScenario(data []byte) (*Scenario, error) {
	sc := &Scenario{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(sc); err != nil {
		return nil, fmt.Errorf("not a valid scenario: %w", err)
	}
	return sc, nil
}

// rulesDocument builds the rules document the scenario runs: its inline rules
// (an array, or a whole document) or its rulesFile, with the scenario's catalogs.
func (sc *Scenario) rulesDocument() ([]byte, error) {
	var doc map[string]json.RawMessage
	switch {
	case sc.RulesFile != "":
		p := sc.RulesFile
		if !filepath.IsAbs(p) && sc.path != "" {
			p = filepath.Join(filepath.Dir(sc.path), p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("rulesFile: %w", err)
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return data, nil // let the rules parser report it, located
		}
	case len(sc.Rules) > 0 && sc.Rules[0] == '[':
		doc = map[string]json.RawMessage{"rules": sc.Rules}
	case len(sc.Rules) > 0:
		if err := json.Unmarshal(sc.Rules, &doc); err != nil {
			return nil, fmt.Errorf("rules must be an array of rules or a rules document: %w", err)
		}
	default:
		return nil, fmt.Errorf("the scenario has neither rules nor rulesFile")
	}
	if len(sc.Connect.States) > 0 {
		doc["connect"], _ = json.Marshal(sc.Connect)
	}
	if len(sc.Salesforce.Statuses) > 0 || len(sc.Salesforce.ServiceChannels) > 0 {
		doc["salesforce"], _ = json.Marshal(sc.Salesforce)
	}
	return json.MarshalIndent(doc, "", "  ")
}

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

type scheduled struct {
	at    int64
	seq   int64
	kind  int // 0 tick, 1 result, 2 platform event
	cmdID int64
	ok    bool
	errT  string
	ev    rules.Event
	apply func()
}

// simulator plays both platforms for a scenario.
type simulator struct {
	sc        *Scenario
	coord     *rules.Coordinator
	now       int64
	seq       int64
	latency   int64
	queue     []scheduled
	tickAt    int64
	fails     map[rules.Destination]*FailSpec
	connect   string
	prevConn  string // Connect's state before the last simulated write
	next      string // Connect's enqueued next state
	sfStatus  string
	writes    []rules.Command
	errors    []*rules.Error
	decisions []*rules.Decision
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
	opts, err := rules.ParseOptions(sc.Options)
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
		fails: map[rules.Destination]*FailSpec{}, connect: sc.Initial.ConnectState, sfStatus: sc.Initial.SalesforceStatus,
		actions: map[int64]rules.ActionStatus{}}
	// What initial leaves out is unknown at start ("" — not "Offline": a
	// scenario that means logged out says so).
	st := sc.Initial
	var live *rules.Catalog
	if sc.Live != nil {
		live = &rules.Catalog{Connect: sc.Live.Connect, Salesforce: sc.Live.Salesforce}
	}
	sim.take(sim.coord.Start(0, st, live))
	startErrors := sim.errors

	for i, step := range sc.Steps {
		sim.writes, sim.errors, sim.decisions = nil, nil, nil
		if i == 0 {
			sim.errors = startErrors // errors raised at start count in the first step
		}
		if f := step.Fail; f != nil {
			var d rules.Destination
			if err := d.UnmarshalText([]byte(f.Destination)); err != nil {
				res.Failures = append(res.Failures, StepFailure{Step: i, Problem: "fail: " + err.Error()})
				continue
			}
			times := f.Times
			if times == 0 {
				times = 1
			}
			sim.fails[d] = &FailSpec{Destination: f.Destination, Error: f.Error, Times: times}
		}
		if len(step.Event) > 0 {
			ev, err := rules.DecodeEvent(step.Event)
			if err != nil {
				sim.errors = append(sim.errors, err.(*rules.Error))
			} else {
				sim.platformEvent(&ev)
				sim.take(sim.coord.HandleEvent(sim.now, ev))
			}
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

// platformEvent applies the scenario's own event to the simulated platforms,
// as if the agent or the platform had made that change.
func (s *simulator) platformEvent(ev *rules.Event) {
	switch ev.Type {
	case rules.SourceConnectStateChange:
		if s.next != "" && rules.IsOnContact(s.connect) && !rules.IsOnContact(ev.NewState) {
			// The contact ends: Amazon Connect goes to the enqueued next state.
			ev.NewState = s.next
			s.next = ""
		}
		if ev.OldState == "" {
			ev.OldState = s.connect
		}
		s.connect = ev.NewState
	case rules.SourceSalesforceStateChange:
		name := ev.StatusAPIName
		if name == "" {
			if st := s.coord.Catalog().StatusByID(ev.StatusID); st != nil {
				name = st.DeveloperName
			}
		}
		s.sfStatus = name
	case rules.SourceSalesforceLogout:
		s.sfStatus = rules.OfflineStatus
	}
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
	for _, a := range out.Actions {
		s.actions[a.ID] = a.Status
	}
	for _, cmd := range out.Commands {
		if cmd.Attempt == 1 {
			s.writes = append(s.writes, cmd)
		}
		s.execute(cmd)
	}
	if out.WakeAt > 0 && (s.tickAt == 0 || out.WakeAt < s.tickAt || s.tickAt < s.now) {
		s.tickAt = out.WakeAt
		s.push(scheduled{at: out.WakeAt, kind: 0})
	}
}

func (s *simulator) execute(cmd rules.Command) {
	at := s.now
	if s.sc.Feedback {
		at += s.latency
	}
	if f := s.fails[cmd.Destination]; f != nil && f.Times > 0 {
		f.Times--
		if f.Error == "NoAnswer" || f.Error == "Timeout" {
			return // the platform never answers
		}
		s.push(scheduled{at: at, kind: 1, cmdID: cmd.ID, errT: f.Error})
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
	if !s.sc.Feedback {
		applyPlatform()
		s.take(s.coord.HandleResult(s.now, cmd.ID, true, "", ""))
		return
	}
	// The platform accepts the write, then reports the change as a real one would.
	var ev *rules.Event
	switch {
	case cmd.Destination == rules.DestinationConnect && !cmd.EnqueueNextState:
		ev = &rules.Event{Type: rules.SourceConnectStateChange, NewState: cmd.Value}
	case cmd.Destination == rules.DestinationSalesforce && cmd.Logout:
		ev = &rules.Event{Type: rules.SourceSalesforceLogout}
	case cmd.Destination == rules.DestinationSalesforce:
		ev = &rules.Event{Type: rules.SourceSalesforceStateChange, StatusID: cmd.StatusID, StatusAPIName: cmd.Value,
			StatusName: cmd.Value, Reason: "OmniToolkitStatusChange"}
		if st := s.coord.Catalog().StatusByName(cmd.Value); st != nil {
			ev.StatusName = st.Label
		}
	}
	s.push(scheduled{at: at, kind: 1, cmdID: cmd.ID, ok: true, apply: applyPlatform})
	if ev != nil {
		s.push(scheduled{at: at, kind: 2, ev: *ev})
	}
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
		case 0:
			if s.tickAt == it.at {
				s.tickAt = 0
			}
			s.take(s.coord.Tick(s.now))
		case 1:
			if it.apply != nil {
				it.apply()
			}
			s.take(s.coord.HandleResult(s.now, it.cmdID, it.ok, it.errT, "simulated failure"))
		case 2:
			ev := it.ev
			if ev.Type == rules.SourceConnectStateChange {
				ev.OldState = s.prevConn
			}
			s.take(s.coord.HandleEvent(s.now, ev))
		}
	}
	if until > s.now {
		s.now = until
	}
	return nil
}

func (s *simulator) check(i int, step *Step) []StepFailure {
	var fails []StepFailure
	fail := func(problem, expected, got string) {
		fails = append(fails, StepFailure{Step: i, Problem: problem, Expected: expected, Got: got, Trace: s.decisions})
	}
	if len(step.Expect) > 0 {
		var want []map[string]any
		if err := json.Unmarshal(step.Expect, &want); err != nil {
			fail("expect must be an array of writes: "+err.Error(), "", "")
		} else if ok, got := matchWrites(want, s.writes); !ok {
			fail("the writes differ", string(step.Expect), got)
		}
	}
	if len(step.ExpectError) > 0 {
		var codes []string
		if len(step.ExpectError) > 0 && step.ExpectError[0] == '"' {
			var c string
			_ = json.Unmarshal(step.ExpectError, &c)
			codes = []string{c}
		} else {
			_ = json.Unmarshal(step.ExpectError, &codes)
		}
		got := make([]string, len(s.errors))
		for k, e := range s.errors {
			got[k] = e.Code
		}
		for _, c := range codes {
			found := false
			for _, g := range got {
				found = found || g == c
			}
			if !found {
				fail("expected error "+strconv.Quote(c), c, errorsText(s.errors))
			}
		}
	}
	if es := step.ExpectState; es != nil {
		if es.ConnectState != nil && *es.ConnectState != s.connect {
			fail("simulated Amazon Connect state differs", *es.ConnectState, s.connect)
		}
		if es.SalesforceStatus != nil && *es.SalesforceStatus != s.sfStatus {
			fail("simulated Omni-Channel status differs", *es.SalesforceStatus, s.sfStatus)
		}
	}
	if step.ExpectSettled {
		var pending []string
		for id, st := range s.actions {
			switch st {
			case rules.StatusApplied, rules.StatusSkipped, rules.StatusSuperseded, rules.StatusFailed:
			default:
				pending = append(pending, fmt.Sprintf("action %d is %s", id, st))
			}
		}
		sort.Strings(pending)
		if len(pending) > 0 {
			fail("writes still pending", "every write applied, skipped, superseded or failed", strings.Join(pending, "; "))
		}
	}
	return fails
}

func errorsText(errs []*rules.Error) string {
	if len(errs) == 0 {
		return "no error"
	}
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Code + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}

// matchWrites compares writes order-insensitively on destination and value
// plus every other key an expectation names.
func matchWrites(want []map[string]any, got []rules.Command) (bool, string) {
	gotMaps := make([]map[string]any, len(got))
	for i, c := range got {
		b, _ := json.Marshal(c)
		_ = json.Unmarshal(b, &gotMaps[i])
		if _, ok := gotMaps[i]["enqueueNextState"]; !ok {
			gotMaps[i]["enqueueNextState"] = false
		}
		if _, ok := gotMaps[i]["logout"]; !ok {
			gotMaps[i]["logout"] = false
		}
	}
	text := writesText(got)
	if len(want) != len(got) {
		return false, text
	}
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for j, g := range gotMaps {
			if used[j] || !writeMatches(w, g) {
				continue
			}
			used[j], found = true, true
			break
		}
		if !found {
			return false, text
		}
	}
	return true, text
}

func writeMatches(want, got map[string]any) bool {
	for k, v := range want {
		gv := got[k]
		if k == "destination" {
			var d rules.Destination
			s, _ := v.(string)
			if d.UnmarshalText([]byte(s)) == nil {
				v = d.String()
			}
		}
		wb, _ := json.Marshal(v)
		gb, _ := json.Marshal(gv)
		if !bytes.Equal(wb, gb) {
			return false
		}
	}
	return true
}

func writesText(got []rules.Command) string {
	if len(got) == 0 {
		return "[] (no write)"
	}
	parts := make([]string, len(got))
	for i, c := range got {
		s := fmt.Sprintf("{destination: %q, value: %q", c.Destination.String(), c.Value)
		if c.EnqueueNextState {
			s += ", enqueueNextState: true"
		}
		if c.Logout {
			s += ", logout: true"
		}
		parts[i] = s + "}"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
