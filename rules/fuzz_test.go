package rules

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fuzzSeedDocs are the rules documents the fuzzers start from: the lint
// documents and the project's rule files.
func fuzzSeedDocs(f *testing.F) [][]byte {
	var out [][]byte
	for _, pattern := range []string{"../testdata/lint/*.json", "../testdata/rules/*.json"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, data)
		}
	}
	return out
}

// FuzzParse: no input makes Parse panic; every diagnostic is well formed; the
// runtime's compile agrees with lint and Compile; a document without errors
// compiles, and writing its rules back out and parsing them again gives the
// same rules.
func FuzzParse(f *testing.F) {
	for _, d := range fuzzSeedDocs(f) {
		f.Add(d)
	}
	for _, s := range []string{``, `null`, `{}`, `[]`, `"rules"`, `{"rules": null}`, `{"rules": [null, 1, "x", [], {}]}`,
		`{"rules": [{"name": "a\"b\\", "source": "\u0043onnect Agent State Change"}]}`,
		`{"rules": [], "rules": [{}]}`, `{"rules":[{"operandBValue": 1e999}]}`, `{"rules":[{"operandBValue": -0}]}`,
		"{\"rules\":[{\"name\":\"\xff\xfe\"}]}", "\xef\xbb\xbf{\"rules\":[]}", `{"rules":[]} trailing`,
		`{"rules":[{"source":"Connect Agent State Change","operandA":"Static Value","operandAValue":"1","comparator":"Equal to","operandB":"Static Value","operandBValue":1,"destination":"Salesforce Agent State","value":"x"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, diags := Parse(data)
		for _, d := range diags {
			if d.Severity != SeverityError && d.Severity != SeverityWarning {
				t.Fatalf("bad severity %q", d.Severity)
			}
			if d.Code == "" || d.Message == "" {
				t.Fatalf("diagnostic without code or message: %+v", d)
			}
			if d.Line < 1 || d.Column < 1 {
				t.Fatalf("diagnostic not located: %+v", d)
			}
			if d.RuleIndex < -1 || (doc != nil && d.RuleIndex >= len(doc.Rules)) {
				t.Fatalf("diagnostic for rule %d of %v", d.RuleIndex, doc)
			}
			_ = d.String()
		}
		if _, err := json.Marshal(diags); err != nil {
			t.Fatalf("diagnostics do not encode: %v", err)
		}
		checkRuntimeAgrees(t, data) // the runtime's compile finds lint's errors (compile_test.go)
		eng, err := Compile(data)
		if diags.HasErrors() {
			if err == nil {
				t.Fatal("Compile accepted a document with errors")
			}
			if e, ok := err.(*Error); !ok || e.Code != CodeInvalidRules || len(e.Problems) != len(diags) {
				t.Fatalf("Compile error %#v", err)
			}
			return
		}
		if doc == nil || err != nil {
			t.Fatalf("no errors but doc=%v err=%v", doc, err)
		}
		if len(eng.Rules()) != len(doc.Rules) {
			t.Fatal("compiled rules differ from the document")
		}
		again := roundTrip(t, doc)
		doc2, diags2 := Parse(again)
		if diags2.HasErrors() {
			t.Fatalf("the rules written back do not parse:\n%s\n%s", again, diags2.Errors())
		}
		requireSameRules(t, "round trip", doc, doc2)
	})
}

func sameStatic(o Operand, a, b Value) bool {
	if o != OperandStatic {
		return true
	}
	if a.Kind != b.Kind {
		return false
	}
	if a.Kind == Number {
		return a.Num == b.Num
	}
	return a.Str == b.Str
}

// requireSameRules fails unless doc2 holds doc's rules, field by field and
// criterion by criterion; what names the step that made doc2.
func requireSameRules(t *testing.T, what string, doc, doc2 *Document) {
	t.Helper()
	if len(doc2.Rules) != len(doc.Rules) {
		t.Fatalf("%s: %d rules, then %d", what, len(doc.Rules), len(doc2.Rules))
	}
	for i := range doc.Rules {
		a, b := doc.Rules[i], doc2.Rules[i]
		if a.Name != b.Name || a.Active != b.Active || a.Source != b.Source || a.Destination != b.Destination ||
			a.Value != b.Value || a.CooldownMs != b.CooldownMs || !sameCriteria(a.Criteria, b.Criteria) {
			t.Fatalf("%s changed rules[%d]:\n%+v\n%+v", what, i, a, b)
		}
	}
}

// sameCriteria compares two criteria trees node by node (paths aside: the
// record form's criterion has none).
func sameCriteria(a, b Criteria) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Join != y.Join || x.End != y.End || x.Depth != y.Depth || x.OperandA != y.OperandA || x.Comparator != y.Comparator ||
			x.OperandB != y.OperandB || !sameStatic(x.OperandA, x.OperandAValue, y.OperandAValue) || !sameStatic(x.OperandB, x.OperandBValue, y.OperandBValue) {
			return false
		}
	}
	return true
}

// criteriaJSON writes node i of a criteria tree in the canonical shape.
func criteriaJSON(c Criteria, i int) map[string]any {
	n := c[i]
	if n.Join != JoinNone {
		var members []any
		c.members(i, func(m int) bool { members = append(members, criteriaJSON(c, m)); return true })
		return map[string]any{n.Join.String(): members}
	}
	m := map[string]any{"operandA": n.OperandA, "comparator": n.Comparator, "operandB": n.OperandB}
	if n.OperandA == OperandStatic {
		m["operandAValue"] = staticJSON(n.OperandAValue)
	}
	if n.OperandB == OperandStatic {
		m["operandBValue"] = staticJSON(n.OperandBValue)
	}
	return m
}

// roundTrip writes a document's rules back out in the canonical shape, from
// the parsed rules: labels as documented, static values only where the
// operand is Static Value.
func roundTrip(t *testing.T, doc *Document) []byte {
	rules := make([]map[string]any, len(doc.Rules))
	for i, r := range doc.Rules {
		m := map[string]any{"name": r.Name, "active": r.Active, "source": r.Source, "criteria": criteriaJSON(r.Criteria, 0),
			"destination": r.Destination, "state": r.Value}
		if r.CooldownMs != 0 {
			m["cooldownMs"] = r.CooldownMs
		}
		rules[i] = m
	}
	out := map[string]any{"rules": rules}
	if len(doc.Connect.States) > 0 {
		out["connect"] = doc.Connect
	}
	if len(doc.Salesforce.Statuses)+len(doc.Salesforce.ServiceChannels) > 0 {
		out["salesforce"] = doc.Salesforce
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatalf("cannot write the document back: %v", err)
	}
	return b
}

// staticJSON keeps a static value's kind: text stays a string, a number given
// as a JSON number stays one.
func staticJSON(v Value) any {
	if v.Kind == Number && v.Str != "" && json.Valid([]byte(v.Str)) {
		return json.RawMessage(v.Str)
	}
	return v.Str
}

// FuzzDecodeEvent: no input makes DecodeEvent panic; an error is an
// invalid-event *Error; an event decodes to the same event after encoding.
func FuzzDecodeEvent(f *testing.F) {
	for _, s := range []string{
		`{"type": "Connect Agent State Change", "oldState": "Available", "newState": "Lunch"}`,
		`{"type": "Salesforce Agent State Change", "statusId": "0N5xx0000000002", "statusApiName": "Lunch", "statusName": "Lunch", "reason": "OmniManualStatusChange"}`,
		`{"type": "Salesforce Agent Logout"}`,
		`{"type": "Salesforce Work Accepted", "workItemId": "500xx000000abcd", "workId": "0Bzxx0000000001", "serviceChannel": "sfdc_case"}`,
		`{"type": "Salesforce Workload Changed", "configuredCapacity": 5, "previousWorkload": 0, "newWorkload": 2}`,
		`{"type": "salesforceWorkloadChanged", "ConfiguredCapacity": "5", "previousWorkload": "", "newWorkload": "2.5"}`,
		`{"type": "Salesforce Workload Changed", "newWorkload": "abc"}`,
		`{"type": "Salesforce Workload Changed", "newWorkload": 1e400}`,
		`{"type": "Connect Agent State Change", "newState": {"name": "Lunch"}}`,
		`{"type": "Connect Agent State Change"}`, `{"type": 3}`, `{"type": "Nope"}`, `{}`, `null`, `[]`, `"x"`, ``,
		`{"type": "Connect Agent State Change", "newState": "\u003c\u00e9\ud83d\ude00"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := DecodeEvent(data)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Code != CodeInvalidEvent || e.Message == "" {
				t.Fatalf("error %#v", err)
			}
			return
		}
		if ev.Type <= SourceNone || ev.Type >= numSources {
			t.Fatalf("decoded an event of type %d", ev.Type)
		}
		for _, n := range []OptNum{ev.ConfiguredCapacity, ev.PreviousWorkload, ev.NewWorkload} {
			if n.OK && (math.IsNaN(n.V) || math.IsInf(n.V, 0)) {
				t.Fatalf("non-finite number %v", n.V)
			}
		}
		for _, s := range []string{ev.OldState, ev.NewState, ev.StatusID, ev.StatusAPIName, ev.StatusName, ev.Reason,
			ev.WorkItemID, ev.WorkID, ev.ServiceChannel, ev.StateType, ev.NextState, ev.RoutingProfile} {
			if len(s) > 1000 {
				return // re-encoding may grow it past the length limit
			}
		}
		// The engine's own writer: it keeps an empty contacts list and an empty next state.
		w := jw{}
		w.event(&ev)
		ev2, err := DecodeEvent(w.b)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", w.b, err)
		}
		if !reflect.DeepEqual(ev2, ev) {
			t.Fatalf("round trip changed the event:\n%+v\n%+v", ev, ev2)
		}
	})
}

// fuzzRules is the fixed rule set FuzzEvaluate runs against: every operand and
// comparator, several rules per destination, inactive rules.
var fuzzRules = []byte(`{"rules": [
 {"name":"c-lunch","source":"Connect Agent State Change","operandA":"Connect Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Lunch","destination":"Salesforce Agent State","value":"Lunch"},
 {"name":"c-not-avail","source":"Connect Agent State Change","operandA":"Connect Agent New State","comparator":"Not equal to","operandB":"Static Value","operandBValue":"Available","destination":"Salesforce Agent State","value":"Busy"},
 {"name":"c-old","source":"Connect Agent State Change","operandA":"Connect Agent Old State","comparator":"Equal to","operandB":"Connect Agent New State","destination":"Connect Agent State","value":"Available"},
 {"name":"c-omni","source":"Connect Agent State Change","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Offline","destination":"Connect Agent State","value":"Offline"},
 {"name":"c-inactive","active":false,"source":"Connect Agent State Change","operandA":"Connect Agent New State","comparator":"Not equal to","operandB":"Static Value","operandBValue":"x","destination":"Salesforce Agent State","value":"Never"},
 {"name":"s-break","source":"Salesforce Agent State Change","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Break","destination":"Connect Agent State","value":"Break"},
 {"name":"s-100","source":"Salesforce Agent State Change","operandA":"Static Value","operandAValue":"100","comparator":"Equal to","operandB":"Salesforce Agent New State","destination":"Connect Agent State","value":"Hundred"},
 {"name":"logout","source":"Salesforce Agent Logout","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Offline","destination":"Connect Agent State","value":"Offline"},
 {"name":"w-case","source":"Salesforce Work Accepted","operandA":"Salesforce Service Channel","comparator":"Equal to","operandB":"Static Value","operandBValue":"sfdc_case","destination":"Connect Agent State","value":"Cases"},
 {"name":"w-avail","source":"Salesforce Work Accepted","operandA":"Connect Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Available","destination":"Connect Agent State","value":"Busy Omni"},
 {"name":"l-full","source":"Salesforce Workload Changed","operandA":"Salesforce New Workload Pct","comparator":"Greater than or equal to","operandB":"Static Value","operandBValue":100,"destination":"Connect Agent State","value":"Full"},
 {"name":"l-gt","source":"Salesforce Workload Changed","operandA":"Salesforce New Workload","comparator":"Greater than","operandB":"Salesforce Previous Workload","destination":"Connect Agent State","value":"Rising"},
 {"name":"l-prevpct","source":"Salesforce Workload Changed","operandA":"Salesforce Previous Workload Pct","comparator":"Less than","operandB":"Static Value","operandBValue":"50","destination":"Salesforce Agent State","value":"Low"},
 {"name":"l-cap","source":"Salesforce Workload Changed","operandA":"Salesforce Configured Capacity","comparator":"Less than or equal to","operandB":"Salesforce New Workload","destination":"Salesforce Agent State","value":"AtCap"},
 {"name":"l-zero","source":"Salesforce Workload Changed","operandA":"Salesforce New Workload","comparator":"Equal to","operandB":"Static Value","operandBValue":0,"destination":"Connect Agent State","value":"Available"},
 {"name":"c-group","source":"Connect Agent State Change","criteria":{"all":[{"operandA":"Connect Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Lunch"},{"any":[{"operandA":"Connect Routing Profile","comparator":"Equal to","operandB":"Static Value","operandBValue":"Sales"},{"operandA":"Salesforce New Workload Pct","comparator":"Less than","operandB":"Static Value","operandBValue":50}]}]},"destination":"Connect Agent State","state":"Sales Lunch"},
 {"name":"s-reason","source":"Salesforce Agent State Change","criteria":{"any":[{"operandA":"Salesforce Change Reason","comparator":"Equal to","operandB":"Static Value","operandBValue":"OmniPushTimeout"},{"operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Break"}]},"destination":"Salesforce Agent State","state":"Away"},
 {"name":"logout-supervisor","source":"Salesforce Agent Logout","criteria":{"all":[{"operandA":"Salesforce Change Reason","comparator":"Equal to","operandB":"Static Value","operandBValue":"OmniSupervisorLogout"},{"operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Offline"}]},"destination":"Salesforce Agent State","state":"Offline"}
]}`)

// FuzzEvaluate: random events and snapshots against a fixed rule set never
// panic and keep the invariants of Semantics 1, 5 and 13.
func FuzzEvaluate(f *testing.F) {
	eng, err := Compile(fuzzRules)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(`{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"}`, "Available", "Available", "", 5.0, 1.0, 2.0)
	f.Add(`{"type":"Connect Agent State Change","oldState":"Lunch","newState":"Lunch"}`, "Lunch", "Offline", "", 0.0, 0.0, 0.0)
	f.Add(`{"type":"Salesforce Agent State Change","statusApiName":"100"}`, "Available", "Lunch", "", 5.0, 1.0, 2.0)
	f.Add(`{"type":"Salesforce Agent State Change","statusApiName":"Break"}`, "Busy", "Lunch", "", 5.0, 1.0, 2.0)
	f.Add(`{"type":"Salesforce Agent Logout"}`, "Available", "Lunch", "sfdc_case", 5.0, 1.0, 2.0)
	f.Add(`{"type":"Salesforce Agent Logout","reason":"OmniSupervisorLogout"}`, "Available", "Lunch", "", 5.0, 1.0, 2.0)
	f.Add(`{"type":"Connect Agent State Change","newState":"Lunch","routingProfile":"Sales"}`, "Available", "Lunch", "", 5.0, 1.0, 2.0)
	f.Add(`{"type":"Salesforce Agent State Change","statusApiName":"Lunch","reason":"OmniPushTimeout"}`, "Available", "Lunch", "", 5.0, 1.0, 2.0)
	f.Add(`{"type":"Salesforce Work Accepted","workItemId":"500xx"}`, "Available", "Lunch", "sfdc_case", 5.0, 1.0, 2.0)
	f.Add(`{"type":"Salesforce Workload Changed","configuredCapacity":4,"previousWorkload":1,"newWorkload":4}`, "Available", "Lunch", "", 0.0, 0.0, 0.0)
	f.Add(`{"type":"Salesforce Workload Changed","newWorkload":"3"}`, "Available", "Lunch", "", 3.0, 1.0, 2.0)
	f.Add(`{"type":"Salesforce Workload Changed","configuredCapacity":0,"newWorkload":0}`, "", "", "", -1.0, math.Inf(1), math.NaN())
	f.Add(`{"type":"Salesforce Workload Changed","configuredCapacity":1e-300,"newWorkload":1e300}`, "", "", "", 1.0, 1.0, 1.0)
	f.Fuzz(func(t *testing.T, evJSON, connect, status, channel string, capacity, prev, workload float64) {
		ev, err := DecodeEvent([]byte(evJSON))
		if err != nil {
			return
		}
		snap := Snapshot{ConnectState: connect, SalesforceStatus: status, ServiceChannel: channel,
			ConfiguredCapacity: Num(capacity), PreviousWorkload: Num(prev), Workload: Num(workload)}
		before := snap
		d := eng.Evaluate(&ev, &snap)
		if !sameSnapshot(snap, before) {
			t.Fatal("Evaluate changed the snapshot")
		}
		checkDecision(t, eng, &ev, &d)
		for i := range d.Rules {
			checkMembers(t, eng.rules[i].Criteria, d.Members(i), &ev, &snap, d.Rules[i].Outcome)
		}
		d2 := eng.Evaluate(&ev, &snap)
		if len(d2.Actions) != len(d.Actions) {
			t.Fatal("Evaluate is not deterministic")
		}
		for i := range d.Rules {
			if d.Rules[i].Outcome != d2.Rules[i].Outcome {
				t.Fatal("Evaluate is not deterministic")
			}
		}
	})
}

// sameSnapshot compares snapshots bit for bit (NaN equals NaN).
func sameSnapshot(a, b Snapshot) bool {
	bits := func(n OptNum) [2]uint64 {
		ok := uint64(0)
		if n.OK {
			ok = 1
		}
		return [2]uint64{math.Float64bits(n.V), ok}
	}
	for _, p := range [][2]OptNum{{a.ConfiguredCapacity, b.ConfiguredCapacity}, {a.PreviousWorkload, b.PreviousWorkload}, {a.Workload, b.Workload},
		{a.ConfiguredInterruptibleCapacity, b.ConfiguredInterruptibleCapacity}, {a.PreviousInterruptibleWorkload, b.PreviousInterruptibleWorkload},
		{a.InterruptibleWorkload, b.InterruptibleWorkload}} {
		if bits(p[0]) != bits(p[1]) {
			return false
		}
	}
	a.ConfiguredCapacity, a.PreviousWorkload, a.Workload = OptNum{}, OptNum{}, OptNum{}
	b.ConfiguredCapacity, b.PreviousWorkload, b.Workload = OptNum{}, OptNum{}, OptNum{}
	a.ConfiguredInterruptibleCapacity, a.PreviousInterruptibleWorkload, a.InterruptibleWorkload = OptNum{}, OptNum{}, OptNum{}
	b.ConfiguredInterruptibleCapacity, b.PreviousInterruptibleWorkload, b.InterruptibleWorkload = OptNum{}, OptNum{}, OptNum{}
	return reflect.DeepEqual(a, b)
}

// checkDecision asserts the invariants of one evaluation.
func checkDecision(t *testing.T, eng *Engine, ev *Event, d *Decision) {
	t.Helper()
	rules := eng.Rules()
	if len(d.Rules) != len(rules) {
		t.Fatalf("%d traces for %d rules", len(d.Rules), len(rules))
	}
	winners := map[Destination]int{}
	for i := range d.Rules {
		tr := &d.Rules[i]
		r := &rules[i]
		if int(tr.Index) != i || d.Rule(i).Name != r.Name {
			t.Fatalf("trace %d is about rule %d %q", i, tr.Index, d.Rule(i).Name)
		}
		switch {
		case !r.Active:
			if tr.Outcome != OutcomeInactive {
				t.Fatalf("inactive rule %q: %s", r.Name, tr.Outcome)
			}
		case r.Source != ev.Type:
			if tr.Outcome != OutcomeOtherSource {
				t.Fatalf("rule %q of another source: %s", r.Name, tr.Outcome)
			}
		case tr.Outcome == OutcomeOtherSource || tr.Outcome == OutcomeInactive:
			t.Fatalf("rule %q of this source not evaluated", r.Name)
		}
		if d.Reason(i) == "" {
			t.Fatalf("rule %q: no reason", r.Name)
		}
		switch tr.Outcome {
		case OutcomeMatched:
			if _, dup := winners[r.Destination]; dup {
				t.Fatalf("two winners for %s", r.Destination)
			}
			winners[r.Destination] = i
		case OutcomeShadowed:
			w, ok := winners[r.Destination]
			if !ok || w != int(tr.Winner) || w >= i {
				t.Fatalf("rule %d shadowed by %d, winners %v", i, tr.Winner, winners)
			}
		}
		if tr.Matched() {
			if !r.Active || r.Source != ev.Type {
				t.Fatalf("rule %q matched an event it does not listen to", r.Name)
			}
			if ev.Type == SourceSalesforceLogout && !r.Criteria.logoutOK() {
				t.Fatalf("logout rule %q matched without New State = Offline", r.Name)
			}
		}
	}
	if len(d.Actions) != len(winners) || len(d.Actions) > int(numDestinations)-1 {
		t.Fatalf("%d actions for %d winners", len(d.Actions), len(winners))
	}
	seen := map[Destination]bool{}
	for _, a := range d.Actions {
		if seen[a.Destination] {
			t.Fatalf("two actions for %s", a.Destination)
		}
		seen[a.Destination] = true
		w, ok := winners[a.Destination]
		if !ok || w != a.RuleIndex || rules[w].Value != a.Value || rules[w].Label() != a.Rule {
			t.Fatalf("action %+v does not come from the winning rule", a)
		}
	}
	if _, err := json.Marshal(d); err != nil {
		t.Fatalf("decision does not encode: %v", err)
	}
	_ = d.Text()
}

// fuzzSessionConfig is the session the script of FuzzSession drives when its
// own configuration does not compile.
var fuzzSessionConfig = []byte(`{"rules": ` + string(fuzzRules) + `, "options": {"echoWindowMs": 1000, "loopMaxWrites": 3, "writeTimeoutMs": 2000}}`)

// FuzzSession: any sequence of inputs to Session.Handle never panics and
// always returns one valid JSON output with the four arrays.
func FuzzSession(f *testing.F) {
	f.Add([]byte(`{"rules": {"rules": []}}`), []byte(`{"op":"tick","now":1}`))
	f.Add(fuzzSessionConfig, []byte(strings.Join([]string{
		`{"op":"start","now":0,"connect":{"state":"Available","states":[{"name":"Available","type":"routable"},{"name":"Lunch","type":"not_routable"},{"name":"Break","type":"not_routable"}]},"salesforce":{"status":{"statusId":"0N5xx0000000001","statusApiName":"Available"},"statuses":[{"id":"0N5xx0000000001","developerName":"Available","label":"Available"},{"id":"0N5xx0000000002","developerName":"Lunch","label":"Lunch"}]}}`,
		`{"op":"event","now":10,"event":{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"}}`,
		`{"op":"result","now":20,"id":2,"ok":false,"error":"{\"type\":\"InvalidStateException\",\"message\":\"no\"}"}`,
		`{"op":"tick","now":270}`,
		`{"op":"result","now":280,"id":3,"ok":true}`,
		`{"op":"event","now":290,"event":{"type":"Salesforce Agent State Change","statusId":"0N5xx0000000002","reason":"OmniToolkitStatusChange"}}`,
		`{"op":"leader","now":300,"leader":false}`,
		`{"op":"event","now":310,"event":{"type":"Salesforce Agent Logout"}}`,
		`{"op":"leader","now":320,"leader":true}`,
		`{"op":"event","now":330,"event":{"type":"Salesforce Workload Changed","configuredCapacity":"2","newWorkload":2}}`,
		`{"op":"tick","now":99999}`,
	}, "\n")))
	f.Add(fuzzSessionConfig, []byte(strings.Join([]string{
		`{"op":"event","now":0,"event":{"type":"Connect Agent State Change","newState":"Busy"}}`,
		`{"op":"event","now":1,"event":{"type":"Salesforce Agent State Change","statusApiName":"Break"}}`,
		`{"op":"result","now":2,"id":2,"ok":true}`,
		`{"op":"event","now":3,"event":{"type":"Connect Agent State Change","oldState":"Busy","newState":"Break"}}`,
		`{"op":"event","now":4,"event":{"type":"Salesforce Work Accepted","workItemId":"500xx"}}`,
		`{"op":"nope"}`, `not json`, `{"op":"event","event":{"type":"Salesforce Workload Changed","newWorkload":{}}}`,
		`{"op":"result","id":-1,"error":{"errorType":"AccessDeniedException"}}`, `{"op":"result","id":4,"error":12}`,
	}, "\n")))
	f.Add([]byte(`{"rules": "{\"rules\": []}", "options": {"trace": "matched"}}`), []byte(`{"op":"start","salesforce":{"status":null}}`))
	f.Add([]byte(`{"rules": {"rules": [{}]}}`), []byte(``))
	f.Add(fuzzSessionConfig, []byte(`{"op":"event"}`)) // regression: TestSessionEventWithoutEvent
	f.Add([]byte(`{"options": {"echoWindowMs": -1}}`), []byte(`{"op":"tick","now":-9223372036854775808}`))
	f.Fuzz(func(t *testing.T, config, script []byte) {
		s, err := NewSession(config)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Code == "" || e.Message == "" {
				t.Fatalf("NewSession error %#v", err)
			}
			if !json.Valid(ErrorJSON(err)) {
				t.Fatalf("ErrorJSON is not JSON: %s", ErrorJSON(err))
			}
			s, err = NewSession(fuzzSessionConfig)
			if err != nil {
				t.Fatal(err)
			}
		}
		lines := bytes.Split(script, []byte("\n"))
		if len(lines) > 300 {
			lines = lines[:300]
		}
		for _, in := range lines {
			out := s.Handle(in)
			var o struct {
				Decisions []json.RawMessage `json:"decisions"`
				Actions   []json.RawMessage `json:"actions"`
				Commands  []json.RawMessage `json:"commands"`
				Errors    []struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"errors"`
				WakeAt *int64 `json:"wakeAt"`
			}
			if !json.Valid(out) {
				t.Fatalf("output is not JSON: %s", out)
			}
			if err := json.Unmarshal(out, &o); err != nil || o.Decisions == nil || o.Actions == nil || o.Commands == nil || o.Errors == nil || o.WakeAt == nil {
				t.Fatalf("output lacks its arrays: %s", out)
			}
			for _, e := range o.Errors {
				if e.Code == "" || e.Message == "" {
					t.Fatalf("error without code or message: %s", out)
				}
				if e.Code == CodeInternal {
					t.Fatalf("internal error for input %s: %s", in, e.Message)
				}
			}
		}
	})
}
