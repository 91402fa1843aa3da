package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// example is one command the README shows in a ```text block
// ("$ bin/presencesync ARGS"), and the output it shows under it.
type example struct {
	line int // of the command in README.md
	args string
	want string
}

var textBlock = regexp.MustCompile("(?s)```text\n(.*?)```")

// readmeExamples finds every presencesync command of the README's text
// blocks, in order; a block may hold several commands, each followed by its
// output.
func readmeExamples(readme string) []example {
	var out []example
	for _, loc := range textBlock.FindAllStringSubmatchIndex(readme, -1) {
		block := readme[loc[2]:loc[3]]
		line := strings.Count(readme[:loc[2]], "\n") + 1
		var cur *example
		for i, l := range strings.SplitAfter(block, "\n") {
			if args, ok := strings.CutPrefix(l, "$ bin/presencesync "); ok {
				out = append(out, example{line: line + i, args: strings.TrimSpace(args)})
				cur = &out[len(out)-1]
				continue
			}
			if cur != nil {
				cur.want += l
			}
		}
	}
	return out
}

// checkReadme runs each example from a copy of the repository's root (its
// testdata, and an empty bin/ for what the examples write), in order, and
// returns how each one that differs differs. What is compared is what a
// terminal shows: stdout and stderr together.
func checkReadme(t *testing.T, readme string) []string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	require.NoError(t, err)
	sandbox := t.TempDir()
	require.NoError(t, os.Symlink(filepath.Join(root, "testdata"), filepath.Join(sandbox, "testdata")))
	require.NoError(t, os.Mkdir(filepath.Join(sandbox, "bin"), 0o755))
	t.Chdir(sandbox)
	var diffs []string
	for _, ex := range readmeExamples(readme) {
		var args []string
		for _, a := range strings.Fields(ex.args) {
			if strings.ContainsAny(a, "*?[") {
				matches, err := filepath.Glob(a)
				require.NoError(t, err)
				args = append(args, matches...)
				continue
			}
			args = append(args, a)
		}
		var out bytes.Buffer
		run(args, &out, &out)
		if out.String() != ex.want {
			diffs = append(diffs, "README.md line "+itoa(ex.line)+": $ bin/presencesync "+ex.args+"\n--- README shows:\n"+ex.want+"--- the command prints:\n"+out.String())
		}
	}
	return diffs
}

// Issue 16 item 6: every presencesync command the README shows runs, and
// prints exactly what the README shows.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile(td("../README.md"))
	require.NoError(t, err)
	examples := readmeExamples(string(readme))
	shown := map[string]bool{}
	for _, ex := range examples {
		shown[strings.Fields(ex.args)[0]] = true
	}
	for _, c := range []string{"help", "lint", "explain", "simulate", "fmt", "export-metadata", "import-metadata"} {
		assert.True(t, shown[c], "the README shows %s", c)
	}
	for _, d := range checkReadme(t, string(readme)) {
		t.Error(d)
	}
}

// A README whose example drifted from the tool fails the check: an output
// line changed, a line missing, an argument changed.
func TestReadmeDriftFails(t *testing.T) {
	readme, err := os.ReadFile(td("../README.md"))
	require.NoError(t, err)
	for name, drift := range map[string]func(string) string{
		"a changed line": func(s string) string {
			return strings.Replace(s, "testdata/readme/bad-rules.json: 2 errors, 0 warnings", "testdata/readme/bad-rules.json: 1 error, 0 warnings", 1)
		},
		"a missing line": func(s string) string {
			return strings.Replace(s, "  → no write\n```", "```", 1)
		},
		"another argument": func(s string) string {
			return strings.Replace(s, " --state testdata/events/state-available.json\n", "\n", 1)
		},
	} {
		t.Run(name, func(t *testing.T) {
			drifted := drift(string(readme))
			require.NotEqual(t, string(readme), drifted, "the drift applies to the README")
			diffs := checkReadme(t, drifted)
			assert.Len(t, diffs, 1, "%s", diffs)
		})
	}
}
