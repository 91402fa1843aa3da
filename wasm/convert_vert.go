//go:build js && wasm && !novert

package main

import (
	"syscall/js"

	"github.com/norunners/vert"
)

// toJS converts one of the module's result structs (createResult, createFailure,
// moduleStats, instanceStats) to a JS object, through their `js` tags, with vert.
// These are cold paths (create, stats): the hot path crosses as JSON text.
//
// Built with -tags novert, convert_lean.go does the same without reflection;
// `make bench` reports what vert costs in transfer size.
func toJS(v any) js.Value {
	return vert.ValueOf(v).JSValue()
}
