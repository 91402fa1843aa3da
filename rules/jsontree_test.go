package rules

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unsafe"

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
		_ = json.Unmarshal([]byte(n.numText()), &f)
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

// A pool reuses nodes from one parse to the next: nothing of the last tree shows
// through, and the strings a tree gave out stay as they were when the input's
// buffer is written over (the WebAssembly module reuses its input buffer).
func TestJSONPoolReuse(t *testing.T) {
	var pool jpool
	buf := []byte(`{"op":"event","now":1795479114405,"id":-42,"big":12345678901234567,"f":1.5,"neg0":-0,` +
		`"event":{"type":"Connect Agent State Change","oldState":"Lunch","newState":"Break","extra":[1,2,3,{"x":true}]}}`)
	n, err := pool.parse(buf)
	require.Nil(t, err)
	ev := n.get("event")
	newState, _ := ev.get("newState").text()
	typ, _ := ev.get("type").text()
	now, nerr := n.get("now").number()
	require.NoError(t, nerr)
	assert.Equal(t, Num(1795479114405), now)
	id, _ := n.get("id").number()
	assert.Equal(t, Num(-42), id)
	assert.Equal(t, "12345678901234567", n.get("big").numText(), "more than 15 digits keep their text")
	assert.Equal(t, "-0", describeNode(n.get("neg0")))
	assert.Equal(t, "-42", describeNode(n.get("id")), "a small integer is described as written")

	for i := range buf {
		buf[i] = ' '
	}
	copy(buf, `{"op":"result","ok":false}`)
	m, err := pool.parse(buf)
	require.Nil(t, err)
	assert.Equal(t, "Break", newState, "a string from the last parse is unchanged")
	assert.Equal(t, "Connect Agent State Change", typ)
	assert.Equal(t, []string{"op", "ok"}, m.keys, "no member of the last tree shows through")
	assert.Len(t, m.vals, 2)
	assert.Nil(t, m.get("event"))
	assert.Nil(t, m.get("now"))
	op, _ := m.get("op").text()
	assert.Equal(t, "result", op)

	// The same string read again is the one remembered, not a new copy.
	again, err := pool.parse([]byte(`{"event":{"newState":"Break"}}`))
	require.Nil(t, err)
	s, _ := again.get("event").get("newState").text()
	assert.Equal(t, unsafe.StringData(newState), unsafe.StringData(s))

	// The slabs of a parse that needed many more than poolMaxNodes nodes are not kept.
	big := []byte("[" + strings.Repeat("0,", 4*poolMaxNodes) + "0]")
	_, err = pool.parse(big)
	require.Nil(t, err)
	assert.Greater(t, cap(pool.a.nodes.s), poolMaxNodes)
	_, err = pool.parse([]byte(`{}`))
	require.Nil(t, err)
	assert.LessOrEqual(t, cap(pool.a.nodes.s), minSlab)
	assert.LessOrEqual(t, cap(pool.a.vals.s), minSlab)
}

// Once warm, a pool reads an input of the size and strings it has seen
// without allocating (the session's per-event path: its slabs are reused).
func TestJSONPoolReadsWithoutAllocating(t *testing.T) {
	var pool jpool
	in := []byte(`{"op":"event","now":1795479114405,"trace":false,"event":{"type":"Connect Agent State Change",` +
		`"oldState":"Available","newState":"Lunch","contacts":[{"id":"c1","state":"connected"},{"id":"c2","state":"ended"}]}}`)
	_, err := pool.parse(in)
	require.Nil(t, err)
	allocs := testing.AllocsPerRun(100, func() {
		n, err := pool.parse(in)
		if err != nil || n.get("event").get("contacts").vals[1].get("state").str != "ended" {
			t.Fatal("the input did not read back")
		}
	})
	assert.Zero(t, allocs)
}

// The strings a pool remembers are bounded in number and length.
func TestJSONPoolInternBounded(t *testing.T) {
	var pool jpool
	for i := 0; i < internMaxItems*2; i++ {
		_, err := pool.parse([]byte(`"s` + strconv.Itoa(i) + `"`))
		require.Nil(t, err)
	}
	long := `"` + strings.Repeat("x", internMaxLen+1) + `"`
	_, err := pool.parse([]byte(long))
	require.Nil(t, err)
	assert.Len(t, pool.intern, internMaxItems)
	_, kept := pool.intern[long[1:len(long)-1]]
	assert.False(t, kept)
}

// treeText describes a tree with every node's place: two trees with the same
// text are the same values at the same offsets.
func treeText(n *jnode) string {
	var b strings.Builder
	var walk func(n *jnode)
	walk = func(n *jnode) {
		b.WriteString(strconv.Itoa(int(n.kind)) + "[" + strconv.Itoa(n.off) + "," + strconv.Itoa(n.end) + ")")
		switch n.kind {
		case jString, jNumber:
			b.WriteString(strconv.Quote(n.str))
		case jBool:
			b.WriteString(strconv.FormatBool(n.b))
		}
		b.WriteByte('{')
		for i, v := range n.vals {
			if n.kind == jObject {
				b.WriteString(strconv.Quote(n.keys[i]) + "@" + strconv.Itoa(n.koffs[i]) + ":")
			}
			walk(v)
			b.WriteByte(',')
		}
		b.WriteByte('}')
	}
	walk(n)
	return b.String()
}

// checkWithin asserts that parseJSONWithin(data, key) reads data as parseJSON
// does, with the same errors, except that the value of the top-level member
// key (the last) is what parseJSON gives of its own text, data[at:at+end].
func checkWithin(t *testing.T, data []byte, key string) {
	t.Helper()
	full, ferr := parseJSON(data)
	within, at, werr := parseJSONWithin(data, key)
	require.Equal(t, ferr == nil, werr == nil, "%q", data)
	if ferr != nil {
		require.Equal(t, ferr.Error(), werr.Error())
		return
	}
	v := within.get(key)
	if v == nil {
		require.Equal(t, treeText(full), treeText(within))
		return
	}
	own, err := parseJSON(data[at : at+v.end])
	require.Nil(t, err)
	require.Equal(t, treeText(own), treeText(v), "the member read as a text of its own")
	// Everything else as parseJSON reads it: the top, the other members, and
	// an earlier member of the same name (read as a text of its own too).
	require.Equal(t, full.keys, within.keys)
	require.Equal(t, full.koffs, within.koffs)
	require.Equal(t, [2]int{full.off, full.end}, [2]int{within.off, within.end})
	for i, k := range full.keys {
		want := full.vals[i]
		if k == key {
			var err *jsonError
			want, err = parseJSON(data[want.off:want.end])
			require.Nil(t, err)
		}
		require.Equal(t, treeText(want), treeText(within.vals[i]), "member %d (%s)", i, k)
	}
}

// The session reads its configuration once: the rules document inside is
// read as a text of its own (located in the document), in the same pass.
func TestJSONWithin(t *testing.T) {
	for _, in := range []string{
		`{"options": {"x": [1, 2]}, "rules": {"rules": [{"name": "a\u00e9", "n": -1.5}]}, "z": null}`,
		"{\n  \"rules\" :\n\t{ \"rules\": [ 1, {\"a\": true} ] } ,\n \"rules\": [\"last\", {\"b\": 2}]\n}",
		`{"rules": "a document as JSON text"}`, `{"other": {"rules": {"a": 1}}}`, `[{"rules": {"a": 1}}]`, `{}`,
	} {
		checkWithin(t, []byte(in), "rules")
	}
	data := []byte(`{"options": {}, "rules": {"rules": [{"name": "x"}]}}`)
	top, at, err := parseJSONWithin(data, "rules")
	require.Nil(t, err)
	r := top.get("rules")
	assert.Equal(t, `{"rules": [{"name": "x"}]}`, string(data[at:at+r.end]))
	assert.Equal(t, 0, r.off)
	assert.Equal(t, 20, r.vals[0].vals[0].get("name").off, "counted from the document's start")

	for _, bad := range []string{`{"rules": {"rules": [1 2]}}`, `{"rules": [{"a": "\q"}]}`, `{"rules": {"a": tru}}`, `{"o": 1, "rules": [` + strings.Repeat("[", 100) + `]}`} {
		checkWithin(t, []byte(bad), "rules")
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
	for _, s := range []string{`{"type":"Connect Agent State Change","newState":"Lunch"}`, `[1,{"a":"\u0041"}]`, `"\ud83d\ude00"`, `1e999`,
		`{"rules":{"rules":[{"name":"x","criteria":{"all":[{"operandA":"a"}]}}]},"options":{"echoWindowMs":5}}`, `{"a":[1,[2,{"b":[3]}],]}`} {
		f.Add([]byte(s))
	}
	var pool jpool // shared by every input: each parse reuses the last one's nodes
	f.Fuzz(func(t *testing.T, data []byte) {
		var want any
		wantErr := json.Unmarshal(data, &want)
		n, err := parseJSON(data)
		pn, perr := pool.parse(data)
		require.Equal(t, err == nil, perr == nil, "pooled and plain parses disagree on %q", data)
		if err == nil {
			require.Equal(t, toAny(n), toAny(pn), "pooled and plain trees differ for %q", data)
		} else {
			require.Equal(t, err.Error(), perr.Error())
		}
		checkWithin(t, data, "rules")
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
