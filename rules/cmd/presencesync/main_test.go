package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func td(p string) string { return filepath.Join("..", "..", "..", "testdata", p) }

func TestSimulateAllScenarios(t *testing.T) {
	files, _ := filepath.Glob(td("scenarios/*.json"))
	require.NotEmpty(t, files)
	code, out, _ := runCLI(append([]string{"simulate"}, files...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Equal(t, 0, code, out)
	assert.Regexp(t, `^\d+ passed, 0 failed$`, lines[len(lines)-1])
}

func TestSimulateFailingScenarioExitsNonZero(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(f, []byte(`{"name":"bad","rulesFile":"`+filepath.ToSlash(mustAbs(t, td("rules/seed-lunch-example.json")))+`",
	 "initial":{"connectState":"Available","salesforceStatus":"Available"},
	 "steps":[{"event":{"type":"Connect Agent State Change","newState":"Lunch"},"expect":[]}]}`), 0o644))
	code, out, _ := runCLI("simulate", f)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "step 0: the writes differ")
	assert.Contains(t, out, "expected: []")
	assert.Contains(t, out, `Salesforce Agent State", value: "Lunch"`)
	assert.Contains(t, out, `✔ rules[0] "Lunch to Omni"`)
	assert.True(t, strings.HasSuffix(strings.TrimSpace(out), "0 passed, 1 failed"))
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	require.NoError(t, err)
	return a
}

func TestLintExitCodes(t *testing.T) {
	code, out, _ := runCLI("lint", td("rules/default.json"))
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "0 errors")

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"rules":[{"name":"typo","source":"Connect Agent State Change",
  "operandA":"Connect Agent New State","comparator":"Equals","operandB":"Static Value","operandBValue":"Lunch",
  "destination":"Connect Agent State","value":"AfterCallWork"}]}`), 0o644))
	code, out, _ = runCLI("lint", bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `did you mean "Equal to"?`)
	assert.Contains(t, out, `"AfterCallWork" is an Amazon Connect system state`)
	assert.Contains(t, out, "2 errors")

	code, out, _ = runCLI("lint", "--json", bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `"code": "unknown-value"`)
	assert.Contains(t, out, `"suggestion": "Equal to"`)
}

func TestExplain(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "ev.json")
	st := filepath.Join(dir, "st.json")
	require.NoError(t, os.WriteFile(ev, []byte(`{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"}`), 0o644))
	require.NoError(t, os.WriteFile(st, []byte(`{"connectState":"Available","salesforceStatus":"Available"}`), 0o644))
	code, out, _ := runCLI("explain", td("rules/default.json"), ev, "--state", st)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, `✔ rules[0] "Lunch to Omni": Connect Agent New State ("Lunch") = "Lunch" is true`)
	assert.Contains(t, out, `✘ rules[1] "Break to Omni": Connect Agent New State ("Lunch") = "Break" is false`)
	assert.Contains(t, out, `→ Salesforce Agent State = "Lunch" (rule "Lunch to Omni"): issued`)

	// Already in the target state: explained as skipped.
	require.NoError(t, os.WriteFile(st, []byte(`{"connectState":"Available","salesforceStatus":"Lunch"}`), 0o644))
	_, out, _ = runCLI("explain", "--json", td("rules/default.json"), ev, "--state", st)
	assert.Contains(t, out, `"status": "skipped"`)
	assert.Contains(t, out, `Omni-Channel is already \"Lunch\"`)

	code, _, errOut := runCLI("explain", td("rules/default.json"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "give the rules (a file or a folder of records) and an event file")
}

func TestFmt(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "rules.json")
	record := `{"rules": [{"name": "Lunch to Omni", "source": "Connect Agent State Change", "operandA": "Connect Agent New State",
  "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "Lunch", "destination": "Salesforce Agent State", "value": "Lunch"}]}`
	require.NoError(t, os.WriteFile(f, []byte(record), 0o600))

	code, out, errOut := runCLI("fmt", f)
	assert.Equal(t, 0, code, errOut)
	canonical, err := os.ReadFile(td("rules/seed-lunch-example.json"))
	require.NoError(t, err)
	assert.Contains(t, out, `"criteria": {`)
	assert.Contains(t, out, `"state": "Lunch"`)
	unchanged, _ := os.ReadFile(f)
	assert.Equal(t, record, string(unchanged), "without -w the file is left alone")

	// -w writes the file; fmt of fmt's output is identical.
	code, _, errOut = runCLI("fmt", "-w", f)
	assert.Equal(t, 0, code, errOut)
	written, _ := os.ReadFile(f)
	assert.Equal(t, out, string(written))
	code, again, _ := runCLI("fmt", f)
	assert.Equal(t, 0, code)
	assert.Equal(t, string(written), again)
	info, _ := os.Stat(f)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "-w keeps the file's permissions")

	// The seed's example in the seed's shape is already formatted, and lints clean.
	_, out, _ = runCLI("fmt", td("rules/seed-lunch-example.json"))
	assert.Equal(t, string(canonical), out)
	code, out, _ = runCLI("lint", td("rules/seed-lunch-example.json"))
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "0 errors, 0 warnings")
}

func TestFmtRefuses(t *testing.T) {
	dir := t.TempDir()
	for name, doc := range map[string]string{
		"syntax": "{\"rules\": [\n  {\"name\": \"a\",}]}",
		"mixed": `{"rules": [{"name": "a", "source": "Connect Agent State Change", "criteria": {"operandA": "Connect Agent New State",
  "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "Lunch"}, "destination": "Salesforce Agent State",
  "state": "Lunch", "value": "Lunch"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(dir, name+".json")
			require.NoError(t, os.WriteFile(f, []byte(doc), 0o644))
			code, out, errOut := runCLI("fmt", "-w", f)
			assert.Equal(t, 1, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, "(line ")
			assert.Contains(t, errOut, "not rewritten: 1 error")
			kept, _ := os.ReadFile(f)
			assert.Equal(t, doc, string(kept), "a refused file is left as it was")
		})
	}
	code, _, errOut := runCLI("fmt")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "give one rules file")
}

// explain shows a criteria group as a tree: each member true, false, or not
// evaluated.
func TestExplainGroup(t *testing.T) {
	ev := td("readme/connect-lunch-support.json")
	code, out, errOut := runCLI("explain", td("rules/groups.json"), ev)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `✘ rules[0] "Sales lunch to Omni": criteria (all of 2) is false (criteria.all[1])
      ✔ criteria.all[0]: Connect Agent New State ("Lunch") = "Lunch" is true
      ✘ criteria.all[1]: Connect Routing Profile ("Support") = "Sales" is false`)
	assert.Contains(t, out, `· criteria.any[1]: not evaluated`)
	code, out, _ = runCLI("explain", "--json", td("rules/groups.json"), ev)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, `"path": "criteria.all[1]"`)
	assert.Contains(t, out, `"result": "not-evaluated"`)
}
