//go:build js && wasm

package main

// These tests run the module under Node:
//
//	GOOS=js GOARCH=wasm go test -exec="$PWD/wasm/testdata/go_js_wasm_exec" ./wasm/
//
// (make test does this, for the default build and for -tags novert,nodom).
// testdata/node-window.cjs gives Node the window-level APIs a browser has.

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall/js"
	"testing"
	"time"
	"unsafe"
)

const lunchRules = `{"rules":[{"name":"Lunch to Omni","source":"Connect Agent State Change",
 "operandA":"Connect Agent New State","comparator":"Equal to","operandB":"Static Value",
 "operandBValue":"Lunch","destination":"Salesforce Agent State","value":"Lunch"}]}`

// The shim passes no time: these inputs carry none (or a wrong one, which is not read).
const startInput = `{"op":"start",
 "connect":{"state":"Available","states":[{"name":"Available","type":"routable"},{"name":"Lunch","type":"not_routable"}]},
 "salesforce":{"status":{"statusId":"0N5xx0000000001","statusApiName":"Available","statusName":"Available"},
   "statuses":[{"id":"0N5xx0000000001","developerName":"Available","label":"Available"},
               {"id":"0N5xx0000000002","developerName":"Lunch","label":"Lunch"}]}}`

const lunchEvent = `{"op":"event","now":1,"event":{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"}}`

const tick = `{"op":"tick"}`

type output struct {
	Decisions []json.RawMessage `json:"decisions"`
	Actions   []struct {
		Status string `json:"status"`
		Value  string `json:"value"`
		Rule   string `json:"rule"`
	} `json:"actions"`
	Commands []struct {
		ID          int64  `json:"id"`
		Destination string `json:"destination"`
		Value       string `json:"value"`
		StatusID    string `json:"statusId"`
	} `json:"commands"`
	Errors []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
	WakeAt int64 `json:"wakeAt"`
}

func TestMain(m *testing.M) {
	register(js.Global())
	os.Exit(m.Run())
}

func engine() js.Value { return js.Global().Get("__presenceSyncEngine") }

func now() int64 { return int64(js.Global().Get("Date").Call("now").Float()) }

func stringify(v js.Value) string { return js.Global().Get("JSON").Call("stringify", v).String() }

// waker is a wake function that reports each call on a channel.
type waker struct {
	fn  js.Func
	out chan struct{}
}

func newWaker(t *testing.T) *waker {
	w := &waker{out: make(chan struct{}, 16)}
	w.fn = js.FuncOf(func(js.Value, []js.Value) any {
		w.out <- struct{}{}
		return nil
	})
	t.Cleanup(w.fn.Release)
	return w
}

// engineUnderTest is one instance, driven as the shim drives it: every input
// through the exported path.
type engineUnderTest struct {
	t    *testing.T
	id   int32
	wake *waker
}

func mustCreate(t *testing.T, config string) *engineUnderTest {
	t.Helper()
	w := newWaker(t)
	r := engine().Call("create", config, w.fn)
	if !r.Get("ok").Bool() {
		t.Fatalf("create failed: %s", stringify(r))
	}
	e := &engineUnderTest{t: t, id: int32(r.Get("id").Int()), wake: w}
	t.Cleanup(e.stop)
	return e
}

// input is what bridge.js does: the input into the module's buffer, one call, the output read back.
func (e *engineUnderTest) input(s string) output {
	e.t.Helper()
	p := fastInput(int32(len(s)))
	copy(unsafe.Slice((*byte)(p), len(s)), s)
	n := fastHandle(e.id, int32(len(s)))
	raw := string(unsafe.Slice((*byte)(fastOutput()), n))
	var o output
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		e.t.Fatalf("output is not JSON: %v\n%s", err, raw)
	}
	return o
}

func (e *engineUnderTest) stop() { engine().Call("stop", e.id) }

func (e *engineUnderTest) stats() js.Value {
	return engine().Call("stats", js.ValueOf(map[string]any{"id": int(e.id)})).Get("instance")
}

// woken waits for the timer to call the shim's wake function.
func (e *engineUnderTest) woken(within time.Duration) bool {
	select {
	case <-e.wake.out:
		return true
	case <-time.After(within):
		return false
	}
}

func liveFuncs() int { return engine().Call("stats").Get("liveFuncs").Int() }

func TestRegistersTheModuleAPI(t *testing.T) {
	e := engine()
	if e.Get("version").String() != Version {
		t.Fatalf("version = %q", e.Get("version").String())
	}
	for _, f := range []string{"create", "stop", "stats", "lint"} {
		if e.Get(f).Type() != js.TypeFunction {
			t.Fatalf("%s is not a function", f)
		}
	}
}

func TestCreateRejectsInvalidRulesWithEveryProblem(t *testing.T) {
	w := newWaker(t)
	before, instances := liveFuncs(), engine().Call("stats").Get("instances").Int()
	cfg := `{"rules":{"rules":[{"name":"a","source":"Conect Agent State Change","operandA":"Connect Agent New State",
	 "comparator":"Equal to","operandB":"Static Value","operandBValue":"x","destination":"Salesforce Agent State","value":"x"},
	 {"name":"b","source":"Connect Agent State Change","operandA":"Connect Agent New State",
	 "comparator":"Bigger","operandB":"Static Value","operandBValue":"x","destination":"Salesforce Agent State","value":"x"}]}}`
	r := engine().Call("create", cfg, w.fn)
	if r.Get("ok").Bool() {
		t.Fatal("create accepted invalid rules")
	}
	err := r.Get("error")
	if err.Get("code").String() != "invalid-rules" {
		t.Fatalf("code = %q", err.Get("code").String())
	}
	problems := err.Get("problems")
	if n := problems.Length(); n != 2 {
		t.Fatalf("problems = %d, want 2 (one per bad rule): %s", n, stringify(err))
	}
	first := problems.Index(0)
	if first.Get("field").String() != "source" || first.Get("ruleName").String() != "a" || first.Get("ruleIndex").Int() != 0 ||
		first.Get("allowed").Length() == 0 || first.Get("suggestion").String() != "Connect Agent State Change" {
		t.Fatalf("the first problem does not locate the bad source: %s", stringify(first))
	}
	msg := err.Get("message").String()
	if !strings.Contains(msg, "Conect Agent State Change") || !strings.Contains(msg, "Bigger") {
		t.Fatalf("message does not name both problems: %s", msg)
	}
	if liveFuncs() != before || engine().Call("stats").Get("instances").Int() != instances {
		t.Fatal("a failed create left an instance or a js.Func behind")
	}
}

// lint reports what presencesync lint reports, located in the text it was given
// (line and column counted in that text), warnings included, and creates nothing.
func TestLintLocatesEveryProblemInTheText(t *testing.T) {
	before, instances := liveFuncs(), engine().Call("stats").Get("instances").Int()
	text := "{\n  \"rules\": [\n    {\"name\": \"a\", \"source\": \"Connect Agent State Change\",\n" +
		"     \"criteria\": {\"operandA\": \"Connect Agent New State\", \"comparator\": \"Equals\", \"operandB\": \"Static Value\", \"operandBValue\": \"Lunch\"},\n" +
		"     \"destination\": \"Salesforce Agent State\", \"state\": \"Lunch\"},\n" +
		"    {\"name\": \"b\", \"source\": \"Salesforce Agent Logout\",\n" +
		"     \"criteria\": {\"operandA\": \"Salesforce Agent New State\", \"comparator\": \"Equal to\", \"operandB\": \"Static Value\", \"operandBValue\": \"offline\"},\n" +
		"     \"destination\": \"Connect Agent State\", \"state\": \"Offline\"}\n  ]\n}"
	r := engine().Call("lint", text)
	if r.Get("ok").Bool() {
		t.Fatalf("lint passed a comparator that does not exist: %s", stringify(r))
	}
	ps := r.Get("problems")
	if ps.Length() != 2 {
		t.Fatalf("problems = %d, want the error and the Logout warning: %s", ps.Length(), stringify(r))
	}
	first, second := ps.Index(0), ps.Index(1)
	if first.Get("severity").String() != "error" || first.Get("field").String() != "criteria.comparator" ||
		first.Get("line").Int() != 4 || first.Get("column").Int() != 72 || first.Get("suggestion").String() != "Equal to" {
		t.Fatalf("the error is not located at the comparator's value (line 4, column 72): %s", stringify(first))
	}
	if second.Get("severity").String() != "warning" || second.Get("ruleName").String() != "b" || second.Get("line").Int() < 6 {
		t.Fatalf("the Logout rule's warning: %s", stringify(second))
	}
	if ok := engine().Call("lint", `{"rules":[]}`); !ok.Get("ok").Bool() || ok.Get("problems").Length() != 0 {
		t.Fatalf("an empty rules list: %s", stringify(ok))
	}
	if bad := engine().Call("lint", "{\n  \"rules\": [,]\n}"); bad.Get("ok").Bool() || bad.Get("problems").Index(0).Get("line").Int() != 2 {
		t.Fatalf("a JSON syntax error is located: %s", stringify(bad))
	}
	if none := engine().Call("lint"); none.Get("ok").Bool() || none.Get("problems").Index(0).Get("code").String() != "invalid-options" {
		t.Fatalf("lint(): %s", stringify(none))
	}
	if liveFuncs() != before || engine().Call("stats").Get("instances").Int() != instances {
		t.Fatal("lint left an instance or a js.Func behind")
	}
}

// groupRules is a configuration of n rules whose criteria are 5-member "all" groups.
func groupRules(n int) string {
	var b strings.Builder
	b.WriteString(`{"rules":{"rules":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		s := strconv.Itoa(i)
		b.WriteString(`{"name":"rule ` + s + `","source":"Connect Agent State Change","criteria":{"all":[` +
			`{"operandA":"Connect Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"State ` + s + `"},` +
			`{"operandA":"Connect Agent Old State","comparator":"Not equal to","operandB":"Static Value","operandBValue":"Unused"},` +
			`{"operandA":"Connect Routing Profile","comparator":"Not equal to","operandB":"Static Value","operandBValue":"Unused"},` +
			`{"operandA":"Connect Agent Next State","comparator":"Not equal to","operandB":"Static Value","operandBValue":"Unused"},` +
			`{"operandA":"Salesforce Agent New State","comparator":"Not equal to","operandB":"Static Value","operandBValue":"Unused"}]},` +
			`"destination":"Salesforce Agent State","state":"Status_` + s + `"}`)
	}
	b.WriteString(`]}}`)
	return b.String()
}

// gcPercentNow reads GOGC (SetGCPercent sets it and returns the old value).
func gcPercentNow() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// create compiles the rules without a collection (the tree it reads is live
// until the end, a collection would free nothing), and the collector resumes
// once create has returned, a valid create or not.
func TestCreatePausesTheCollectorUntilItHasReturned(t *testing.T) {
	if !gcPauses {
		t.Skip("the lean build (novert) does not pause the collector: gc_lean.go")
	}
	time.Sleep(10 * time.Millisecond) // the pause of an earlier create is over
	before := gcPercentNow()
	if before < 0 {
		t.Fatalf("GOGC is %d before create", before)
	}
	cfg := groupRules(1000)
	for _, c := range []string{cfg, strings.Replace(cfg, "Equal to", "Bigger", 1)} {
		w := newWaker(t)
		var m0, m1 runtime.MemStats
		runtime.GC() // no cycle under way (pausing the collector would finish it)
		runtime.ReadMemStats(&m0)
		r := engine().Call("create", c, w.fn)
		runtime.ReadMemStats(&m1)
		if r.Get("ok").Bool() {
			engine().Call("stop", r.Get("id"))
		} else if r.Get("error").Get("code").String() != "invalid-rules" {
			t.Fatalf("create: %s", stringify(r))
		}
		if m1.NumGC != m0.NumGC {
			t.Errorf("%d collections while create compiled %d KB of rules", m1.NumGC-m0.NumGC, len(c)>>10)
		}
		if m1.TotalAlloc-m0.TotalAlloc < m0.NextGC-m0.HeapAlloc {
			t.Fatalf("the compile allocated %d bytes, not enough to show a collection (next at %d)", m1.TotalAlloc-m0.TotalAlloc, m0.NextGC)
		}
		if p := gcPercentNow(); p != -1 {
			t.Fatalf("GOGC is %d just after create, want the pause (-1)", p)
		}
		time.Sleep(10 * time.Millisecond) // the page's timers run
		if p := gcPercentNow(); p != before {
			t.Fatalf("GOGC is %d once create has returned, want %d again", p, before)
		}
	}
}

func TestCreateNeedsConfigTextAndWake(t *testing.T) {
	w := newWaker(t)
	for name, args := range map[string][]any{
		"no wake":             {`{"rules":` + lunchRules + `}`},
		"config not text":     {js.Global().Get("Object").New(), w.fn},
		"wake not a function": {`{"rules":` + lunchRules + `}`, 42},
	} {
		r := engine().Call("create", args...)
		if r.Get("ok").Bool() || r.Get("error").Get("code").String() != "invalid-options" || r.Get("error").Get("problems").Length() != 0 {
			t.Errorf("%s: %s", name, stringify(r))
		}
	}
}

func TestModuleStatsReportGoHeap(t *testing.T) {
	st := engine().Call("stats", js.ValueOf(map[string]any{"gc": true}))
	if st.Get("heapInuse").Float() <= 0 || st.Get("heapAlloc").Float() <= 0 || st.Get("numGC").Float() < 1 || st.Get("go").String() == "" {
		t.Fatalf("stats: %s", stringify(st))
	}
	if !st.Get("instance").IsNull() {
		t.Fatal("stats without an id reports an instance")
	}
}

// The engine reads the page's clock once per input: the shim passes no time,
// and an input's own `now` is not read.
func TestTheModuleOwnsTheClock(t *testing.T) {
	e := mustCreate(t, `{"rules":`+lunchRules+`,"options":{"writeTimeoutMs":25,"retryBaseMs":10,"logLevel":"debug"}}`)
	if o := e.input(startInput); len(o.Errors) != 0 {
		t.Fatalf("start: %+v", o.Errors)
	}
	before := now()
	o := e.input(lunchEvent) // now: 1
	if len(o.Commands) != 1 || o.Commands[0].StatusID != "0N5xx0000000002" {
		t.Fatalf("commands = %+v", o.Commands)
	}
	// writeTimeoutMs 25 reached the engine, counted from the page's clock.
	if o.WakeAt < before+25 || o.WakeAt > now()+25 {
		t.Fatalf("wakeAt = %d, want the page's time + 25 (%d..%d)", o.WakeAt, before+25, now()+25)
	}
	if !e.stats().Get("timerOn").Bool() {
		t.Fatal("no timer armed for wakeAt")
	}
}

func TestEveryEntryRecoversPanicsAndKeepsWorking(t *testing.T) {
	e := mustCreate(t, `{"rules":`+lunchRules+`}`)
	e.input(startInput)
	in := live[e.id]
	s := in.s
	in.s = nil // the engine panics inside handle
	o := e.input(lunchEvent)
	in.s = s
	if len(o.Errors) != 1 || o.Errors[0].Code != "internal" || !strings.Contains(o.Errors[0].Message, "input skipped") {
		t.Fatalf("a panic in handle: %+v", o.Errors)
	}
	// A malformed input is the engine's invalid-event, not a crash.
	if o := e.input(`{"op":`); len(o.Errors) != 1 || o.Errors[0].Code != "invalid-event" {
		t.Fatalf("bad input: %+v", o.Errors)
	}
	// A length past the input buffer is refused, not read.
	if n := fastHandle(e.id, 1<<30); !strings.Contains(string(unsafe.Slice((*byte)(fastOutput()), n)), "not in the input buffer") {
		t.Fatal("an out-of-range length was read")
	}
	// The instance still works.
	if o := e.input(lunchEvent); len(o.Commands) != 1 || o.Commands[0].StatusID != "0N5xx0000000002" {
		t.Fatalf("after the panic: %+v", o)
	}
	// create and stats recover too.
	if r := engine().Call("create"); r.Get("ok").Bool() || r.Get("error").Get("code").String() != "invalid-options" {
		t.Fatalf("create(): %s", stringify(r))
	}
	engine().Call("stop", "not an id")
}

// The timer calls the shim's wake when wakeAt falls due; the shim answers with a
// tick input: the write's timeout, then its retry on the next wake.
func TestTheTimerWakesTheShim(t *testing.T) {
	e := mustCreate(t, `{"rules":`+lunchRules+`,"options":{"writeTimeoutMs":30,"retryBaseMs":20}}`)
	e.input(startInput)
	if o := e.input(lunchEvent); len(o.Commands) != 1 || o.WakeAt == 0 {
		t.Fatalf("no write or no wakeAt: %+v", o)
	}
	var timeout, retry bool
	deadline := time.Now().Add(3 * time.Second)
	for !(timeout && retry) && time.Now().Before(deadline) {
		if !e.woken(time.Until(deadline)) {
			break
		}
		o := e.input(tick)
		for _, x := range o.Errors {
			timeout = timeout || x.Code == "timeout"
		}
		for _, c := range o.Commands {
			retry = retry || c.Value == "Lunch"
		}
	}
	if !timeout || !retry {
		t.Fatalf("timeout=%v retry=%v after 3 s", timeout, retry)
	}
}

func TestStopReleasesEveryFuncAndListener(t *testing.T) {
	base := liveFuncs()
	hide := js.Global().Call("__listenerCount", "pagehide").Int()
	e := mustCreate(t, `{"rules":`+lunchRules+`,"options":{"writeTimeoutMs":20}}`)
	if liveFuncs() != base+2 || e.stats().Get("liveFuncs").Int() != 2 {
		t.Fatalf("create made %d js.Func, want 2 (the page listeners)", liveFuncs()-base)
	}
	if js.Global().Call("__listenerCount", "pagehide").Int() != hide+1 {
		t.Fatal("no pagehide listener")
	}
	e.input(startInput)
	e.input(lunchEvent)
	e.stop()
	if n := liveFuncs(); n != base {
		t.Fatalf("after stop %d js.Func are live, want %d", n, base)
	}
	if js.Global().Call("__listenerCount", "pagehide").Int() != hide ||
		js.Global().Call("__listenerCount", "pageshow").Int() != hide {
		t.Fatal("page listeners left behind")
	}
	if !e.stats().IsNull() {
		t.Fatal("a stopped instance still reports stats")
	}
	if e.woken(100 * time.Millisecond) {
		t.Fatal("the cleared timer woke the shim after stop")
	}
	if o := e.input(lunchEvent); len(o.Errors) != 1 || o.Errors[0].Code != "internal" || len(o.Commands) != 0 {
		t.Fatalf("an input after stop: %+v", o)
	}
	e.stop() // twice: nothing happens
	if liveFuncs() != base {
		t.Fatal("a second stop changed the count")
	}
}

func TestPagehidePausesTheTimerAndPageshowWakesAtOnce(t *testing.T) {
	e := mustCreate(t, `{"rules":`+lunchRules+`,"options":{"writeTimeoutMs":30}}`)
	e.input(startInput)
	e.input(lunchEvent)
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("pagehide"))
	st := e.stats()
	if !st.Get("hidden").Bool() || st.Get("timerOn").Bool() {
		t.Fatalf("pagehide did not clear the timer: %s", stringify(st))
	}
	if e.woken(80 * time.Millisecond) {
		t.Fatal("woken while hidden")
	}
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("pageshow"))
	if !e.woken(2 * time.Second) {
		t.Fatal("no wake after pageshow")
	}
	if o := e.input(tick); len(o.Errors) == 0 || o.Errors[0].Code != "timeout" {
		t.Fatalf("the tick after pageshow: %+v", o)
	}
}

// A timer armed for a write's timeout is kept when the write is answered (no
// clearTimeout and setTimeout per event): it wakes the shim early, the engine
// finds nothing due, and that tick arms the timer again for what is still due.
func TestTimerKeptUntilItFiresThenNothingDue(t *testing.T) {
	e := mustCreate(t, `{"rules":`+lunchRules+`,"options":{"writeTimeoutMs":40}}`)
	e.input(startInput)
	o := e.input(lunchEvent)
	if len(o.Commands) != 1 || o.WakeAt == 0 {
		t.Fatalf("no write or no wakeAt: %+v", o)
	}
	timersSet := func() int { return js.Global().Call("__timersSet").Int() }
	armed := timersSet()
	o = e.input(`{"op":"result","id":` + strconv.FormatInt(o.Commands[0].ID, 10) + `,"ok":true}`)
	if len(o.Actions) != 1 || o.Actions[0].Status != "applied" {
		t.Fatalf("the write was not applied: %+v", o)
	}
	if timersSet() != armed || !e.stats().Get("timerOn").Bool() {
		t.Fatalf("the timer was replaced or cleared: %d setTimeout calls, want %d", timersSet(), armed)
	}
	if !e.woken(3 * time.Second) {
		t.Fatal("the timer never fired")
	}
	early := e.input(tick)
	if len(early.Commands) != 0 || len(early.Errors) != 0 || len(early.Actions) != 0 || len(early.Decisions) != 0 {
		t.Fatalf("an early tick did something: %+v", early)
	}
	if early.WakeAt != o.WakeAt {
		t.Fatalf("the early tick's wakeAt is %d, want %d", early.WakeAt, o.WakeAt)
	}
	st := e.stats()
	if int64(st.Get("wakeAt").Float()) != o.WakeAt || (o.WakeAt > 0) != st.Get("timerOn").Bool() {
		t.Fatalf("after the tick: %s, engine wakeAt %d", stringify(st), o.WakeAt)
	}
}

func TestInternalOutputIsValidJSON(t *testing.T) {
	var o output
	if err := json.Unmarshal(internalOutput("bad \"thing\"\n", 42), &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Errors) != 1 || o.Errors[0].Code != "internal" || o.Errors[0].Message != "bad \"thing\"\n" || o.WakeAt != 42 {
		t.Fatalf("%+v", o)
	}
}
