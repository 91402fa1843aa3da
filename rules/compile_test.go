package rules

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compileCorpus is every rules document the project has (the lint documents,
// which hold every error and warning lint reports, and the rule files), and the
// benchmark's documents.
func compileCorpus(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	for _, pattern := range []string{"../testdata/lint/*.json", "../testdata/rules/*.json"} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		for _, f := range files {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			docs[f] = data
		}
	}
	require.Greater(t, len(docs), 20)
	for _, sh := range benchShapes {
		docs["bench "+sh.name] = benchDoc(t, sh.rules(100))
	}
	return docs
}

// checkRuntimeAgrees asserts that the runtime's compile (errors only) finds
// the errors lint finds, refuses a document with Compile's error word for word
// (warnings included), and otherwise builds the engine Compile builds, less
// its warnings; and so does a session given the document inside its
// configuration (read from the configuration's tree, located in the
// document), or as JSON text.
func checkRuntimeAgrees(t *testing.T, data []byte) (errors, warnings int) {
	t.Helper()
	_, all := Parse(data)
	_, errOnly := parseDocument(data, nil, false)
	require.Equal(t, all.Errors(), errOnly, "the runtime's errors differ from lint's")
	want, werr := Compile(data)
	got, gerr := compileRuntime(data, nil)
	if werr != nil {
		require.Error(t, gerr, "the runtime accepted what Compile refuses")
		require.Equal(t, werr, gerr, "the runtime's refusal differs from Compile's")
		errors = len(all.Errors())
	} else {
		require.NoError(t, gerr)
		assert.Empty(t, got.Warnings(), "the runtime's engine keeps warnings nobody reads")
		assert.Equal(t, all, want.Warnings(), "Compile's engine keeps every warning")
		want.warnings = nil
		require.Equal(t, want, got, "the runtime's engine differs from Compile's")
	}
	var configs [][]byte
	if utf8.Valid(data) { // as JSON text, the same document
		quoted, err := json.Marshal(string(data))
		require.NoError(t, err)
		configs = append(configs, []byte(`{"rules":`+string(quoted)+`}`))
	}
	if json.Valid(data) && bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
		// A document (an object: a string there is JSON text, null no rules) inside the
		// configuration, with space and another member before it.
		configs = append(configs, []byte("{\"options\": {},\n \"rules\": "+string(data)+"}"))
	}
	for _, cfg := range configs {
		s, serr := NewSession(cfg)
		if werr != nil {
			require.Equal(t, werr, serr, "the session's refusal differs from Compile's: %s", cfg)
			continue
		}
		if serr != nil {
			require.NotEmpty(t, want.Document().Options, "the session refused rules Compile accepts: %v", serr)
			continue // the document's options do not hold as the session's
		}
		require.Equal(t, want, s.coord.eng, "the session's engine differs from Compile's")
	}
	return errors, len(all.Warnings())
}

func TestRuntimeCompileAgreesWithLint(t *testing.T) {
	errors, warnings := 0, 0
	for name, data := range compileCorpus(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			e, w := checkRuntimeAgrees(t, data)
			errors += e
			warnings += w
		})
	}
	// The corpus holds both: the test compares refusals and engines.
	assert.Greater(t, errors, 10)
	assert.Greater(t, warnings, 10)
}

// The runtime's session refuses invalid rules with Compile's error, and
// lint's warnings stay in the refusal's problems.
func TestSessionRefusesWithLintsProblems(t *testing.T) {
	data, err := os.ReadFile("../testdata/lint/group_errors.json")
	require.NoError(t, err)
	_, diags := Parse(data)
	require.True(t, diags.HasErrors())
	_, serr := NewSession([]byte(`{"rules":` + string(data) + `}`))
	require.Error(t, serr)
	assert.Equal(t, invalidRules(diags), serr)
}

// An engine shares nothing with the text it was compiled from: the caller
// may write over it (the module reuses its buffers).
func TestCompileKeepsNothingOfItsInput(t *testing.T) {
	runtime := func(data []byte) (*Engine, error) { return compileRuntime(data, nil) }
	session := func(data []byte) (*Engine, error) {
		cfg := append(append([]byte(`{"options":{},"rules":`), data...), '}')
		s, err := NewSession(cfg)
		if err != nil {
			return nil, err
		}
		for i := range cfg {
			cfg[i] = 'x'
		}
		return s.coord.eng, nil
	}
	for _, compile := range []func([]byte) (*Engine, error){Compile, runtime, session} {
		data := benchDoc(t, benchGroupRules(20))
		eng, err := compile(data)
		require.NoError(t, err)
		want := cloneDoc(eng.Document())
		for i := range data {
			data[i] = 'x'
		}
		assert.Equal(t, want, eng.Document())
		assert.Equal(t, "rule 18", eng.Rules()[18].Name)
		ev := Event{Type: SourceConnectStateChange, NewState: "Lunch", RoutingProfile: "Sales"}
		d := eng.Evaluate(&ev, &Snapshot{ConfiguredCapacity: Num(5), Workload: Num(1)})
		require.Len(t, d.Actions, 2)
		assert.Equal(t, "rule 18", d.Actions[0].Rule)
	}
}

// What compiling costs in allocations: the reader takes its nodes from slabs,
// the parser its criteria, the engine owns the document it read and cuts its
// index from one list. Bounds with headroom over what was measured (Go 1.26,
// 1,000 rules: Compile about 1,750 objects, most of them lint's proofs; the
// runtime's compile under 100); before the slabs, Compile made 180,000 for
// 1,000 rules of 5-member "all" groups.
func TestCompileAllocations(t *testing.T) {
	for _, sh := range benchShapes {
		data := benchDoc(t, sh.rules(1000))
		full := testing.AllocsPerRun(3, func() {
			if _, err := Compile(data); err != nil {
				t.Fatal(err)
			}
		})
		rt := testing.AllocsPerRun(3, func() {
			if _, err := compileRuntime(data, nil); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%s, 1,000 rules: Compile %.0f allocations, the runtime's %.0f", sh.name, full, rt)
		assert.Less(t, full, 3000.0, sh.name)
		assert.Less(t, rt, 300.0, sh.name)
	}
}

// A session reads its configuration once: the rules document inside it is
// compiled from the configuration's tree (parseJSONWithin), not read again.
func TestNewSessionReadsTheRulesOnce(t *testing.T) {
	doc := benchDoc(t, benchGroupRules(1000))
	cfg := []byte(`{"rules":` + string(doc) + `,"options":{"echoWindowMs":5000}}`)
	session := testing.AllocsPerRun(3, func() {
		if _, err := NewSession(cfg); err != nil {
			t.Fatal(err)
		}
	})
	compile := testing.AllocsPerRun(3, func() {
		if _, err := compileRuntime(doc, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("NewSession %.0f allocations, its compile %.0f", session, compile)
	assert.Less(t, session, compile+100, "the configuration's rules were read twice")
}

// BenchmarkCompileRuntime is what the browser's create costs in the engine:
// NewSession with a configuration of n rules of each shape (the runtime's
// compile, errors only; BenchmarkCompile is Compile, lint's proofs included).
func BenchmarkCompileRuntime(b *testing.B) {
	for _, sh := range benchShapes {
		for _, n := range benchSizes {
			b.Run(sh.name+"/rules="+itoa(n), func(b *testing.B) {
				cfg := []byte(`{"rules":` + string(benchDoc(b, sh.rules(n))) + `,"options":{}}`)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := NewSession(cfg); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
