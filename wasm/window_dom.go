//go:build js && wasm && dom

package main

import (
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// window is what an instance uses of the page's window: its pagehide/pageshow
// listeners and clearing its timer, through dom/v2.
//
// dom/v2 falls short twice, where syscall/js is used instead: its SetTimeout
// makes a js.Func per call that it cannot release when the timer is cleared (so
// instance.schedule calls setTimeout with the instance's one tickFn), and its
// AddEventListener wraps every event in its typed Event wrappers, which links a
// wrapper type for every DOM event in the module for listeners that read no
// event field (so listen adds a plain js.Func; dom/v2 removes it).
//
// Built only with -tags dom (`make dist WASM_TAGS=vert,dom`): the default build
// uses window_js.go, which does the same with syscall/js alone, because dom/v2's
// Window interface links its whole method set (and the time package) for two
// calls; `make bench` reports what that costs in transfer size.
type window struct{ w dom.Window }

func newWindow() window { return window{dom.GetWindow()} }

// listen adds a window listener for typ; the returned js.Func is released by unlisten.
func (w window) listen(typ string, f func()) js.Func {
	fn := js.FuncOf(func(js.Value, []js.Value) any {
		f()
		return nil
	})
	js.Global().Call("addEventListener", typ, fn, false)
	return fn
}

// unlisten removes a listener added by listen and releases it.
func (w window) unlisten(typ string, fn js.Func) { w.w.RemoveEventListener(typ, false, fn) }

func (w window) clearTimeout(id int) { w.w.ClearTimeout(id) }
