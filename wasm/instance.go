//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/presence-sync/presence-sync/rules"
)

// maxDelay is the longest delay setTimeout accepts (2^31-1 ms).
const maxDelay = 1<<31 - 1

// maxKeptOutput: an output buffer larger than this (a traced decision over many
// rules) is not kept for the next input.
const maxKeptOutput = 256 << 10

// instance is one engine made by create: a rules.Session, its clock, its timer
// and its page listeners.
type instance struct {
	s    *rules.Session
	id   int32    // key in live, for the exported path (fast.go)
	wake js.Value // the shim's function the timer calls
	page page

	pagehide, pageshow js.Func // page listeners, released by stop
	owned              int     // js.Func values this instance holds

	timer   int   // setTimeout id of the last timer armed
	timerOn bool  // a timer is armed for timerAt and has not run yet
	timerAt int64 // the wakeAt the armed timer is for
	wakeAt  int64 // the engine's last wakeAt (0: nothing pending)
	hidden  bool  // between pagehide and pageshow: no timer runs
	out     []byte
}

// live holds the instances that are not stopped, by id.
var (
	live   = map[int32]*instance{}
	lastID int32
)

func newInstance(s *rules.Session, wake js.Value) *instance {
	lastID++
	in := &instance{s: s, id: lastID, wake: wake, page: newPage()}
	live[in.id] = in
	funcs.instances++
	// The page's timers stop while it is hidden (the back/forward cache): the timer
	// is cleared on pagehide, and on pageshow the shim is woken at once to catch up.
	in.pagehide = listen("pagehide", func() {
		in.hidden = true
		in.clearTimer()
	})
	in.pageshow = listen("pageshow", func() {
		if in.hidden {
			in.hidden = false
			in.arm(in.wakeAt, 0)
		}
	})
	in.owned = 2
	funcs.live += 2
	return in
}

// dateNow is the page's Date.now, looked up once (a lookup makes a js.Value, and
// a finalizer, per call).
var dateNow = js.Global().Get("Date").Get("now")

// clock is the engine's one clock: the page's, read once per input.
func clock() int64 {
	return int64(dateNow.Invoke().Float())
}

// handle runs one input through the engine at the page's time and arms the
// timer for the engine's next wakeAt. The output is valid until the next
// input: the caller reads it at once. It never panics.
func (in *instance) handle(input []byte) (out []byte) {
	defer func() {
		if p := recover(); p != nil {
			out = internalOutput("internal error, input skipped: "+rules.PanicText(p), in.wakeAt)
		}
	}()
	now := clock()
	if in.timerOn && now >= in.timerAt {
		// The timer armed for a time now past has run, or is about to (a page timer
		// never runs early): a new one may be armed; a late run finds nothing due.
		in.timerOn = false
	}
	if cap(in.out) > maxKeptOutput {
		in.out = nil
	}
	in.out = in.s.AppendHandleAt(in.out[:0], input, now)
	in.wakeAt = in.s.WakeAt()
	in.arm(in.wakeAt, in.wakeAt-now)
	return in.out
}

// arm sets the page timer to wake the shim in delay ms, for the engine's wakeAt
// at (0: nothing due). A timer already armed for that time or earlier is left
// alone, and so is one armed when nothing is due any more: it runs, the engine
// finds nothing due, and that tick arms the timer again if something is due then.
// So an input costs no clearTimeout and setTimeout unless it brings wakeAt
// forward (a write times out writeTimeoutMs after it is sent: a burst of writes
// arms the timer once).
func (in *instance) arm(at, delay int64) {
	if at <= 0 || in.hidden || (in.timerOn && in.timerAt <= at) {
		return
	}
	in.clearTimer()
	delay = max(0, min(delay, maxDelay))
	// dom/v2's SetTimeout takes a Go func and makes a js.Func for every timer, which
	// it cannot release when the timer is cleared: the timer calls the shim's wake.
	in.timer = js.Global().Call("setTimeout", in.wake, delay).Int()
	in.timerOn, in.timerAt = true, at
}

// listen adds a page listener for typ (syscall/js: see page.go); the returned
// js.Func is released by page.unlisten. A panic in f is recovered and logged: a
// page event has no caller to answer.
func listen(typ string, f func()) js.Func {
	fn := js.FuncOf(func(js.Value, []js.Value) any {
		defer logPanic(typ)
		f()
		return nil
	})
	js.Global().Call("addEventListener", typ, fn, false)
	return fn
}

func (in *instance) clearTimer() {
	if in.timerOn {
		js.Global().Call("clearTimeout", in.timer)
		in.timerOn = false
	}
}

// stop clears the timer, removes the page listeners and releases their js.Func.
func (in *instance) stop() {
	delete(live, in.id)
	js.Global().Call("clearTimeout", in.timer) // armed or run: clearing is harmless
	in.timerOn = false
	in.page.unlisten("pagehide", in.pagehide)
	in.page.unlisten("pageshow", in.pageshow)
	funcs.live -= in.owned
	in.owned = 0
	in.wake = js.Undefined()
	funcs.instances--
}
