//go:build js && wasm && novert

package main

import "syscall/js"

// toJS is convert.go's toJS without vert (no reflect or fmt in the module,
// `-tags novert`): each struct is spelled out as a map, which syscall/js converts. The
// wasm tests run under both builds, and TestStructuredValuesMatchTheirTags
// checks that the two agree on every field.
func toJS(v any) js.Value {
	return js.ValueOf(leanValue(v))
}

func leanValue(v any) any {
	switch s := v.(type) {
	case created:
		return map[string]any{"ok": s.OK, "id": s.ID, "version": s.Version}
	case refused:
		return map[string]any{"ok": s.OK, "error": leanValue(s.Error)}
	case createError:
		ps := make([]any, len(s.Problems))
		for i, p := range s.Problems {
			ps[i] = leanValue(p)
		}
		return map[string]any{"code": s.Code, "message": s.Message, "problems": ps}
	case linted:
		ps := make([]any, len(s.Problems))
		for i, p := range s.Problems {
			ps[i] = leanValue(p)
		}
		return map[string]any{"ok": s.OK, "problems": ps}
	case problem:
		allowed := make([]any, len(s.Allowed))
		for i, a := range s.Allowed {
			allowed[i] = a
		}
		return map[string]any{"severity": s.Severity, "code": s.Code, "ruleIndex": s.RuleIndex, "ruleName": s.RuleName,
			"field": s.Field, "value": s.Value, "allowed": allowed, "suggestion": s.Suggestion, "line": s.Line,
			"column": s.Column, "message": s.Message, "snippet": s.Snippet}
	case moduleStats:
		var inst any
		if s.Instance != nil {
			inst = leanValue(*s.Instance)
		}
		return map[string]any{"liveFuncs": s.LiveFuncs, "instances": s.Instances, "go": s.Go,
			"heapAlloc": s.HeapAlloc, "heapInuse": s.HeapInuse, "numGC": s.NumGC, "instance": inst}
	case instanceStats:
		return map[string]any{"liveFuncs": s.LiveFuncs, "timerOn": s.TimerOn, "wakeAt": s.WakeAt, "hidden": s.Hidden}
	}
	panic("toJS: unexpected type")
}
