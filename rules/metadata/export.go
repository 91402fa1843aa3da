package metadata

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/presence-sync/presence-sync/rules/internal/jsonpos"
)

// Exported is a rules document as records.
type Exported struct {
	// Records: one per rule, in the document's order (Order__c 10, 20, 30...).
	Records []*Record
	// Stale: records already in the folder that no rule took.
	Stale []*Record
	// Side: the document's keys other than "rules" (catalogs, options,
	// $schema, description), which records cannot hold, as a JSON object
	// (nil when there are none); SideKeys names them.
	Side     []byte
	SideKeys []string
}

// sideKeys are the document keys a catalog file holds (everything but rules).
var sideKeys = []string{"$schema", "description", "connect", "salesforce", "options"}

var criterionKeys = []string{"operandA", "operandAValue", "comparator", "operandB", "operandBValue"}

// Export turns a rules document into records, one per rule, in order. A rule
// becomes its record field for field (MasterLabel is its name, Value__c its
// state). Its criterion goes in Operand A, Comparator, Operand B and their
// value fields when they hold it exactly; otherwise — a group, a number as a
// Static Value (a Text field would make it text), a missing Static Value, a
// value the picklists do not list — the criteria are written as JSON in
// Criteria__c, as written. Source and Destination are written as their
// picklist labels (a tolerated spelling such as "EQUAL_TO" is the same value).
//
// existing are the records already in the destination folder: a rule takes
// the DeveloperName of the existing record labelled with its name (so that a
// deploy updates that record rather than adding another), and keeps its
// Profiles__c and protected, which a rules document cannot hold. Other rules
// get a DeveloperName derived from their name, unique.
//
// Whatever a record cannot hold exactly is refused, located in the document,
// and then no record is made: a rule without a name or criteria, a name over
// 40 characters, a text over its field's length, a cooldown that is not a
// whole number of at most 8 digits, a field records do not have, a rule that
// mixes the two shapes.
func Export(data []byte, existing []*Record) (*Exported, rules.Diagnostics) {
	if d := rules.CheckJSON(data); d != nil {
		return nil, rules.Diagnostics{*d}
	}
	x := &exporter{data: data}
	start := jsonpos.SkipSpace(data, 0)
	if start >= len(data) || data[start] != '{' {
		x.fail(nil, "", start, `a rules document is a JSON object with a "rules" array`)
		return nil, x.diags
	}
	out := &Exported{}
	var rulesRaw *jsonpos.Member
	var side bytes.Buffer
	for _, m := range jsonpos.Members(data, 0) {
		switch {
		case m.Key == "rules":
			if rulesRaw != nil {
				x.fail(nil, "rules", m.Off, `"rules" is given twice`)
			}
			rulesRaw = &m
		case slices.Contains(sideKeys, m.Key):
			if side.Len() > 0 {
				side.WriteByte(',')
			}
			side.WriteString(jsonString(m.Key) + ":" + string(m.Val))
			out.SideKeys = append(out.SideKeys, m.Key)
		default:
			x.fail(nil, m.Key, m.Off, quote(m.Key)+" is not a field of a rules document")
		}
	}
	if side.Len() > 0 {
		out.Side = []byte("{" + side.String() + "}")
	}
	if rulesRaw == nil || len(rulesRaw.Val) == 0 || rulesRaw.Val[0] != '[' {
		off := 0
		if rulesRaw != nil {
			off = rulesRaw.ValOff
		}
		x.fail(nil, "rules", off, `the document needs a "rules" array`)
		return nil, x.diags
	}
	byLabel := map[string][]*Record{}
	names := uniqueNames{}
	for _, r := range existing {
		byLabel[r.Label] = append(byLabel[r.Label], r)
		names.take(r.DeveloperName)
	}
	taken := map[*Record]bool{}
	for i, el := range jsonpos.Elements(rulesRaw.Val, rulesRaw.ValOff) {
		r := x.rule(i, el)
		if r == nil {
			continue
		}
		r.Values[FieldOrder] = Value{Text: strconv.Itoa((i+1)*10) + ".0"}
		if same := byLabel[r.Label]; len(same) > 0 {
			old := same[0]
			byLabel[r.Label] = same[1:]
			taken[old] = true
			r.DeveloperName, r.Protected = old.DeveloperName, old.Protected
			if v, ok := old.Values[FieldProfiles]; ok {
				r.Values[FieldProfiles] = v
			}
		} else {
			r.DeveloperName = names.next(DeveloperName(r.Label))
		}
		out.Records = append(out.Records, r)
	}
	for _, r := range existing {
		if !taken[r] {
			out.Stale = append(out.Stale, r)
		}
	}
	if len(x.diags) > 0 {
		return nil, x.diags
	}
	return out, nil
}

type exporter struct {
	data  []byte
	diags rules.Diagnostics
}

// fail records why the document cannot become records, located at off.
func (x *exporter) fail(r *ruleRef, field string, off int, msg string) {
	d := rules.Diagnostic{Severity: rules.SeverityError, Code: "not-exportable", RuleIndex: -1, Field: field, Message: msg}
	if r != nil {
		d.RuleIndex, d.RuleName = r.index, r.name
	}
	d.Line, d.Column, d.Snippet = rules.Locate(x.data, off)
	x.diags = append(x.diags, d)
}

type ruleRef struct {
	index int
	name  string
}

// rule turns one rule into a record (nil when it cannot).
func (x *exporter) rule(i int, el jsonpos.Element) *Record {
	ref := &ruleRef{index: i}
	if len(el.Val) == 0 || el.Val[0] != '{' {
		x.fail(ref, "", el.Off, "a rule is a JSON object")
		return nil
	}
	ms := jsonpos.Members(el.Val, el.Off)
	get := map[string]jsonpos.Member{}
	for _, m := range ms {
		if _, dup := get[m.Key]; dup {
			x.fail(ref, m.Key, m.Off, quote(m.Key)+" is given twice")
		}
		get[m.Key] = m
	}
	if m, ok := get["name"]; ok {
		ref.name, _ = jsonpos.Text(m.Val)
	}
	n0 := len(x.diags)
	r := &Record{Values: map[string]Value{}}
	set := func(field, text string) { r.Values[field] = Value{Text: text} }
	var recordForm []jsonpos.Member
	for _, m := range ms {
		switch m.Key {
		case "name":
			s, ok := jsonpos.Text(m.Val)
			switch n := utf8.RuneCountInString(s); {
			case !ok || strings.TrimSpace(s) == "":
				x.fail(ref, m.Key, m.ValOff, "a record's label (MasterLabel) is the rule's name: give the rule a name of at most 40 characters")
			case n > MaxLabel:
				x.fail(ref, m.Key, m.ValOff, "the name has "+itoa(n)+" characters: a record's label (MasterLabel) holds at most "+itoa(MaxLabel))
			default:
				x.text(ref, m, s)
				r.Label = s
			}
		case "active":
			switch string(m.Val) {
			case "true", "false":
				set(FieldActive, string(m.Val))
			default:
				x.fail(ref, m.Key, m.ValOff, "active must be true or false (Active__c is a checkbox)")
			}
		case "source", "destination":
			x.picklist(ref, m, r)
		case "state", "value":
			if _, both := get["state"]; both && m.Key == "value" {
				x.fail(ref, m.Key, m.Off, `the rule has both "state" and "value": a record has one Value__c (lint reports the mix)`)
				continue
			}
			s, ok := jsonpos.Text(m.Val)
			if !ok || strings.TrimSpace(s) == "" {
				x.fail(ref, m.Key, m.ValOff, m.Key+" must be a state name: Value__c cannot hold "+string(m.Val))
				continue
			}
			if x.text(ref, m, s) && x.fits(ref, m, s, FieldValue) {
				set(FieldValue, s)
			}
		case "description":
			s, ok := jsonpos.Text(m.Val)
			if !ok {
				x.fail(ref, m.Key, m.ValOff, "description must be text (Description__c)")
				continue
			}
			if x.text(ref, m, s) && x.fits(ref, m, s, FieldDescription) && strings.TrimSpace(s) != "" {
				set(FieldDescription, s)
			}
		case "cooldownMs":
			n, ok := wholeNumber(string(m.Val), 8)
			if !ok || n < 0 || !isJSONNumber(m.Val) {
				x.fail(ref, m.Key, m.ValOff, "Cooldown_Ms__c holds a whole number of milliseconds of at most 8 digits, not "+string(m.Val))
				continue
			}
			set(FieldCooldown, strconv.FormatInt(n, 10)+".0")
		case "criteria":
			x.criteria(ref, m, r)
		case "operandA", "operandAValue", "comparator", "operandB", "operandBValue":
			if _, mixed := get["criteria"]; mixed {
				x.fail(ref, m.Key, m.Off, `the rule has both "criteria" and `+quote(m.Key)+": lint reports the mix; fix it before exporting")
				continue
			}
			recordForm = append(recordForm, m)
		default:
			x.fail(ref, m.Key, m.Off, quote(m.Key)+" is not a field of a rule, and a record has no field for it")
		}
	}
	if len(recordForm) > 0 {
		// The record form's criterion: the same rule as its criteria object.
		var b bytes.Buffer
		b.WriteString("{")
		for k, m := range recordForm {
			if k > 0 {
				b.WriteString(",")
			}
			b.WriteString(jsonString(m.Key) + ":" + string(m.Val))
		}
		b.WriteString("}")
		x.criteria(ref, jsonpos.Member{Key: "criteria", Val: b.Bytes(), Off: recordForm[0].Off, ValOff: recordForm[0].Off}, r)
	} else if _, ok := get["criteria"]; !ok {
		x.fail(ref, "criteria", el.Off, "the rule has no criteria: a record needs Operand A, Comparator and Operand B, or Criteria (JSON)")
	}
	if _, ok := get["name"]; !ok {
		x.fail(ref, "name", el.Off, "a record's label (MasterLabel) is the rule's name: give the rule a name of at most 40 characters")
	}
	if _, ok := get["active"]; !ok {
		set(FieldActive, "true")
	}
	if len(x.diags) > n0 {
		return nil
	}
	return r
}

// picklist writes source or destination as its picklist label.
func (x *exporter) picklist(ref *ruleRef, m jsonpos.Member, r *Record) {
	s, ok := jsonpos.Text(m.Val)
	if !ok {
		x.fail(ref, m.Key, m.ValOff, m.Key+" must be one of its labels, not "+string(m.Val))
		return
	}
	if m.Key == "source" {
		var v rules.Source
		if err := v.UnmarshalText([]byte(s)); err != nil {
			x.fail(ref, m.Key, m.ValOff, "Source__c is a restricted picklist: "+strings.Replace(err.Error(), "valid type", "source", 1))
			return
		}
		r.Values[FieldSource] = Value{Text: v.String()}
		return
	}
	var v rules.Destination
	if err := v.UnmarshalText([]byte(s)); err != nil {
		x.fail(ref, m.Key, m.ValOff, "Destination__c is a restricted picklist: "+err.Error())
		return
	}
	r.Values[FieldDestination] = Value{Text: v.String()}
}

// criteria writes a rule's criteria: in the operand fields when they hold it
// exactly, else as JSON in Criteria__c.
func (x *exporter) criteria(ref *ruleRef, m jsonpos.Member, r *Record) {
	if vals, ok := operandFieldsOf(m.Val); ok {
		for k, v := range vals {
			if v != "" {
				r.Values[recordFieldOf[k]] = Value{Text: v}
			}
		}
		return
	}
	var b bytes.Buffer
	if err := json.Indent(&b, m.Val, "", "  "); err != nil {
		b.Reset()
		b.Write(m.Val)
	}
	if n := utf8.RuneCount(b.Bytes()); n > fieldNamed(FieldCriteria).limit {
		x.fail(ref, m.Key, m.ValOff, "the criteria take "+itoa(n)+" characters as JSON: Criteria__c holds at most "+itoa(fieldNamed(FieldCriteria).limit))
		return
	}
	r.Values[FieldCriteria] = Value{Text: b.String()}
}

// operandFieldsOf returns a criterion's fields when Operand A, Comparator,
// Operand B and their value fields hold it exactly, so that reading the
// record back (as PresenceSyncRules does) gives the same criterion: an object
// with only those keys; the operands and comparator exact picklist labels;
// each value text of at most 255 characters, given for a Static Value operand
// (the empty text is then the empty field), and not blank for another operand
// (a blank field is left out).
func operandFieldsOf(raw []byte) (map[string]string, bool) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	vals := map[string]string{}
	for _, m := range jsonpos.Members(raw, 0) {
		s, ok := jsonpos.Text(m.Val)
		if _, dup := vals[m.Key]; dup || !ok || !slices.Contains(criterionKeys, m.Key) || !xmlText(s) || utf8.RuneCountInString(s) > 255 {
			return nil, false
		}
		switch m.Key {
		case "operandA", "operandB":
			if !slices.Contains(rules.OperandLabels(), s) {
				return nil, false
			}
		case "comparator":
			if !slices.Contains(rules.ComparatorLabels(), s) {
				return nil, false
			}
		}
		vals[m.Key] = s
	}
	for _, side := range [...][2]string{{"operandA", "operandAValue"}, {"operandB", "operandBValue"}} {
		v, has := vals[side[1]]
		if vals[side[0]] == staticValue {
			if !has || v != "" && strings.TrimSpace(v) == "" {
				return nil, false
			}
		} else if has && strings.TrimSpace(v) == "" {
			return nil, false
		}
	}
	return vals, true
}

// text checks that a text can be written in XML.
func (x *exporter) text(ref *ruleRef, m jsonpos.Member, s string) bool {
	if !xmlText(s) {
		x.fail(ref, m.Key, m.ValOff, m.Key+" holds a control character that a record file (XML) cannot hold")
		return false
	}
	return true
}

// fits checks a text against its field's length.
func (x *exporter) fits(ref *ruleRef, m jsonpos.Member, s, field string) bool {
	if n, limit := utf8.RuneCountInString(s), fieldNamed(field).limit; n > limit {
		x.fail(ref, m.Key, m.ValOff, m.Key+" has "+itoa(n)+" characters: "+field+" holds at most "+itoa(limit))
		return false
	}
	return true
}

func xmlText(s string) bool {
	for _, r := range s {
		if !xmlChar(r) {
			return false
		}
	}
	return true
}

func isJSONNumber(raw []byte) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}
