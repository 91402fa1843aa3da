package rules

import (
	"slices"
	"strconv"
)

// Document is a parsed rules document.
type Document struct {
	Rules      []Rule            `json:"rules"`
	Connect    ConnectCatalog    `json:"connect"`
	Salesforce SalesforceCatalog `json:"salesforce"`
	// Options is the document's "options" object as written (nil when absent):
	// the browser options (js/API.md, "Options"); those passed to start win.
	Options []byte `json:"-"`
}

// Rule is one presence sync rule: when an event of Source makes Criteria
// true, set Destination to Value. A document may write it in the seed's
// canonical shape ("criteria" and "state") or in the CTI adapter's record form
// (the criterion's fields at the rule's top level, "value" for the state):
// both parse to the same Rule.
type Rule struct {
	Index       int
	Name        string
	Active      bool
	Source      Source
	Criteria    Criteria
	Destination Destination
	Value       string // the target state ("state", or "value" in the record form)
	// CooldownMs: after the rule issues a write it does not fire again for this
	// long (Semantics 18); 0: no cooldown.
	CooldownMs int64
}

// Label is how messages refer to the rule: its name, else its index.
func (r *Rule) Label() string {
	if r.Name != "" {
		return r.Name
	}
	return "rules[" + strconv.Itoa(r.Index) + "]"
}

// Criterion renders the rule's criteria, e.g. `Connect Agent New State Equal to "Lunch"`
// or `all(Connect Agent New State Equal to "Lunch", Connect Routing Profile Equal to "Sales")`.
func (r *Rule) Criterion() string { return r.Criteria.String() }

// ConnectState is one Amazon Connect agent state as agent.getAgentStates() reports it.
type ConnectState struct {
	Name string `json:"name"`
	Type string `json:"type"` // routable, not_routable, offline
	ARN  string `json:"agentStateARN,omitempty"`
}

// ConnectCatalog lists the agent states that can be set.
type ConnectCatalog struct {
	States []ConnectState `json:"states,omitempty"`
}

// SalesforceStatus is one ServicePresenceStatus.
type SalesforceStatus struct {
	ID            string `json:"id"`
	DeveloperName string `json:"developerName"`
	Label         string `json:"label"`
}

// ServiceChannel maps a work item's key prefix to its service channel.
type ServiceChannel struct {
	DeveloperName string `json:"developerName"`
	KeyPrefix     string `json:"keyPrefix"`
}

// SalesforceCatalog lists presence statuses and service channels.
type SalesforceCatalog struct {
	Statuses        []SalesforceStatus `json:"statuses,omitempty"`
	ServiceChannels []ServiceChannel   `json:"serviceChannels,omitempty"`
}

// ruleFields are the keys of a rule: the canonical shape's, then the record form's.
var ruleFields = []string{"name", "active", "source", "criteria", "destination", "state", "description", "cooldownMs",
	"operandA", "operandAValue", "comparator", "operandB", "operandBValue", "value"}

var documentFields = []string{"rules", "connect", "salesforce", "options", "$schema", "description"}

// parser collects diagnostics while reading a document.
type parser struct {
	data  []byte
	pos   positioner // locates diagnostics in data
	diags Diagnostics
	// warnings: warnings are looked for and reported (lint, Compile). Without,
	// only errors are (the runtime's compile, which reads no warning): the
	// checks that can only warn are not made, and a warning found on the way
	// is not kept.
	warnings bool
	discard  Diagnostic // what add returns for a warning not kept
	// each rule as written, for located messages: where it and each of its fields start
	ruleNodes []*jnode
	// dropped: rules part of whose criteria could not be read (lint's proofs skip them)
	dropped []bool
	// crit is the slab the rules' criteria are taken from (criteria.go);
	// rulesLeft: how many rules are left to read, the one being read included
	crit      Criteria
	rulesLeft int
	// paths: the paths of the members of top-level "all" and "any" groups
	// made so far ("criteria.all[1]"), shared by every rule
	paths [2][]string
}

// broken reports whether a rule's criteria have a problem that stops lint
// from reasoning about them: a part that could not be read, a criterion
// missing a field or with an unknown value.
func (p *parser) broken(r *Rule) bool {
	if len(r.Criteria) == 0 || (r.Index < len(p.dropped) && p.dropped[r.Index]) {
		return true
	}
	for i := range r.Criteria {
		if r.Criteria[i].Join == JoinNone && !r.Criteria[i].complete() {
			return true
		}
	}
	return false
}

// off returns where a rule's field starts (its last one, if repeated), else
// where the rule starts, else -1.
func (p *parser) off(r *Rule, field string) int {
	if r == nil || r.Index >= len(p.ruleNodes) {
		return -1
	}
	n := p.ruleNodes[r.Index]
	if v := n.get(field); v != nil {
		return v.off
	}
	return n.off
}

// field returns a rule's field as written (its last one, if repeated), or nil.
func (p *parser) field(r *Rule, field string) *jnode {
	if r == nil || r.Index >= len(p.ruleNodes) {
		return nil
	}
	return p.ruleNodes[r.Index].get(field)
}

func (p *parser) add(sev Severity, code string, r *Rule, field string, off int, msg string) *Diagnostic {
	if sev == SeverityWarning && !p.warnings {
		p.discard = Diagnostic{}
		return &p.discard
	}
	d := Diagnostic{Severity: sev, Code: code, RuleIndex: -1, Field: field, Message: msg}
	if r != nil {
		d.RuleIndex, d.RuleName = r.Index, r.Name
	}
	if off >= 0 && p.data != nil {
		p.pos.data = p.data
		d.Line, d.Column, d.Snippet = p.pos.at(off)
	}
	p.diags = append(p.diags, d)
	return &p.diags[len(p.diags)-1]
}

// Parse reads and checks a rules document. It reports every problem it finds,
// each located; the document is usable only when there are no errors.
func Parse(data []byte) (*Document, Diagnostics) { return parseDocument(data, nil, true) }

// parseDocument is Parse; top: data read already (by parseJSONWithin), or nil.
// Without warnings it looks for errors only (the same errors: see
// parser.warnings).
func parseDocument(data []byte, top *jnode, warnings bool) (*Document, Diagnostics) {
	p, doc := parse(data, top, warnings)
	if doc == nil {
		return nil, p.sorted()
	}
	validateDocument(p, doc)
	return doc, p.sorted()
}

// parse reads a document's shape: its rules, catalogs and options, and the
// problems of each (validateDocument checks the rest). top is data read
// already, or nil.
func parse(data []byte, top *jnode, warnings bool) (*parser, *Document) {
	p := &parser{data: data, warnings: warnings}
	doc := &Document{}
	if top == nil {
		var jerr *jsonError
		if top, jerr = parseJSON(data); jerr != nil {
			p.add(SeverityError, "syntax", nil, "", jerr.off, "the file is not valid JSON: "+jerr.msg)
			return p, nil
		}
	}
	if top.kind != jObject {
		p.add(SeverityError, "type", nil, "", top.off, `a rules document is a JSON object with a "rules" array, got `+top.kindName())
		return p, nil
	}
	var rules *jnode
	for i, key := range top.keys {
		v := top.vals[i]
		switch key {
		case "rules":
			rules = v
		case "connect":
			p.connectCatalog(v, &doc.Connect)
		case "salesforce":
			p.salesforceCatalog(v, &doc.Salesforce)
		case "options":
			p.options(v, doc)
		case "$schema", "description":
		default:
			d := p.add(SeverityError, "unknown-field", nil, key, top.koffs[i], quote(key)+" is not a field of a rules document")
			p.allowed(d, key, documentFields)
		}
	}
	if rules == nil {
		p.add(SeverityError, "missing-field", nil, "rules", top.off, `the document has no "rules" array`)
		return p, nil
	}
	if rules.kind != jArray {
		p.add(SeverityError, "type", nil, "rules", rules.off, `"rules" must be an array of rules, got `+rules.kindName())
		return p, nil
	}
	p.ruleNodes = rules.vals
	p.dropped = make([]bool, len(rules.vals))
	doc.Rules = make([]Rule, len(rules.vals))
	for i, el := range rules.vals {
		r := &doc.Rules[i]
		r.Index, r.Active = i, true
		p.rulesLeft = len(rules.vals) - i
		p.parseRule(r, el)
	}
	return p, doc
}

// sorted puts the diagnostics in the order of the text they point at, as a
// reader goes through the file; diagnostics at the same place keep the order
// they were found in.
func (p *parser) sorted() Diagnostics {
	slices.SortStableFunc(p.diags, func(a, b Diagnostic) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	return p.diags
}

const connectShape = `"connect" must look like {"states": [{"name": "Lunch", "type": "not_routable"}]}`
const salesforceShape = `"salesforce" must look like {"statuses": [{"id": "0N5…", "developerName": "Lunch", "label": "Lunch"}], "serviceChannels": [{"developerName": "sfdc_case", "keyPrefix": "500"}]}`

// catalogList reads an array of objects whose members are strings, calling
// set for each known member; it reports the first problem, in JSON terms.
func (p *parser) catalogList(n *jnode, field, shape, name string, set func(i int, key, value string)) int {
	if n.absent() {
		return 0
	}
	if n.kind != jArray {
		p.add(SeverityError, "type", nil, field, n.off, shape+`: "`+name+`" must be an array, got `+n.kindName())
		return 0
	}
	for i, el := range n.vals {
		if el.kind != jObject {
			p.add(SeverityError, "type", nil, field, el.off, shape+`: each of "`+name+`" must be an object, got `+el.kindName())
			return i
		}
		for k, key := range el.keys {
			v := el.vals[k]
			if v.absent() {
				continue
			}
			if v.kind != jString {
				p.add(SeverityError, "type", nil, field, v.off, shape+": "+quote(key)+" must be a string, got "+v.kindName())
				continue
			}
			set(i, key, v.str)
		}
	}
	return len(n.vals)
}

func (p *parser) catalogObject(n *jnode, field, shape string) bool {
	if n.absent() {
		return false
	}
	if n.kind != jObject {
		p.add(SeverityError, "type", nil, field, n.off, shape+": the value must be an object, got "+n.kindName())
		return false
	}
	return true
}

func (p *parser) connectCatalog(n *jnode, c *ConnectCatalog) {
	if !p.catalogObject(n, "connect", connectShape) {
		return
	}
	states := n.get("states")
	if states != nil && states.kind == jArray {
		c.States = make([]ConnectState, len(states.vals))
	}
	cnt := p.catalogList(states, "connect", connectShape, "states", func(i int, key, v string) {
		switch key {
		case "name":
			c.States[i].Name = v
		case "type":
			c.States[i].Type = v
		case "agentStateARN":
			c.States[i].ARN = v
		}
	})
	if c.States != nil {
		c.States = c.States[:cnt]
	}
}

func (p *parser) salesforceCatalog(n *jnode, c *SalesforceCatalog) {
	if !p.catalogObject(n, "salesforce", salesforceShape) {
		return
	}
	if st := n.get("statuses"); st != nil && st.kind == jArray {
		c.Statuses = make([]SalesforceStatus, len(st.vals))
	}
	cnt := p.catalogList(n.get("statuses"), "salesforce", salesforceShape, "statuses", func(i int, key, v string) {
		switch key {
		case "id":
			c.Statuses[i].ID = v
		case "developerName":
			c.Statuses[i].DeveloperName = v
		case "label":
			c.Statuses[i].Label = v
		}
	})
	if c.Statuses != nil {
		c.Statuses = c.Statuses[:cnt]
	}
	if ch := n.get("serviceChannels"); ch != nil && ch.kind == jArray {
		c.ServiceChannels = make([]ServiceChannel, len(ch.vals))
	}
	cnt = p.catalogList(n.get("serviceChannels"), "salesforce", salesforceShape, "serviceChannels", func(i int, key, v string) {
		switch key {
		case "developerName":
			c.ServiceChannels[i].DeveloperName = v
		case "keyPrefix":
			c.ServiceChannels[i].KeyPrefix = v
		}
	})
	if c.ServiceChannels != nil {
		c.ServiceChannels = c.ServiceChannels[:cnt]
	}
}

func (p *parser) allowed(d *Diagnostic, value string, allowed []string) {
	d.Value = value
	d.Allowed = allowed
	if s := suggest(value, allowed); s != "" {
		d.Suggestion = s
		d.Message += "; did you mean " + quote(s) + "?"
	} else {
		d.Message += "."
	}
	d.Message += " Allowed: " + joinQuoted(allowed) + "."
}

// parseRule reads one rule object, in either shape; offsets of each field are
// kept for validation.
func (p *parser) parseRule(r *Rule, n *jnode) {
	if n.kind != jObject {
		p.add(SeverityError, "type", r, "", n.off, "a rule must be a JSON object, got "+n.kindName())
		return
	}
	var buf [len(criterionFields)]jmember
	record := buf[:0] // the record form's criterion fields, at the top level
	for i, key := range n.keys {
		if isCriterionField(key) {
			record = append(record, jmember{key, n.vals[i], n.koffs[i]})
		}
	}
	// Name first, so every later message can name the rule.
	name := n.get("name")
	if name != nil {
		if name.kind == jString {
			r.Name = name.str
		} else {
			p.add(SeverityError, "type", r, "name", name.off, "the name must be a string, got "+name.kindName())
		}
	}
	crit := n.get("criteria")
	hasCriteria, hasState := crit != nil, n.get("state") != nil
	for i, key := range n.keys {
		v := n.vals[i]
		switch key {
		case "name", "description":
		case "active":
			if v.kind == jBool {
				r.Active = v.b
			} else {
				p.add(SeverityError, "type", r, "active", v.off, "active must be true or false, got "+v.kindName())
			}
		case "source":
			r.Source = Source(p.picklist(r, "", key, v, sourceLabels[:], "a source"))
		case "destination":
			r.Destination = Destination(p.picklist(r, "", key, v, destinationLabels[:], "a destination"))
		case "operandA", "operandAValue", "comparator", "operandB", "operandBValue", "criteria":
			// below
		case "cooldownMs":
			if f, ok := wholeMs(v); ok {
				r.CooldownMs = f
			} else {
				p.add(SeverityError, "type", r, key, v.off, "cooldownMs is how long (in milliseconds) the rule stays quiet after it writes: a whole number from 0 to "+itoa(maxCooldownMs)+", got "+describeNode(v))
			}
		case "state", "value":
			if key == "value" && hasState {
				d := p.add(SeverityError, "mixed-shape", r, key, n.koffs[i], `the rule has both "state" and "value", two names for its target state: keep "state" (the canonical shape) or "value" (the record form), not both`)
				d.Value = key
				continue
			}
			if v.kind == jString {
				r.Value = v.str
			} else {
				p.add(SeverityError, "type", r, key, v.off, key+" is the target state's name and must be a string, got "+v.kindName())
			}
		default:
			d := p.add(SeverityError, "unknown-field", r, key, n.koffs[i], quote(key)+" is not a field of a rule")
			p.allowed(d, key, ruleFields)
		}
	}
	switch {
	case hasCriteria && len(record) > 0:
		f := record[0]
		d := p.add(SeverityError, "mixed-shape", r, f.key, f.koff, `the rule has both "criteria" and `+quote(f.key)+
			`: write its criterion once, inside "criteria" (the canonical shape) or as the record form's top-level operandA, comparator and operandB, not both`)
		d.Value = f.key
		p.parseCriteria(r, crit)
	case hasCriteria:
		p.parseCriteria(r, crit)
	case len(record) > 0:
		r.Criteria = p.takeCriteria(1)
		var offs [len(criterionFields) + 1]int32
		r.Criteria = append(r.Criteria, CriteriaNode{Path: recordCriterionPath, End: 1, Criterion: p.criterion(r, record, recordCriterionPath, n.off, &offs)})
		r.Criteria[0].offs = offs
	default:
		p.add(SeverityError, "missing-field", r, criteriaField, n.off, `the rule has no criteria: give it "criteria", such as {"operandA": "Connect Agent New State", "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "Lunch"}`)
	}
	for _, f := range [...]string{"source", "destination"} {
		if n.get(f) == nil {
			p.add(SeverityError, "missing-field", r, f, n.off, "the rule has no "+f+requiredHint(f))
		}
	}
	if !hasState && n.get("value") == nil {
		target := "state"
		if len(record) > 0 && !hasCriteria {
			target = "value" // the record form's name for it
		}
		p.add(SeverityError, "missing-field", r, target, n.off, "the rule has no "+target+requiredHint(target))
	}
	if name == nil && p.warnings {
		p.add(SeverityWarning, "missing-field", r, "name", n.off, "the rule has no name; messages will call it "+r.Label())
	}
}

// targetField is the key of the rule's target state, as written: "state", or
// the record form's "value".
func (p *parser) targetField(r *Rule) string {
	if p.field(r, "state") == nil && p.field(r, "value") != nil {
		return "value"
	}
	return "state"
}

func requiredHint(f string) string {
	switch f {
	case "source":
		return ". Allowed: " + joinQuoted(sourceLabels[1:]) + "."
	case "operandA", "operandB":
		return ". Allowed: " + joinQuoted(operandLabels[1:]) + "."
	case "comparator":
		return ". Allowed: " + joinQuoted(comparatorLabels[1:]) + "."
	case "destination":
		return ". Allowed: " + joinQuoted(destinationLabels[1:]) + "."
	}
	return " (the target state of the destination)"
}

// picklist reads a picklist value at path.key (the path is joined only for a
// diagnostic: reading 1,000 rules builds no field names).
func (p *parser) picklist(r *Rule, path, key string, v *jnode, labels []string, what string) int {
	if v.kind != jString {
		key = fieldPath(path, key)
		d := p.add(SeverityError, "type", r, key, v.off, key+" must be a string, got "+v.kindName()+". Allowed: "+joinQuoted(labels[1:])+".")
		d.Allowed = labels[1:]
		return 0
	}
	n, ok := lookupLabel(labels, v.str)
	if !ok {
		d := p.add(SeverityError, "unknown-value", r, fieldPath(path, key), v.off, quote(v.str)+" is not "+what)
		p.allowed(d, v.str, labels[1:])
	}
	return n
}

func (p *parser) staticValue(r *Rule, path, key string, v *jnode) Value {
	switch v.kind {
	case jString:
		return TextValue(v.str)
	case jNumber:
		f, err := strconv.ParseFloat(v.str, 64)
		if err != nil {
			p.add(SeverityError, "type", r, fieldPath(path, key), v.off, "the number "+v.str+" is out of range")
			return Value{}
		}
		return Value{Kind: Number, Str: v.str, Num: f}
	}
	key = fieldPath(path, key)
	p.add(SeverityError, "type", r, key, v.off, key+" must be a string or a number, got "+v.kindName())
	return Value{}
}

// maxCooldownMs bounds a rule's cooldown: one day.
const maxCooldownMs = 24 * 60 * 60 * 1000

// wholeMs reads a whole, non-negative number of milliseconds up to maxCooldownMs.
func wholeMs(v *jnode) (int64, bool) {
	if v.kind != jNumber {
		return 0, false
	}
	n, err := v.number()
	if err != nil || !n.OK || n.V < 0 || n.V > maxCooldownMs || n.V != float64(int64(n.V)) {
		return 0, false
	}
	return int64(n.V), true
}

// options keeps the document's options and reports what is wrong with them.
func (p *parser) options(v *jnode, doc *Document) {
	if v.absent() {
		return
	}
	if v.kind != jObject {
		p.add(SeverityError, "type", nil, "options", v.off, "options must be an object of browser options (such as {\"echoWindowMs\": 5000}), got "+v.kindName())
		return
	}
	raw := p.data[v.off:v.end]
	if _, err := ParseOptions(raw); err != nil {
		e := err.(*Error)
		off := v.off
		if f := v.get(e.Field); f != nil {
			off = f.off
		}
		p.add(SeverityError, "invalid-option", nil, "options."+e.Field, off, e.Message)
		return
	}
	doc.Options = append([]byte(nil), raw...)
}

// ParseEvent is in event.go; MustParse is for tests and examples.

// MustParse parses a document and panics on errors. For tests and examples.
func MustParse(data []byte) *Document {
	doc, diags := Parse(data)
	if diags.HasErrors() {
		panic(diags.String())
	}
	return doc
}
