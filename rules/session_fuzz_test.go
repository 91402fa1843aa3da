package rules

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// fuzzInputsConfig: rules both ways, a catalog, short timeouts, a reconcile.
var fuzzInputsConfig = []byte(`{"rules": {"rules": [
  {"name":"c lunch","source":"Connect Agent State Change","operandA":"Connect Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Lunch","destination":"Salesforce Agent State","value":"Lunch","cooldownMs":500},
  {"name":"c break","source":"Connect Agent State Change","operandA":"Connect Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Break","destination":"Salesforce Agent State","value":"Break"},
  {"name":"o available","source":"Salesforce Agent State Change","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Available","destination":"Connect Agent State","value":"Available"},
  {"name":"o lunch","source":"Salesforce Agent State Change","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Lunch","destination":"Connect Agent State","value":"Lunch"},
  {"name":"o logout","source":"Salesforce Agent Logout","operandA":"Salesforce Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"Offline","destination":"Connect Agent State","value":"Offline"}],
 "connect": {"states": [{"name":"Available","type":"routable"},{"name":"Lunch","type":"not_routable"},{"name":"Break","type":"not_routable"},{"name":"Offline","type":"offline"}]},
 "options": {"reconcile": "connect"}},
 "options": {"echoWindowMs": 1000, "loopMaxWrites": 3, "writeTimeoutMs": 2000, "retryBaseMs": 100}}`)

// FuzzSessionInputs: any sequence of inputs of every op never panics and never
// raises an internal error; every output is one JSON object with its arrays;
// a follower never writes; command ids are never reused.
func FuzzSessionInputs(f *testing.F) {
	start := `{"op":"start","now":0,"connect":{"state":"Available","stateType":"routable","contacts":[],"nextState":"","states":[{"name":"Available","type":"routable"},{"name":"Lunch","type":"not_routable"}]},"salesforce":{"status":{"statusId":"0N5xx0000000001","statusApiName":"Available"},"statuses":[{"id":"0N5xx0000000001","developerName":"Available","label":"Available"},{"id":"0N5xx0000000002","developerName":"Lunch","label":"Lunch"},{"id":"0N5xx0000000003","developerName":"Break","label":"Break"}],"serviceChannels":[{"developerName":"sfdc_case","keyPrefix":"500"}]}}`
	for _, script := range [][]string{
		{start,
			`{"op":"event","now":10,"event":{"type":"Connect Agent State Change","oldState":"Available","newState":"Busy","stateType":"system","contacts":[{"type":"voice","state":"connected"}]}}`,
			`{"op":"event","now":20,"event":{"type":"Salesforce Agent State Change","statusApiName":"Lunch"}}`,
			`{"op":"result","now":30,"id":2,"ok":true}`,
			`{"op":"connect","now":40,"connect":{"nextState":"Lunch"}}`,
			`{"op":"connect","now":50,"connect":{"nextState":""}}`,
			`{"op":"event","now":60,"event":{"type":"Salesforce Agent State Change","statusApiName":"Available"}}`,
			`{"op":"connect","now":70,"connect":{"contacts":[]}}`,
			`{"op":"tick","now":5000}`},
		{`{"op":"leader","now":0,"leader":false}`, start,
			`{"op":"event","now":10,"event":{"type":"Connect Agent State Change","newState":"Lunch"}}`,
			`{"op":"remote","now":11,"from":"t","action":{"id":1,"destination":"Salesforce Agent State","value":"Lunch","rule":"c lunch","ruleIndex":0,"status":"issued"}}`,
			`{"op":"leader","now":20,"leader":true}`,
			`{"op":"tick","now":1020}`,
			`{"op":"result","now":1030,"id":3,"ok":true,"state":{"state":"Break","contacts":[{"type":"chat","state":"connected"}],"nextState":""}}`,
			`{"op":"result","now":1040,"id":4,"ok":true,"state":{"status":null}}`,
			`{"op":"leader","now":1050,"leader":false}`,
			`{"op":"leader","now":1060,"leader":true}`,
			`{"op":"tick","now":9000}`},
		{`{"op":"start","now":0,"connect":{"state":"Available"}}`,
			`{"op":"event","now":1,"event":{"type":"Connect Agent State Change","newState":"Lunch"}}`,
			`{"op":"event","now":2,"event":{"type":"Salesforce Agent State Change","statusId":"0N5xx0000000009","reason":"OmniLoginStatusChange"}}`,
			`{"op":"event","now":3,"event":{"type":"Salesforce Agent State Change","statusId":"0N5xx0000000009"}}`,
			`{"op":"salesforce","now":4,"salesforce":{"status":{"statusId":"0N5xx0000000009","statusApiName":"Meeting"},"statuses":[]}}`,
			`{"op":"result","now":5,"id":3,"ok":false,"error":"{\"type\":\"AccessDeniedException\"}"}`,
			`{"op":"connect","now":6,"connect":{"states":[{"name":"Available"}]}}`,
			`{"op":"tick","now":99999}`},
		{`{"op":"remote","action":{"id":1e300,"destination":"x"}}`, `{"op":"connect","connect":{"states":[{}]}}`,
			`{"op":"result","id":-1,"ok":true,"state":null}`, `{"op":"salesforce","salesforce":{"status":{"statusId":""}}}`,
			`{"op":"leader","leader":1}`, `{"op":"start","connect":7}`, `{"op":"tick","now":9e15}`, `{"op":"tick","now":9e16}`},
	} {
		f.Add([]byte(strings.Join(script, "\n")))
	}
	f.Fuzz(func(t *testing.T, script []byte) {
		s, err := NewSession(fuzzInputsConfig)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Split(script, []byte("\n"))
		if len(lines) > 200 {
			lines = lines[:200]
		}
		seen := map[int64]bool{}
		for _, in := range lines {
			follower := !s.Coordinator().Leader()
			var op struct {
				Op string `json:"op"`
			}
			_ = json.Unmarshal(in, &op)
			out := s.Handle(in)
			var o struct {
				Decisions []json.RawMessage `json:"decisions"`
				Actions   []json.RawMessage `json:"actions"`
				Commands  []struct {
					ID   int64 `json:"id"`
					Read bool  `json:"read"`
				} `json:"commands"`
				Errors []struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"errors"`
				WakeAt *int64 `json:"wakeAt"`
			}
			if err := json.Unmarshal(out, &o); err != nil || o.Decisions == nil || o.Actions == nil || o.Commands == nil ||
				o.Errors == nil || o.WakeAt == nil {
				t.Fatalf("output is not one object with its arrays: %s", out)
			}
			for _, e := range o.Errors {
				if e.Code == "" || e.Message == "" || e.Code == CodeInternal {
					t.Fatalf("input %s: error %+v", in, e)
				}
			}
			for _, c := range o.Commands {
				if follower && !c.Read && op.Op != "leader" {
					t.Fatalf("a follower wrote: input %s, output %s", in, out)
				}
				if seen[c.ID] {
					t.Fatalf("command id %d reused: %s", c.ID, out)
				}
				seen[c.ID] = true
			}
		}
	})
}
