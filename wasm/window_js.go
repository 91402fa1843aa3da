//go:build js && wasm && !dom

package main

import "syscall/js"

// window is window_dom.go's window with syscall/js alone (no dom/v2, and with it
// no time package, in the module). This is the default build; -tags dom uses
// dom/v2 instead (see window_dom.go).
type window struct{ w js.Value }

func newWindow() window { return window{js.Global()} }

func (w window) listen(typ string, f func()) js.Func {
	fn := js.FuncOf(func(js.Value, []js.Value) any {
		f()
		return nil
	})
	w.w.Call("addEventListener", typ, fn, false)
	return fn
}

func (w window) unlisten(typ string, fn js.Func) {
	w.w.Call("removeEventListener", typ, fn, false)
	fn.Release()
}

func (w window) clearTimeout(id int) { w.w.Call("clearTimeout", id) }
