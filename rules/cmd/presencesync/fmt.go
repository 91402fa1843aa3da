package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/presence-sync/presence-sync/rules"
)

var fmtCommand = &command{
	name:    "fmt",
	args:    "[-w] RULES.json",
	summary: "rewrite a rules file in the canonical shape (criteria and state)",
	about: `Prints a rules file in the canonical shape: a rule in the record form gets its criterion
gathered into "criteria" and its "value" renamed "state"; the order of rules and fields,
the names, every other field and every value stay as written. Formatting the output
again changes nothing. A file that is not JSON, or that mixes the two shapes in a rule,
is refused with its errors, located, and left as it was.`,
	define: func(fs *flag.FlagSet) func([]string, io.Writer, io.Writer) int {
		write := fs.Bool("w", false, "write the result to the file (only when that changes it) instead of printing it")
		return func(files []string, stdout, stderr io.Writer) int {
			if len(files) != 1 {
				return usageError("fmt", stderr, "give one rules file")
			}
			return format(files[0], *write, stdout, stderr)
		}
	},
}

// format prints a rules file in the canonical shape, or with write writes it
// back (only when that changes it).
func format(f string, write bool, stdout, stderr io.Writer) int {
	data, err := readInput(f)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	out, diags := rules.Format(data)
	if out == nil {
		for _, d := range diags {
			fmt.Fprintf(stderr, "%s: %s\n", f, d.String())
		}
		fmt.Fprintf(stderr, "%s: not rewritten: %s\n", f, plural(len(diags), "error"))
		return 1
	}
	if !write {
		_, _ = stdout.Write(out)
		return 0
	}
	if string(out) == string(data) {
		return 0
	}
	info, err := os.Stat(f)
	if err == nil {
		err = os.WriteFile(f, out, info.Mode().Perm())
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
