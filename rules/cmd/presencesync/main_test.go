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
	assert.Contains(t, errOut, "give a rules file and an event file")
}
