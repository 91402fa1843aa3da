//go:build js && wasm && !novert

package main

import (
	"runtime/debug"
	"syscall/js"
)

// The collector is paused while create compiles the rules, and resumes in a
// page task of its own once create has returned. Compiling reads the rules
// document into a tree that stays live until the engine is built, so a
// collection during the compile marks that tree and frees nothing; yet it
// costs the start-up its work, in code the browser has not yet optimised, and
// the optimising of the collector's own functions (1,000 rules of 5-member
// "all" groups, first create under Node: about 125 ms with collections, 80
// without). Paused, the heap grows by what the compile allocates (the tree
// is most of it: the same peak), and the first collection after the compile
// frees the tree.
//
// runtime/debug brings in fmt and os, which vert brings in anyway: the lean
// build (-tags novert, gc_lean.go) leaves it out and does not pause.

// gcPauses: create pauses the collector in this build.
const gcPauses = true

var (
	gcPaused     bool
	gcPercent    int     // GOGC before the pause
	resumeGCFunc js.Func // calls resumeGC; made once, lives as long as the module
)

func initGC() {
	resumeGCFunc = js.FuncOf(func(js.Value, []js.Value) any {
		resumeGC()
		return nil
	})
}

// pauseGC pauses the collector until a timer set now runs resumeGC (a create
// made before it runs finds it paused already).
func pauseGC() {
	if gcPaused {
		return
	}
	gcPercent = debug.SetGCPercent(-1)
	gcPaused = true
	js.Global().Call("setTimeout", resumeGCFunc, 0)
}

// resumeGC restores the collector's setting from before pauseGC.
func resumeGC() {
	if gcPaused {
		debug.SetGCPercent(gcPercent)
		gcPaused = false
	}
}
