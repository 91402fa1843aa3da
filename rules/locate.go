package rules

// Locating problems in other files the way lint locates them in a rules
// document: the tools around the engine (records folders, scenario, event and
// state files) report their inputs' problems with these, so that every
// command points at a line and a column with the same words and the same
// caret.

// Locate returns the 1-based line and column (in runes) of byte offset off in
// data, and the line with a caret under that column, as Diagnostic.Snippet
// shows it.
func Locate(data []byte, off int) (line, col int, snippet string) {
	return position(data, off)
}

// CheckJSON returns nil when data is one JSON value (whitespace around it
// allowed), else the syntax error located and worded as Parse reports it
// ("the file is not valid JSON: ...", code "syntax").
func CheckJSON(data []byte) *Diagnostic {
	_, jerr := parseJSON(data)
	if jerr == nil {
		return nil
	}
	d := Diagnostic{Severity: SeverityError, Code: "syntax", RuleIndex: -1, Message: "the file is not valid JSON: " + jerr.msg}
	d.Line, d.Column, d.Snippet = position(data, jerr.off)
	return &d
}

// Suggest returns the candidate s most likely stands for (a typo, another
// case, an abbreviation), or "" when none is close: lint's did-you-mean, for
// the tools that check other inputs (event fields, record fields).
func Suggest(s string, candidates []string) string { return suggest(s, candidates) }
