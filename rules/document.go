package rules

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Document is a parsed rules document.
type Document struct {
	Rules      []Rule            `json:"rules"`
	Connect    ConnectCatalog    `json:"connect"`
	Salesforce SalesforceCatalog `json:"salesforce"`
}

// Rule mirrors the CTI adapter's presence sync rule record.
type Rule struct {
	Index         int         `json:"-"`
	Name          string      `json:"name"`
	Active        bool        `json:"active"`
	Source        Source      `json:"source"`
	OperandA      Operand     `json:"operandA"`
	OperandAValue Value       `json:"operandAValue"`
	Comparator    Comparator  `json:"comparator"`
	OperandB      Operand     `json:"operandB"`
	OperandBValue Value       `json:"operandBValue"`
	Destination   Destination `json:"destination"`
	Value         string      `json:"value"`
}

// Label is how messages refer to the rule: its name, else its index.
func (r *Rule) Label() string {
	if r.Name != "" {
		return r.Name
	}
	return "rules[" + strconv.Itoa(r.Index) + "]"
}

// Criterion renders the rule's criterion, e.g. `Connect Agent New State Equal to "Lunch"`.
func (r *Rule) Criterion() string {
	side := func(o Operand, v Value) string {
		if o == OperandStatic {
			return v.String()
		}
		return o.String()
	}
	return side(r.OperandA, r.OperandAValue) + " " + r.Comparator.String() + " " + side(r.OperandB, r.OperandBValue)
}

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

var ruleFields = []string{"name", "active", "source", "operandA", "operandAValue", "comparator",
	"operandB", "operandBValue", "destination", "value", "description"}

var documentFields = []string{"rules", "connect", "salesforce", "$schema", "description"}

// parser collects diagnostics while reading a document.
type parser struct {
	data  []byte
	diags Diagnostics
	// where each rule and each of its fields start, for located messages
	ruleStart []int
	fieldOffs []map[string]int
}

// off returns where a rule's field starts, else where the rule starts, else -1.
func (p *parser) off(r *Rule, field string) int {
	if r == nil || r.Index >= len(p.fieldOffs) {
		return -1
	}
	if o, ok := p.fieldOffs[r.Index][field]; ok {
		return o
	}
	return p.ruleStart[r.Index]
}

func (p *parser) add(sev Severity, code string, r *Rule, field string, off int, msg string) *Diagnostic {
	d := Diagnostic{Severity: sev, Code: code, RuleIndex: -1, Field: field, Message: msg}
	if r != nil {
		d.RuleIndex, d.RuleName = r.Index, r.Name
	}
	if off >= 0 && p.data != nil {
		d.Line, d.Column, d.Snippet = position(p.data, off)
	}
	p.diags = append(p.diags, d)
	return &p.diags[len(p.diags)-1]
}

// Parse reads and checks a rules document. It reports every problem it finds,
// each located; the document is usable only when there are no errors.
func Parse(data []byte) (*Document, Diagnostics) {
	p := &parser{data: data}
	doc := &Document{}
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		off := 0
		msg := "the file is not valid JSON: " + err.Error()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = int(se.Offset)
			if off > 0 {
				off--
			}
			msg += syntaxHint(err.Error())
		}
		p.add(SeverityError, "syntax", nil, "", off, msg)
		return nil, p.diags
	}
	start := skipSpace(data, 0)
	if _, ok := probe.(map[string]any); !ok {
		p.add(SeverityError, "type", nil, "", start, `a rules document is a JSON object with a "rules" array, got `+jsonKind(data[start:]))
		return nil, p.diags
	}
	var rulesAt *member
	for _, m := range objectMembers(data, start) {
		raw := data[m.start:m.end]
		switch m.key {
		case "rules":
			mm := m
			rulesAt = &mm
		case "connect":
			if err := json.Unmarshal(raw, &doc.Connect); err != nil {
				p.add(SeverityError, "type", nil, "connect", m.start, `"connect" must look like {"states": [{"name": "Lunch", "type": "not_routable"}]}: `+catalogError(err))
			}
		case "salesforce":
			if err := json.Unmarshal(raw, &doc.Salesforce); err != nil {
				p.add(SeverityError, "type", nil, "salesforce", m.start, `"salesforce" must look like {"statuses": [{"id": "0N5…", "developerName": "Lunch", "label": "Lunch"}], "serviceChannels": [{"developerName": "sfdc_case", "keyPrefix": "500"}]}: `+catalogError(err))
			}
		case "$schema", "description":
		default:
			d := p.add(SeverityError, "unknown-field", nil, m.key, m.keyOff, quote(m.key)+" is not a field of a rules document")
			p.allowed(d, m.key, documentFields)
		}
	}
	if rulesAt == nil {
		p.add(SeverityError, "missing-field", nil, "rules", start, `the document has no "rules" array`)
		return nil, p.sorted()
	}
	if data[rulesAt.start] != '[' {
		p.add(SeverityError, "type", nil, "rules", rulesAt.start, `"rules" must be an array of rules, got `+jsonKind(data[rulesAt.start:rulesAt.end]))
		return nil, p.sorted()
	}
	elements := arrayElements(data, rulesAt.start)
	p.ruleStart = make([]int, len(elements))
	p.fieldOffs = make([]map[string]int, len(elements))
	for i, el := range elements {
		p.ruleStart[i] = el[0]
		p.fieldOffs[i] = map[string]int{}
		r := Rule{Index: i, Active: true}
		p.parseRule(&r, el[0], el[1])
		doc.Rules = append(doc.Rules, r)
	}
	validateDocument(p, doc)
	return doc, p.sorted()
}

// sorted puts the diagnostics in the order of the text they point at, as a
// reader goes through the file; diagnostics at the same place keep the order
// they were found in.
func (p *parser) sorted() Diagnostics {
	sort.SliceStable(p.diags, func(i, j int) bool {
		a, b := p.diags[i], p.diags[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return p.diags
}

// syntaxHint adds a likely cause to encoding/json's syntax error messages.
func syntaxHint(msg string) string {
	switch {
	case strings.HasSuffix(msg, `'"' after object key:value pair`), strings.HasSuffix(msg, `'"' after array element`):
		return "; is a comma missing at the end of the previous value?"
	case strings.HasPrefix(msg, "invalid character '}' looking for beginning of object key string"),
		strings.HasPrefix(msg, "invalid character ']' looking for beginning of value"):
		return "; JSON allows no comma after the last member or element"
	case strings.HasPrefix(msg, "invalid character '\\'' "):
		return "; JSON strings take double quotes"
	case strings.HasSuffix(msg, "looking for beginning of object key string"):
		return "; object keys are strings in double quotes"
	case msg == "unexpected end of JSON input":
		return "; the text ends before every { and [ is closed"
	}
	return ""
}

// catalogError explains why a catalog could not be read, in JSON terms
// rather than Go's.
func catalogError(err error) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err.Error()
	}
	want := "a value of another type"
	switch te.Type.Kind() {
	case reflect.Slice, reflect.Array:
		want = "an array"
	case reflect.Struct, reflect.Map:
		want = "an object"
	case reflect.String:
		want = "a string"
	case reflect.Bool:
		want = "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		want = "a number"
	}
	got := te.Value
	switch got {
	case "string", "number":
		got = "a " + got
	case "object", "array":
		got = "an " + got
	case "bool":
		got = "a boolean"
	}
	where := "the value"
	if te.Field != "" {
		where = quote(te.Field)
	}
	return where + " must be " + want + ", got " + got
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

// parseRule reads one rule object; offsets of each field are kept for validation.
func (p *parser) parseRule(r *Rule, from, to int) {
	if p.data[from] != '{' {
		p.add(SeverityError, "type", r, "", from, "a rule must be a JSON object, got "+jsonKind(p.data[from:to]))
		return
	}
	members := objectMembers(p.data, from)
	offs := map[string]int{}
	p.fieldOffs[r.Index] = offs
	raws := map[string][]byte{}
	for _, m := range members {
		offs[m.key] = m.start
		raws[m.key] = p.data[m.start:m.end]
	}
	// Name first, so every later message can name the rule.
	if raw, ok := raws["name"]; ok {
		if isJSONString(raw) {
			_ = json.Unmarshal(raw, &r.Name)
		} else {
			p.add(SeverityError, "type", r, "name", offs["name"], "the name must be a string, got "+jsonKind(raw))
		}
	}
	for _, m := range members {
		if m.key == "name" {
			continue
		}
		raw := p.data[m.start:m.end]
		switch m.key {
		case "active":
			if string(raw) == "true" || string(raw) == "false" {
				r.Active = string(raw) == "true"
			} else {
				p.add(SeverityError, "type", r, "active", m.start, "active must be true or false, got "+jsonKind(raw))
			}
		case "source":
			r.Source = Source(p.picklist(r, m, sourceLabels[:], "a source"))
		case "operandA":
			r.OperandA = Operand(p.picklist(r, m, operandLabels[:], "an operand"))
		case "operandB":
			r.OperandB = Operand(p.picklist(r, m, operandLabels[:], "an operand"))
		case "comparator":
			r.Comparator = Comparator(p.picklist(r, m, comparatorLabels[:], "a comparator"))
		case "destination":
			r.Destination = Destination(p.picklist(r, m, destinationLabels[:], "a destination"))
		case "operandAValue":
			r.OperandAValue = p.staticValue(r, m)
		case "operandBValue":
			r.OperandBValue = p.staticValue(r, m)
		case "value":
			if isJSONString(raw) {
				_ = json.Unmarshal(raw, &r.Value)
			} else {
				p.add(SeverityError, "type", r, "value", m.start, "value is the target state's name and must be a string, got "+jsonKind(raw))
			}
		case "description":
		default:
			d := p.add(SeverityError, "unknown-field", r, m.key, m.keyOff, quote(m.key)+" is not a field of a rule")
			p.allowed(d, m.key, ruleFields)
		}
	}
	for _, f := range []string{"source", "operandA", "comparator", "operandB", "destination", "value"} {
		if _, ok := raws[f]; !ok {
			p.add(SeverityError, "missing-field", r, f, from, "the rule has no "+f+requiredHint(f))
		}
	}
	if _, ok := raws["name"]; !ok {
		p.add(SeverityWarning, "missing-field", r, "name", from, "the rule has no name; messages will call it "+r.Label())
	}
	p.staticPresence(r, r.OperandA, "operandAValue", raws, offs, from)
	p.staticPresence(r, r.OperandB, "operandBValue", raws, offs, from)
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

func (p *parser) staticPresence(r *Rule, o Operand, field string, raws map[string][]byte, offs map[string]int, from int) {
	_, has := raws[field]
	side := field[:len("operandA")]
	switch {
	case o == OperandStatic && !has:
		p.add(SeverityError, "missing-field", r, field, from, side+` is "Static Value" but the rule has no `+field+", the value to compare with")
	case o != OperandStatic && o != OperandNone && has:
		p.add(SeverityWarning, "ignored-field", r, field, offs[field], field+" is ignored because "+side+" is "+quote(o.String())+", not \"Static Value\"")
	}
}

func (p *parser) picklist(r *Rule, m member, labels []string, what string) int {
	raw := p.data[m.start:m.end]
	if !isJSONString(raw) {
		d := p.add(SeverityError, "type", r, m.key, m.start, m.key+" must be a string, got "+jsonKind(raw)+". Allowed: "+joinQuoted(labels[1:])+".")
		d.Allowed = labels[1:]
		return 0
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	v, ok := lookupLabel(labels, s)
	if !ok {
		d := p.add(SeverityError, "unknown-value", r, m.key, m.start, quote(s)+" is not "+what)
		p.allowed(d, s, labels[1:])
	}
	return v
}

func (p *parser) staticValue(r *Rule, m member) Value {
	raw := p.data[m.start:m.end]
	switch {
	case isJSONString(raw):
		var s string
		_ = json.Unmarshal(raw, &s)
		return TextValue(s)
	case isJSONNumber(raw):
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			p.add(SeverityError, "type", r, m.key, m.start, "the number "+string(raw)+" is out of range")
			return Value{}
		}
		return Value{Kind: Number, Str: string(raw), Num: f}
	}
	p.add(SeverityError, "type", r, m.key, m.start, m.key+" must be a string or a number, got "+jsonKind(raw))
	return Value{}
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
