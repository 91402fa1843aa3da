//go:build js && wasm

package main

import (
	"reflect"
	"syscall/js"
	"testing"
)

// TestStructuredValuesMatchTheirTags checks toJS (convert.go, vert, by default;
// convert_lean.go with -tags novert) against the structs' `js` tags, field by
// field and nested, so that the two builds cannot drift apart: a field added to
// a struct but not to the lean conversion fails here.
func TestStructuredValuesMatchTheirTags(t *testing.T) {
	values := []any{
		created{OK: true, ID: 7, Version: "v9"},
		refused{Error: createError{Code: "invalid-rules", Message: "m", Problems: []problem{{Severity: "error", Code: "c",
			RuleIndex: 1, RuleName: "r", Field: "source", Value: "v", Allowed: []string{"a", "b"}, Suggestion: "s", Line: 3,
			Column: 4, Message: "msg", Snippet: "^"}}}},
		linted{OK: true, Problems: []problem{{Severity: "warning", Code: "cycle", RuleIndex: 0, Allowed: []string{}, Line: 2, Column: 5, Message: "m"}}},
		moduleStats{LiveFuncs: 3, Instances: 2, Go: "go1.x", HeapAlloc: 1024, HeapInuse: 4096, NumGC: 7},
		moduleStats{LiveFuncs: 2, Instance: &instanceStats{LiveFuncs: 2, TimerOn: true, WakeAt: 1700000000123, Hidden: true}},
	}
	for _, v := range values {
		rv := reflect.ValueOf(v)
		t.Run(rv.Type().Name(), func(t *testing.T) { sameValue(t, rv.Type().Name(), rv, toJS(v)) })
	}
}

func sameValue(t *testing.T, at string, f reflect.Value, got js.Value) {
	t.Helper()
	switch f.Kind() {
	case reflect.Struct:
		keys := js.Global().Get("Object").Call("keys", got)
		if keys.Length() != f.NumField() {
			t.Errorf("%s: %d keys, want %d", at, keys.Length(), f.NumField())
		}
		for i := 0; i < f.NumField(); i++ {
			tag := f.Type().Field(i).Tag.Get("js")
			sameValue(t, at+"."+tag, f.Field(i), got.Get(tag))
		}
	case reflect.Pointer:
		if f.IsNil() {
			if !got.IsNull() {
				t.Errorf("%s = %v, want null", at, got)
			}
			return
		}
		sameValue(t, at, f.Elem(), got)
	case reflect.Slice:
		if got.Type() != js.TypeObject || got.Length() != f.Len() {
			t.Fatalf("%s: not an array of %d", at, f.Len())
		}
		for i := 0; i < f.Len(); i++ {
			sameValue(t, at+"[]", f.Index(i), got.Index(i))
		}
	case reflect.Bool:
		if got.Type() != js.TypeBoolean || got.Bool() != f.Bool() {
			t.Errorf("%s = %v, want %v", at, got, f.Bool())
		}
	case reflect.Int, reflect.Float64:
		want := f.Convert(reflect.TypeOf(0.0)).Float()
		if got.Type() != js.TypeNumber || got.Float() != want {
			t.Errorf("%s = %v, want %v", at, got, want)
		}
	case reflect.String:
		if got.Type() != js.TypeString || got.String() != f.String() {
			t.Errorf("%s = %v, want %q", at, got, f.String())
		}
	default:
		t.Fatalf("%s: kind %s not covered by this test", at, f.Kind())
	}
}
