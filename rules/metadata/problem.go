package metadata

import (
	"strings"

	"github.com/presence-sync/presence-sync/rules"
)

// Problem is a problem found in records: a diagnostic of the rules document
// they hold, or of a record itself, located in the record's file. Field is
// the record's field (Comparator__c, MasterLabel), RuleField the rules
// document's ("criteria.comparator"), and Line and Column point into the XML.
type Problem struct {
	rules.Diagnostic
	File      string `json:"file"`
	Record    string `json:"record,omitempty"`    // the DeveloperName
	RuleField string `json:"ruleField,omitempty"` // the field of the rules document, when there is one
	// Path: where inside Criteria__c's JSON the problem is ("all[1].operandA").
	Path string `json:"path,omitempty"`
}

// Where says which rule, field and place the problem is about:
// `rules[0] "Lunch to Omni", field Comparator__c (line 12, column 30)`.
func (p Problem) Where() string {
	var parts []string
	if p.RuleIndex >= 0 {
		s := "rules[" + itoa(p.RuleIndex) + "]"
		if p.RuleName != "" {
			s += " " + quote(p.RuleName)
		}
		parts = append(parts, s)
	}
	if p.Field != "" {
		s := "field " + p.Field
		if p.Path != "" {
			s += " at " + p.Path
		}
		parts = append(parts, s)
	}
	s := strings.Join(parts, ", ")
	if p.Line > 0 {
		if s != "" {
			s += " "
		}
		s += "(line " + itoa(p.Line) + ", column " + itoa(p.Column) + ")"
	}
	if s == "" {
		return "record"
	}
	return s
}

// String renders the problem as lint prints it: the file, the severity, where,
// the message, then the XML line with a caret.
func (p Problem) String() string {
	s := p.File + ": " + string(p.Severity) + ": " + p.Where() + ": " + p.Message
	if p.Snippet != "" {
		s += "\n" + p.Snippet
	}
	return s
}

// Problems is every problem found in a folder, errors and warnings.
type Problems []Problem

// HasErrors reports whether any problem is an error.
func (ps Problems) HasErrors() bool {
	for _, p := range ps {
		if p.Severity == rules.SeverityError {
			return true
		}
	}
	return false
}

// Count returns how many errors and warnings there are.
func (ps Problems) Count() (errors, warnings int) {
	for _, p := range ps {
		if p.Severity == rules.SeverityError {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// String renders every problem, one block each.
func (ps Problems) String() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, "\n")
}
