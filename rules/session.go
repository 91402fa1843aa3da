package rules

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Session is the coordinator behind a JSON-in, JSON-out boundary: the whole of
// what the WebAssembly module exposes to the shim (wasm/BRIDGE.md). One input,
// one output, one crossing each way; it never panics.
type Session struct {
	coord *Coordinator
}

// NewSession compiles the rules once and builds a coordinator. config is
// {"rules": <document object, or its JSON text>, "options": {...}}.
func NewSession(config []byte) (s *Session, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, &Error{Code: CodeInternal, Message: fmt.Sprint("internal error while compiling the rules: ", p)}
		}
	}()
	var cfg struct {
		Rules   json.RawMessage `json:"rules"`
		Options json.RawMessage `json:"options"`
	}
	if err := json.Unmarshal(config, &cfg); err != nil {
		return nil, &Error{Code: CodeInvalidRules, Message: "the configuration is not a JSON object: " + err.Error()}
	}
	rulesJSON := []byte(cfg.Rules)
	if isJSONString(cfg.Rules) {
		var text string
		_ = json.Unmarshal(cfg.Rules, &text)
		rulesJSON = []byte(text)
	}
	if len(rulesJSON) == 0 || string(rulesJSON) == "null" {
		return nil, &Error{Code: CodeInvalidRules, Message: "no rules were given: pass a rules document as `rules`"}
	}
	eng, err := Compile(rulesJSON)
	if err != nil {
		return nil, err
	}
	opts, err := ParseOptions(cfg.Options)
	if err != nil {
		return nil, err
	}
	return &Session{coord: NewCoordinator(eng, opts)}, nil
}

// Coordinator gives native callers (tests, the CLI) the coordinator itself.
func (s *Session) Coordinator() *Coordinator { return s.coord }

type sessionInput struct {
	Op      string          `json:"op"`
	Now     int64           `json:"now"`
	Event   json.RawMessage `json:"event"`
	ID      int64           `json:"id"`
	OK      bool            `json:"ok"`
	Error   json.RawMessage `json:"error"`
	Leader  bool            `json:"leader"`
	Connect *struct {
		State  string         `json:"state"`
		States []ConnectState `json:"states"`
	} `json:"connect"`
	Salesforce *struct {
		Status *struct {
			StatusID      string `json:"statusId"`
			StatusAPIName string `json:"statusApiName"`
			StatusName    string `json:"statusName"`
		} `json:"status"`
		Statuses           []SalesforceStatus `json:"statuses"`
		ServiceChannels    []ServiceChannel   `json:"serviceChannels"`
		ConfiguredCapacity OptNum             `json:"configuredCapacity"`
		Workload           OptNum             `json:"workload"`
	} `json:"salesforce"`
}

// Handle takes one input and returns one output, both JSON.
func (s *Session) Handle(input []byte) (out []byte) {
	defer func() {
		if p := recover(); p != nil {
			out = marshalOutput(Output{Errors: []*Error{{Code: CodeInternal,
				Message: fmt.Sprint("internal error, input skipped: ", p)}}})
		}
	}()
	return marshalOutput(s.handle(input))
}

func (s *Session) handle(input []byte) Output {
	var in sessionInput
	if err := json.Unmarshal(input, &in); err != nil {
		return Output{Errors: []*Error{invalidEvent("", "the input is not valid: "+err.Error())}}
	}
	c := s.coord
	switch in.Op {
	case "event":
		ev, err := DecodeEvent(in.Event)
		if err != nil {
			e := err.(*Error)
			return Output{Errors: []*Error{e}, WakeAt: c.wakeAt()}
		}
		return c.HandleEvent(in.Now, ev)
	case "result":
		typ, msg := platformError(in.Error)
		return c.HandleResult(in.Now, in.ID, in.OK, typ, msg)
	case "tick":
		return c.Tick(in.Now)
	case "leader":
		return c.SetLeader(in.Now, in.Leader)
	case "start":
		var st State
		live := &Catalog{}
		if in.Connect != nil {
			st.ConnectState = in.Connect.State
			live.Connect.States = in.Connect.States
		}
		if sf := in.Salesforce; sf != nil {
			if sf.Status == nil {
				st.SalesforceStatus = OfflineStatus
			} else {
				st.SalesforceStatus, st.SalesforceStatusID = sf.Status.StatusAPIName, sf.Status.StatusID
			}
			live.Salesforce.Statuses = sf.Statuses
			live.Salesforce.ServiceChannels = sf.ServiceChannels
			st.ConfiguredCapacity, st.Workload = sf.ConfiguredCapacity, sf.Workload
		}
		return c.Start(in.Now, st, live)
	}
	return Output{Errors: []*Error{invalidEvent("op", "unknown op "+quote(in.Op)+"; allowed: start, event, result, tick, leader")}}
}

// platformError reads a platform error: {"type","message"}, Streams' JSON
// string of that, or a plain string.
func platformError(raw json.RawMessage) (typ, msg string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", ""
	}
	var obj struct {
		Type      string `json:"type"`
		ErrorType string `json:"errorType"`
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}
	if isJSONString(raw) {
		var text string
		_ = json.Unmarshal(raw, &text)
		if json.Unmarshal([]byte(text), &obj) != nil {
			return strings.TrimSpace(text), ""
		}
	} else if json.Unmarshal(raw, &obj) != nil {
		return "Error", string(raw)
	}
	typ = obj.Type
	if typ == "" {
		typ = obj.ErrorType
	}
	if typ == "" {
		typ = obj.ErrorCode
	}
	return typ, obj.Message
}

func marshalOutput(o Output) []byte {
	if o.Decisions == nil {
		o.Decisions = []*Decision{}
	}
	if o.Actions == nil {
		o.Actions = []Action{}
	}
	if o.Commands == nil {
		o.Commands = []Command{}
	}
	if o.Errors == nil {
		o.Errors = []*Error{}
	}
	b, err := json.Marshal(o)
	if err != nil {
		b, _ = json.Marshal(Output{Decisions: []*Decision{}, Actions: []Action{}, Commands: []Command{},
			Errors: []*Error{{Code: CodeInternal, Message: "could not encode the output: " + err.Error()}}})
	}
	return b
}

// ErrorJSON renders an error from NewSession for the shim.
func ErrorJSON(err error) []byte {
	e, ok := err.(*Error)
	if !ok {
		e = &Error{Code: CodeInternal, Message: err.Error()}
	}
	b, _ := json.Marshal(e)
	return b
}
