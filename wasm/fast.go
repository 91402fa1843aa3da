//go:build js && wasm

package main

import (
	"unsafe"

	"github.com/presence-sync/presence-sync/rules"
)

// The one path of every engine input. A call through a Go js.Func costs some
// 15–20 µs (Go's event hand-off: the pending event, a goroutine switch, a
// finalizer for every js.Value it reads), more than the engine's own work on an
// event. So the shim (js/src/bridge.js) calls these exported functions directly:
//
//	p = presenceSyncInput(maxBytes)        // a buffer in linear memory for the input
//	TextEncoder.encodeInto(inputJSON, memory[p : p+maxBytes]) -> n bytes
//	len = presenceSyncHandle(id, n)        // runs the input; the output stays in Go
//	outputJSON = TextDecoder.decode(memory[presenceSyncOutput() : +len])
//
// One crossing each way, as bytes, with no js.Value made. The input buffer and
// the output are the module's; each is valid until the next call.

var (
	fastIn  []byte // the input buffer handed out by presenceSyncInput
	fastOut []byte // the last output of presenceSyncHandle
)

// fastInput returns a buffer of n bytes for the next input.
//
//go:wasmexport presenceSyncInput
func fastInput(n int32) unsafe.Pointer {
	if n < 0 {
		n = 0
	}
	if cap(fastIn) < int(n) {
		fastIn = make([]byte, n, int(n)+int(n)/2+64)
	}
	fastIn = fastIn[:cap(fastIn)]
	return unsafe.Pointer(unsafe.SliceData(fastIn))
}

// fastHandle runs the first n bytes of the input buffer through instance id and
// returns the output's length (read it at presenceSyncOutput).
//
//go:wasmexport presenceSyncHandle
func fastHandle(id, n int32) (size int32) {
	defer func() {
		if p := recover(); p != nil {
			fastOut = internalOutput("internal error, input skipped: "+rules.PanicText(p), 0)
			size = int32(len(fastOut))
		}
	}()
	in := live[id]
	switch {
	case in == nil:
		fastOut = internalOutput("this engine was stopped", 0)
	case n < 0 || int(n) > len(fastIn):
		fastOut = internalOutput("internal error, input skipped: the input is not in the input buffer", in.wakeAt)
	default:
		fastOut = in.handle(fastIn[:n])
	}
	return int32(len(fastOut))
}

// fastOutput is where the last output of presenceSyncHandle starts.
//
//go:wasmexport presenceSyncOutput
func fastOutput() unsafe.Pointer {
	return unsafe.Pointer(unsafe.SliceData(fastOut))
}
