//go:build js && wasm && !novert

package main

import (
	"syscall/js"

	"github.com/norunners/vert"
)

// toJS converts one of the structured values that cross (engine.go: created,
// refused, linted, moduleStats) to a JS object through its `js` tags, with vert. vert
// keeps every field (it ignores omitempty) and panics on Go arrays: the
// structs hold slices and pointers only.
func toJS(v any) js.Value {
	return vert.ValueOf(v).JSValue()
}
