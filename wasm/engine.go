//go:build js && wasm

package main

import (
	"runtime"
	"strconv"
	"syscall/js"

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

// createResult is create's answer on success; the instance's functions are set on
// the converted object.
type createResult struct {
	OK      bool   `js:"ok"`
	Version string `js:"version"`
}

// moduleStats is what __presenceSyncEngine.stats([{gc: true}]) returns: the live
// js.Func and instances, and Go's heap (after a collection when gc is true; for the
// soak test and `make bench`).
type moduleStats struct {
	LiveFuncs int     `js:"liveFuncs"`
	Instances int     `js:"instances"`
	Go        string  `js:"go"`
	HeapAlloc float64 `js:"heapAlloc"` // bytes of live and not yet collected objects
	HeapInuse float64 `js:"heapInuse"` // bytes in spans in use
	NumGC     float64 `js:"numGC"`
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
	stats := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 && args[0].Type() == js.TypeObject && args[0].Get("gc").Truthy() {
			runtime.GC()
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return toJS(moduleStats{LiveFuncs: funcs.live, Instances: funcs.instances, Go: runtime.Version(),
			HeapAlloc: float64(m.HeapAlloc), HeapInuse: float64(m.HeapInuse), NumGC: float64(m.NumGC)})
	})
	api := js.Global().Get("Object").New()
	api.Set("version", Version)
	api.Set("create", create)
	api.Set("stats", stats)
	global.Set("__presenceSyncEngine", api)
}

// failure builds {ok: false, error: {code, message}}.
func failure(code, message string) js.Value {
	v := toJS(createFailure{OK: false})
	e := js.Global().Get("Object").New()
	e.Set("code", code)
	e.Set("message", message)
	e.Set("problems", js.Global().Get("Array").New())
	v.Set("error", e)
	return v
}

// create is __presenceSyncEngine.create(config, emit[, bridge]). bridge, when
// given, is the shim's factory of fast handle functions (fast.go): it is called
// as bridge(id, handle) and returns the function the instance exposes as handle.
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
		v := toJS(createFailure{OK: false})
		v.Set("error", js.Global().Get("JSON").Call("parse", string(rules.ErrorJSON(err))))
		return v
	}
	var bridge js.Value
	if len(args) > 2 && args[2].Type() == js.TypeFunction {
		bridge = args[2]
	}
	return newInstance(s, args[1]).object(bridge)
}

// panicText renders a recovered value.
func panicText(p any) string { return rules.PanicText(p) }

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
