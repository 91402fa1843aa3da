package main

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/presence-sync/presence-sync/rules/internal/jsonpos"
)

// warning is a problem with explain's inputs that does not stop it: a field
// the event or the state file does not have, an operand nothing supplies.
type warning struct {
	File       string `json:"file"`
	Code       string `json:"code"` // unknown-field, other-type-field, unsupplied-operand
	Field      string `json:"field,omitempty"`
	RuleIndex  *int   `json:"ruleIndex,omitempty"`
	Rule       string `json:"rule,omitempty"`
	Suggestion string `json:"suggestion,omitempty"`
	Line       int    `json:"line,omitempty"`
	Column     int    `json:"column,omitempty"`
	Message    string `json:"message"`
	snippet    string
}

func (w warning) String() string {
	s := w.File + ": warning: "
	if w.RuleIndex != nil {
		s += "rules[" + itoa(*w.RuleIndex) + "] " + quote(w.Rule) + ": "
	}
	if w.Line > 0 {
		s += "line " + itoa(w.Line) + ", column " + itoa(w.Column) + ": "
	}
	s += w.Message
	if w.snippet != "" {
		s += "\n" + w.snippet
	}
	return s
}

// eventFields are the canonical event fields (rules/events.schema.json) each
// event type carries, besides "type": what the shim sends for that platform
// event and the engine reads (a test holds them to the schema and to the
// engine).
var eventFields = map[rules.Source][]string{
	rules.SourceConnectStateChange:        {"oldState", "newState", "stateType", "contacts", "nextState", "routingProfile"},
	rules.SourceSalesforceStateChange:     {"statusId", "statusApiName", "statusName", "reason"},
	rules.SourceSalesforceLogout:          {"reason"},
	rules.SourceSalesforceWorkAccepted:    {"workItemId", "workId", "serviceChannel"},
	rules.SourceSalesforceWorkloadChanged: {"configuredCapacity", "previousWorkload", "newWorkload", "configuredInterruptibleCapacity", "previousInterruptibleWorkload", "newInterruptibleWorkload"},
}

// counterpart: the field of an event type that holds what another type's
// field does (the state changed to).
var counterpart = map[rules.Source]map[string]string{
	rules.SourceSalesforceStateChange: {"newState": "statusApiName", "state": "statusApiName", "status": "statusApiName"},
	rules.SourceConnectStateChange:    {"statusApiName": "newState", "statusName": "newState", "state": "newState"},
}

// allEventFields lists every canonical event field once, "type" first.
func allEventFields() []string {
	all := []string{"type"}
	for src := rules.SourceConnectStateChange; src <= rules.SourceSalesforceWorkloadChanged; src++ {
		for _, f := range eventFields[src] {
			if !slices.Contains(all, f) {
				all = append(all, f)
			}
		}
	}
	return all
}

// eventFieldWarnings: each key of the event that is not a field of its type.
func eventFieldWarnings(path string, data []byte, src rules.Source) []warning {
	own := append([]string{"type"}, eventFields[src]...)
	all := allEventFields()
	var ws []warning
	for _, m := range jsonpos.Members(data, 0) {
		if slices.Contains(own, m.Key) {
			continue
		}
		w := warning{File: path, Code: "unknown-field", Field: m.Key}
		w.Line, w.Column, w.snippet = rules.Locate(data, m.Off)
		w.Suggestion = rules.Suggest(m.Key, own)
		if c, ok := counterpart[src][m.Key]; ok {
			w.Suggestion = c
		}
		if slices.Contains(all, m.Key) {
			w.Code = "other-type-field"
			w.Message = quote(m.Key) + " is a field of other events, not of a " + quote(src.String()) + " event"
		} else {
			w.Message = quote(m.Key) + " is not an event field, and is not read"
			if w.Suggestion == "" {
				w.Suggestion = rules.Suggest(m.Key, all)
			}
		}
		if w.Suggestion != "" {
			w.Message += "; did you mean " + quote(w.Suggestion) + "?"
		} else {
			w.Message += "."
		}
		w.Message += " A " + quote(src.String()) + " event has " + strings.Join(own, ", ") + "."
		ws = append(ws, w)
	}
	return ws
}

// stateKeys are the keys of explain's --state file (rules.State's).
func stateKeys() []string {
	var keys []string
	t := reflect.TypeOf(rules.State{})
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// stateFieldWarnings: each key of the state file that explain does not read.
func stateFieldWarnings(path string, data []byte) []warning {
	keys := stateKeys()
	var ws []warning
	for _, m := range jsonpos.Members(data, 0) {
		if slices.Contains(keys, m.Key) {
			continue
		}
		w := warning{File: path, Code: "unknown-field", Field: m.Key, Suggestion: rules.Suggest(m.Key, keys)}
		w.Line, w.Column, w.snippet = rules.Locate(data, m.Off)
		w.Message = quote(m.Key) + " is not a field of the known state, and is not read"
		if w.Suggestion != "" {
			w.Message += "; did you mean " + quote(w.Suggestion) + "?"
		} else {
			w.Message += "."
		}
		w.Message += " Fields: " + strings.Join(keys, ", ") + "."
		ws = append(ws, w)
	}
	return ws
}

// supply says where an operand's value comes from on events of one type
// (Semantics 2 and 16): the event field that carries it, else what the engine
// knows (the snapshot key) and the --state key that sets it at start ("": no
// key does). Several entries: a value needing each (a percentage: a workload
// and a capacity).
type supply struct {
	event, snapshot, state string
}

// operandSupplies lists, for an operand, what supplies it on an event of src;
// nil when it needs nothing (Static Value, Salesforce Agent New State on a
// Logout) or reads nothing that can be missing (Change Reason, empty on other
// events by design; Connect Agent Next State, whose empty value means none).
func operandSupplies(o rules.Operand, src rules.Source) []supply {
	on := func(s rules.Source, field string) string {
		if src == s {
			return field
		}
		return ""
	}
	workload := func(ev, snap, state string) supply { return supply{ev, snap, state} }
	switch o {
	case rules.OperandConnectNewState:
		return []supply{{on(rules.SourceConnectStateChange, "newState"), "connectState", "connectState"}}
	case rules.OperandConnectOldState:
		if src == rules.SourceConnectStateChange {
			return []supply{{"oldState", "connectState", "connectState"}}
		}
		return []supply{{"", "connectPreviousState", ""}}
	case rules.OperandSalesforceNewState:
		if src == rules.SourceSalesforceLogout {
			return nil
		}
		return []supply{{on(rules.SourceSalesforceStateChange, "statusApiName"), "salesforceStatus", "salesforceStatus"}}
	case rules.OperandServiceChannel:
		return []supply{{on(rules.SourceSalesforceWorkAccepted, "serviceChannel"), "serviceChannel", ""}}
	case rules.OperandConnectRoutingProfile:
		return []supply{{on(rules.SourceConnectStateChange, "routingProfile"), "connectRoutingProfile", "connectRoutingProfile"}}
	case rules.OperandPreviousWorkload:
		return []supply{workload("previousWorkload", "previousWorkload", "")}
	case rules.OperandNewWorkload:
		return []supply{workload("newWorkload", "workload", "workload")}
	case rules.OperandConfiguredCapacity:
		return []supply{workload("configuredCapacity", "configuredCapacity", "configuredCapacity")}
	case rules.OperandPreviousWorkloadPct:
		return []supply{workload("previousWorkload", "previousWorkload", ""), workload("configuredCapacity", "configuredCapacity", "configuredCapacity")}
	case rules.OperandNewWorkloadPct:
		return []supply{workload("newWorkload", "workload", "workload"), workload("configuredCapacity", "configuredCapacity", "configuredCapacity")}
	case rules.OperandConfiguredInterruptibleCapacity:
		return []supply{workload("configuredInterruptibleCapacity", "configuredInterruptibleCapacity", "")}
	case rules.OperandPreviousInterruptibleWorkload:
		return []supply{workload("previousInterruptibleWorkload", "previousInterruptibleWorkload", "")}
	case rules.OperandNewInterruptibleWorkload:
		return []supply{workload("newInterruptibleWorkload", "interruptibleWorkload", "")}
	case rules.OperandPreviousInterruptibleWorkloadPct:
		return []supply{workload("previousInterruptibleWorkload", "previousInterruptibleWorkload", ""),
			workload("configuredInterruptibleCapacity", "configuredInterruptibleCapacity", "")}
	case rules.OperandNewInterruptibleWorkloadPct:
		return []supply{workload("newInterruptibleWorkload", "interruptibleWorkload", ""),
			workload("configuredInterruptibleCapacity", "configuredInterruptibleCapacity", "")}
	}
	return nil
}

// operandWarnings: for each active rule of the event's type, each operand its
// criteria read that neither the event (as the engine saw it, names filled
// in from the catalogs) nor what was known before it supplies.
func operandWarnings(eventPath, statePath string, eng *rules.Engine, d *rules.Decision) []warning {
	ev, snap := present(d.Event), present(d.Snapshot)
	var ws []warning
	for i, r := range eng.Rules() {
		if !r.Active || r.Source != d.Event.Type {
			continue
		}
		var seen []rules.Operand
		for _, n := range r.Criteria {
			if n.Join != rules.JoinNone {
				continue
			}
			for _, o := range [...]rules.Operand{n.OperandA, n.OperandB} {
				if slices.Contains(seen, o) {
					continue
				}
				seen = append(seen, o)
				for _, s := range operandSupplies(o, d.Event.Type) {
					if s.event != "" && ev[s.event] || snap[s.snapshot] {
						continue
					}
					ws = append(ws, unsupplied(eventPath, statePath, i, r.Label(), o, s))
				}
			}
		}
	}
	return ws
}

func unsupplied(eventPath, statePath string, i int, rule string, o rules.Operand, s supply) warning {
	msg := "reads " + o.String() + ", which "
	if s.event != "" {
		msg += "the event does not carry (" + quote(s.event) + ") and "
	}
	switch {
	case s.state == "":
		msg += "nothing known before the event supplies"
	case statePath == "":
		msg += "nothing known supplies (give --state with " + quote(s.state) + ")"
	default:
		msg += "the known state does not supply (" + quote(s.state) + " in " + statePath + ")"
	}
	return warning{File: eventPath, Code: "unsupplied-operand", Field: s.event, RuleIndex: &i, Rule: rule,
		Message: msg + ": it reads as empty"}
}

// present marshals an engine value and reports which of its keys hold
// something (not null, not "").
func present(v any) map[string]bool {
	data, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	out := map[string]bool{}
	for k, x := range m {
		out[k] = x != nil && x != ""
	}
	return out
}

func quote(s string) string { return strconv.Quote(s) }
