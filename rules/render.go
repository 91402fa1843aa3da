package rules

import (
	"strconv"
	"strings"
)

// Text renders a decision for people: the event, what was known, each rule's
// outcome and why, and what became of each write.
func (d *Decision) Text() string {
	var b strings.Builder
	b.WriteString("event #")
	b.WriteString(strconv.FormatInt(d.Seq, 10))
	b.WriteString(": ")
	b.WriteString(d.Event.Summary())
	if d.Echo {
		b.WriteString("\n  echo of this module's own write: known state updated, no rule evaluated")
	}
	if d.Note != "" {
		b.WriteString("\n  (" + d.Note + ")")
	}
	b.WriteString("\n  known state: ")
	b.WriteString(d.Snapshot.Summary())
	for i, t := range d.Rules {
		mark := "  "
		switch t.Outcome {
		case OutcomeMatched:
			mark = "✔ "
		case OutcomeShadowed, OutcomeCooling:
			mark = "↷ "
		case OutcomeOtherSource, OutcomeInactive:
			mark = "· "
		default:
			mark = "✘ "
		}
		b.WriteString("\n  ")
		b.WriteString(mark)
		b.WriteString("rules[" + strconv.Itoa(int(t.Index)) + "] " + quote(d.Rule(i).Name) + ": " + d.Reason(i))
		if d.Rule(i).Criteria.isGroup() {
			writeMembers(&b, d.Members(i))
		}
	}
	if len(d.Actions) == 0 && !d.Echo {
		b.WriteString("\n  → no write")
	}
	for _, a := range d.Actions {
		b.WriteString("\n  → " + a.Destination.String() + " = " + quote(a.Value) + " (rule " + quote(a.Rule) + "): " + string(a.Status))
		if a.EnqueueNextState {
			b.WriteString(", as the next state (enqueueNextState)")
		}
		if a.Reason != "" {
			b.WriteString(" — " + a.Reason)
		}
	}
	return b.String()
}

// writeMembers renders a criteria group's tree under its rule: each member
// by path, indented by depth, true (✔), false (✘) or not evaluated (·).
func writeMembers(b *strings.Builder, ms []MemberTrace) {
	for k := 1; k < len(ms); k++ {
		m := &ms[k]
		mark := "✘ "
		switch m.Result {
		case ResultTrue:
			mark = "✔ "
		case ResultNotEvaluated:
			mark = "· "
		}
		b.WriteString("\n      ")
		b.WriteString(strings.Repeat("  ", m.Node.Depth-1))
		b.WriteString(mark)
		b.WriteString(m.Node.Path)
		b.WriteString(": ")
		b.WriteString(m.Text())
	}
}

// Summary renders an event on one line.
func (e *Event) Summary() string {
	s := e.Type.String()
	switch e.Type {
	case SourceConnectStateChange:
		s += ": " + quoteOr(e.OldState, "?") + " → " + quote(e.NewState)
	case SourceSalesforceStateChange:
		s += ": " + quoteOr(e.StatusAPIName, e.StatusID)
		if e.Reason != "" {
			s += " (" + e.Reason + ")"
		}
	case SourceSalesforceWorkAccepted:
		s += ": work item " + quoteOr(e.WorkItemID, "?") + " on channel " + quoteOr(e.ServiceChannel, "(unknown)")
	case SourceSalesforceWorkloadChanged:
		s += ": workload " + numText(e.PreviousWorkload) + " → " + numText(e.NewWorkload) + " of capacity " + numText(e.ConfiguredCapacity)
	}
	return s
}

// Summary renders a snapshot on one line.
func (s *Snapshot) Summary() string {
	out := "Connect " + quoteOr(s.ConnectState, "(unknown)")
	if s.ConnectNextState != "" {
		out += " (next " + quote(s.ConnectNextState) + ")"
	}
	out += ", Omni " + quoteOr(s.SalesforceStatus, "(unknown)")
	if s.Workload.OK || s.ConfiguredCapacity.OK {
		out += ", workload " + numText(s.Workload) + "/" + numText(s.ConfiguredCapacity)
	}
	if s.ServiceChannel != "" {
		out += ", last channel " + quote(s.ServiceChannel)
	}
	return out
}

func quoteOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return quote(s)
}

func numText(n OptNum) string {
	if !n.OK {
		return "?"
	}
	return strconv.FormatFloat(n.V, 'f', -1, 64)
}
