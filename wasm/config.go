//go:build js && wasm

package main

import (
	"errors"
	"math"
	"strconv"
	"syscall/js"

	"github.com/norunners/vert"
)

// engineOptions are the options the engine reads, converted from a JS object
// with vert. Pointers tell an absent key from a zero.
type engineOptions struct {
	EchoWindowMs   *float64 `js:"echoWindowMs"`
	LoopMaxWrites  *float64 `js:"loopMaxWrites"`
	LoopWindowMs   *float64 `js:"loopWindowMs"`
	RetryAttempts  *float64 `js:"retryAttempts"`
	RetryBaseMs    *float64 `js:"retryBaseMs"`
	WriteTimeoutMs *float64 `js:"writeTimeoutMs"`
	Trace          *string  `js:"trace"`
}

var optionKeys = []string{"echoWindowMs", "loopMaxWrites", "loopWindowMs", "retryAttempts", "retryBaseMs", "writeTimeoutMs"}

// configJSON turns create's first argument into the JSON rules.NewSession takes.
// A string is the configuration's JSON text (BRIDGE.md). An object
// {rules, options} is converted here: rules as given (an object is serialised,
// a string is the document's JSON text), options through vert, key by key so
// that a value of the wrong type is named.
func configJSON(v js.Value) ([]byte, error) {
	switch v.Type() {
	case js.TypeString:
		return []byte(v.String()), nil
	case js.TypeObject:
	default:
		return nil, errors.New("the configuration must be a JSON string or an object {rules, options}, got " + v.Type().String())
	}
	b := []byte(`{"rules":`)
	r := v.Get("rules")
	switch r.Type() {
	case js.TypeString:
		b = strconv.AppendQuote(b, r.String())
	case js.TypeObject:
		b = append(b, js.Global().Get("JSON").Call("stringify", r).String()...)
	default:
		return nil, errors.New("no rules were given: pass a rules document as `rules`")
	}
	o := v.Get("options")
	if o.Type() == js.TypeObject {
		var opts engineOptions
		for _, k := range optionKeys {
			if f := o.Get(k); f.Type() != js.TypeUndefined && f.Type() != js.TypeNumber {
				return nil, errors.New("option " + k + " must be a number, got " + f.Type().String())
			}
		}
		if t := o.Get("trace"); t.Type() != js.TypeUndefined && t.Type() != js.TypeString {
			return nil, errors.New("option trace must be a string, got " + t.Type().String())
		}
		if err := vert.ValueOf(o).AssignTo(&opts); err != nil {
			return nil, errors.New("options: " + err.Error())
		}
		for _, f := range []*float64{opts.EchoWindowMs, opts.LoopMaxWrites, opts.LoopWindowMs, opts.RetryAttempts, opts.RetryBaseMs, opts.WriteTimeoutMs} {
			if f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
				return nil, errors.New("options must be finite numbers")
			}
		}
		b = append(b, `,"options":`...)
		b = opts.appendJSON(b)
	}
	return append(b, '}'), nil
}

// appendJSON writes the options that are set.
func (o *engineOptions) appendJSON(b []byte) []byte {
	b = append(b, '{')
	n := 0
	num := func(k string, v *float64) {
		if v == nil {
			return
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
		b = strconv.AppendFloat(b, *v, 'f', -1, 64)
	}
	num("echoWindowMs", o.EchoWindowMs)
	num("loopMaxWrites", o.LoopMaxWrites)
	num("loopWindowMs", o.LoopWindowMs)
	num("retryAttempts", o.RetryAttempts)
	num("retryBaseMs", o.RetryBaseMs)
	num("writeTimeoutMs", o.WriteTimeoutMs)
	if o.Trace != nil {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, `"trace":`...)
		b = strconv.AppendQuote(b, *o.Trace)
	}
	return append(b, '}')
}
