package metadata

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rulesDocuments returns every rules document under testdata/ (the rules
// files, the README's, lint's, fmt's, and the rules scenarios carry inline),
// by name.
func rulesDocuments(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	for _, pattern := range []string{"testdata/rules/*.json", "testdata/readme/*.json", "testdata/lint/*.json", "rules/testdata/fmt/*.json"} {
		files, err := filepath.Glob(filepath.Join(repo, pattern))
		require.NoError(t, err)
		for _, f := range files {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			var probe struct {
				Type  string          `json:"type"`
				Steps json.RawMessage `json:"steps"`
			}
			if json.Unmarshal(data, &probe) == nil && (probe.Type != "" || probe.Steps != nil) {
				continue // an event, or a scenario
			}
			docs[strings.TrimPrefix(filepath.ToSlash(f), "../../")] = data
		}
	}
	scenarios, err := filepath.Glob(filepath.Join(repo, "testdata", "scenarios", "*.json"))
	require.NoError(t, err)
	for _, f := range scenarios {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var sc struct {
			Rules json.RawMessage `json:"rules"`
		}
		require.NoError(t, json.Unmarshal(data, &sc))
		switch {
		case len(sc.Rules) > 0 && sc.Rules[0] == '[':
			docs[filepath.Base(f)+" rules"] = []byte(`{"rules": ` + string(sc.Rules) + `}`)
		case len(sc.Rules) > 0:
			docs[filepath.Base(f)+" rules"] = sc.Rules
		}
	}
	require.Greater(t, len(docs), 50)
	return docs
}

// refused are the documents records cannot hold, and why (the first problem
// Export reports): the round trip covers every other one.
var refused = map[string]string{
	"rules/testdata/fmt/record.json":     "a rule is a JSON object",
	"testdata/lint/not_object.json":      "a rules document is a JSON object",
	"testdata/lint/rules_not_array.json": `the document needs a "rules" array`,
	"testdata/lint/missing_rules.json":   `the document needs a "rules" array`,
	"testdata/lint/syntax_error.json":    "the file is not valid JSON",
	"testdata/lint/trailing_comma.json":  "the file is not valid JSON",
	"testdata/lint/truncated.json":       "the file is not valid JSON",
	"testdata/lint/mixed_shape.json":     `the rule has both "criteria" and "operandA"`,
	"testdata/lint/missing_fields.json":  "the rule has no criteria",
	"testdata/lint/unknown_fields.json":  `"salesfroce" is not a field of a rules document`,
	"testdata/lint/wrong_types.json":     "give the rule a name",
	"testdata/lint/many_problems.json":   "Source__c is a restricted picklist",
	"testdata/lint/picklist_typos.json":  "Source__c is a restricted picklist",
	"testdata/lint/duplicate_names.json": "give the rule a name",
}

// fitNames shortens the rule names over 40 characters (many lint cases use
// long names): a record's label cannot hold them, and the rest of the rule
// still makes the round trip.
func fitNames(doc []byte) []byte {
	var d struct {
		Rules []struct {
			Name any `json:"name"`
		} `json:"rules"`
	}
	if json.Unmarshal(doc, &d) != nil {
		return doc
	}
	for _, r := range d.Rules {
		if s, ok := r.Name.(string); ok && len([]rune(s)) > MaxLabel {
			short := string([]rune(s)[:MaxLabel])
			q, _ := json.Marshal(s)
			qs, _ := json.Marshal(short)
			doc = bytes.Replace(doc, q, qs, 1)
		}
	}
	return doc
}

// semantic is a document as the engine understands it, for comparing: the
// record form's criterion under "criteria", "value" as "state", active given,
// picklist labels as labelled, a blank description left out.
func semantic(t *testing.T, doc []byte) any {
	t.Helper()
	var d map[string]any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&d))
	rs, _ := d["rules"].([]any)
	for i, el := range rs {
		r, ok := el.(map[string]any)
		if !ok {
			continue
		}
		out := map[string]any{"active": true}
		crit := map[string]any{}
		for k, v := range r {
			switch k {
			case "operandA", "operandAValue", "comparator", "operandB", "operandBValue":
				crit[k] = v
			case "value":
				out["state"] = v
			case "description":
				if s, _ := v.(string); strings.TrimSpace(s) != "" {
					out[k] = v
				}
			case "source":
				var s rules.Source
				if str, ok := v.(string); ok && s.UnmarshalText([]byte(str)) == nil {
					v = s.String()
				}
				out[k] = v
			case "destination":
				var s rules.Destination
				if str, ok := v.(string); ok && s.UnmarshalText([]byte(str)) == nil {
					v = s.String()
				}
				out[k] = v
			default:
				out[k] = v
			}
		}
		if len(crit) > 0 {
			out["criteria"] = crit
		}
		rs[i] = out
	}
	return d
}

// lintCodes is what lint says of a document, without positions: severity,
// code, rule and message of each diagnostic, sorted.
func lintCodes(doc []byte) []string {
	_, diags := rules.Parse(doc)
	var out []string
	for _, d := range diags {
		out = append(out, string(d.Severity)+" "+d.Code+" "+d.RuleName+" "+strings.TrimPrefix(d.Field, "criteria."))
	}
	sort.Strings(out)
	return out
}

// Issue 15 item 2: every rules document in testdata/ goes to records and
// back changing nothing but formatting (or is refused, for a reason listed in
// refused): the same rules, fields and values; lint says the same of both;
// going round again changes not a byte.
func TestRoundTrip(t *testing.T) {
	docs := rulesDocuments(t)
	for name := range refused {
		if _, ok := docs[name]; !ok {
			t.Errorf("%s is listed as refused but is not a rules document of testdata/", name)
		}
	}
	names := make([]string, 0, len(docs))
	for name := range docs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			doc := fitNames(docs[name])
			x, diags := Export(doc, nil)
			if why, ok := refused[name]; ok {
				require.NotEmpty(t, diags, "listed as refused")
				assert.Contains(t, diags[0].Message, why)
				return
			}
			require.Empty(t, diags, "%s", diags)
			dir := t.TempDir()
			_, _, err := Write(dir, x.Records, nil)
			require.NoError(t, err)
			opts := ReadOptions{}
			if x.Side != nil {
				opts.Catalog = filepath.Join(dir, "catalog.json")
				require.NoError(t, os.WriteFile(opts.Catalog, x.Side, 0o644))
			}
			if len(x.Records) == 0 {
				return // no record: nothing to read back (the side keys alone)
			}
			f, err := Read(dir, opts)
			require.NoError(t, err)
			require.Empty(t, f.Problems)
			assert.Equal(t, semantic(t, doc), semantic(t, f.Document))
			assert.Equal(t, lintCodes(doc), lintCodes(f.Document))

			// Again: the same records, byte for byte, and the same document.
			again, diags := Export(f.Document, f.Records)
			require.Empty(t, diags)
			require.Len(t, again.Records, len(x.Records))
			for i := range x.Records {
				assert.Equal(t, string(x.Records[i].Marshal()), string(again.Records[i].Marshal()))
			}
			assert.Equal(t, string(f.Document), string(FromRecords(again.Records, x.Side).Document))
		})
	}
	assert.True(t, slices.Contains(names, "testdata/rules/default.json"))
}
