// Command presencesync checks presence sync rules, explains what they do with
// an event, and runs scenarios against simulated platforms.
//
//	presencesync lint [--json] [--quiet] RULES.json...
//	presencesync explain [--json] [--state SNAPSHOT.json] RULES.json EVENT.json
//	presencesync simulate [--verbose] SCENARIO.json...
//	presencesync fmt [-w] RULES.json
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/presence-sync/presence-sync/rules/scenario"
)

const usage = `presencesync — Amazon Connect ↔ Salesforce Omni-Channel presence sync rules

usage:
  presencesync lint [--json] [--quiet] RULES.json...
      check rules files; errors and warnings, each located; exit 1 on errors
  presencesync explain [--json] [--state SNAPSHOT.json] RULES.json EVENT.json
      evaluate one event: which rules match, why the others do not, what is written
  presencesync simulate [--verbose] SCENARIO.json...
      run scenarios against simulated platforms; ends with "N passed, M failed"
  presencesync fmt [-w] RULES.json
      rewrite a rules file in the canonical shape (criteria and state), keeping
      the order, the names and every other field; -w writes the file back
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "lint":
		return lint(args[1:], stdout, stderr)
	case "explain":
		return explain(args[1:], stdout, stderr)
	case "simulate":
		return simulate(args[1:], stdout, stderr)
	case "fmt":
		return format(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "presencesync: unknown command %q\n\n%s", args[0], usage)
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

func lint(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print diagnostics as JSON")
	quiet := fs.Bool("quiet", false, "print nothing for files without problems")
	files, err := parseFlags(fs, args)
	if err != nil {
		return 2
	}
	if len(files) == 0 {
		fmt.Fprint(stderr, "presencesync lint: no rules file given\n\n"+usage)
		return 2
	}
	status := 0
	type fileResult struct {
		File        string            `json:"file"`
		Errors      int               `json:"errors"`
		Warnings    int               `json:"warnings"`
		Diagnostics rules.Diagnostics `json:"diagnostics"`
	}
	var results []fileResult
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", f, err)
			status = 1
			continue
		}
		_, diags := rules.Parse(data)
		r := fileResult{File: f, Errors: len(diags.Errors()), Warnings: len(diags.Warnings()), Diagnostics: diags}
		if r.Diagnostics == nil {
			r.Diagnostics = rules.Diagnostics{}
		}
		results = append(results, r)
		if r.Errors > 0 {
			status = 1
		}
		if *asJSON || (*quiet && len(diags) == 0) {
			continue
		}
		for _, d := range diags {
			fmt.Fprintf(stdout, "%s: %s\n", f, d.String())
		}
		fmt.Fprintf(stdout, "%s: %s, %s\n", f, plural(r.Errors, "error"), plural(r.Warnings, "warning"))
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(results)
	}
	return status
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func explain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the decision as JSON")
	statePath := fs.String("state", "", "a JSON file with what is known before the event: connectState, salesforceStatus, configuredCapacity, workload")
	files, err := parseFlags(fs, args)
	if err != nil {
		return 2
	}
	if len(files) != 2 {
		fmt.Fprint(stderr, "presencesync explain: give a rules file and an event file\n\n"+usage)
		return 2
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	eng, err := rules.Compile(data)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", files[0], err)
		return 1
	}
	evData, err := os.ReadFile(files[1])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ev, err := rules.DecodeEvent(evData)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", files[1], err)
		return 1
	}
	var st rules.State
	if *statePath != "" {
		sd, err := os.ReadFile(*statePath)
		if err == nil {
			err = json.Unmarshal(sd, &st)
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", *statePath, err)
			return 1
		}
	}
	c := rules.NewCoordinator(eng, rules.DefaultOptions())
	start := c.Start(0, st, nil)
	out := c.HandleEvent(0, ev)
	errs := append(start.Errors, out.Errors...)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		var d *rules.Decision
		if len(out.Decisions) > 0 {
			d = out.Decisions[0]
		}
		_ = enc.Encode(struct {
			Decision *rules.Decision `json:"decision"`
			Errors   []*rules.Error  `json:"errors"`
		}{d, errs})
		return 0
	}
	for _, d := range out.Decisions {
		fmt.Fprintln(stdout, d.Text())
	}
	for _, e := range errs {
		fmt.Fprintf(stdout, "error (%s): %s\n", e.Code, e.Message)
	}
	return 0
}

func simulate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("verbose", false, "print every scenario's action tally")
	files, err := parseFlags(fs, args)
	if err != nil {
		return 2
	}
	if len(files) == 0 {
		fmt.Fprint(stderr, "presencesync simulate: no scenario file given\n\n"+usage)
		return 2
	}
	passed, failed := 0, 0
	for _, f := range files {
		sc, err := scenario.LoadScenario(f)
		if err != nil {
			fmt.Fprintf(stdout, "FAIL %s\n  %v\n", f, err)
			failed++
			continue
		}
		res := sc.Run()
		if res.Passed() {
			passed++
			fmt.Fprintf(stdout, "ok   %s (%s)\n", f, sc.Name)
			if *verbose {
				fmt.Fprintf(stdout, "     actions: %v\n", res.Statuses)
			}
			continue
		}
		failed++
		fmt.Fprintf(stdout, "FAIL %s (%s)\n", f, sc.Name)
		if res.Err != nil {
			var re *rules.Error
			if errors.As(res.Err, &re) && re.Code == rules.CodeInvalidRules {
				fmt.Fprintf(stdout, "  %s\n", indent(re.Message))
			} else {
				fmt.Fprintf(stdout, "  %v\n", res.Err)
			}
			continue
		}
		for _, sf := range res.Failures {
			fmt.Fprintf(stdout, "  step %d: %s\n", sf.Step, sf.Problem)
			if sf.Expected != "" || sf.Got != "" {
				fmt.Fprintf(stdout, "    expected: %s\n    got:      %s\n", sf.Expected, sf.Got)
			}
			if len(sf.Trace) > 0 {
				fmt.Fprintln(stdout, "    decisions:")
				for _, d := range sf.Trace {
					fmt.Fprintf(stdout, "      %s\n", indent(indent(indent(d.Text()))))
				}
			}
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}

// format prints a rules file in the canonical shape, or with -w writes it
// back (only when that changes it). A file that is not JSON, or that mixes
// the two shapes in a rule, is refused with its errors, located.
func format(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fmt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("w", false, "write the result to the file instead of printing it")
	files, err := parseFlags(fs, args)
	if err != nil {
		return 2
	}
	if len(files) != 1 {
		fmt.Fprint(stderr, "presencesync fmt: give one rules file\n\n"+usage)
		return 2
	}
	f := files[0]
	data, err := os.ReadFile(f)
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
	if !*write {
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

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }
