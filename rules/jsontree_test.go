package rules

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toAny converts a parsed tree to what encoding/json produces, to compare the two readers.
func toAny(n *jnode) any {
	switch n.kind {
	case jNull:
		return nil
	case jBool:
		return n.b
	case jNumber:
		var f float64
		_ = json.Unmarshal([]byte(n.str), &f)
		return f
	case jString:
		return n.str
	case jArray:
		out := []any{}
		for _, v := range n.vals {
			out = append(out, toAny(v))
		}
		return out
	}
	m := map[string]any{}
	for i, k := range n.keys {
		m[k] = toAny(n.vals[i])
	}
	return m
}

func TestJSONTreeAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, `""`, `0`, `-0.5e+3`, `true`, `null`, ` {"a" : [1, "x\n\u00e9\ud83d\ude00", {"b": null}], "a": 2} `,
		`"\ud800"`, `"\u00zz"`, `{"a":1,}`, `[1 2]`, `01`, `1.`, `.5`, `"a` + "\x01" + `"`, `{"a"}`, `tru`, `"\/"`, "\"\xff\"",
	} {
		t.Run(in, func(t *testing.T) {
			var want any
			wantErr := json.Unmarshal([]byte(in), &want)
			n, err := parseJSON([]byte(in))
			if wantErr != nil {
				require.NotNil(t, err, "encoding/json rejects it: %v", wantErr)
				return
			}
			require.Nil(t, err)
			assert.Equal(t, want, toAny(n))
		})
	}
}

func TestJSONTreeDepthLimit(t *testing.T) {
	deep := make([]byte, 0, 2000)
	for i := 0; i < 1000; i++ {
		deep = append(deep, '[')
	}
	_, err := parseJSON(deep)
	require.NotNil(t, err)
	assert.Contains(t, err.msg, "nested too deeply")
}

func FuzzJSONTree(f *testing.F) {
	for _, s := range []string{`{"type":"Connect Agent State Change","newState":"Lunch"}`, `[1,{"a":"\u0041"}]`, `"\ud83d\ude00"`, `1e999`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want any
		wantErr := json.Unmarshal(data, &want)
		n, err := parseJSON(data)
		if (wantErr == nil) != (err == nil) {
			// encoding/json rejects numbers out of float64 range; the reader keeps their text.
			if _, isRange := wantErr.(*json.UnmarshalTypeError); isRange {
				return
			}
			t.Fatalf("disagree on %q: encoding/json %v, parseJSON %v", data, wantErr, err)
		}
		if err == nil {
			assert.Equal(t, want, toAny(n))
		}
	})
}

// The writer's output is valid JSON that reads back as what was written.
func FuzzJSONWriter(f *testing.F) {
	f.Add("Lunch", 1.5, int64(3))
	f.Add("\u2028\x00\"\\<>&\xff", -1e-9, int64(-1))
	f.Fuzz(func(t *testing.T, s string, num float64, i int64) {
		out := Output{
			Decisions: []*Decision{{Seq: i, Event: Event{Type: SourceSalesforceStateChange, StatusAPIName: s, NewWorkload: Num(num)},
				Snapshot: Snapshot{ConnectState: s}}},
			Actions:  []Action{{ID: i, Destination: DestinationConnect, Value: s, Rule: s}},
			Commands: []Command{{ID: i, Destination: DestinationSalesforce, Value: s, StatusID: s}},
			Errors:   []*Error{{Code: CodeLoop, Message: s, Rules: []string{s, s}}},
			WakeAt:   i,
		}
		b := marshalOutput(out)
		var back map[string]any
		require.NoError(t, json.Unmarshal(b, &back), "%s", b)
		cmd := back["commands"].([]any)[0].(map[string]any)
		var want string
		wb, _ := json.Marshal(s)
		_ = json.Unmarshal(wb, &want)
		assert.Equal(t, want, cmd["value"])
	})
}
