//go:build js && wasm && !nodom

package main

import (
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// page is what an instance uses of the page through dom/v2: removing its
// pagehide and pageshow listeners (and releasing their js.Func).
//
// dom/v2 falls short twice, measured in `make bench`'s size table: its Window
// interface (dom.GetWindow) links the whole method set of window and every type
// it returns, about 34 KB gzip; and its AddEventListener wraps every event in its
// typed event wrappers, which links a wrapper for every DOM event, about 42 KB
// gzip, for listeners that read no event field. So listen (instance.go) adds a
// plain js.Func with syscall/js, and the global object is reached through
// dom/v2's EventTarget methods of BasicNode, which do exactly what Window's do.
type page struct{ target *dom.BasicNode }

func newPage() page { return page{&dom.BasicNode{Value: js.Global()}} }

// unlisten removes a listener added by listen and releases it.
func (p page) unlisten(typ string, fn js.Func) { p.target.RemoveEventListener(typ, false, fn) }
