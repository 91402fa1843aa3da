package rules

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// A small JSON writer for what the engine emits (decisions, actions, commands,
// errors): hand-written appenders, no reflection. The MarshalJSON methods below
// use it too, so the CLI's --json output and the browser's are the same bytes.

type jw struct {
	b []byte
	// noTrace leaves the per-rule trace out of decisions (an input with
	// "trace": false: nobody will read it), marking them "traced": false.
	noTrace bool
}

type jobj struct {
	w *jw
	n int
}

func (w *jw) obj() jobj {
	w.b = append(w.b, '{')
	return jobj{w: w}
}

func (o *jobj) k(name string) *jw {
	if o.n > 0 {
		o.w.b = append(o.w.b, ',')
	}
	o.n++
	o.w.b = append(o.w.b, '"')
	o.w.b = append(o.w.b, name...)
	o.w.b = append(o.w.b, '"', ':')
	return o.w
}

func (o *jobj) end() { o.w.b = append(o.w.b, '}') }

func (o *jobj) str(name, v string) { o.k(name).str(v) }

func (o *jobj) strOmit(name, v string) {
	if v != "" {
		o.k(name).str(v)
	}
}

func (o *jobj) int(name string, v int64) { o.k(name).int(v) }

func (o *jobj) boolean(name string, v bool) { o.k(name).boolean(v) }

func (o *jobj) optNum(name string, n OptNum) {
	if n.OK {
		o.k(name).num(n.V)
	}
}

func (o *jobj) strs(name string, ss []string) {
	if len(ss) == 0 {
		return
	}
	w := o.k(name)
	w.b = append(w.b, '[')
	for i, s := range ss {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.str(s)
	}
	w.b = append(w.b, ']')
}

func (w *jw) int(v int64) { w.b = strconv.AppendInt(w.b, v, 10) }

func (w *jw) boolean(v bool) { w.b = strconv.AppendBool(w.b, v) }

func (w *jw) num(f float64) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		w.b = append(w.b, "null"...)
	case f == math.Trunc(f) && math.Abs(f) < 1e21:
		w.b = strconv.AppendFloat(w.b, f, 'f', -1, 64)
	case math.Abs(f) < 1e-6 || math.Abs(f) >= 1e21:
		w.b = strconv.AppendFloat(w.b, f, 'e', -1, 64)
	default:
		w.b = strconv.AppendFloat(w.b, f, 'f', -1, 64)
	}
}

const hexDigits = "0123456789abcdef"

func (w *jw) str(s string) {
	w.b = append(w.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			w.b = append(w.b, s[start:i]...)
			switch c {
			case '"', '\\':
				w.b = append(w.b, '\\', c)
			case '\n':
				w.b = append(w.b, '\\', 'n')
			case '\r':
				w.b = append(w.b, '\\', 'r')
			case '\t':
				w.b = append(w.b, '\\', 't')
			default:
				w.b = append(w.b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.b = append(w.b, s[start:i]...)
			w.b = append(w.b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			w.b = append(w.b, s[start:i]...)
			w.b = append(w.b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	w.b = append(w.b, s[start:]...)
	w.b = append(w.b, '"')
}

func (w *jw) value(v Value) {
	switch v.Kind {
	case Number:
		w.num(v.Num)
	case Text:
		w.str(v.Str)
	default:
		w.b = append(w.b, "null"...)
	}
}

func (w *jw) event(e *Event) {
	o := w.obj()
	o.str("type", e.Type.String())
	o.strOmit("oldState", e.OldState)
	o.strOmit("newState", e.NewState)
	o.strOmit("stateType", e.StateType)
	if e.HasContacts {
		o.k("contacts").contacts(e.Contacts)
	}
	if e.HasNextState {
		o.str("nextState", e.NextState)
	}
	o.strOmit("routingProfile", e.RoutingProfile)
	o.strOmit("statusId", e.StatusID)
	o.strOmit("statusApiName", e.StatusAPIName)
	o.strOmit("statusName", e.StatusName)
	o.strOmit("reason", e.Reason)
	o.strOmit("workItemId", e.WorkItemID)
	o.strOmit("workId", e.WorkID)
	o.strOmit("serviceChannel", e.ServiceChannel)
	o.optNum("configuredCapacity", e.ConfiguredCapacity)
	o.optNum("previousWorkload", e.PreviousWorkload)
	o.optNum("newWorkload", e.NewWorkload)
	o.optNum("configuredInterruptibleCapacity", e.ConfiguredInterruptibleCapacity)
	o.optNum("previousInterruptibleWorkload", e.PreviousInterruptibleWorkload)
	o.optNum("newInterruptibleWorkload", e.NewInterruptibleWorkload)
	o.end()
}

func (w *jw) contacts(cs []Contact) {
	w.b = append(w.b, '[')
	for i := range cs {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		o := w.obj()
		o.str("type", cs[i].Type)
		o.str("state", cs[i].State)
		o.end()
	}
	w.b = append(w.b, ']')
}

func (w *jw) snapshot(s *Snapshot) {
	o := w.obj()
	o.str("connectState", s.ConnectState)
	o.strOmit("connectPreviousState", s.ConnectPreviousState)
	o.strOmit("connectStateType", s.ConnectStateType)
	o.strOmit("connectNextState", s.ConnectNextState)
	if s.ConnectContactsKnown {
		o.k("connectContacts").contacts(s.ConnectContacts)
	}
	o.strOmit("connectRoutingProfile", s.ConnectRoutingProfile)
	o.str("salesforceStatus", s.SalesforceStatus)
	o.strOmit("salesforceStatusId", s.SalesforceStatusID)
	o.optNum("configuredCapacity", s.ConfiguredCapacity)
	o.optNum("previousWorkload", s.PreviousWorkload)
	o.optNum("workload", s.Workload)
	o.optNum("configuredInterruptibleCapacity", s.ConfiguredInterruptibleCapacity)
	o.optNum("previousInterruptibleWorkload", s.PreviousInterruptibleWorkload)
	o.optNum("interruptibleWorkload", s.InterruptibleWorkload)
	o.strOmit("serviceChannel", s.ServiceChannel)
	o.end()
}

// trace writes one rule's entry of a decision's trace: index, name, matched,
// outcome, reason; for a rule whose criteria were tested, operandA and
// operandB (a lone criterion) or "criteria" (a group): every node by path,
// with its result and, for a criterion, its operands.
func (w *jw) trace(d *Decision, i int) {
	t := d.Rules[i]
	r := d.Rule(i)
	o := w.obj()
	o.int("index", int64(t.Index))
	o.str("name", r.Name)
	o.boolean("matched", t.Matched())
	o.str("outcome", t.Outcome.String())
	o.str("reason", d.Reason(i))
	if t.considered() && r.Criteria.isGroup() {
		cw := o.k("criteria")
		cw.b = append(cw.b, '[')
		for k, m := range d.Members(i) {
			if k > 0 {
				cw.b = append(cw.b, ',')
			}
			mo := cw.obj()
			mo.str("path", m.Node.Path)
			if m.Node.Join != JoinNone {
				mo.str("group", m.Node.Join.String())
			}
			mo.str("result", m.Result.String())
			if m.Node.Join == JoinNone && m.Result != ResultNotEvaluated {
				mo.k("operandA").value(m.A)
				mo.k("operandB").value(m.B)
			}
			mo.end()
		}
		cw.b = append(cw.b, ']')
	} else if t.considered() {
		a, b := d.Operands(i)
		o.k("operandA").value(a)
		o.k("operandB").value(b)
	}
	o.end()
}

func (w *jw) action(a *Action) {
	o := w.obj()
	if a.ID != 0 {
		o.int("id", a.ID)
	}
	o.str("destination", a.Destination.String())
	o.str("value", a.Value)
	o.str("rule", a.Rule)
	o.int("ruleIndex", int64(a.RuleIndex))
	o.strOmit("status", string(a.Status))
	o.strOmit("reason", a.Reason)
	o.strOmit("error", a.Error)
	if a.EnqueueNextState {
		o.boolean("enqueueNextState", true)
	}
	o.strOmit("statusId", a.StatusID)
	if a.Attempt != 0 {
		o.int("attempt", int64(a.Attempt))
	}
	o.end()
}

func (w *jw) command(c *Command) {
	o := w.obj()
	o.int("id", c.ID)
	if c.Read {
		// a read: {id, destination, read: true}
		o.str("destination", c.Destination.String())
		o.boolean("read", true)
		o.end()
		return
	}
	o.int("actionId", c.ActionID)
	o.str("destination", c.Destination.String())
	o.str("value", c.Value)
	o.strOmit("statusId", c.StatusID)
	if c.Logout {
		o.boolean("logout", true)
	}
	if c.EnqueueNextState {
		o.boolean("enqueueNextState", true)
	}
	o.int("attempt", int64(c.Attempt))
	o.end()
}

func (w *jw) diagnostic(d *Diagnostic) {
	o := w.obj()
	o.str("severity", string(d.Severity))
	o.str("code", d.Code)
	o.int("ruleIndex", int64(d.RuleIndex))
	o.strOmit("ruleName", d.RuleName)
	o.strOmit("field", d.Field)
	o.strOmit("value", d.Value)
	o.strs("allowed", d.Allowed)
	o.strOmit("suggestion", d.Suggestion)
	o.strs("rules", d.Rules)
	if d.Line > 0 {
		o.int("line", int64(d.Line))
		o.int("column", int64(d.Column))
	}
	o.str("message", d.Message)
	o.strOmit("snippet", d.Snippet)
	o.end()
}

func (w *jw) error(e *Error) { w.errorOf(e, false) }

// errorOf writes an error; output: one of an engine output's errors, which
// says whether the writer tab shares it with the other tabs (Error.Shared).
func (w *jw) errorOf(e *Error, output bool) {
	o := w.obj()
	o.str("code", e.Code)
	o.str("message", e.Message)
	o.strOmit("rule", e.Rule)
	if e.RuleIndex != nil {
		o.int("ruleIndex", int64(*e.RuleIndex))
	}
	o.strs("rules", e.Rules)
	o.strOmit("destination", e.Destination)
	o.strOmit("value", e.Value)
	o.strOmit("field", e.Field)
	o.strOmit("cause", e.Cause)
	if output && e.Shared() {
		o.boolean("share", true)
	}
	if len(e.Problems) > 0 {
		pw := o.k("problems")
		pw.b = append(pw.b, '[')
		for i := range e.Problems {
			if i > 0 {
				pw.b = append(pw.b, ',')
			}
			pw.diagnostic(&e.Problems[i])
		}
		pw.b = append(pw.b, ']')
	}
	o.end()
}

func (w *jw) decision(d *Decision) {
	o := w.obj()
	o.int("seq", d.Seq)
	o.int("time", d.Time)
	o.k("event").event(&d.Event)
	o.k("snapshot").snapshot(&d.Snapshot)
	o.boolean("echo", d.Echo)
	if d.Duplicate {
		o.boolean("duplicate", true)
	}
	if d.Reconcile {
		o.boolean("reconcile", true)
	}
	o.strOmit("note", d.Note)
	if o.w.noTrace {
		o.boolean("traced", false)
	} else {
		rw := o.k("rules")
		rw.b = append(rw.b, '[')
		for i := range d.Rules {
			if i > 0 {
				rw.b = append(rw.b, ',')
			}
			rw.trace(d, i)
		}
		rw.b = append(rw.b, ']')
	}
	aw := o.k("actions")
	aw.b = append(aw.b, '[')
	for i, a := range d.Actions {
		if i > 0 {
			aw.b = append(aw.b, ',')
		}
		aw.action(a)
	}
	aw.b = append(aw.b, ']')
	o.end()
}

func (w *jw) output(out *Output) {
	o := w.obj()
	dw := o.k("decisions")
	dw.b = append(dw.b, '[')
	for i, d := range out.Decisions {
		if i > 0 {
			dw.b = append(dw.b, ',')
		}
		dw.decision(d)
	}
	dw.b = append(dw.b, ']')
	aw := o.k("actions")
	aw.b = append(aw.b, '[')
	for i := range out.Actions {
		if i > 0 {
			aw.b = append(aw.b, ',')
		}
		aw.action(&out.Actions[i])
	}
	aw.b = append(aw.b, ']')
	cw := o.k("commands")
	cw.b = append(cw.b, '[')
	for i := range out.Commands {
		if i > 0 {
			cw.b = append(cw.b, ',')
		}
		cw.command(&out.Commands[i])
	}
	cw.b = append(cw.b, ']')
	ew := o.k("errors")
	ew.b = append(ew.b, '[')
	for i, e := range out.Errors {
		if i > 0 {
			ew.b = append(ew.b, ',')
		}
		ew.errorOf(e, true)
	}
	ew.b = append(ew.b, ']')
	o.int("wakeAt", out.WakeAt)
	o.end()
}

// MarshalJSON methods: the same bytes as the browser receives.

func (d Decision) MarshalJSON() ([]byte, error) { w := jw{}; w.decision(&d); return w.b, nil }
func (a Action) MarshalJSON() ([]byte, error)   { w := jw{}; w.action(&a); return w.b, nil }
func (c Command) MarshalJSON() ([]byte, error)  { w := jw{}; w.command(&c); return w.b, nil }
func (e Event) MarshalJSON() ([]byte, error)    { w := jw{}; w.event(&e); return w.b, nil }
func (s Snapshot) MarshalJSON() ([]byte, error) { w := jw{}; w.snapshot(&s); return w.b, nil }
func (o Output) MarshalJSON() ([]byte, error)   { w := jw{}; w.output(&o); return w.b, nil }

// MarshalJSON writes the error with its problems.
func (e *Error) MarshalJSON() ([]byte, error) { w := jw{}; w.error(e); return w.b, nil }
