//go:build js && wasm && novert

package main

// The lean build leaves runtime/debug out (it brings in fmt and os, which
// the build without vert has none of), so create does not pause the collector
// while it compiles the rules (gc.go): the same behaviour, a slower first
// compile of a large document.

const gcPauses = false

func initGC()   {}
func pauseGC()  {}
func resumeGC() {}
