package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/presence-sync/presence-sync/rules/internal/jsonpos"
)

var explainCommand = &command{
	name:    "explain",
	args:    "[--json] [--state STATE.json] [--catalog FILE] RULES EVENT.json",
	summary: "what one event does: which rule fires, why the others do not, what is written",
	about: `Evaluates one event (a canonical event, as in scenario files: {"type": "Connect Agent State
Change", "oldState": "Available", "newState": "Lunch"}) against the rules and prints the
decision: each rule matched or not and why, a group's members as a tree, the writes.
--state sets what is known before the event (connectState, salesforceStatus,
configuredCapacity, workload, ...). It warns about an event field the event type does not
have (with a did-you-mean), and about an operand a rule reads that neither the event nor
the known state supplies. Exits 1 when the rules have errors or the event cannot be read.`,
	define: func(fs *flag.FlagSet) func([]string, io.Writer, io.Writer) int {
		asJSON := fs.Bool("json", false, "print the decision as JSON: {decision, errors, warnings}")
		statePath := fs.String("state", "", "a JSON `FILE` with what is known before the event: connectState, salesforceStatus, configuredCapacity, workload, ...")
		catalog := fs.String("catalog", "", "with a folder of records: the `FILE` holding its catalogs and options (see export-metadata)")
		return func(files []string, stdout, stderr io.Writer) int {
			if len(files) != 2 {
				return usageError("explain", stderr, "give the rules (a file or a folder of records) and an event file")
			}
			return explain(files[0], files[1], *statePath, *catalog, *asJSON, stdout, stderr)
		}
	},
}

func explain(rulesPath, eventPath, statePath, catalog string, asJSON bool, stdout, stderr io.Writer) int {
	src, err := loadRules(rulesPath, catalog, "")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	doc, diags, ok := src.parse()
	if !ok {
		lines, errs, _ := src.report(diags.Errors())
		for _, l := range lines {
			fmt.Fprintln(stderr, l)
		}
		fmt.Fprintf(stderr, "%s: %s: nothing was evaluated\n", rulesPath, plural(errs, "error"))
		return 1
	}
	evData, err := readJSON(eventPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ev, err := rules.DecodeEvent(evData)
	if err != nil {
		if ev.Type != rules.SourceNone { // a misspelt field may be why a field is missing
			for _, w := range eventFieldWarnings(eventPath, evData, ev.Type) {
				fmt.Fprintln(stderr, w.String())
			}
		}
		fmt.Fprintln(stderr, eventError(eventPath, evData, err))
		return 1
	}
	warnings := eventFieldWarnings(eventPath, evData, ev.Type)
	var st rules.State
	if statePath != "" {
		sd, err := readJSON(statePath)
		if err == nil {
			err = decodeJSON(statePath, sd, &st)
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		warnings = append(warnings, stateFieldWarnings(statePath, sd)...)
	}
	eng := rules.New(doc)
	c := rules.NewCoordinator(eng, rules.DefaultOptions())
	start := c.Start(0, st, nil)
	out := c.HandleEvent(0, ev)
	errs := append(start.Errors, out.Errors...)
	var d *rules.Decision
	if len(out.Decisions) > 0 {
		d = out.Decisions[0]
		warnings = append(warnings, operandWarnings(eventPath, statePath, eng, d)...)
	}
	for _, cmd := range out.Commands {
		if cmd.Read && d == nil {
			warnings = append(warnings, warning{File: eventPath, Code: "no-decision", Field: "statusId",
				Message: "no decision: the engine first reads " + cmd.Destination.String() + " to name the status this event reports " +
					"(its statusId is not in the catalog), and explain cannot answer a read: give the event its statusApiName, " +
					"or the catalog the status (salesforce.statuses)"})
		}
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if warnings == nil {
			warnings = []warning{}
		}
		_ = enc.Encode(struct {
			Decision *rules.Decision `json:"decision"`
			Errors   []*rules.Error  `json:"errors"`
			Warnings []warning       `json:"warnings"`
		}{d, errs, warnings})
		return 0
	}
	for _, w := range warnings {
		fmt.Fprintln(stdout, w.String())
	}
	for _, d := range out.Decisions {
		fmt.Fprintln(stdout, d.Text())
	}
	for _, e := range errs {
		fmt.Fprintf(stdout, "error (%s): %s\n", e.Code, e.Message)
	}
	return 0
}

// eventError says why an event cannot be read, at the field when there is one.
func eventError(path string, data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "ignored a malformed event: ")
	var re *rules.Error
	if errors.As(err, &re) && re.Field != "" {
		top := strings.FieldsFunc(re.Field, func(r rune) bool { return r == '.' || r == '[' })[0]
		for _, m := range jsonpos.Members(data, 0) {
			if m.Key == top {
				line, col, snippet := rules.Locate(data, m.ValOff)
				return &inputError{path, located(line, col, msg, snippet)}
			}
		}
	}
	return &inputError{path, "error: " + msg}
}
