package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 16 item 5: `help [CMD]` and `CMD -h` print usage with the file
// arguments and every flag, on stdout, and exit 0.
func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // in the output
	}{
		{[]string{"help"}, []string{"usage: presencesync COMMAND", "lint", "explain", "simulate", "fmt", "export-metadata", "import-metadata", "version", "RULES is a rules file"}},
		{[]string{"--help"}, []string{"usage: presencesync COMMAND"}},
		{[]string{"-h"}, []string{"usage: presencesync COMMAND"}},
		{[]string{"help", "lint"}, []string{"usage: presencesync lint [--json] [--quiet] [--catalog FILE] RULES...", "--json ", "--quiet ", "--catalog FILE "}},
		{[]string{"lint", "--help"}, []string{"usage: presencesync lint [--json] [--quiet] [--catalog FILE] RULES..."}},
		{[]string{"lint", "-h"}, []string{"usage: presencesync lint"}},
		{[]string{"explain", "-h"}, []string{"usage: presencesync explain [--json] [--state STATE.json] [--catalog FILE] RULES EVENT.json", "--state FILE "}},
		{[]string{"simulate", "--help"}, []string{"usage: presencesync simulate [--verbose] SCENARIO.json...", "--verbose "}},
		{[]string{"fmt", "-help"}, []string{"usage: presencesync fmt [-w] RULES.json", "-w "}},
		{[]string{"export-metadata", "-h"}, []string{"usage: presencesync export-metadata [--catalog FILE] [--prune] RULES.json DIR", "--prune "}},
		{[]string{"import-metadata", "-h"}, []string{"usage: presencesync import-metadata [--catalog FILE] [--profile NAME] DIR", "--profile NAME "}},
		{[]string{"help", "version"}, []string{"usage: presencesync version"}},
		{[]string{"lint", "x.json", "-h"}, []string{"usage: presencesync lint"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, 0, code)
			assert.Empty(t, errOut)
			for _, w := range tc.want {
				assert.Contains(t, out, w)
			}
			assert.NotContains(t, out, "Usage of", "not Go's bare flag list")
		})
	}
	// Every command's usage says what it does and lists each of its flags.
	for _, c := range commands {
		u := c.usage()
		assert.Contains(t, u, "usage: presencesync "+c.name, c.name)
		assert.Greater(t, len(strings.TrimSpace(c.about)), 40, c.name)
	}
}

// Wrong usage exits 2 with what is wrong, then the usage, on stderr.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage: presencesync COMMAND"},
		{[]string{"nosuch"}, `presencesync: unknown command "nosuch"`},
		{[]string{"help", "nosuch"}, `presencesync help: unknown command "nosuch"`},
		{[]string{"lint"}, "presencesync lint: give a rules file or a folder of records\n\nusage: presencesync lint"},
		{[]string{"lint", "--nope", "x.json"}, "presencesync lint: flag provided but not defined: -nope\n\nusage: presencesync lint"},
		{[]string{"explain", "r.json"}, "presencesync explain: give the rules (a file or a folder of records) and an event file"},
		{[]string{"simulate"}, "presencesync simulate: give one or more scenario files"},
		{[]string{"fmt", "a.json", "b.json"}, "presencesync fmt: give one rules file"},
		{[]string{"export-metadata", "r.json"}, "presencesync export-metadata: give a rules file and the folder to write the records in"},
		{[]string{"import-metadata"}, "presencesync import-metadata: give one folder of records"},
		{[]string{"version", "x"}, "presencesync version: takes no argument"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tc.want)
		})
	}
}

// `version` prints the shim's version (js/src/index.js: one release) and the
// Go that built the tool.
func TestVersion(t *testing.T) {
	index, err := os.ReadFile(td("../js/src/index.js"))
	require.NoError(t, err)
	m := regexp.MustCompile(`export const version = "([^"]+)"`).FindSubmatch(index)
	require.NotNil(t, m, "js/src/index.js exports its version")
	assert.Equal(t, string(m[1]), version, "presencesync and the shim are one release")

	code, out, _ := runCLI("version")
	assert.Equal(t, 0, code)
	assert.Regexp(t, `^presencesync `+regexp.QuoteMeta(version)+` \(go1\.\d+[^ ]* \w+/\w+(, [^)]*)?\)\n$`, out)
}
