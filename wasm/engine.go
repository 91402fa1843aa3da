//go:build js && wasm

package main

import (
	"runtime"
	"strconv"
	"syscall/js"

	"github.com/norunners/vert"
	"github.com/presence-sync/presence-sync/rules"
)

// funcs counts the js.Func values this module holds, so that tests can prove that
// stop releases every one of them.
var funcs struct {
	live      int
	instances int
}

// newFunc wraps js.FuncOf and counts the function as live until release.
func newFunc(fn func(this js.Value, args []js.Value) any) js.Func {
	funcs.live++
	return js.FuncOf(fn)
}

// release releases a js.Func made by newFunc.
func release(f js.Func) {
	f.Release()
	funcs.live--
}

// createFailure is create's answer when the rules (or the call) are invalid; its
// error is set on the converted object (vert does not skip fields).
type createFailure struct {
	OK bool `js:"ok"`
}

// moduleStats is what __presenceSyncEngine.stats() returns.
type moduleStats struct {
	LiveFuncs int    `js:"liveFuncs"`
	Instances int    `js:"instances"`
	Go        string `js:"go"`
}

// register defines globalThis.__presenceSyncEngine. Its functions live as long as
// the module and are not counted.
func register(global js.Value) {
	create := js.FuncOf(func(_ js.Value, args []js.Value) (result any) {
		defer func() {
			if p := recover(); p != nil {
				result = failure("internal", "internal error while creating the engine: "+panicText(p))
			}
		}()
		return create(args)
	})
	stats := js.FuncOf(func(js.Value, []js.Value) any {
		return vert.ValueOf(moduleStats{LiveFuncs: funcs.live, Instances: funcs.instances, Go: runtime.Version()}).JSValue()
	})
	api := js.Global().Get("Object").New()
	api.Set("version", Version)
	api.Set("create", create)
	api.Set("stats", stats)
	global.Set("__presenceSyncEngine", api)
}

// failure builds {ok: false, error: {code, message}}.
func failure(code, message string) js.Value {
	v := vert.ValueOf(createFailure{OK: false}).JSValue()
	e := js.Global().Get("Object").New()
	e.Set("code", code)
	e.Set("message", message)
	e.Set("problems", js.Global().Get("Array").New())
	v.Set("error", e)
	return v
}

// create is __presenceSyncEngine.create(config, emit).
func create(args []js.Value) any {
	if len(args) < 2 || args[1].Type() != js.TypeFunction {
		return failure("invalid-options", "create(config, emit) needs the configuration and an emit function")
	}
	cfg, err := configJSON(args[0])
	if err != nil {
		return failure("invalid-rules", err.Error())
	}
	s, err := rules.NewSession(cfg)
	if err != nil {
		v := vert.ValueOf(createFailure{OK: false}).JSValue()
		v.Set("error", js.Global().Get("JSON").Call("parse", string(rules.ErrorJSON(err))))
		return v
	}
	return newInstance(s, args[1]).object()
}

// panicText renders a recovered value.
func panicText(p any) string {
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

// internalOutput is an output that reports an internal error and nothing else.
func internalOutput(message string, wakeAt int64) []byte {
	b := []byte(`{"decisions":[],"actions":[],"commands":[],"errors":[{"code":"internal","message":`)
	b = strconv.AppendQuote(b, message)
	b = append(b, `}],"wakeAt":`...)
	b = strconv.AppendInt(b, wakeAt, 10)
	return append(b, '}')
}

// inputBytes reads an input crossing from JavaScript: a JSON string (the hot path)
// or a Uint8Array of JSON. Anything else is a bug in the caller; it panics like
// syscall/js does, and the entry point turns that into an internal error.
func inputBytes(method string, args []js.Value) []byte {
	if len(args) == 0 {
		panic(&js.ValueError{Method: method, Type: js.TypeUndefined})
	}
	v := args[0]
	switch {
	case v.Type() == js.TypeString:
		return []byte(v.String())
	case v.InstanceOf(js.Global().Get("Uint8Array")):
		b := make([]byte, v.Length())
		js.CopyBytesToGo(b, v)
		return b
	}
	panic(&js.ValueError{Method: method, Type: v.Type()})
}

// wakeAtOf reads the top-level "wakeAt" of an output. The rules package writes it
// as the output's last member, so it is read from the end; 0 when absent.
func wakeAtOf(out []byte) int64 {
	const key = `"wakeAt":`
	end := len(out) - 1
	for end >= 0 && (out[end] == '}' || out[end] == ' ' || out[end] == '\n') {
		end--
	}
	start := end
	for start >= 0 && (out[start] >= '0' && out[start] <= '9' || out[start] == '-' || out[start] == '.' || out[start] == 'e' || out[start] == 'E' || out[start] == '+') {
		start--
	}
	if start < len(key)-1 || string(out[start-len(key)+1:start+1]) != key {
		return 0
	}
	f, err := strconv.ParseFloat(string(out[start+1:end+1]), 64)
	if err != nil || f < 0 {
		return 0
	}
	return int64(f)
}
