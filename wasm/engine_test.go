//go:build js && wasm

package main

// These tests run the module under Node:
//
//	GOOS=js GOARCH=wasm go test -exec="$PWD/wasm/testdata/go_js_wasm_exec" ./wasm/
//
// (make test does this). testdata/node-window.cjs gives Node the window-level
// APIs a browser has.

import (
	"encoding/json"
	"os"
	"reflect"
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

const startInput = `{"op":"start","now":%NOW%,
 "connect":{"state":"Available","states":[{"name":"Available","type":"routable"},{"name":"Lunch","type":"not_routable"}]},
 "salesforce":{"status":{"statusId":"0N5xx0000000001","statusApiName":"Available","statusName":"Available"},
   "statuses":[{"id":"0N5xx0000000001","developerName":"Available","label":"Available"},
               {"id":"0N5xx0000000002","developerName":"Lunch","label":"Lunch"}]}}`

const lunchEvent = `{"op":"event","now":%NOW%,"event":{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"}}`

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

func withNow(s string) string {
	return strings.ReplaceAll(s, "%NOW%", strconv.FormatInt(int64(js.Global().Get("Date").Call("now").Float()), 10))
}

func parse(t *testing.T, v js.Value) output {
	t.Helper()
	if v.Type() != js.TypeString {
		t.Fatalf("output is a %s, not a JSON string", v.Type())
	}
	var o output
	if err := json.Unmarshal([]byte(v.String()), &o); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, v.String())
	}
	return o
}

// emitter is an emit function that forwards outputs to a channel.
type emitter struct {
	fn  js.Func
	out chan string
}

func newEmitter() *emitter {
	e := &emitter{out: make(chan string, 16)}
	e.fn = js.FuncOf(func(_ js.Value, args []js.Value) any {
		e.out <- args[0].String()
		return nil
	})
	return e
}

func mustCreate(t *testing.T, config any, emit *emitter) js.Value {
	t.Helper()
	inst := engine().Call("create", config, emit.fn)
	if !inst.Get("ok").Bool() {
		t.Fatalf("create failed: %s", js.Global().Get("JSON").Call("stringify", inst).String())
	}
	return inst
}

func liveFuncs() int { return engine().Call("stats").Get("liveFuncs").Int() }

func TestRegistersVersionAndCreate(t *testing.T) {
	e := engine()
	if e.Get("version").String() != Version {
		t.Fatalf("version = %q", e.Get("version").String())
	}
	if e.Get("create").Type() != js.TypeFunction {
		t.Fatal("create is not a function")
	}
}

func TestCreateRejectsInvalidRulesWithEveryProblem(t *testing.T) {
	em := newEmitter()
	defer em.fn.Release()
	before := liveFuncs()
	cfg := `{"rules":{"rules":[{"name":"a","source":"Conect Agent State Change","operandA":"Connect Agent New State",
	 "comparator":"Equal to","operandB":"Static Value","operandBValue":"x","destination":"Salesforce Agent State","value":"x"},
	 {"name":"b","source":"Connect Agent State Change","operandA":"Connect Agent New State",
	 "comparator":"Bigger","operandB":"Static Value","operandBValue":"x","destination":"Salesforce Agent State","value":"x"}]}}`
	r := engine().Call("create", cfg, em.fn)
	if r.Get("ok").Bool() {
		t.Fatal("create accepted invalid rules")
	}
	err := r.Get("error")
	if err.Get("code").String() != "invalid-rules" {
		t.Fatalf("code = %q", err.Get("code").String())
	}
	if n := err.Get("problems").Length(); n != 2 {
		t.Fatalf("problems = %d, want 2 (one per bad rule)", n)
	}
	msg := err.Get("message").String()
	if !strings.Contains(msg, "Conect Agent State Change") || !strings.Contains(msg, "Bigger") {
		t.Fatalf("message does not name both problems: %s", msg)
	}
	if liveFuncs() != before {
		t.Fatalf("a failed create left %d js.Func live", liveFuncs()-before)
	}
}

func TestModuleStatsReportGoHeap(t *testing.T) {
	st := engine().Call("stats", js.ValueOf(map[string]any{"gc": true}))
	if st.Get("heapInuse").Float() <= 0 || st.Get("heapAlloc").Float() <= 0 || st.Get("numGC").Float() < 1 {
		t.Fatalf("stats: %s", js.Global().Get("JSON").Call("stringify", st).String())
	}
	if st.Get("go").String() == "" {
		t.Fatal("no Go version")
	}
}

func TestCreateNeedsEmit(t *testing.T) {
	r := engine().Call("create", `{"rules":`+lunchRules+`}`)
	if r.Get("ok").Bool() || r.Get("error").Get("code").String() != "invalid-options" {
		t.Fatalf("create without emit: %s", js.Global().Get("JSON").Call("stringify", r).String())
	}
}

func TestCreateFromObjectConvertsOptions(t *testing.T) {
	em := newEmitter()
	defer em.fn.Release()
	doc := js.Global().Get("JSON").Call("parse", lunchRules)
	obj := js.Global().Get("Object").New()
	obj.Set("rules", doc)
	opts := js.Global().Get("Object").New()
	opts.Set("writeTimeoutMs", 25)
	opts.Set("retryBaseMs", 10)
	opts.Set("logLevel", "debug") // the shim's own option: ignored by the engine
	obj.Set("options", opts)
	inst := mustCreate(t, obj, em)
	defer inst.Call("stop")

	parse(t, inst.Call("handle", withNow(startInput)))
	o := parse(t, inst.Call("handle", withNow(lunchEvent)))
	if len(o.Commands) != 1 {
		t.Fatalf("commands = %+v", o.Commands)
	}
	// writeTimeoutMs 25 reached the engine: its wakeAt is 25 ms away, not 5 s.
	if d := o.WakeAt - int64(js.Global().Get("Date").Call("now").Float()); d > 1000 {
		t.Fatalf("wakeAt is %d ms away: the writeTimeoutMs option was lost", d)
	}

	bad := js.Global().Get("Object").New()
	bad.Set("rules", lunchRules)
	badOpts := js.Global().Get("Object").New()
	badOpts.Set("echoWindowMs", "soon")
	bad.Set("options", badOpts)
	r := engine().Call("create", bad, em.fn)
	if r.Get("ok").Bool() || !strings.Contains(r.Get("error").Get("message").String(), "echoWindowMs") {
		t.Fatalf("a string echoWindowMs was not named: %s", js.Global().Get("JSON").Call("stringify", r).String())
	}
}

func TestHandleRecoversPanicsAndKeepsWorking(t *testing.T) {
	em := newEmitter()
	defer em.fn.Release()
	inst := mustCreate(t, `{"rules":`+lunchRules+`}`, em)
	defer inst.Call("stop")
	parse(t, inst.Call("handle", withNow(startInput)))

	for _, bad := range []js.Value{js.Global().Get("Object").New(), js.ValueOf(42), js.Null()} {
		o := parse(t, inst.Call("handle", bad))
		if len(o.Errors) != 1 || o.Errors[0].Code != "internal" {
			t.Fatalf("handle(%s) = %+v, want one internal error", bad.Type(), o.Errors)
		}
	}
	o := parse(t, inst.Call("handle"))
	if len(o.Errors) != 1 || o.Errors[0].Code != "internal" {
		t.Fatalf("handle() = %+v", o.Errors)
	}
	// A malformed event is the engine's invalid-event, not a crash.
	o = parse(t, inst.Call("handle", `{"op":"event","now":1,"event":{"type":"Connect Agent State Change","newState":{"x":1}}}`))
	if len(o.Errors) != 1 || o.Errors[0].Code != "invalid-event" {
		t.Fatalf("malformed event: %+v", o.Errors)
	}
	// The instance still works.
	o = parse(t, inst.Call("handle", withNow(lunchEvent)))
	if len(o.Commands) != 1 || o.Commands[0].StatusID != "0N5xx0000000002" {
		t.Fatalf("after the panics: %+v", o)
	}
}

func TestHandleAcceptsBytes(t *testing.T) {
	em := newEmitter()
	defer em.fn.Release()
	inst := mustCreate(t, `{"rules":`+lunchRules+`}`, em)
	defer inst.Call("stop")
	in := []byte(withNow(startInput))
	u8 := js.Global().Get("Uint8Array").New(len(in))
	js.CopyBytesToJS(u8, in)
	o := parse(t, inst.Call("handle", u8))
	if len(o.Errors) != 0 {
		t.Fatalf("errors: %+v", o.Errors)
	}
}

func TestTimerTicksThroughEmit(t *testing.T) {
	em := newEmitter()
	defer em.fn.Release()
	inst := mustCreate(t, `{"rules":`+lunchRules+`,"options":{"writeTimeoutMs":30,"retryBaseMs":20}}`, em)
	defer inst.Call("stop")
	parse(t, inst.Call("handle", withNow(startInput)))
	o := parse(t, inst.Call("handle", withNow(lunchEvent)))
	if len(o.Commands) != 1 || o.WakeAt == 0 {
		t.Fatalf("no write or no wakeAt: %+v", o)
	}
	if !inst.Call("stats").Get("timerOn").Bool() {
		t.Fatal("no timer armed for wakeAt")
	}
	// The write is never answered: the timer fires, the engine reports a timeout and
	// schedules the retry, and the next tick issues it.
	var timeout, retry bool
	deadline := time.After(3 * time.Second)
	for !(timeout && retry) {
		select {
		case s := <-em.out:
			o := parse(t, js.ValueOf(s))
			for _, e := range o.Errors {
				if e.Code == "timeout" {
					timeout = true
				}
			}
			for _, c := range o.Commands {
				if c.Value == "Lunch" {
					retry = true
				}
			}
		case <-deadline:
			t.Fatalf("timeout=%v retry=%v after 3 s", timeout, retry)
		}
	}
	if inst.Call("stats").Get("ticks").Int() < 2 {
		t.Fatal("ticks were not counted")
	}
}

func TestStopReleasesEveryFuncAndListener(t *testing.T) {
	em := newEmitter()
	defer em.fn.Release()
	base := liveFuncs()
	hide := js.Global().Call("__listenerCount", "pagehide").Int()
	inst := mustCreate(t, `{"rules":`+lunchRules+`,"options":{"writeTimeoutMs":20}}`, em)
	if liveFuncs() <= base {
		t.Fatal("create made no js.Func")
	}
	if js.Global().Call("__listenerCount", "pagehide").Int() != hide+1 {
		t.Fatal("no pagehide listener")
	}
	parse(t, inst.Call("handle", withNow(startInput)))
	parse(t, inst.Call("handle", withNow(lunchEvent)))
	inst.Call("stop")
	if n := liveFuncs(); n != base {
		t.Fatalf("after stop %d js.Func are live, want %d", n, base)
	}
	if js.Global().Call("__listenerCount", "pagehide").Int() != hide ||
		js.Global().Call("__listenerCount", "pageshow").Int() != hide {
		t.Fatal("window listeners left behind")
	}
	// The cleared timer does not fire: nothing is emitted.
	select {
	case s := <-em.out:
		t.Fatalf("emitted after stop: %s", s)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestPagehidePausesTimerAndPageshowCatchesUp(t *testing.T) {
	em := newEmitter()
	defer em.fn.Release()
	inst := mustCreate(t, `{"rules":`+lunchRules+`,"options":{"writeTimeoutMs":30}}`, em)
	defer inst.Call("stop")
	parse(t, inst.Call("handle", withNow(startInput)))
	parse(t, inst.Call("handle", withNow(lunchEvent)))
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("pagehide"))
	st := inst.Call("stats")
	if !st.Get("hidden").Bool() || st.Get("timerOn").Bool() {
		t.Fatal("pagehide did not clear the timer")
	}
	select {
	case s := <-em.out:
		t.Fatalf("emitted while hidden: %s", s)
	case <-time.After(80 * time.Millisecond):
	}
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("pageshow"))
	select {
	case s := <-em.out:
		o := parse(t, js.ValueOf(s))
		if len(o.Errors) == 0 || o.Errors[0].Code != "timeout" {
			t.Fatalf("after pageshow: %+v", o)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no tick after pageshow")
	}
}

// The shim's bridge makes handle a function that calls the exported hot path
// (fast.go); its outputs are the js.Func's.
func TestFastPathThroughExports(t *testing.T) {
	em := newEmitter()
	defer em.fn.Release()
	var gotID int
	var slow js.Value
	var fastFn js.Func
	bridge := js.FuncOf(func(_ js.Value, args []js.Value) any {
		gotID, slow = args[0].Int(), args[1]
		fastFn = js.FuncOf(func(_ js.Value, a []js.Value) any { return slow.Invoke(a[0]) })
		return fastFn
	})
	defer bridge.Release()
	inst := engine().Call("create", `{"rules":`+lunchRules+`}`, em.fn, bridge)
	defer fastFn.Release()
	if !inst.Get("ok").Bool() || !inst.Call("stats").Get("fast").Bool() || gotID == 0 {
		t.Fatalf("the bridge was not used: %s", js.Global().Get("JSON").Call("stringify", inst).String())
	}
	if !inst.Get("handle").Equal(fastFn.Value) {
		t.Fatal("handle is not the bridge's function")
	}
	call := func(input string) output {
		t.Helper()
		p := fastInput(int32(len(input)))
		copy(unsafe.Slice((*byte)(p), len(input)), input)
		n := fastHandle(int32(gotID), int32(len(input)))
		return parse(t, js.ValueOf(string(unsafe.Slice((*byte)(fastOutput()), n))))
	}
	if o := call(withNow(startInput)); len(o.Errors) != 0 {
		t.Fatalf("start: %+v", o.Errors)
	}
	o := call(withNow(lunchEvent))
	if len(o.Commands) != 1 || o.Commands[0].StatusID != "0N5xx0000000002" || o.WakeAt == 0 {
		t.Fatalf("event: %+v", o)
	}
	if !inst.Call("stats").Get("timerOn").Bool() {
		t.Fatal("the exported path armed no timer")
	}
	// A bad input is an error output, and the instance keeps working.
	if o := call(`{"op":`); len(o.Errors) != 1 || o.Errors[0].Code != "invalid-event" {
		t.Fatalf("bad input: %+v", o.Errors)
	}
	if o := call(`{"op":"result","now":1,"id":` + strconv.FormatInt(o.Commands[0].ID, 10) + `,"ok":true}`); len(o.Errors) != 0 {
		t.Fatalf("result: %+v", o.Errors)
	}
	// A length past the buffer is refused, not read.
	if n := fastHandle(int32(gotID), 1<<30); !strings.Contains(string(unsafe.Slice((*byte)(fastOutput()), n)), "internal") {
		t.Fatal("an out-of-range length was read")
	}
	inst.Call("stop")
	if o := call(withNow(lunchEvent)); len(o.Errors) != 1 || o.Errors[0].Code != "internal" || len(o.Commands) != 0 {
		t.Fatalf("after stop: %+v", o)
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

// TestResultObjectsMatchTheirTags checks toJS (convert_lean.go by default,
// convert_vert.go with -tags vert) against the structs' `js` tags, field by field,
// so the two builds cannot drift apart: a field added to a struct but not to the
// lean conversion fails here.
func TestResultObjectsMatchTheirTags(t *testing.T) {
	values := []any{
		createResult{OK: true, Version: "v9"},
		createFailure{OK: false},
		moduleStats{LiveFuncs: 3, Instances: 2, Go: "go1.x", HeapAlloc: 1024, HeapInuse: 4096, NumGC: 7},
		instanceStats{LiveFuncs: 4, TimerOn: true, WakeAt: 1700000000123, Ticks: 9, Stopped: false, Hidden: true, Fast: true},
	}
	for _, v := range values {
		rv := reflect.ValueOf(v)
		t.Run(rv.Type().Name(), func(t *testing.T) {
			o := toJS(v)
			keys := js.Global().Get("Object").Call("keys", o)
			if got, want := keys.Length(), rv.NumField(); got != want {
				t.Errorf("%d keys, want %d: %s", got, want, js.Global().Get("JSON").Call("stringify", o).String())
			}
			for i := 0; i < rv.NumField(); i++ {
				tag := rv.Type().Field(i).Tag.Get("js")
				got := o.Get(tag)
				switch f := rv.Field(i); f.Kind() {
				case reflect.Bool:
					if got.Type() != js.TypeBoolean || got.Bool() != f.Bool() {
						t.Errorf("%s = %v, want %v", tag, got, f.Bool())
					}
				case reflect.Int, reflect.Float64:
					want := f.Convert(reflect.TypeOf(0.0)).Float()
					if got.Type() != js.TypeNumber || got.Float() != want {
						t.Errorf("%s = %v, want %v", tag, got, want)
					}
				case reflect.String:
					if got.Type() != js.TypeString || got.String() != f.String() {
						t.Errorf("%s = %v, want %q", tag, got, f.String())
					}
				default:
					t.Fatalf("%s: kind %s not covered by this test", tag, f.Kind())
				}
			}
		})
	}
}

// A timer armed for a write's timeout is kept when the write is answered (no
// clearTimeout and setTimeout per event): it fires early, the engine finds
// nothing due, and the tick leaves no timer behind.
func TestTimerKeptUntilItFiresThenNothingDue(t *testing.T) {
	em := newEmitter()
	defer em.fn.Release()
	inst := mustCreate(t, `{"rules":`+lunchRules+`,"options":{"writeTimeoutMs":40}}`, em)
	defer inst.Call("stop")
	parse(t, inst.Call("handle", withNow(startInput)))
	o := parse(t, inst.Call("handle", withNow(lunchEvent)))
	if len(o.Commands) != 1 || o.WakeAt == 0 {
		t.Fatalf("no write or no wakeAt: %+v", o)
	}
	timersSet := func() int { return js.Global().Call("__timersSet").Int() }
	armed := timersSet()
	o = parse(t, inst.Call("handle", withNow(`{"op":"result","now":%NOW%,"id":`+strconv.FormatInt(o.Commands[0].ID, 10)+`,"ok":true}`)))
	if len(o.Actions) != 1 || o.Actions[0].Status != "applied" {
		t.Fatalf("the write was not applied: %+v", o)
	}
	if timersSet() != armed || !inst.Call("stats").Get("timerOn").Bool() {
		t.Fatalf("the timer was replaced or cleared: %d setTimeout calls, want %d", timersSet(), armed)
	}
	select {
	case s := <-em.out:
		early := parse(t, js.ValueOf(s))
		if len(early.Commands) != 0 || len(early.Errors) != 0 || len(early.Actions) != 0 || len(early.Decisions) != 0 {
			t.Fatalf("an early tick did something: %s", s)
		}
		if early.WakeAt != o.WakeAt {
			t.Fatalf("the early tick's wakeAt is %d, want %d", early.WakeAt, o.WakeAt)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the timer never fired")
	}
	st := inst.Call("stats")
	// Armed again exactly when something is still due, for that time.
	if int64(st.Get("wakeAt").Float()) != o.WakeAt || (o.WakeAt > 0) != st.Get("timerOn").Bool() {
		t.Fatalf("after the tick: %s, engine wakeAt %d", js.Global().Get("JSON").Call("stringify", st).String(), o.WakeAt)
	}
}
