package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/presence-sync/presence-sync/rules"
)

func (s *simulator) check(i int, step *Step) []StepFailure {
	var fails []StepFailure
	fail := func(problem, expected, got string) {
		fails = append(fails, StepFailure{Step: i, Problem: problem, Expected: expected, Got: got, Trace: s.decisions})
	}
	if len(step.Expect) > 0 {
		var want []map[string]any
		if err := json.Unmarshal(step.Expect, &want); err != nil {
			fail("expect must be an array of writes: "+err.Error(), "", "")
		} else if ok, got := matchWrites(want, s.writes); !ok {
			fail("the writes differ", string(step.Expect), got)
		}
	}
	if len(step.ExpectError) > 0 {
		var codes []string
		if len(step.ExpectError) > 0 && step.ExpectError[0] == '"' {
			var c string
			_ = json.Unmarshal(step.ExpectError, &c)
			codes = []string{c}
		} else {
			_ = json.Unmarshal(step.ExpectError, &codes)
		}
		got := make([]string, len(s.errors))
		for k, e := range s.errors {
			got[k] = e.Code
		}
		for _, c := range codes {
			found := false
			for _, g := range got {
				found = found || g == c
			}
			if !found {
				fail("expected error "+strconv.Quote(c), c, errorsText(s.errors))
			}
		}
	}
	if es := step.ExpectState; es != nil {
		if es.ConnectState != nil && *es.ConnectState != s.connect {
			fail("simulated Amazon Connect state differs", *es.ConnectState, s.connect)
		}
		if es.SalesforceStatus != nil && *es.SalesforceStatus != s.sfStatus {
			fail("simulated Omni-Channel status differs", *es.SalesforceStatus, s.sfStatus)
		}
		if es.ConnectNextState != nil && *es.ConnectNextState != s.next {
			fail("simulated Amazon Connect next state differs", *es.ConnectNextState, s.next)
		}
	}
	if len(step.ExpectReads) > 0 {
		var want []map[string]any
		if err := json.Unmarshal(step.ExpectReads, &want); err != nil {
			fail("expectReads must be an array of reads: "+err.Error(), "", "")
		} else if ok, got := matchWrites(want, s.reads); !ok {
			fail("the reads differ", string(step.ExpectReads), got)
		}
	}
	for _, want := range step.ExpectActions {
		if !s.anyAction(want) {
			b, _ := json.Marshal(want)
			fail("no action status change matches", string(b), actionsText(s.changes))
		}
	}
	for _, want := range step.ExpectDecisions {
		if !s.anyDecision(want) {
			b, _ := json.Marshal(want)
			fail("no decision matches", string(b), decisionsText(s.decisions))
		}
	}
	if step.ExpectSettled {
		var pending []string
		for id, st := range s.actions {
			switch st {
			case rules.StatusApplied, rules.StatusSkipped, rules.StatusSuperseded, rules.StatusFailed:
			default:
				pending = append(pending, fmt.Sprintf("action %d is %s", id, st))
			}
		}
		sort.Strings(pending)
		if len(pending) > 0 {
			fail("writes still pending", "every write applied, skipped, superseded or failed", strings.Join(pending, "; "))
		}
	}
	return fails
}

func errorsText(errs []*rules.Error) string {
	if len(errs) == 0 {
		return "no error"
	}
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Code + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}

// matchWrites compares writes order-insensitively on destination and value
// plus every other key an expectation names.
func matchWrites(want []map[string]any, got []rules.Command) (bool, string) {
	gotMaps := make([]map[string]any, len(got))
	for i, c := range got {
		b, _ := json.Marshal(c)
		_ = json.Unmarshal(b, &gotMaps[i])
		if _, ok := gotMaps[i]["enqueueNextState"]; !ok {
			gotMaps[i]["enqueueNextState"] = false
		}
		if _, ok := gotMaps[i]["logout"]; !ok {
			gotMaps[i]["logout"] = false
		}
	}
	text := writesText(got)
	if len(want) != len(got) {
		return false, text
	}
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for j, g := range gotMaps {
			if used[j] || !writeMatches(w, g) {
				continue
			}
			used[j], found = true, true
			break
		}
		if !found {
			return false, text
		}
	}
	return true, text
}

func writeMatches(want, got map[string]any) bool {
	for k, v := range want {
		gv := got[k]
		if k == "destination" {
			var d rules.Destination
			s, _ := v.(string)
			if d.UnmarshalText([]byte(s)) == nil {
				v = d.String()
			}
		}
		wb, _ := json.Marshal(v)
		gb, _ := json.Marshal(gv)
		if !bytes.Equal(wb, gb) {
			return false
		}
	}
	return true
}

func writesText(got []rules.Command) string {
	if len(got) == 0 {
		return "[] (no write)"
	}
	parts := make([]string, len(got))
	for i, c := range got {
		s := fmt.Sprintf("{destination: %q, value: %q", c.Destination.String(), c.Value)
		if c.EnqueueNextState {
			s += ", enqueueNextState: true"
		}
		if c.Logout {
			s += ", logout: true"
		}
		parts[i] = s + "}"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// anyAction: one of the step's action status changes has the named keys'
// values ("reason": a part of it).
func (s *simulator) anyAction(want map[string]any) bool {
	for i := range s.changes {
		if fieldsMatch(want, &s.changes[i], "reason") {
			return true
		}
	}
	return false
}

// anyDecision: one of the step's decisions has the named keys' values ("note":
// a part of it; "event": the keys it names).
func (s *simulator) anyDecision(want map[string]any) bool {
	for _, d := range s.decisions {
		if fieldsMatch(want, d, "note") {
			return true
		}
	}
	return false
}

// fieldsMatch compares the keys want names with v's JSON: strings under
// partial match as a part, objects by the keys they name, anything else equal.
func fieldsMatch(want map[string]any, v any, partial string) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	var got map[string]any
	if json.Unmarshal(b, &got) != nil {
		return false
	}
	return subset(want, got, partial)
}

func subset(want, got map[string]any, partial string) bool {
	for k, wv := range want {
		gv, ok := got[k]
		if k == "destination" {
			var d rules.Destination
			if s, _ := wv.(string); d.UnmarshalText([]byte(s)) == nil {
				wv = d.String()
			}
		}
		switch w := wv.(type) {
		case map[string]any:
			g, isMap := gv.(map[string]any)
			if !isMap || !subset(w, g, "") {
				return false
			}
			continue
		case string:
			if g, isStr := gv.(string); k == partial && isStr && strings.Contains(g, w) {
				continue
			}
		case bool:
			if !ok && !w { // an omitted boolean is false
				continue
			}
		}
		wb, _ := json.Marshal(wv)
		gb, _ := json.Marshal(gv)
		if !ok || !bytes.Equal(wb, gb) {
			return false
		}
	}
	return true
}

func actionsText(as []rules.Action) string {
	if len(as) == 0 {
		return "no action"
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = fmt.Sprintf("%s %q (%s): %s — %s", a.Destination, a.Value, a.Rule, a.Status, a.Reason)
	}
	return strings.Join(parts, "; ")
}

func decisionsText(ds []*rules.Decision) string {
	if len(ds) == 0 {
		return "no decision"
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		b, _ := json.Marshal(d.Event)
		parts[i] = fmt.Sprintf("#%d %s echo=%v duplicate=%v reconcile=%v note=%q", d.Seq, b, d.Echo, d.Duplicate, d.Reconcile, d.Note)
	}
	return strings.Join(parts, "; ")
}
