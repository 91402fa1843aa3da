package rules

import (
	"strconv"
	"strings"
)

// validateDocument checks what the picklists alone cannot: targets that cannot
// be set, names missing from the catalogs, comparisons that can never be true,
// Logout rules that can never match, shadowed rules and rule cycles.
func validateDocument(p *parser, doc *Document) {
	names := map[string]int{}
	for i := range doc.Rules {
		r := &doc.Rules[i]
		if r.Name != "" {
			if j, dup := names[r.Name]; dup {
				d := p.add(SeverityWarning, "duplicate-name", r, "name", p.off(r, "name"),
					"another rule (rules["+itoa(j)+"]) has the same name; messages will be ambiguous")
				d.Value = r.Name
			} else {
				names[r.Name] = i
			}
		}
		validateTarget(p, doc, r)
		validateCriterion(p, doc, r)
	}
	validateShadowing(p, doc)
	for _, c := range findCycles(doc) {
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
	if r.Index >= len(p.fieldOffs) {
		return
	}
	o, has := p.fieldOffs[r.Index]["value"]
	if !has || p.data[o] != '"' {
		return // already reported: the rule has no value, or it is not a string
	}
	off := p.off(r, "value")
	switch r.Destination {
	case DestinationConnect:
		switch {
		case r.Value == "":
			p.add(SeverityError, "missing-value", r, "value", off, "the target Connect agent state is empty")
		case IsConnectSystemState(r.Value):
			d := p.add(SeverityError, "system-state-target", r, "value", off,
				quote(r.Value)+" is an Amazon Connect system state: the CCP sets it and it cannot be set by a rule. System states may be tested in a criterion but not targeted.")
			d.Value = r.Value
			if len(doc.Connect.States) > 0 {
				d.Allowed = connectStateNames(doc)
				d.Message += " Allowed targets: " + joinQuoted(d.Allowed) + "."
			}
		case len(doc.Connect.States) > 0 && findConnectState(doc.Connect.States, r.Value) == nil:
			d := p.add(SeverityError, CodeUnknownState, r, "value", off, quote(r.Value)+" is not an agent state in the Connect catalog")
			p.allowed(d, r.Value, connectStateNames(doc))
		}
	case DestinationSalesforce:
		switch {
		case r.Value == "":
			p.add(SeverityError, "missing-value", r, "value", off, "the target Omni-Channel status is empty")
		case r.Value == OfflineStatus:
			// logs the agent out of Omni-Channel
		case strings.EqualFold(r.Value, OfflineStatus) && findStatusName(doc, r.Value) == nil:
			d := p.add(SeverityError, "unknown-value", r, "value", off, quote(r.Value)+` is not "Offline": logging out of Omni-Channel takes the exact value "Offline" (case sensitive)`)
			d.Value, d.Suggestion = r.Value, OfflineStatus
		case len(doc.Salesforce.Statuses) > 0:
			byName, byLabel := findStatus(doc.Salesforce.Statuses, r.Value)
			switch {
			case byName != nil:
			case byLabel != nil:
				d := p.add(SeverityError, "label-not-developer-name", r, "value", off,
					quote(r.Value)+" is the label of a presence status; rules name statuses by their API name (DeveloperName); did you mean "+quote(byLabel.DeveloperName)+"?")
				d.Value, d.Suggestion = r.Value, byLabel.DeveloperName
			default:
				d := p.add(SeverityError, CodeUnknownState, r, "value", off, quote(r.Value)+" is not a presence status DeveloperName in the Salesforce catalog")
				p.allowed(d, r.Value, append(statusNames(doc), OfflineStatus))
			}
		}
	}
}

func findStatusName(doc *Document, name string) *SalesforceStatus {
	s, _ := findStatus(doc.Salesforce.Statuses, name)
	return s
}

// operandKind is what lint can tell about an operand without running it.
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

func validateCriterion(p *parser, doc *Document, r *Rule) {
	if r.OperandA == OperandNone || r.OperandB == OperandNone || r.Comparator == ComparatorNone {
		return
	}
	if r.Comparator.ordering() {
		for _, side := range []struct {
			o     Operand
			v     Value
			field string
		}{{r.OperandA, r.OperandAValue, "operandA"}, {r.OperandB, r.OperandBValue, "operandB"}} {
			if !operandIsText(side.o, side.v) {
				continue
			}
			field, what := side.field, quote(side.o.String())+" is a name, not a number"
			if side.o == OperandStatic {
				field = side.field + "Value"
				what = "the static value " + quote(side.v.Str) + " is not a number"
			}
			d := p.add(SeverityError, "not-numeric", r, field, p.off(r, field),
				quote(r.Comparator.String())+" compares numbers, but "+what+"; the criterion could never be true. Use \"Equal to\" or \"Not equal to\" for names")
			d.Value = side.v.Str
			d.Allowed = []string{"Equal to", "Not equal to"}
		}
	}
	if r.OperandA == OperandStatic && r.OperandB == OperandStatic {
		p.add(SeverityWarning, "constant-criterion", r, "operandA", p.off(r, "operandA"),
			"both operands are static values, so the criterion is always "+boolWord(compareValues(r.Comparator, r.OperandAValue, r.OperandBValue) == matchYes))
	}
	// Logout: only "Salesforce Agent New State Equal to Offline" can match.
	if r.Source == SourceSalesforceLogout && !isLogoutCriterion(r) {
		d := p.add(SeverityError, "logout-never-matches", r, "operandA", p.off(r, "operandA"),
			`a "Salesforce Agent Logout" rule only fires when its criterion is "Salesforce Agent New State" "Equal to" the static value "Offline" (exact, case sensitive); this one tests `+r.Criterion()+" and would never fire")
		d.Allowed = []string{`Salesforce Agent New State Equal to "Offline"`}
	}
	if r.Source == SourceSalesforceStateChange && r.Comparator == Equal && staticAgainst(r, OperandSalesforceNewState) == OfflineStatus &&
		findStatusName(doc, OfflineStatus) == nil {
		p.add(SeverityWarning, "offline-is-not-logout", r, "source", p.off(r, "source"),
			`this rule fires when the agent picks a presence status named "Offline", not when they log out of Omni-Channel; for logout use the source "Salesforce Agent Logout"`)
	}
	// Static names checked against the catalogs (warnings: criteria may test anything).
	for _, side := range []struct {
		o     Operand
		field string
	}{{OperandConnectNewState, ""}, {OperandConnectOldState, ""}, {OperandSalesforceNewState, ""}, {OperandServiceChannel, ""}} {
		v := staticAgainst(r, side.o)
		if v == "" {
			continue
		}
		field := staticField(r)
		off := p.off(r, field)
		switch side.o {
		case OperandConnectNewState, OperandConnectOldState:
			if len(doc.Connect.States) > 0 && findConnectState(doc.Connect.States, v) == nil && !IsConnectSystemState(v) {
				d := p.add(SeverityWarning, CodeUnknownState, r, field, off, quote(v)+" is neither an agent state in the Connect catalog nor a Connect system state, so this criterion may never be true")
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
				d := p.add(SeverityWarning, "label-not-developer-name", r, field, off,
					quote(v)+" is the label of a presence status; Salesforce Agent New State is the API name (DeveloperName); did you mean "+quote(byLabel.DeveloperName)+"?")
				d.Value, d.Suggestion = v, byLabel.DeveloperName
			default:
				d := p.add(SeverityWarning, CodeUnknownState, r, field, off, quote(v)+" is not a presence status DeveloperName in the Salesforce catalog, so this criterion may never be true")
				p.allowed(d, v, append(statusNames(doc), OfflineStatus))
			}
		case OperandServiceChannel:
			if len(doc.Salesforce.ServiceChannels) == 0 {
				continue
			}
			var names []string
			found := false
			for _, c := range doc.Salesforce.ServiceChannels {
				names = append(names, c.DeveloperName)
				found = found || c.DeveloperName == v
			}
			if !found {
				d := p.add(SeverityWarning, "unknown-channel", r, field, off, quote(v)+" is not a service channel in the Salesforce catalog")
				p.allowed(d, v, names)
			}
		}
	}
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// staticAgainst returns the static text compared (with = or ≠) against operand o.
func staticAgainst(r *Rule, o Operand) string {
	if r.Comparator != Equal && r.Comparator != NotEqual {
		return ""
	}
	if r.OperandA == o && r.OperandB == OperandStatic {
		return r.OperandBValue.Str
	}
	if r.OperandB == o && r.OperandA == OperandStatic {
		return r.OperandAValue.Str
	}
	return ""
}

func staticField(r *Rule) string {
	if r.OperandB == OperandStatic {
		return "operandBValue"
	}
	return "operandAValue"
}

// isLogoutCriterion: Salesforce Agent New State Equal to exactly "Offline".
func isLogoutCriterion(r *Rule) bool {
	return r.Comparator == Equal && staticAgainst(r, OperandSalesforceNewState) == OfflineStatus &&
		(r.OperandAValue.Kind == Text || r.OperandBValue.Kind == Text)
}

// sameCriterion reports whether two rules test exactly the same thing.
func sameCriterion(a, b *Rule) bool {
	same := func(o1 Operand, v1 Value, o2 Operand, v2 Value) bool {
		if o1 != o2 {
			return false
		}
		if o1 != OperandStatic {
			return true
		}
		if v1.Kind == Number && v2.Kind == Number {
			return v1.Num == v2.Num
		}
		return v1.Kind == v2.Kind && v1.Str == v2.Str
	}
	if a.Comparator == b.Comparator && same(a.OperandA, a.OperandAValue, b.OperandA, b.OperandAValue) &&
		same(a.OperandB, a.OperandBValue, b.OperandB, b.OperandBValue) {
		return true
	}
	// A = B is B = A, and A ≠ B is B ≠ A.
	if a.Comparator == b.Comparator && (a.Comparator == Equal || a.Comparator == NotEqual) &&
		same(a.OperandA, a.OperandAValue, b.OperandB, b.OperandBValue) &&
		same(a.OperandB, a.OperandBValue, b.OperandA, b.OperandAValue) {
		return true
	}
	return false
}

func alwaysTrue(r *Rule) bool {
	return r.OperandA == OperandStatic && r.OperandB == OperandStatic &&
		compareValues(r.Comparator, r.OperandAValue, r.OperandBValue) == matchYes
}

// validateShadowing warns about a rule that can never win because an earlier
// active rule for the same source and destination matches whenever it does.
func validateShadowing(p *parser, doc *Document) {
	for j := range doc.Rules {
		b := &doc.Rules[j]
		if !b.Active || b.Source == SourceNone || b.Destination == DestinationNone {
			continue
		}
		for i := 0; i < j; i++ {
			a := &doc.Rules[i]
			if !a.Active || a.Source != b.Source || a.Destination != b.Destination {
				continue
			}
			if sameCriterion(a, b) || alwaysTrue(a) {
				d := p.add(SeverityWarning, "shadowed", b, "", p.off(b, "source"),
					"this rule can never write: "+quote(a.Label())+" (rules["+itoa(i)+"]) comes first, has the same source and destination, and matches whenever this one does (first match per destination wins)")
				d.Rules = []string{a.Label()}
				break
			}
		}
	}
}

// findCycles finds cycles of active rules where each rule's write provably
// triggers the next and every write changes the state it targets.
func findCycles(doc *Document) [][]int {
	n := len(doc.Rules)
	// edges[i] = rules that provably fire on the change rule i writes.
	edges := make([][]int, n)
	for i := range doc.Rules {
		a := &doc.Rules[i]
		if !a.Active || a.Value == "" {
			continue
		}
		for j := range doc.Rules {
			b := &doc.Rules[j]
			if !b.Active || b.Value == "" || !triggeredBy(a, b) {
				continue
			}
			edges[i] = append(edges[i], j)
		}
	}
	var cycles [][]int
	seen := map[string]bool{}
	// Elementary cycles by depth-first search from each rule, visiting only
	// higher-numbered rules so that each cycle is found once from its lowest rule.
	// The number of paths grows factorially with densely connected rules (a
	// dozen "Not equal to" rules feeding each other), so the search prunes
	// paths that rule 8 stops and gives up after a fixed amount of work:
	// lint reports the cycles it can prove, never hangs.
	budget := maxCycleSearchSteps
	var path []int
	onPath := make([]bool, n)
	var dfs func(start, v int)
	dfs = func(start, v int) {
		if len(cycles) >= 20 || len(path) > 12 || budget <= 0 {
			return
		}
		budget--
		for _, w := range edges[v] {
			if w == start {
				c := append([]int(nil), path...)
				if cycleChangesState(doc, c) {
					key := intsKey(c)
					if !seen[key] {
						seen[key] = true
						cycles = append(cycles, c)
					}
				}
				continue
			}
			if w > start && !onPath[w] && !rewritesSameValue(doc, path, w) {
				onPath[w] = true
				path = append(path, w)
				dfs(start, w)
				path = path[:len(path)-1]
				onPath[w] = false
			}
		}
	}
	for s := 0; s < n; s++ {
		if len(edges[s]) == 0 {
			continue
		}
		path = append(path[:0], s)
		onPath[s] = true
		dfs(s, s)
		onPath[s] = false
	}
	return cycles
}

// maxCycleSearchSteps bounds the work of findCycles (depth-first steps).
const maxCycleSearchSteps = 50000

// rewritesSameValue reports whether rule w writes the value the last rule on
// the path wrote to the same destination: that write changes nothing (rule 8),
// so no cycle continues through it.
func rewritesSameValue(doc *Document, path []int, w int) bool {
	rw := &doc.Rules[w]
	for k := len(path) - 1; k >= 0; k-- {
		if r := &doc.Rules[path[k]]; r.Destination == rw.Destination {
			return r.Value == rw.Value
		}
	}
	return false
}

func intsKey(c []int) string {
	parts := make([]string, len(c))
	for i, v := range c {
		parts[i] = itoa(v)
	}
	return strings.Join(parts, " ")
}

// triggeredBy reports whether rule b provably fires on the change a writes.
func triggeredBy(a, b *Rule) bool {
	var operand Operand
	switch {
	case a.Destination == DestinationConnect && b.Source == SourceConnectStateChange:
		operand = OperandConnectNewState
	case a.Destination == DestinationSalesforce && a.Value == OfflineStatus && b.Source == SourceSalesforceLogout:
		return isLogoutCriterion(b)
	case a.Destination == DestinationSalesforce && a.Value != OfflineStatus && b.Source == SourceSalesforceStateChange:
		operand = OperandSalesforceNewState
	default:
		return false
	}
	v := staticAgainst(b, operand)
	if v == "" {
		return false
	}
	if b.Comparator == Equal {
		return v == a.Value
	}
	return v != a.Value // Not equal to
}

// cycleChangesState walks the cycle twice from an unknown start and reports
// whether every write changes its destination (rule 8 would otherwise stop it).
func cycleChangesState(doc *Document, c []int) bool {
	state := map[Destination]string{}
	first := &doc.Rules[c[0]]
	// The first rule fires on a change of its source system to the state its
	// criterion names.
	switch first.Source {
	case SourceConnectStateChange:
		state[DestinationConnect] = staticAgainst(first, OperandConnectNewState)
	case SourceSalesforceStateChange:
		state[DestinationSalesforce] = staticAgainst(first, OperandSalesforceNewState)
	case SourceSalesforceLogout:
		state[DestinationSalesforce] = OfflineStatus
	}
	for lap := 0; lap < 2; lap++ {
		for _, idx := range c {
			r := &doc.Rules[idx]
			if cur, ok := state[r.Destination]; ok && cur == r.Value {
				return false
			}
			state[r.Destination] = r.Value
		}
	}
	return true
}
