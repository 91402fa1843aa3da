package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/presence-sync/presence-sync/rules/metadata"
)

// inputError is a problem with one input file, said once, on one line (then
// the located line with a caret, for a file that is not JSON).
type inputError struct {
	path string
	msg  string
}

func (e *inputError) Error() string { return e.path + ": " + e.msg }

// readInput reads a file; the error names it once ("x.json: no such file or directory").
func readInput(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &inputError{path, err.Error()}
	}
	return data, nil
}

// readJSON reads a JSON file (an event, a state, a catalog); a file that is
// not JSON is an error located as lint locates one.
func readJSON(path string) ([]byte, error) {
	data, err := readInput(path)
	if err != nil {
		return nil, err
	}
	if d := rules.CheckJSON(data); d != nil {
		return nil, &inputError{path, located(d.Line, d.Column, d.Message, d.Snippet)}
	}
	return data, nil
}

// located: "error: line 3, column 7: MESSAGE" and the snippet below.
func located(line, col int, msg, snippet string) string {
	s := "error: line " + itoa(line) + ", column " + itoa(col) + ": " + msg
	if snippet != "" {
		s += "\n" + snippet
	}
	return s
}

// decodeJSON reads a JSON file into v; a value of the wrong type is located.
// Unknown keys are left to the caller (they are warnings).
func decodeJSON(path string, data []byte, v any) error {
	err := json.Unmarshal(data, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		line, col, snippet := rules.Locate(data, valueStart(data, int(te.Offset)))
		what := te.Field
		if what == "" {
			what = "the file"
		}
		return &inputError{path, located(line, col, what+" must be "+goTypeName(te.Type.Kind().String())+", got a JSON "+te.Value, snippet)}
	}
	if err != nil {
		return &inputError{path, "error: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	return nil
}

// valueStart finds where the value that ends at (or contains) off starts:
// encoding/json reports type errors after reading the value.
func valueStart(data []byte, off int) int {
	off = min(off, len(data))
	i := off - 1
	for i > 0 && strings.IndexByte(" \t\r\n", data[i]) >= 0 {
		i--
	}
	if i >= 0 && data[i] == '"' { // a string: back to its opening quote
		for i--; i > 0 && !(data[i] == '"' && data[i-1] != '\\'); i-- {
		}
		return i
	}
	for i > 0 && strings.IndexByte(":,[{ \t\r\n", data[i-1]) < 0 {
		i--
	}
	return max(i, 0)
}

func goTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "a number"
}

// rulesSource is a rules document and where it came from: a rules file, or a
// folder of records.
type rulesSource struct {
	path   string
	data   []byte
	folder *metadata.Folder
}

// loadRules reads the rules a command was given: a rules file, or a folder of
// PresenceSyncRule records (with catalog, the file holding what records
// cannot: catalogs, options).
func loadRules(path, catalog, profile string) (*rulesSource, error) {
	if metadata.IsFolder(path) {
		f, err := metadata.Read(path, metadata.ReadOptions{Catalog: catalog, Profile: profile})
		if err != nil {
			return nil, &inputError{path, strings.TrimPrefix(err.Error(), path+": ")}
		}
		return &rulesSource{path: path, data: f.Document, folder: f}, nil
	}
	if catalog != "" {
		return nil, &inputError{path, "--catalog goes with a folder of records (a rules file holds its own catalogs)"}
	}
	data, err := readInput(path)
	if err != nil {
		return nil, err
	}
	return &rulesSource{path: path, data: data}, nil
}

// report renders the document's diagnostics and, for a folder, the problems
// of its records, each as lint prints it; errors and warnings are counted.
func (s *rulesSource) report(diags rules.Diagnostics) (lines []string, errs, warns int) {
	if s.folder == nil {
		for _, d := range diags {
			lines = append(lines, s.path+": "+d.String())
		}
		return lines, len(diags.Errors()), len(diags.Warnings())
	}
	ps := append(append(metadata.Problems{}, s.folder.Problems...), s.folder.Locate(diags)...)
	for _, p := range ps {
		lines = append(lines, p.String())
	}
	errs, warns = ps.Count()
	return lines, errs, warns
}

// problems is what report renders, as values for --json.
func (s *rulesSource) problems(diags rules.Diagnostics) any {
	if s.folder == nil {
		if diags == nil {
			return rules.Diagnostics{}
		}
		return diags
	}
	return append(append(metadata.Problems{}, s.folder.Problems...), s.folder.Locate(diags)...)
}

// parse parses the document; the rules are usable when ok.
func (s *rulesSource) parse() (doc *rules.Document, diags rules.Diagnostics, ok bool) {
	doc, diags = rules.Parse(s.data)
	return doc, diags, !diags.HasErrors() && (s.folder == nil || !s.folder.Problems.HasErrors())
}

func itoa(n int) string { return strconv.Itoa(n) }
