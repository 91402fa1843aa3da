package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/presence-sync/presence-sync/rules/scenario"
)

var simulateCommand = &command{
	name:    "simulate",
	args:    "[--verbose] SCENARIO.json...",
	summary: `run scenario files against simulated platforms; ends with "N passed, M failed"`,
	about: `Runs each scenario (README.md, "Scenario files"): its events, time passing and injected
failures, against both platforms simulated, checking the writes, errors and states each
step expects. A scenario's "rulesFile" may name a rules file or a folder of
PresenceSyncRule records. A failing step prints what was expected, what happened and the
decision trace. Ends with "N passed, M failed"; exits 1 when a scenario fails.`,
	define: func(fs *flag.FlagSet) func([]string, io.Writer, io.Writer) int {
		verbose := fs.Bool("verbose", false, "print every scenario's tally of action statuses")
		return func(files []string, stdout, stderr io.Writer) int {
			if len(files) == 0 {
				return usageError("simulate", stderr, "give one or more scenario files")
			}
			return simulate(files, *verbose, stdout)
		}
	},
}

func simulate(files []string, verbose bool, stdout io.Writer) int {
	passed, failed := 0, 0
	for _, f := range files {
		sc, err := loadScenario(f)
		if err != nil {
			fmt.Fprintf(stdout, "FAIL %s\n  %s\n", f, indent(err.Error()))
			failed++
			continue
		}
		res := sc.Run()
		if res.Passed() {
			passed++
			fmt.Fprintf(stdout, "ok   %s (%s)\n", f, sc.Name)
			if verbose {
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
				fmt.Fprintf(stdout, "  %s\n", indent(res.Err.Error()))
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

// loadScenario reads a scenario file; its problems are said without
// repeating the file's name (simulate's FAIL line gives it), a JSON error
// located.
func loadScenario(f string) (*scenario.Scenario, error) {
	data, err := readJSON(f)
	if err != nil {
		var ie *inputError
		if errors.As(err, &ie) {
			return nil, errors.New(ie.msg)
		}
		return nil, err
	}
	sc, err := scenario.LoadScenario(f)
	if err == nil {
		return sc, nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		var ie *inputError
		if errors.As(decodeJSON(f, data, &scenario.Scenario{}), &ie) {
			return nil, errors.New(ie.msg)
		}
	}
	msg := strings.TrimPrefix(err.Error(), f+": ")
	return nil, errors.New("error: " + strings.Replace(msg, "json: ", "", 1))
}
