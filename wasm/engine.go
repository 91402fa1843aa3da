//go:build js && wasm

package main

import (
	"runtime"
	"strconv"
	"syscall/js"

	"github.com/presence-sync/presence-sync/rules"
)

// funcs counts the js.Func values the instances hold (their page listeners), so
// that tests and the soak test can prove that stop releases every one of them.
var funcs struct {
	live      int
	instances int
}

// The structured values that cross into JavaScript (convert.go: vert, by their
// `js` tags). The per-input path crosses as JSON bytes (fast.go).
type (
	// created is create's answer on success: the instance's id for the exported
	// path, stop and stats.
	created struct {
		OK      bool   `js:"ok"`
		ID      int    `js:"id"`
		Version string `js:"version"`
	}
	// refused is create's answer when the rules (or the call) are invalid.
	refused struct {
		OK    bool        `js:"ok"`
		Error createError `js:"error"`
	}
	createError struct {
		Code     string    `js:"code"`
		Message  string    `js:"message"`
		Problems []problem `js:"problems"`
	}
	// problem is a rules.Diagnostic as the shim sees it (vert reads `js` tags and
	// keeps every field; absent ones are "" or 0).
	problem struct {
		Severity   string   `js:"severity"`
		Code       string   `js:"code"`
		RuleIndex  int      `js:"ruleIndex"`
		RuleName   string   `js:"ruleName"`
		Field      string   `js:"field"`
		Value      string   `js:"value"`
		Allowed    []string `js:"allowed"`
		Suggestion string   `js:"suggestion"`
		Line       int      `js:"line"`
		Column     int      `js:"column"`
		Message    string   `js:"message"`
		Snippet    string   `js:"snippet"`
	}
	// linted is lint's answer: every problem of a rules document, errors and
	// warnings, each located in the text given (ok: no errors).
	linted struct {
		OK       bool      `js:"ok"`
		Problems []problem `js:"problems"`
	}
	// moduleStats is what stats() returns: the live js.Func and instances, Go's heap
	// (after a collection with {gc: true}; for the soak test and `make bench`), and,
	// with {id}, that instance's timer.
	moduleStats struct {
		LiveFuncs int            `js:"liveFuncs"`
		Instances int            `js:"instances"`
		Go        string         `js:"go"`
		HeapAlloc float64        `js:"heapAlloc"` // bytes of live and not yet collected objects
		HeapInuse float64        `js:"heapInuse"` // bytes in spans in use
		NumGC     float64        `js:"numGC"`
		Instance  *instanceStats `js:"instance"` // nil (null) without {id}, or for an id not live
	}
	instanceStats struct {
		LiveFuncs int     `js:"liveFuncs"`
		TimerOn   bool    `js:"timerOn"`
		WakeAt    float64 `js:"wakeAt"`
		Hidden    bool    `js:"hidden"`
	}
)

// register defines globalThis.__presenceSyncEngine. Its four functions live as
// long as the module and are not counted; each recovers its panics.
func register(global js.Value) {
	api := js.Global().Get("Object").New()
	api.Set("version", Version)
	initGC()
	api.Set("create", js.FuncOf(func(_ js.Value, args []js.Value) (result any) {
		defer func() {
			if p := recover(); p != nil {
				result = toJS(failure("internal", "internal error while creating the engine: "+rules.PanicText(p)))
			}
		}()
		return toJS(create(args))
	}))
	api.Set("stop", js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer logPanic("stop")
		if in := live[argID(args, 0)]; in != nil {
			in.stop()
		}
		return nil
	}))
	api.Set("stats", js.FuncOf(func(_ js.Value, args []js.Value) (result any) {
		defer logPanic("stats")
		return toJS(stats(args))
	}))
	api.Set("lint", js.FuncOf(func(_ js.Value, args []js.Value) (result any) {
		defer func() {
			if p := recover(); p != nil {
				result = toJS(linted{Problems: []problem{{Severity: string(rules.SeverityError), Code: "internal", RuleIndex: -1,
					Allowed: []string{}, Message: "internal error while checking the rules: " + rules.PanicText(p)}}})
			}
		}()
		return toJS(lint(args))
	}))
	global.Set("__presenceSyncEngine", api)
}

// create is __presenceSyncEngine.create(configJSON, wake): configJSON is the
// session's configuration as JSON text (rules.NewSession); wake is the function
// the instance's timer calls when the engine's wakeAt falls due.
func create(args []js.Value) any {
	if len(args) < 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeFunction {
		return failure("invalid-options", "create(configJSON, wake) needs the configuration as JSON text and a wake function")
	}
	pauseGC() // gc.go
	s, err := rules.NewSession([]byte(args[0].String()))
	if err != nil {
		return refusal(err)
	}
	in := newInstance(s, args[1])
	return created{OK: true, ID: int(in.id), Version: Version}
}

// lint is __presenceSyncEngine.lint(rulesText): what `presencesync lint` reports
// for the text (rules.Parse: errors and warnings, each located at its line and
// column in that text), without creating an engine.
func lint(args []js.Value) linted {
	if len(args) < 1 || args[0].Type() != js.TypeString {
		return linted{Problems: []problem{{Severity: string(rules.SeverityError), Code: "invalid-options", RuleIndex: -1,
			Allowed: []string{}, Message: "lint(rulesText) needs the rules document as JSON text"}}}
	}
	_, diags := rules.Parse([]byte(args[0].String()))
	return linted{OK: !diags.HasErrors(), Problems: problems(diags)}
}

func failure(code, message string) refused {
	return refused{Error: createError{Code: code, Message: message, Problems: []problem{}}}
}

// refusal is create's answer for an error from rules.NewSession.
func refusal(err error) refused {
	e, ok := err.(*rules.Error)
	if !ok {
		return failure("internal", err.Error())
	}
	r := failure(e.Code, e.Message)
	r.Error.Problems = append(r.Error.Problems, problems(e.Problems)...)
	return r
}

// problems are diagnostics as the shim sees them.
func problems(diags rules.Diagnostics) []problem {
	out := make([]problem, 0, len(diags))
	for _, d := range diags {
		allowed := d.Allowed
		if allowed == nil {
			allowed = []string{}
		}
		out = append(out, problem{Severity: string(d.Severity), Code: d.Code, RuleIndex: d.RuleIndex,
			RuleName: d.RuleName, Field: d.Field, Value: d.Value, Allowed: allowed, Suggestion: d.Suggestion, Line: d.Line,
			Column: d.Column, Message: d.Message, Snippet: d.Snippet})
	}
	return out
}

// stats is __presenceSyncEngine.stats([{gc, id}]).
func stats(args []js.Value) moduleStats {
	var opts js.Value
	if len(args) > 0 && args[0].Type() == js.TypeObject {
		opts = args[0]
	}
	if opts.Truthy() && opts.Get("gc").Truthy() {
		runtime.GC()
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	st := moduleStats{LiveFuncs: funcs.live, Instances: funcs.instances, Go: runtime.Version(),
		HeapAlloc: float64(m.HeapAlloc), HeapInuse: float64(m.HeapInuse), NumGC: float64(m.NumGC)}
	if opts.Truthy() {
		if in := live[argID([]js.Value{opts.Get("id")}, 0)]; in != nil {
			st.Instance = &instanceStats{LiveFuncs: in.owned, TimerOn: in.timerOn, WakeAt: float64(in.wakeAt), Hidden: in.hidden}
		}
	}
	return st
}

// argID reads an instance id argument (0, no instance, when it is not a number).
func argID(args []js.Value, i int) int32 {
	if len(args) <= i || args[i].Type() != js.TypeNumber {
		return 0
	}
	return int32(args[i].Int())
}

// internalOutput is an output that reports an internal error and nothing else.
func internalOutput(message string, wakeAt int64) []byte {
	b := []byte(`{"decisions":[],"actions":[],"commands":[],"errors":[{"code":"internal","message":`)
	b = strconv.AppendQuote(b, message)
	b = append(b, `}],"wakeAt":`...)
	b = strconv.AppendInt(b, wakeAt, 10)
	return append(b, '}')
}

// logPanic recovers a panic in an entry point that has no output to report it in.
func logPanic(where string) {
	if p := recover(); p != nil {
		js.Global().Get("console").Call("error", "presence-sync engine: internal error in "+where+": "+rules.PanicText(p))
	}
}
