package rules

import (
	"strconv"
	"strings"
)

// Severity of a diagnostic.
type Severity string

// Severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Diagnostic is one located problem in a rules document: which rule (index and
// name), which field, the bad value, what is allowed, a did-you-mean, and where
// in the text it is (line, column and the line with a caret).
type Diagnostic struct {
	Severity   Severity `json:"severity"`
	Code       string   `json:"code"`
	RuleIndex  int      `json:"ruleIndex"` // -1: the document itself
	RuleName   string   `json:"ruleName,omitempty"`
	Field      string   `json:"field,omitempty"`
	Value      string   `json:"value,omitempty"`
	Allowed    []string `json:"allowed,omitempty"`
	Suggestion string   `json:"suggestion,omitempty"`
	Rules      []string `json:"rules,omitempty"` // other rules involved (shadowing, cycles)
	Line       int      `json:"line,omitempty"`
	Column     int      `json:"column,omitempty"`
	Message    string   `json:"message"`
	Snippet    string   `json:"snippet,omitempty"`
}

// Where says which rule and field the diagnostic is about.
func (d Diagnostic) Where() string {
	var b strings.Builder
	if d.RuleIndex >= 0 {
		b.WriteString("rules[")
		b.WriteString(strconv.Itoa(d.RuleIndex))
		b.WriteString("]")
		if d.RuleName != "" {
			b.WriteString(" ")
			b.WriteString(quote(d.RuleName))
		}
	} else {
		b.WriteString("document")
	}
	if d.Field != "" {
		b.WriteString(", field ")
		b.WriteString(d.Field)
	}
	if d.Line > 0 {
		b.WriteString(" (line ")
		b.WriteString(strconv.Itoa(d.Line))
		b.WriteString(", column ")
		b.WriteString(strconv.Itoa(d.Column))
		b.WriteString(")")
	}
	return b.String()
}

// String renders the diagnostic on one line, then its snippet if any.
func (d Diagnostic) String() string {
	s := string(d.Severity) + ": " + d.Where() + ": " + d.Message
	if d.Snippet != "" {
		s += "\n" + d.Snippet
	}
	return s
}

// Diagnostics is every problem found in a document, errors and warnings.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Errors returns only the errors.
func (ds Diagnostics) Errors() Diagnostics { return ds.filter(SeverityError) }

// Warnings returns only the warnings.
func (ds Diagnostics) Warnings() Diagnostics { return ds.filter(SeverityWarning) }

func (ds Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// String renders every diagnostic, one block each.
func (ds Diagnostics) String() string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, "\n")
}

// Error is what the engine reports: a stable code, a message in words an admin
// understands, and details. Codes: invalid-rules, invalid-event, unknown-state,
// write-failed, timeout, loop, internal.
type Error struct {
	Code        string      `json:"code"`
	Message     string      `json:"message"`
	Rule        string      `json:"rule,omitempty"`
	RuleIndex   *int        `json:"ruleIndex,omitempty"`
	Rules       []string    `json:"rules,omitempty"`
	Destination string      `json:"destination,omitempty"`
	Value       string      `json:"value,omitempty"`
	Field       string      `json:"field,omitempty"`
	Cause       string      `json:"cause,omitempty"` // the platform's error type
	Problems    Diagnostics `json:"problems,omitempty"`
}

func (e *Error) Error() string {
	return e.Message
}

// Shared reports whether the writer tab shares the error with the agent's
// other tabs (they hear it as a remote error): what concerns the writes, which
// only the writer makes (write-failed, timeout, loop), and a fault of its own
// module (internal). Not what every tab finds for itself in the same rules and
// the same platforms' events (invalid-rules, invalid-event, unknown-state):
// shared, those would reach another tab twice.
func (e *Error) Shared() bool {
	switch e.Code {
	case CodeInvalidRules, CodeInvalidEvent, CodeUnknownState:
		return false
	}
	return true
}

// Error codes.
const (
	CodeInvalidRules = "invalid-rules"
	CodeInvalidEvent = "invalid-event"
	CodeUnknownState = "unknown-state"
	CodeWriteFailed  = "write-failed"
	CodeTimeout      = "timeout"
	CodeLoop         = "loop"
	CodeInternal     = "internal"
)

func quote(s string) string { return strconv.Quote(s) }

func joinQuoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return strings.Join(q, ", ")
}

// suggest returns the candidate closest to s, if it is close enough to be a
// plausible typo (or s is an abbreviation contained in it), else "".
func suggest(s string, candidates []string) string {
	ns := normalizeLabel(s)
	if ns == "" {
		return ""
	}
	best, bestD := "", -1
	for _, c := range candidates {
		nc := normalizeLabel(c)
		d := levenshtein(ns, nc)
		// An abbreviation of a label ("Static" for "Static Value") is close.
		// The reverse is not: "New Workload Percent" contains "New Workload"
		// but means "New Workload Pct", which plain distance finds.
		if strings.Contains(nc, ns) {
			d = min(d, 2)
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(ns)/3)
	if bestD >= 0 && bestD <= limit {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
