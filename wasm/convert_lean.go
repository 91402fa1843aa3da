//go:build js && wasm && !vert

package main

import "syscall/js"

// toJS is convert_vert.go's toJS without vert (no reflect in the module): each
// result struct is spelled out as a map, which syscall/js converts. This is the
// default build; -tags vert uses vert instead (see convert_vert.go). The wasm
// tests run under both, and TestResultObjectsMatchTheirTags checks that the two
// agree on every field.
func toJS(v any) js.Value {
	switch s := v.(type) {
	case createResult:
		return js.ValueOf(map[string]any{"ok": s.OK, "version": s.Version})
	case createFailure:
		return js.ValueOf(map[string]any{"ok": s.OK})
	case moduleStats:
		return js.ValueOf(map[string]any{"liveFuncs": s.LiveFuncs, "instances": s.Instances, "go": s.Go,
			"heapAlloc": s.HeapAlloc, "heapInuse": s.HeapInuse, "numGC": s.NumGC})
	case instanceStats:
		return js.ValueOf(map[string]any{"liveFuncs": s.LiveFuncs, "timerOn": s.TimerOn, "wakeAt": s.WakeAt,
			"ticks": s.Ticks, "stopped": s.Stopped, "hidden": s.Hidden, "fast": s.Fast})
	}
	panic("toJS: unexpected type")
}
