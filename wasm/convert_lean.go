//go:build js && wasm && novert

package main

import "syscall/js"

// toJS is convert_vert.go's toJS without vert (no reflect in the module): each
// result struct is spelled out as a map, which syscall/js converts.
func toJS(v any) js.Value {
	switch s := v.(type) {
	case createResult:
		return js.ValueOf(map[string]any{"ok": s.OK, "version": s.Version})
	case createFailure:
		return js.ValueOf(map[string]any{"ok": s.OK})
	case moduleStats:
		return js.ValueOf(map[string]any{"liveFuncs": s.LiveFuncs, "instances": s.Instances, "go": s.Go})
	case instanceStats:
		return js.ValueOf(map[string]any{"liveFuncs": s.LiveFuncs, "timerOn": s.TimerOn, "wakeAt": s.WakeAt,
			"ticks": s.Ticks, "stopped": s.Stopped, "hidden": s.Hidden, "fast": s.Fast})
	}
	panic("toJS: unexpected type")
}
