//go:build js && wasm && vert

package main

import (
	"syscall/js"

	"github.com/norunners/vert"
)

// toJS converts one of the module's result structs (createResult, createFailure,
// moduleStats, instanceStats) to a JS object, through their `js` tags, with vert.
// These are cold paths (create, stats): the hot path crosses as JSON text.
//
// Built only with -tags vert (`make dist WASM_TAGS=vert,dom`, the module DESIGN.md
// describes): the default build uses convert_lean.go, which does the same without
// reflection, because vert brings reflect into the module for four cold-path
// structs; `make bench` reports what that costs in transfer size.
func toJS(v any) js.Value {
	return vert.ValueOf(v).JSValue()
}
