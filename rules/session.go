package rules

// Session is the coordinator behind a JSON-in, JSON-out boundary: the whole of
// what the WebAssembly module exposes to the shim (wasm/BRIDGE.md). One input,
// one output, one crossing each way; it never panics.
type Session struct {
	coord   *Coordinator
	in      jpool // reads the inputs: an event's input allocates no nodes or known strings
	lastNow int64 // the latest `now` read: an input without one, or an earlier one, is at this time
	// clock: the time of the input being handled, given by AppendHandleAt
	// (clocked); an input's own `now` is then not read.
	clock   int64
	clocked bool
}

// NewSession compiles the rules once and builds a coordinator. config is
// {"rules": <document object, or its JSON text>, "options": {...}}.
func NewSession(config []byte) (s *Session, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, &Error{Code: CodeInternal, Message: "internal error while compiling the rules: " + PanicText(p)}
		}
	}()
	// The rules document inside is read as a text of its own, once.
	cfg, at, jerr := parseJSONWithin(config, "rules")
	if jerr != nil || cfg.kind != jObject {
		msg := "the configuration must be a JSON object"
		if jerr != nil {
			msg += ": " + jerr.Error()
		}
		return nil, &Error{Code: CodeInvalidRules, Message: msg}
	}
	r := cfg.get("rules")
	var eng *Engine
	switch {
	case r.absent():
		return nil, &Error{Code: CodeInvalidRules, Message: "no rules were given: pass a rules document as `rules`"}
	case r.kind == jString:
		eng, err = compileRuntime([]byte(r.str), nil) // errors only: the runtime reads no warning
	default:
		eng, err = compileRuntime(config[at:at+r.end], r)
	}
	if err != nil {
		return nil, err
	}
	var passed []byte
	if o := cfg.get("options"); o != nil {
		passed = config[o.off:o.end]
	}
	opts, err := OptionsFor(eng.Document(), passed)
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

// AppendHandleAt is AppendHandle at a time given by the caller: the
// WebAssembly module reads the page's clock once per input and passes it here,
// so that the engine has one clock and the shim passes no time. The input's
// own `now`, if any, is not read; the time never goes back (an earlier now is
// the latest seen).
func (s *Session) AppendHandleAt(dst, input []byte, now int64) []byte {
	s.clock, s.clocked = now, true
	defer func() { s.clocked = false }()
	return s.AppendHandle(dst, input)
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

// ops are the session's inputs (wasm/BRIDGE.md).
var ops = [...]string{"start", "event", "connect", "salesforce", "result", "tick", "leader", "remote"}

// run runs one input object.
func (s *Session) run(in *jnode) Output {
	c := s.coord
	fail := func(e *Error) Output { return Output{Errors: []*Error{e}, WakeAt: c.wakeAt()} }
	now, e := s.nowFrom(in)
	if e != nil {
		return fail(e)
	}
	opn := in.get("op")
	op, ok := opn.text()
	if !ok || op == "" {
		return fail(invalidInput("", "op", "the input has no op (got "+opn.kindName()+"); allowed: "+joinQuoted(ops[:])))
	}
	switch op {
	case "event":
		ev, err := eventFromNode(in.get("event"))
		if err != nil {
			return fail(err.(*Error))
		}
		return c.HandleEvent(now, ev)
	case "connect":
		n := in.get("connect")
		if n.absent() {
			return fail(invalidInput(op, "connect", "a connect input needs connect: what Streams reports without a state change"))
		}
		r, e := connectReport(n, op, "connect.")
		if e != nil {
			return fail(e)
		}
		if r.HasState {
			return fail(invalidInput(op, "connect.state", "a connect input reports no state change: a new state is an event"))
		}
		return c.HandleConnect(now, r)
	case "salesforce":
		n := in.get("salesforce")
		if n.absent() {
			return fail(invalidInput(op, "salesforce", "a salesforce input needs salesforce: what Omni-Channel reports"))
		}
		r, e := salesforceReport(n, op, "salesforce.")
		if e != nil {
			return fail(e)
		}
		return c.HandleSalesforce(now, r)
	case "result":
		r, e, skip := s.resultInput(in)
		if skip {
			return fail(e)
		}
		out := c.HandleCommandResult(now, r)
		if e != nil {
			out.Errors = append([]*Error{e}, out.Errors...)
		}
		return out
	case "tick":
		return c.Tick(now)
	case "leader":
		l := in.get("leader")
		if l == nil || l.kind != jBool {
			return fail(invalidInput(op, "leader", "leader must be true or false, got "+l.kindName()))
		}
		return c.SetLeader(now, l.b)
	case "remote":
		r, e := remoteInput(in)
		if e != nil {
			return fail(e)
		}
		return c.HandleRemote(now, r)
	case "start":
		st, live, e := startInput(in)
		if e != nil {
			return fail(e)
		}
		return c.Start(now, st, live)
	}
	return fail(invalidInput("", "op", "unknown op "+quote(op)+"; allowed: "+joinQuoted(ops[:])))
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
