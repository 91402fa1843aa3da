package metadata

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/presence-sync/presence-sync/rules/internal/jsonpos"
)

// recordFieldOf: the record field behind a rule field written at a rule's
// top level.
var recordFieldOf = map[string]string{
	"name":          "MasterLabel",
	"active":        FieldActive,
	"source":        FieldSource,
	"destination":   FieldDestination,
	"state":         FieldValue,
	"value":         FieldValue,
	"cooldownMs":    FieldCooldown,
	"description":   FieldDescription,
	"operandA":      FieldOperandA,
	"operandAValue": FieldOperandAVal,
	"comparator":    FieldComparator,
	"operandB":      FieldOperandB,
	"operandBValue": FieldOperandBVal,
}

// operandFields names the three fields that hold a one-criterion rule's criterion.
const operandFields = FieldOperandA + ", " + FieldComparator + ", " + FieldOperandB

// Locate turns diagnostics of the folder's rules document into problems of
// its records: each names the record's file and field and points at the
// field's value in the XML. A problem with no rule (the catalogs) names the
// catalog file, or the folder.
func (f *Folder) Locate(diags rules.Diagnostics) Problems {
	out := make(Problems, 0, len(diags))
	for _, d := range diags {
		p := Problem{Diagnostic: d, File: f.Dir, RuleField: d.Field}
		p.Line, p.Column, p.Snippet = 0, 0, ""
		if d.RuleIndex < 0 || d.RuleIndex >= len(f.Records) {
			if f.catalog != "" && d.Field != "" && d.Field != "rules" {
				p.File = f.catalog
			}
			out = append(out, p)
			continue
		}
		r := f.Records[d.RuleIndex]
		p.File, p.Record = r.File, r.DeveloperName
		field, path := f.recordField(d.RuleIndex, d.Field)
		p.Field, p.Path = field, path
		off := r.labelOff
		if o, ok := r.valueOffs[firstField(field)]; ok {
			off = o
		}
		if field == FieldCriteria && path != "" {
			off = r.criteriaOffset(off, path)
		}
		if field == operandFields {
			for _, name := range []string{FieldOperandA, FieldComparator, FieldOperandB} {
				if o, ok := r.valueOffs[name]; ok {
					off = o
					break
				}
			}
		}
		if off >= 0 && r.data != nil {
			p.Line, p.Column, p.Snippet = rules.Locate(r.data, off)
		}
		out = append(out, p)
	}
	return out
}

func firstField(s string) string {
	if i := strings.Index(s, ","); i >= 0 {
		return s[:i]
	}
	return s
}

// recordField maps a rule field ("criteria.all[1].operandA", "state") to the
// record field that holds it, and the path inside Criteria__c.
func (f *Folder) recordField(rule int, ruleField string) (field, path string) {
	if ruleField == "" {
		return "", ""
	}
	if rf, ok := recordFieldOf[ruleField]; ok {
		return rf, ""
	}
	rest, isCriteria := strings.CutPrefix(ruleField, "criteria")
	if !isCriteria || rest != "" && rest[0] != '.' {
		return ruleField, ""
	}
	rest = strings.TrimPrefix(rest, ".")
	if rule < len(f.fromCriteria) && f.fromCriteria[rule] {
		return FieldCriteria, rest
	}
	if rf, ok := recordFieldOf[rest]; ok {
		return rf, ""
	}
	return operandFields, ""
}

// criteriaOffset finds where path ("all[1].operandA") is inside the JSON of
// Criteria__c, whose text starts at off in the record's file: the offset in
// the file, or off when the path cannot be followed.
func (r *Record) criteriaOffset(off int, path string) int {
	text := []byte(r.raw(FieldCriteria))
	at, ok := 0, true
	node := text
	for _, step := range strings.Split(strings.ReplaceAll(path, "[", ".["), ".") {
		if step == "" {
			continue
		}
		found := false
		if strings.HasPrefix(step, "[") {
			n, err := strconv.Atoi(strings.Trim(step, "[]"))
			if els := jsonpos.Elements(node, at); err == nil && n < len(els) {
				node, at, found = els[n].Val, els[n].Off, true
			}
		} else {
			for _, m := range jsonpos.Members(node, at) {
				if m.Key == step {
					node, at, found = m.Val, m.ValOff, true
				}
			}
		}
		ok = ok && found
		if !ok {
			return off
		}
	}
	return rawOffset(r.data, off, at)
}

// rawOffset maps an offset into an element's text (entities decoded, line
// ends normalized) to the offset in the file, the text starting at start.
func rawOffset(data []byte, start, textOff int) int {
	i := start
	for n := 0; n < textOff && i < len(data); n++ {
		switch {
		case data[i] == '&':
			if j := bytes.IndexByte(data[i:], ';'); j > 0 {
				i += j + 1
				continue
			}
			i++
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i += 2
		default:
			i++
		}
	}
	return i
}
