package rules

// Session is the coordinator behind a JSON-in, JSON-out boundary: the whole of
// what the WebAssembly module exposes to the shim (wasm/BRIDGE.md). One input,
// one output, one crossing each way; it never panics.
type Session struct {
	coord *Coordinator
	in    jpool // reads the inputs: an event's input allocates no nodes or known strings
}

// NewSession compiles the rules once and builds a coordinator. config is
// {"rules": <document object, or its JSON text>, "options": {...}}.
func NewSession(config []byte) (s *Session, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, &Error{Code: CodeInternal, Message: "internal error while compiling the rules: " + PanicText(p)}
		}
	}()
	cfg, jerr := parseJSON(config)
	if jerr != nil || cfg.kind != jObject {
		msg := "the configuration must be a JSON object"
		if jerr != nil {
			msg += ": " + jerr.Error()
		}
		return nil, &Error{Code: CodeInvalidRules, Message: msg}
	}
	r := cfg.get("rules")
	var rulesJSON []byte
	switch {
	case r.absent():
		return nil, &Error{Code: CodeInvalidRules, Message: "no rules were given: pass a rules document as `rules`"}
	case r.kind == jString:
		rulesJSON = []byte(r.str)
	default:
		rulesJSON = config[r.off:r.end]
	}
	eng, err := Compile(rulesJSON)
	if err != nil {
		return nil, err
	}
	opts, err := optionsFromNode(cfg.get("options"))
	if err != nil {
		return nil, err
	}
	return &Session{coord: NewCoordinator(eng, opts)}, nil
}

// WakeAt is when the session next needs a tick input (0: nothing pending);
// the same value as the last output's wakeAt.
func (s *Session) WakeAt() int64 { return s.coord.wakeAt() }

// Coordinator gives native callers (tests, the CLI) the coordinator itself.
func (s *Session) Coordinator() *Coordinator { return s.coord }

// PanicText renders a recovered panic value without fmt (wasm/ uses it too).
func PanicText(p any) string {
	switch v := p.(type) {
	case error:
		return v.Error()
	case string:
		return v
	case interface{ String() string }:
		return v.String()
	}
	return "unexpected panic"
}

// Handle takes one input and returns one output, both JSON. An input with
// "trace": false gets decisions without their per-rule trace ("traced": false).
func (s *Session) Handle(input []byte) []byte {
	return s.AppendHandle(make([]byte, 0, 512), input)
}

// AppendHandle is Handle writing its output at the end of dst (which may be
// the last output's buffer, emptied: the WebAssembly module keeps one).
func (s *Session) AppendHandle(dst, input []byte) (out []byte) {
	defer func() {
		if p := recover(); p != nil {
			out = append(dst[:len(dst):len(dst)], marshalOutput(Output{Errors: []*Error{{Code: CodeInternal,
				Message: "internal error, input skipped: " + PanicText(p)}}})...)
		}
	}()
	o, noTrace := s.handle(input)
	w := jw{b: dst, noTrace: noTrace}
	w.output(&o)
	return w.b
}

// handle runs one input. noTrace: the input said "trace": false, so its
// decisions are built and written without their per-rule trace (the shim asks
// for it only when something will read it: a decision listener or debug
// logging).
func (s *Session) handle(input []byte) (o Output, noTrace bool) {
	in, jerr := s.in.parse(input)
	if jerr != nil || in.kind != jObject {
		msg := "the input must be a JSON object"
		if jerr != nil {
			msg += ": " + jerr.Error()
		}
		return Output{Errors: []*Error{invalidEvent("", msg)}, WakeAt: s.coord.wakeAt()}, false
	}
	t := in.get("trace")
	noTrace = t != nil && t.kind == jBool && !t.b
	s.coord.skipTrace = noTrace
	defer func() { s.coord.skipTrace = false }()
	return s.run(in), noTrace
}

// run runs one input object.
func (s *Session) run(in *jnode) Output {
	c := s.coord
	now := int64(0)
	if n, err := in.get("now").number(); err == nil && n.OK {
		now = int64(n.V)
	}
	op, _ := in.get("op").text()
	switch op {
	case "event":
		ev, err := eventFromNode(in.get("event"))
		if err != nil {
			return Output{Errors: []*Error{err.(*Error)}, WakeAt: c.wakeAt()}
		}
		return c.HandleEvent(now, ev)
	case "result":
		id, _ := in.get("id").number()
		ok := in.get("ok")
		typ, msg := platformError(in.get("error"))
		return c.HandleResult(now, int64(id.V), ok != nil && ok.kind == jBool && ok.b, typ, msg)
	case "tick":
		return c.Tick(now)
	case "leader":
		l := in.get("leader")
		return c.SetLeader(now, l != nil && l.kind == jBool && l.b)
	case "start":
		st, live := startFromNode(in)
		return c.Start(now, st, live)
	}
	return Output{Errors: []*Error{invalidEvent("op", "unknown op "+quote(op)+"; allowed: start, event, result, tick, leader")}, WakeAt: c.wakeAt()}
}

// startFromNode reads what the platforms report at start.
func startFromNode(in *jnode) (State, *Catalog) {
	var st State
	live := &Catalog{}
	if cn := in.get("connect"); cn != nil && cn.kind == jObject {
		st.ConnectState, _ = cn.get("state").text()
		if arr := cn.get("states"); arr != nil && arr.kind == jArray {
			for _, v := range arr.vals {
				name, _ := v.get("name").text()
				typ, _ := v.get("type").text()
				arn, _ := v.get("agentStateARN").text()
				if name != "" {
					live.Connect.States = append(live.Connect.States, ConnectState{Name: name, Type: typ, ARN: arn})
				}
			}
		}
	}
	if sf := in.get("salesforce"); sf != nil && sf.kind == jObject {
		if status := sf.get("status"); status.absent() {
			st.SalesforceStatus = OfflineStatus
		} else {
			st.SalesforceStatus, _ = status.get("statusApiName").text()
			st.SalesforceStatusID, _ = status.get("statusId").text()
		}
		if arr := sf.get("statuses"); arr != nil && arr.kind == jArray {
			for _, v := range arr.vals {
				id, _ := v.get("id").text()
				dn, _ := v.get("developerName").text()
				label, _ := v.get("label").text()
				if dn != "" {
					live.Salesforce.Statuses = append(live.Salesforce.Statuses, SalesforceStatus{ID: id, DeveloperName: dn, Label: label})
				}
			}
		}
		if arr := sf.get("serviceChannels"); arr != nil && arr.kind == jArray {
			for _, v := range arr.vals {
				dn, _ := v.get("developerName").text()
				kp, _ := v.get("keyPrefix").text()
				if dn != "" {
					live.Salesforce.ServiceChannels = append(live.Salesforce.ServiceChannels, ServiceChannel{DeveloperName: dn, KeyPrefix: kp})
				}
			}
		}
		st.ConfiguredCapacity, _ = sf.get("configuredCapacity").number()
		st.Workload, _ = sf.get("workload").number()
	}
	return st, live
}

// platformError reads a platform error: {"type","message"}, Streams' JSON
// string of that, or a plain string.
func platformError(n *jnode) (typ, msg string) {
	if n.absent() {
		return "", ""
	}
	if n.kind == jString {
		inner, jerr := parseJSON([]byte(n.str))
		if jerr != nil || inner.kind != jObject {
			return n.str, ""
		}
		n = inner
	}
	if n.kind != jObject {
		return "Error", describeNode(n)
	}
	for _, k := range []string{"type", "errorType", "errorCode", "name"} {
		if t, _ := n.get(k).text(); t != "" {
			typ = t
			break
		}
	}
	msg, _ = n.get("message").text()
	return typ, msg
}

func marshalOutput(o Output) []byte {
	w := jw{b: make([]byte, 0, 512)}
	w.output(&o)
	return w.b
}

// ErrorJSON renders an error from NewSession for the shim.
func ErrorJSON(err error) []byte {
	e, ok := err.(*Error)
	if !ok {
		e = &Error{Code: CodeInternal, Message: err.Error()}
	}
	w := jw{}
	w.error(e)
	return w.b
}
