package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 16 item 5: a file that cannot be read is said on one line that names
// it once; lint still ends it with its summary.
func TestFileErrors(t *testing.T) {
	ev := td("events/connect-lunch.json")
	rulesFile := td("rules/default.json")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // the whole output, stdout then stderr
	}{
		{"lint", []string{"lint", "nosuch.json"}, 1, "nosuch.json: error: no such file or directory\nnosuch.json: 1 error, 0 warnings\n"},
		{"lint of several", []string{"lint", "nosuch.json", rulesFile}, 1, "nosuch.json: error: no such file or directory\nnosuch.json: 1 error, 0 warnings\n" + rulesFile + ": 0 errors, 0 warnings\n"},
		{"explain: rules", []string{"explain", "nosuch.json", ev}, 1, "nosuch.json: no such file or directory\n"},
		{"explain: event", []string{"explain", rulesFile, "nosuch.json"}, 1, "nosuch.json: no such file or directory\n"},
		{"explain: state", []string{"explain", rulesFile, ev, "--state", "nosuch.json"}, 1, "nosuch.json: no such file or directory\n"},
		{"simulate", []string{"simulate", "nosuch.json"}, 1, "FAIL nosuch.json\n  no such file or directory\n0 passed, 1 failed\n"},
		{"fmt", []string{"fmt", "nosuch.json"}, 1, "nosuch.json: no such file or directory\n"},
		{"export-metadata", []string{"export-metadata", "nosuch.json", t.TempDir()}, 1, "nosuch.json: no such file or directory\n"},
		{"import-metadata", []string{"import-metadata", "nosuch"}, 1, "nosuch: not a folder: import-metadata reads a folder of records (DIR/customMetadata/PresenceSyncRule.<Name>.md-meta.xml)\n"},
		{"a folder without records", []string{"lint", td("events")}, 1, td("events") + ": error: no PresenceSyncRule.*.md-meta.xml record in " + td("events") + "\n" + td("events") + ": 1 error, 0 warnings\n"},
		{"a catalog with a rules file", []string{"lint", "--catalog", "c.json", rulesFile}, 1, rulesFile + ": error: --catalog goes with a folder of records (a rules file holds its own catalogs)\n" + rulesFile + ": 1 error, 0 warnings\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Equal(t, tc.want, out+errOut)
		})
	}
}

// Issue 16 item 5: every command locates a JSON syntax error with a line, a
// column and a caret, in lint's words (never Go's "invalid character" nor an
// offset).
func TestJSONErrorsLocated(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "not.json")
	require.NoError(t, os.WriteFile(notJSON, []byte("{\n  \"type\": \"Connect Agent State Change\",\n  hello\n}"), 0o644))
	rulesFile, ev := td("rules/default.json"), td("events/connect-lunch.json")
	catalogDir := td("records/groups")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"lint", []string{"lint", notJSON}},
		{"explain: rules", []string{"explain", notJSON, ev}},
		{"explain: event", []string{"explain", rulesFile, notJSON}},
		{"explain: state", []string{"explain", rulesFile, ev, "--state", notJSON}},
		{"explain: catalog", []string{"explain", "--catalog", notJSON, catalogDir, ev}},
		{"simulate", []string{"simulate", notJSON}},
		{"fmt", []string{"fmt", notJSON}},
		{"export-metadata", []string{"export-metadata", notJSON, dir}},
		{"import-metadata: catalog", []string{"import-metadata", "--catalog", notJSON, catalogDir}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			all := out + errOut
			assert.Equal(t, 1, code)
			assert.Contains(t, all, "line 3, column 3")
			assert.Contains(t, all, `the file is not valid JSON: unexpected character "h"`)
			assert.Contains(t, all, "  |   hello\n")
			assert.Contains(t, all, "  |   ^")
			assert.NotContains(t, all, "invalid character")
			assert.NotContains(t, all, "offset")
			for _, line := range strings.Split(all, "\n") {
				assert.LessOrEqual(t, strings.Count(line, "not.json"), 1, "the file is named once: %s", line)
			}
		})
	}
}

// A value of the wrong type in a state or scenario file is located too.
func TestJSONTypeErrorsLocated(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	require.NoError(t, os.WriteFile(state, []byte("{\n  \"connectState\": 5\n}"), 0o644))
	code, _, errOut := runCLI("explain", td("rules/default.json"), td("events/connect-lunch.json"), "--state", state)
	assert.Equal(t, 1, code)
	assert.Equal(t, state+": error: line 2, column 19: connectState must be a string, got a JSON number\n  |   \"connectState\": 5\n  |                   ^\n", errOut)

	sc := filepath.Join(dir, "sc.json")
	require.NoError(t, os.WriteFile(sc, []byte("{\"name\": \"x\", \"rules\": [],\n \"steps\": [{\"advanceMs\": \"soon\"}]}"), 0o644))
	code, out, _ := runCLI("simulate", sc)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "FAIL "+sc+"\n  error: line 2, column 26: steps.advanceMs must be a number, got a JSON string\n")

	event := filepath.Join(dir, "ev.json")
	require.NoError(t, os.WriteFile(event, []byte("{\"type\": \"Salesforce Workload Changed\",\n \"newWorkload\": -1}"), 0o644))
	code, _, errOut = runCLI("explain", td("rules/default.json"), event)
	assert.Equal(t, 1, code)
	assert.Equal(t, event+": error: line 2, column 17: newWorkload is -1: a workload is never negative\n  |  \"newWorkload\": -1}\n  |                 ^\n", errOut)
}
