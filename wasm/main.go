//go:build js && wasm

// Command wasm is the presence-sync engine compiled to WebAssembly: the only place
// where Go crosses into JavaScript (wasm/BRIDGE.md). It registers
//
//	globalThis.__presenceSyncEngine = {version, create(config, emit), stats()}
//
// create compiles the rules into a rules.Session and returns
// {ok: true, handle(inputJSON) -> outputJSON, stop(), stats()} or
// {ok: false, error: {code, message, problems}}. On the hot path an input and an
// output cross as one JSON string each. The module owns the engine's timer (the
// output's wakeAt) and reports the outputs of its ticks through emit. Every entry
// point recovers panics into an output whose errors hold {code: "internal"}, so that
// after any bad input the module keeps working; stop releases every js.Func.
package main

import (
	"syscall/js"
)

// Version is the module's version, reported as __presenceSyncEngine.version.
const Version = "0.1.0"

func main() {
	register(js.Global())
	select {}
}
