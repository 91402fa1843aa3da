//go:build js && wasm

// Command wasm is the presence-sync engine compiled to WebAssembly: the only place
// where Go crosses into JavaScript (wasm/BRIDGE.md). It registers
//
//	globalThis.__presenceSyncEngine = {version, create(configJSON, wake), stop(id), stats(options)}
//
// and exports three functions, the one path every engine input takes:
//
//	presenceSyncInput(maxBytes) -> pointer   a buffer in linear memory for the input
//	presenceSyncHandle(id, n)   -> size      runs the input; the output stays in Go
//	presenceSyncOutput()        -> pointer   where that output starts
//
// create compiles the rules into a rules.Session and returns {ok: true, id, version}
// or {ok: false, error: {code, message, problems}}. The module owns time: it reads the
// page's clock once per input (the shim passes none) and arms the page timer for the
// engine's next wakeAt, whose callback is the shim's wake function; the shim answers a
// wake with a tick input through the same exported path. Every entry point recovers
// panics into an output whose errors hold {code: "internal"}, so that after any bad
// input the module keeps working; stop releases every js.Func the instance holds.
//
// The default build converts the structured values that cross (create's result,
// errors, stats) with github.com/norunners/vert and removes its page listeners with
// honnef.co/go/js/dom/v2 (convert.go, page.go); `-tags novert` and `-tags nodom` do
// each with syscall/js alone (convert_lean.go, page_lean.go): `-tags novert,nodom` is a
// smaller module for the same behaviour.
package main

import "syscall/js"

// Version is the module's version, reported as __presenceSyncEngine.version.
const Version = "0.1.0"

func main() {
	register(js.Global())
	select {}
}
