package metadata

import (
	"errors"
	"os"
	"slices"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/presence-sync/presence-sync/rules/internal/jsonpos"
)

// readCatalog reads a catalog file: a JSON object with what a rules document
// holds besides its rules (connect, salesforce, options, $schema,
// description), which records cannot hold. Export writes one
// (Exported.Side); Read adds one to the document it builds.
func readCatalog(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.New(path + ": " + unwrapPath(err).Error())
	}
	if d := rules.CheckJSON(data); d != nil {
		return nil, errors.New(path + ": line " + itoa(d.Line) + ", column " + itoa(d.Column) + ": " + d.Message + "\n" + d.Snippet)
	}
	start := jsonpos.SkipSpace(data, 0)
	if data[start] != '{' {
		return nil, errors.New(path + ": a catalog file is a JSON object such as {\"connect\": {\"states\": [...]}, \"salesforce\": {\"statuses\": [...]}}")
	}
	for _, m := range jsonpos.Members(data, 0) {
		if !slices.Contains(sideKeys, m.Key) {
			line, col, snippet := rules.Locate(data, m.Off)
			return nil, errors.New(path + ": line " + itoa(line) + ", column " + itoa(col) + ": " + quote(m.Key) +
				" does not belong in a catalog file (allowed: connect, salesforce, options, $schema, description)\n" + snippet)
		}
	}
	return data, nil
}

// unwrapPath drops the operation and path a *PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
