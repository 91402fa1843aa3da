//go:build js && wasm && nodom

package main

import "syscall/js"

// page is page.go's page with syscall/js alone (`-tags nodom`: no dom/v2).
type page struct{}

func newPage() page { return page{} }

func (page) unlisten(typ string, fn js.Func) {
	js.Global().Call("removeEventListener", typ, fn, false)
	fn.Release()
}
