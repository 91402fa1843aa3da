// Command presencesync checks presence sync rules, explains what they do with
// an event, runs scenarios against simulated platforms, formats rules files,
// and converts rules to and from Salesforce custom metadata records.
//
//	presencesync lint [--json] [--quiet] [--catalog FILE] RULES...
//	presencesync explain [--json] [--state STATE.json] [--catalog FILE] RULES EVENT.json
//	presencesync simulate [--verbose] SCENARIO.json...
//	presencesync fmt [-w] RULES.json
//	presencesync export-metadata [--catalog FILE] [--prune] RULES.json DIR
//	presencesync import-metadata [--catalog FILE] [--profile NAME] DIR
//	presencesync version
//	presencesync help [COMMAND]
//
// RULES is a rules file, or a folder of PresenceSyncRule records
// (DIR/customMetadata/PresenceSyncRule.<Name>.md-meta.xml).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

// version is the release of presence-sync this tool belongs to: the shim's
// `version` (js/src/index.js), which a test keeps equal to it.
const version = "0.1.0"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand: its arguments, what it does, and define, which
// declares its flags and returns what runs it with the file arguments.
type command struct {
	name    string
	args    string
	summary string
	about   string
	define  func(fs *flag.FlagSet) func(files []string, stdout, stderr io.Writer) int
}

var commands []*command

func init() {
	commands = []*command{lintCommand, explainCommand, simulateCommand, fmtCommand, exportCommand, importCommand, versionCommand}
}

func find(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			c := find(args[1])
			if c == nil {
				fmt.Fprintf(stderr, "presencesync help: unknown command %q\n\n%s", args[1], usage())
				return 2
			}
			fmt.Fprint(stdout, c.usage())
			return 0
		}
		fmt.Fprint(stdout, usage())
		return 0
	}
	c := find(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "presencesync: unknown command %q\n\n%s", args[0], usage())
		return 2
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	runCmd := c.define(fs)
	files, err := parseFlags(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, c.usage())
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "presencesync %s: %v\n\n%s", c.name, err, c.usage())
		return 2
	}
	return runCmd(files, stdout, stderr)
}

// usageError reports wrong file arguments: what is wrong, then the command's usage.
func usageError(name string, stderr io.Writer, problem string) int {
	fmt.Fprintf(stderr, "presencesync %s: %s\n\n%s", name, problem, find(name).usage())
	return 2
}

// parseFlags lets flags come before or after the file arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) > 0 {
			files = append(files, args[0])
			args = args[1:]
		}
	}
	return files, nil
}

func usage() string {
	var b strings.Builder
	b.WriteString("presencesync: Amazon Connect ↔ Salesforce Omni-Channel presence sync rules\n\n")
	b.WriteString("usage: presencesync COMMAND [flags] FILE...\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(&b, "  %-16s %s\n", "help", "print this, or a command's usage: help COMMAND (or COMMAND -h)")
	b.WriteString("\nRULES is a rules file (JSON), or a folder of PresenceSyncRule custom metadata records\n" +
		"(DIR/customMetadata/PresenceSyncRule.<Name>.md-meta.xml) as Salesforce DX retrieves them.\n")
	return b.String()
}

// usage prints the command's arguments, what it does and its flags.
func (c *command) usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: presencesync %s %s\n\n%s\n", c.name, c.args, c.about)
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.define(fs)
	var flags []string
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		name, _ := flag.UnquoteUsage(f)
		s := "-" + f.Name
		if len(f.Name) > 1 {
			s = "-" + s
		}
		if name != "" {
			s += " " + name
		}
		flags = append(flags, s)
		width = max(width, len(s))
	})
	if len(flags) > 0 {
		b.WriteString("\nflags:\n")
		i := 0
		fs.VisitAll(func(f *flag.Flag) {
			_, text := flag.UnquoteUsage(f)
			fmt.Fprintf(&b, "  %-*s  %s\n", width, flags[i], text)
			i++
		})
	}
	return b.String()
}

var versionCommand = &command{
	name:    "version",
	args:    "",
	summary: "print the version of presence-sync and of the Go that built this tool",
	about:   "Prints the version of presence-sync this tool belongs to (the shim's version), the Go\nrelease that built it, and the source revision when the build recorded one.",
	define: func(fs *flag.FlagSet) func([]string, io.Writer, io.Writer) int {
		return func(files []string, stdout, stderr io.Writer) int {
			if len(files) > 0 {
				return usageError("version", stderr, "takes no argument")
			}
			fmt.Fprintln(stdout, versionText())
			return 0
		}
	},
}

// versionText: "presencesync 0.1.0 (go1.26.1 linux/amd64, revision 88f31a8c1d2e)".
func versionText() string {
	s := "presencesync " + version + " (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			s += ", module " + v
		}
		for _, kv := range bi.Settings {
			switch {
			case kv.Key == "vcs.revision" && len(kv.Value) >= 12:
				s += ", revision " + kv.Value[:12]
			case kv.Key == "vcs.modified" && kv.Value == "true":
				s += " with local changes"
			}
		}
	}
	return s + ")"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }
