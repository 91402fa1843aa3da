//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"

	"github.com/presence-sync/presence-sync/rules"
)

// maxDelay is the longest delay setTimeout accepts (2^31-1 ms).
const maxDelay = 1<<31 - 1

// instance is one engine created by create: a rules.Session, the JS functions that
// expose it, its timer and its window listeners.
type instance struct {
	s    *rules.Session
	emit js.Value
	win  window
	id   int32 // key in live, for the exported hot path (fast.go)

	handleFn, stopFn, statsFn js.Func
	tickFn                    js.Func // the timer's callback, one for the instance's life
	pagehideFn, pageshowFn    js.Func // window listeners
	owned                     int     // js.Func values this instance holds
	fast                      bool    // handle is the shim's fast function (fast.go)

	timer   int   // setTimeout id, valid when timerOn
	timerOn bool  //
	timerAt int64 // the wakeAt the armed timer is for
	wakeAt  int64 // the engine's last wakeAt (0: nothing pending)
	hidden  bool  // between pagehide and pageshow: no timer runs
	stopped bool
	ticks   int
	out     []byte // the last output: handle writes each one over the last
}

// maxKeptOutput: an output buffer larger than this (a traced decision over many
// rules) is not kept for the next input.
const maxKeptOutput = 256 << 10

// instanceStats is what an instance's stats() returns.
type instanceStats struct {
	LiveFuncs int     `js:"liveFuncs"`
	TimerOn   bool    `js:"timerOn"`
	WakeAt    float64 `js:"wakeAt"`
	Ticks     int     `js:"ticks"`
	Stopped   bool    `js:"stopped"`
	Hidden    bool    `js:"hidden"`
	Fast      bool    `js:"fast"`
}

// live holds the instances that are not stopped, by id.
var (
	live   = map[int32]*instance{}
	lastID int32
)

func newInstance(s *rules.Session, emit js.Value) *instance {
	lastID++
	in := &instance{s: s, emit: emit, win: newWindow(), id: lastID}
	live[in.id] = in
	funcs.instances++
	in.handleFn = in.fn(in.handleJS)
	in.stopFn = in.fn(in.stop)
	in.statsFn = in.fn(in.stats)
	in.tickFn = in.fn(in.tick)
	// Timers stop while the page is hidden (bfcache) and catch up when it shows again.
	in.pagehideFn = in.win.listen("pagehide", func() {
		defer in.logPanic("pagehide")
		in.hidden = true
		in.clearTimer()
	})
	in.pageshowFn = in.win.listen("pageshow", func() {
		defer in.logPanic("pageshow")
		if !in.hidden || in.stopped {
			return
		}
		in.hidden = false
		in.schedule(in.wakeAt)
	})
	in.owned += 2
	funcs.live += 2
	return in
}

// fn makes a js.Func owned by the instance.
func (in *instance) fn(f func(js.Value, []js.Value) any) js.Func {
	in.owned++
	return newFunc(f)
}

// object is what create returns to JavaScript. With the shim's bridge (fast.go),
// handle is the fast function bridge(id, slowHandle) returns; else it is the
// js.Func.
func (in *instance) object(bridge js.Value) js.Value {
	o := toJS(createResult{OK: true, Version: Version})
	var handle js.Value = in.handleFn.Value
	if bridge.Type() == js.TypeFunction {
		if h := bridge.Invoke(in.id, in.handleFn); h.Type() == js.TypeFunction {
			handle = h
			in.fast = true
		}
	}
	o.Set("handle", handle)
	o.Set("stop", in.stopFn)
	o.Set("stats", in.statsFn)
	return o
}

func now() int64 {
	return int64(js.Global().Get("Date").Call("now").Float())
}

// handleJS is instance.handle(inputJSON) -> outputJSON through a js.Func (the
// path without the shim's bridge, and for inputs that are not strings).
func (in *instance) handleJS(_ js.Value, args []js.Value) (result any) {
	defer func() {
		if p := recover(); p != nil {
			result = string(internalOutput("internal error, input skipped: "+panicText(p), in.wakeAt))
		}
	}()
	return string(in.handle(inputBytes("handle", args)))
}

// handle runs one input through the engine and arms the timer for its wakeAt.
// The output is valid until the next handle: the caller reads it at once. It
// never panics.
func (in *instance) handle(input []byte) (out []byte) {
	defer func() {
		if p := recover(); p != nil {
			out = internalOutput("internal error, input skipped: "+panicText(p), in.wakeAt)
		}
	}()
	if in.stopped {
		return internalOutput("this engine was stopped", 0)
	}
	if cap(in.out) > maxKeptOutput {
		in.out = nil
	}
	in.out = in.s.AppendHandle(in.out[:0], input)
	in.schedule(in.s.WakeAt())
	return in.out
}

// tick runs when the timer fires: the engine's output goes to emit.
func (in *instance) tick(js.Value, []js.Value) any {
	in.timerOn = false
	if in.stopped || in.hidden {
		return nil
	}
	out := in.safeTick()
	defer in.logPanic("emit")
	in.emit.Invoke(string(out))
	return nil
}

func (in *instance) safeTick() (out []byte) {
	defer func() {
		if p := recover(); p != nil {
			out = internalOutput("internal error in a timer: "+panicText(p), in.wakeAt)
		}
	}()
	in.ticks++
	b := []byte(`{"op":"tick","now":`)
	b = strconv.AppendInt(b, now(), 10)
	out = in.s.Handle(append(b, '}'))
	in.schedule(in.s.WakeAt())
	return out
}

// schedule arms the timer for the engine's wakeAt (0: nothing due). A timer
// already armed for that time or earlier is left alone, and so is one armed
// when nothing is due any more: it fires, the engine finds nothing due, and the
// tick arms the timer again if something is due then. So an event costs no
// clearTimeout and setTimeout crossings unless it brings wakeAt forward (a
// write's timeout is at most writeTimeoutMs away: a burst of writes arms the
// timer once).
func (in *instance) schedule(at int64) {
	in.wakeAt = at
	if in.stopped || in.hidden {
		in.clearTimer()
		return
	}
	if at <= 0 || (in.timerOn && in.timerAt <= at) {
		return
	}
	in.clearTimer()
	delay := at - now()
	if delay < 0 {
		delay = 0
	}
	if delay > maxDelay {
		delay = maxDelay
	}
	// dom/v2's SetTimeout makes a new js.Func per call and cannot release it when the
	// timer is cleared, so the instance's one tickFn is passed to setTimeout directly.
	in.timer = js.Global().Call("setTimeout", in.tickFn, delay).Int()
	in.timerOn = true
	in.timerAt = at
}

func (in *instance) clearTimer() {
	if in.timerOn {
		in.win.clearTimeout(in.timer)
		in.timerOn = false
	}
}

// stop clears the timer, removes the window listeners and releases every js.Func.
func (in *instance) stop(js.Value, []js.Value) (result any) {
	defer func() {
		if p := recover(); p != nil {
			result = string(internalOutput("internal error while stopping: "+panicText(p), 0))
		}
	}()
	if in.stopped {
		return nil
	}
	in.stopped = true
	delete(live, in.id)
	in.clearTimer()
	in.win.unlisten("pagehide", in.pagehideFn)
	in.win.unlisten("pageshow", in.pageshowFn)
	funcs.live -= 2
	for _, f := range []js.Func{in.handleFn, in.statsFn, in.tickFn, in.stopFn} {
		release(f)
	}
	in.owned = 0
	in.emit = js.Undefined()
	funcs.instances--
	return nil
}

func (in *instance) stats(js.Value, []js.Value) any {
	return toJS(instanceStats{LiveFuncs: in.owned, TimerOn: in.timerOn, WakeAt: float64(in.wakeAt),
		Ticks: in.ticks, Stopped: in.stopped, Hidden: in.hidden, Fast: in.fast})
}

// logPanic recovers a panic in a callback that has no caller to answer.
func (in *instance) logPanic(where string) {
	if p := recover(); p != nil {
		js.Global().Get("console").Call("error", "presence-sync engine: internal error in "+where+": "+panicText(p))
	}
}
