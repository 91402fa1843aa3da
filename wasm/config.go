//go:build js && wasm

package main

import (
	"errors"
	"strconv"
	"syscall/js"
)

// configJSON turns create's first argument into the JSON rules.NewSession takes.
// A string is the configuration's JSON text (BRIDGE.md; what the shim passes). An
// object {rules, options} is serialised here with one JSON.stringify per member:
// rules as given (an object is serialised, a string is the document's JSON text),
// options as an object, whose keys and value types rules.NewSession checks and
// names (an option of the wrong type is an invalid-rules error naming it). This
// is a cold path: it needs no reflection, so vert (and the fmt it brings along
// with its assignment errors) is not linked for it.
func configJSON(v js.Value) ([]byte, error) {
	switch v.Type() {
	case js.TypeString:
		return []byte(v.String()), nil
	case js.TypeObject:
	default:
		return nil, errors.New("the configuration must be a JSON string or an object {rules, options}, got " + v.Type().String())
	}
	stringify := js.Global().Get("JSON").Get("stringify")
	b := []byte(`{"rules":`)
	r := v.Get("rules")
	switch r.Type() {
	case js.TypeString:
		b = strconv.AppendQuote(b, r.String())
	case js.TypeObject:
		b = append(b, stringify.Invoke(r).String()...)
	default:
		return nil, errors.New("no rules were given: pass a rules document as `rules`")
	}
	switch o := v.Get("options"); o.Type() {
	case js.TypeUndefined, js.TypeNull:
	case js.TypeObject:
		b = append(b, `,"options":`...)
		b = append(b, stringify.Invoke(o).String()...)
	default:
		return nil, errors.New("options must be an object, got " + o.Type().String())
	}
	return append(b, '}'), nil
}
