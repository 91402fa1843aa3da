package rules

import (
	"strconv"
	"strings"
)

// validateDocument checks what the picklists alone cannot: targets that cannot
// be set, names missing from the catalogs, comparisons that can never be true,
// Logout rules that can never match, shadowed rules and rule cycles. Every
// check runs on each criterion of a rule, inside groups too, and reports it by
// its path.
//
// Without p.warnings (the runtime's compile) the checks that can only warn
// (duplicate names, the proofs, the catalogs) are not made.
func validateDocument(p *parser, doc *Document) {
	var names map[string]int
	if p.warnings {
		names = make(map[string]int, len(doc.Rules))
	}
	for i := range doc.Rules {
		r := &doc.Rules[i]
		if r.Name != "" && p.warnings {
			if j, dup := names[r.Name]; dup {
				d := p.add(SeverityWarning, "duplicate-name", r, "name", p.off(r, "name"),
					"another rule (rules["+itoa(j)+"]) has the same name; messages will be ambiguous")
				d.Value = r.Name
			} else {
				names[r.Name] = i
			}
		}
		validateTarget(p, doc, r)
		validateCriteria(p, doc, r)
	}
	if !p.warnings {
		return
	}
	pr := newProver(p, doc)
	pr.shadowing()
	for _, c := range pr.cycles() {
		r := &doc.Rules[c[0]]
		involved := make([]string, len(c))
		quoted := make([]string, len(c))
		for k, idx := range c {
			involved[k] = doc.Rules[idx].Label()
			quoted[k] = quote(involved[k])
		}
		d := p.add(SeverityWarning, "cycle", r, "", p.off(r, "source"),
			"these rules form a cycle, each write triggering the next: "+strings.Join(quoted, " → ")+" → "+quoted[0]+
				". Echo suppression stops it while the platforms echo this module's writes; if an echo is missed they loop until the loop breaker pauses them.")
		d.Rules = involved
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func connectStateNames(doc *Document) []string {
	out := make([]string, len(doc.Connect.States))
	for i, s := range doc.Connect.States {
		out[i] = s.Name
	}
	return out
}

func statusNames(doc *Document) []string {
	out := make([]string, len(doc.Salesforce.Statuses))
	for i, s := range doc.Salesforce.Statuses {
		out[i] = s.DeveloperName
	}
	return out
}

// findStatus resolves a DeveloperName; byLabel reports a status whose label
// (but not DeveloperName) matches.
func findStatus(statuses []SalesforceStatus, name string) (byName, byLabel *SalesforceStatus) {
	for i := range statuses {
		if statuses[i].DeveloperName == name {
			return &statuses[i], nil
		}
	}
	for i := range statuses {
		if statuses[i].Label == name {
			return nil, &statuses[i]
		}
	}
	return nil, nil
}

func findConnectState(states []ConnectState, name string) *ConnectState {
	for i := range states {
		if states[i].Name == name {
			return &states[i]
		}
	}
	return nil
}

func validateTarget(p *parser, doc *Document, r *Rule) {
	field := p.targetField(r)
	v := p.field(r, field)
	if v == nil || v.kind != jString {
		return // already reported: the rule has no target, or it is not a string
	}
	off := v.off
	switch r.Destination {
	case DestinationConnect:
		switch {
		case r.Value == "":
			p.add(SeverityError, "missing-value", r, field, off, "the target Connect agent state is empty")
		case IsConnectSystemState(r.Value):
			d := p.add(SeverityError, "system-state-target", r, field, off,
				quote(r.Value)+" is an Amazon Connect system state: the CCP sets it and it cannot be set by a rule. System states may be tested in a criterion but not targeted.")
			d.Value = r.Value
			if len(doc.Connect.States) > 0 {
				d.Allowed = connectStateNames(doc)
				d.Message += " Allowed targets: " + joinQuoted(d.Allowed) + "."
			}
		case len(doc.Connect.States) > 0 && findConnectState(doc.Connect.States, r.Value) == nil:
			d := p.add(SeverityError, CodeUnknownState, r, field, off, quote(r.Value)+" is not an agent state in the Connect catalog")
			p.allowed(d, r.Value, connectStateNames(doc))
		}
	case DestinationSalesforce:
		switch {
		case r.Value == "":
			p.add(SeverityError, "missing-value", r, field, off, "the target Omni-Channel status is empty")
		case r.Value == OfflineStatus:
			// logs the agent out of Omni-Channel
		case strings.EqualFold(r.Value, OfflineStatus) && findStatusName(doc, r.Value) == nil:
			d := p.add(SeverityError, "unknown-value", r, field, off, quote(r.Value)+` is not "Offline": logging out of Omni-Channel takes the exact value "Offline" (case sensitive)`)
			d.Value, d.Suggestion = r.Value, OfflineStatus
		case len(doc.Salesforce.Statuses) > 0:
			byName, byLabel := findStatus(doc.Salesforce.Statuses, r.Value)
			switch {
			case byName != nil:
			case byLabel != nil:
				d := p.add(SeverityError, "label-not-developer-name", r, field, off,
					quote(r.Value)+" is the label of a presence status; rules name statuses by their API name (DeveloperName); did you mean "+quote(byLabel.DeveloperName)+"?")
				d.Value, d.Suggestion = r.Value, byLabel.DeveloperName
			default:
				d := p.add(SeverityError, CodeUnknownState, r, field, off, quote(r.Value)+" is not a presence status DeveloperName in the Salesforce catalog")
				p.allowed(d, r.Value, append(statusNames(doc), OfflineStatus))
			}
		}
	}
}

func findStatusName(doc *Document, name string) *SalesforceStatus {
	s, _ := findStatus(doc.Salesforce.Statuses, name)
	return s
}

// operandIsText reports whether an operand always reads as a name, not a number.
func operandIsText(o Operand, v Value) bool {
	switch o {
	case OperandStatic:
		return v.Kind == Text
	case OperandConnectNewState, OperandConnectOldState, OperandSalesforceNewState, OperandServiceChannel,
		OperandChangeReason, OperandConnectNextState, OperandConnectRoutingProfile:
		return true
	}
	return false
}

// complete reports whether a criterion was read without a problem: lint's
// proofs only use complete criteria.
func (c *Criterion) complete() bool {
	return c.OperandA != OperandNone && c.OperandB != OperandNone && c.Comparator != ComparatorNone &&
		(c.OperandA != OperandStatic || c.OperandAValue.Kind != Unavailable) &&
		(c.OperandB != OperandStatic || c.OperandBValue.Kind != Unavailable)
}

// validateCriteria checks each criterion of a rule, then the rule's criteria as a whole.
func validateCriteria(p *parser, doc *Document, r *Rule) {
	offlineStatus := false
	for i := range r.Criteria {
		n := &r.Criteria[i]
		if n.Join != JoinNone || !n.complete() {
			continue
		}
		validateCriterion(p, r, n)
		if !p.warnings {
			continue
		}
		criterionWarnings(p, doc, r, n)
		if r.Source == SourceSalesforceStateChange && n.Comparator == Equal && n.staticAgainst(OperandSalesforceNewState) == OfflineStatus {
			offlineStatus = true
		}
	}
	if !p.warnings {
		return
	}
	if offlineStatus && findStatusName(doc, OfflineStatus) == nil {
		p.add(SeverityWarning, "offline-is-not-logout", r, "source", p.off(r, "source"),
			`this rule fires when the agent picks a presence status named "Offline", not when they log out of Omni-Channel; for logout use the source "Salesforce Agent Logout"`)
	}
	// Logout: the rule loads but never fires unless it tests New State = "Offline" (Semantics 4).
	if r.Source == SourceSalesforceLogout && !p.broken(r) && !r.Criteria.logoutOK() {
		field := criteriaField
		if r.Criteria[0].Path == recordCriterionPath {
			field = "operandA"
		}
		d := p.add(SeverityWarning, "logout-never-matches", r, field, p.off(r, field),
			`a "Salesforce Agent Logout" rule fires only when it tests "Salesforce Agent New State" "Equal to" the static value "Offline" (exact, case sensitive), as its criterion or as a member of its top-level "all" group; this one tests `+
				r.Criterion()+": it loads but never fires")
		d.Allowed = []string{`Salesforce Agent New State Equal to "Offline"`}
	}
}

// validateCriterion checks one complete criterion for errors, reporting it by its path.
func validateCriterion(p *parser, r *Rule, n *CriteriaNode) {
	c := &n.Criterion
	if c.Comparator.ordering() {
		for _, s := range []struct {
			o     Operand
			v     Value
			field string
		}{{c.OperandA, c.OperandAValue, "operandA"}, {c.OperandB, c.OperandBValue, "operandB"}} {
			if !operandIsText(s.o, s.v) {
				continue
			}
			field, what := s.field, quote(s.o.String())+" is a name, not a number"
			if s.o == OperandStatic {
				field = s.field + "Value"
				what = "the static value " + quote(s.v.Str) + " is not a number"
			}
			off := n.off(field)
			field = fieldPath(n.Path, field)
			d := p.add(SeverityError, "not-numeric", r, field, off,
				quote(c.Comparator.String())+" compares numbers, but "+what+"; the criterion could never be true. Use \"Equal to\" or \"Not equal to\" for names")
			d.Value = s.v.Str
			d.Allowed = []string{"Equal to", "Not equal to"}
		}
	}
}

// criterionWarnings checks one complete criterion for what may be a mistake:
// a comparison of two static values, names missing from the catalogs, a
// reason the source does not give.
func criterionWarnings(p *parser, doc *Document, r *Rule, n *CriteriaNode) {
	c := &n.Criterion
	if c.OperandA == OperandStatic && c.OperandB == OperandStatic {
		p.add(SeverityWarning, "constant-criterion", r, fieldPath(n.Path, "operandA"), n.off("operandA"),
			"both operands are static values, so the criterion is always "+boolWord(compareValues(c.Comparator, c.OperandAValue, c.OperandBValue) == matchYes))
	}
	// The static value's path and place, made for a warning only.
	field := func() string { return fieldPath(n.Path, c.staticField()) }
	off := n.off(c.staticField())
	// What a name missing from the catalogs means for the criterion.
	mayNever := "so this criterion may never be true"
	if c.Comparator == NotEqual {
		mayNever = "so this criterion may always be true"
	}
	if v := c.staticAgainst(OperandChangeReason); v != "" {
		validateReason(p, r, c, field(), off, v)
	}
	// Static names checked against the catalogs (warnings: criteria may test anything).
	for _, o := range []Operand{OperandConnectNewState, OperandConnectOldState, OperandSalesforceNewState, OperandServiceChannel} {
		v := c.staticAgainst(o)
		if v == "" {
			continue
		}
		switch o {
		case OperandConnectNewState, OperandConnectOldState:
			if len(doc.Connect.States) > 0 && findConnectState(doc.Connect.States, v) == nil && !IsConnectSystemState(v) {
				d := p.add(SeverityWarning, CodeUnknownState, r, field(), off, quote(v)+" is neither an agent state in the Connect catalog nor a Connect system state, "+mayNever)
				p.allowed(d, v, append(connectStateNames(doc), connectSystemStates[:5]...))
			}
		case OperandSalesforceNewState:
			if len(doc.Salesforce.Statuses) == 0 || v == OfflineStatus {
				continue
			}
			byName, byLabel := findStatus(doc.Salesforce.Statuses, v)
			switch {
			case byName != nil:
			case byLabel != nil:
				d := p.add(SeverityWarning, "label-not-developer-name", r, field(), off,
					quote(v)+" is the label of a presence status; Salesforce Agent New State is the API name (DeveloperName); did you mean "+quote(byLabel.DeveloperName)+"?")
				d.Value, d.Suggestion = v, byLabel.DeveloperName
			default:
				d := p.add(SeverityWarning, CodeUnknownState, r, field(), off, quote(v)+" is not a presence status DeveloperName in the Salesforce catalog, "+mayNever)
				p.allowed(d, v, append(statusNames(doc), OfflineStatus))
			}
		case OperandServiceChannel:
			if len(doc.Salesforce.ServiceChannels) == 0 {
				continue
			}
			var names []string
			found := false
			for _, ch := range doc.Salesforce.ServiceChannels {
				names = append(names, ch.DeveloperName)
				found = found || ch.DeveloperName == v
			}
			if !found {
				d := p.add(SeverityWarning, "unknown-channel", r, field(), off, quote(v)+" is not a service channel in the Salesforce catalog, "+mayNever)
				p.allowed(d, v, names)
			}
		}
	}
}

// validateReason checks a Salesforce Change Reason compared with the text v
// (Semantics 16): only Salesforce status change and logout events carry a
// reason, each from a documented list.
func validateReason(p *parser, r *Rule, c *Criterion, field string, off int, v string) {
	if r.Source == SourceNone {
		return
	}
	reasons := reasonsFor(r.Source)
	if reasons == nil {
		d := p.add(SeverityWarning, "reason-not-carried", r, field, off,
			`"Salesforce Change Reason" is empty on `+quote(r.Source.String())+` events (only "Salesforce Agent State Change" and "Salesforce Agent Logout" events carry a reason), so this criterion is always `+
				boolWord(c.Comparator == NotEqual))
		d.Value = v
		return
	}
	for _, known := range reasons {
		if v == known {
			return
		}
	}
	msg := quote(v) + " is not a reason Salesforce gives for " + quote(r.Source.String()) + " events"
	for _, s := range []Source{SourceSalesforceStateChange, SourceSalesforceLogout} {
		for _, known := range reasonsFor(s) {
			if s != r.Source && v == known {
				msg += " (it is a reason of " + quote(s.String()) + " events)"
			}
		}
	}
	if c.Comparator == NotEqual {
		msg += ", so this criterion may always be true"
	} else {
		msg += ", so this criterion may never be true"
	}
	d := p.add(SeverityWarning, "unknown-reason", r, field, off, msg)
	p.allowed(d, v, reasons)
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
