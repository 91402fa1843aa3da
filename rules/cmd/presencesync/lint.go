package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/presence-sync/presence-sync/rules"
)

var lintCommand = &command{
	name:    "lint",
	args:    "[--json] [--quiet] [--catalog FILE] RULES...",
	summary: "check rules: every problem, located, with a did-you-mean; exit 1 on errors",
	about: `Checks each rules file, or folder of PresenceSyncRule records, and reports every
problem: which rule and field, the line and column, the bad value, what is allowed, a
did-you-mean; then what it can prove about the rules as a whole (a rule that can never
win, rules that trigger each other in a cycle). For a folder of records each problem
names the record's file and field (Comparator__c, Criteria__c at all[1].operandA) and
points into its XML. Ends each input with "N errors, M warnings"; exits 1 when there
is an error.`,
	define: func(fs *flag.FlagSet) func([]string, io.Writer, io.Writer) int {
		asJSON := fs.Bool("json", false, "print the problems as JSON: one entry per input, {file, errors, warnings, diagnostics}")
		quiet := fs.Bool("quiet", false, "print nothing for an input without problems")
		catalog := fs.String("catalog", "", "with a folder of records: the `FILE` holding its catalogs and options (see export-metadata)")
		return func(files []string, stdout, stderr io.Writer) int {
			if len(files) == 0 {
				return usageError("lint", stderr, "give a rules file or a folder of records")
			}
			return lint(files, *catalog, *asJSON, *quiet, stdout)
		}
	},
}

type lintResult struct {
	File        string `json:"file"`
	Errors      int    `json:"errors"`
	Warnings    int    `json:"warnings"`
	Diagnostics any    `json:"diagnostics"`
}

func lint(files []string, catalog string, asJSON, quiet bool, stdout io.Writer) int {
	status := 0
	var results []lintResult
	for _, f := range files {
		var lines []string
		var r lintResult
		src, err := loadRules(f, catalog, "")
		if err != nil {
			msg := err.Error()
			var ie *inputError
			if errors.As(err, &ie) {
				msg = ie.msg
			}
			d := rules.Diagnostic{Severity: rules.SeverityError, Code: "unreadable", RuleIndex: -1, Message: msg}
			lines = []string{f + ": error: " + msg}
			r = lintResult{File: f, Errors: 1, Diagnostics: rules.Diagnostics{d}}
		} else {
			_, diags := rules.Parse(src.data)
			lines, r.Errors, r.Warnings = src.report(diags)
			r.File, r.Diagnostics = f, src.problems(diags)
		}
		results = append(results, r)
		if r.Errors > 0 {
			status = 1
		}
		if asJSON || quiet && len(lines) == 0 {
			continue
		}
		for _, l := range lines {
			fmt.Fprintln(stdout, l)
		}
		fmt.Fprintf(stdout, "%s: %s, %s\n", f, plural(r.Errors, "error"), plural(r.Warnings, "warning"))
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(results)
	}
	return status
}
