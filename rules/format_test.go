package rules

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// go test ./rules/ -run TestFormatGolden -update rewrites testdata/fmt/*.golden too.
func TestFormatGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/fmt/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, diags := Format(fxRead(t, f))
			require.NotNil(t, out, "%s", diags)
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *updateGolden {
				require.NoError(t, os.WriteFile(golden, out, 0o644))
				return
			}
			assert.Equal(t, string(fxRead(t, golden)), string(out))
		})
	}
}

// fmtDocs are every rules document of the project: lint inputs, rule files,
// the fmt inputs, and the rules each scenario embeds (record form, mostly).
func fmtDocs(t *testing.T) map[string][]byte {
	docs := map[string][]byte{}
	for _, pattern := range []string{"../testdata/lint/*.json", "../testdata/rules/*.json", "../testdata/readme/*.json",
		"testdata/fmt/*.json", "../js/salesforce/rules.json"} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		for _, f := range files {
			docs[f] = fxRead(t, f)
		}
	}
	files, err := filepath.Glob("../testdata/scenarios/*.json")
	require.NoError(t, err)
	for _, f := range files {
		if doc := scenarioRules(t, f); doc != nil {
			docs[f] = doc
		}
	}
	require.Greater(t, len(docs), 40)
	return docs
}

// Formatting changes the shape, never the rules: the same rules, the same
// problems (by code, rule and severity), and formatting again changes nothing.
func TestFormatKeepsTheRules(t *testing.T) {
	for name, data := range fmtDocs(t) {
		t.Run(name, func(t *testing.T) {
			out, refused := Format(data)
			doc, diags := Parse(data)
			if out == nil {
				require.NotEmpty(t, refused)
				for _, d := range refused {
					assert.Contains(t, []string{"syntax", "mixed-shape"}, d.Code)
					assert.Greater(t, d.Line, 0, "refusals are located")
				}
				return
			}
			again, diags2 := Format(out)
			require.NotNil(t, again, "%s", diags2)
			assert.Equal(t, string(out), string(again), "fmt of fmt's output changes it")
			doc2, diags3 := Parse(out)
			assert.Equal(t, problemKeys(diags), problemKeys(diags3))
			if doc == nil {
				assert.Nil(t, doc2)
				return
			}
			require.Len(t, doc2.Rules, len(doc.Rules))
			for i := range doc.Rules {
				a, b := doc.Rules[i], doc2.Rules[i]
				assert.True(t, a.Name == b.Name && a.Active == b.Active && a.Source == b.Source && a.Destination == b.Destination &&
					a.Value == b.Value && a.CooldownMs == b.CooldownMs && sameCriteria(a.Criteria, b.Criteria), "rules[%d]:\n%+v\n%+v", i, a, b)
			}
			assert.Equal(t, doc.Connect, doc2.Connect)
			assert.Equal(t, doc.Salesforce, doc2.Salesforce)
			assert.Equal(t, string(doc.Options) != "", string(doc2.Options) != "")
			// No rule is left in the record form.
			for _, d := range diags3 {
				assert.NotEqual(t, "mixed-shape", d.Code)
			}
			assert.NotContains(t, string(out), `"value":`, "every rule's value became its state")
		})
	}
}

// problemKeys lists diagnostics by severity, code and rule, sorted: what fmt
// must not change (fields are renamed, lines move).
func problemKeys(ds Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, string(d.Severity)+" "+d.Code+" "+itoa(d.RuleIndex))
	}
	slices.Sort(out)
	return out
}

func TestFormatRefuses(t *testing.T) {
	cases := []struct {
		name  string
		doc   string
		codes []string
		line  int
	}{
		{"syntax error", "{\"rules\": [\n  {\"name\": \"a\",}\n]}", []string{"syntax"}, 2},
		{"criteria and operandA", `{"rules": [{"name": "a", "source": "Connect Agent State Change",
  "criteria": {"operandA": "Connect Agent New State", "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "Lunch"},
  "operandA": "Connect Agent Old State", "destination": "Salesforce Agent State", "state": "Lunch"}]}`, []string{"mixed-shape"}, 3},
		{"state and value", `{"rules": [{"name": "a", "source": "Connect Agent State Change",
  "operandA": "Connect Agent New State", "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "Lunch",
  "destination": "Salesforce Agent State", "state": "Lunch",
  "value": "Lunch"}]}`, []string{"mixed-shape"}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, diags := Format([]byte(c.doc))
			assert.Nil(t, out)
			assert.Equal(t, c.codes, problemCodes(diags))
			require.NotEmpty(t, diags)
			assert.Equal(t, c.line, diags[0].Line)
			assert.NotEmpty(t, diags[0].Snippet)
		})
	}
	t.Run("other problems are left for lint", func(t *testing.T) {
		out, diags := Format([]byte(`{"rules": [{"operandA": "Conect Agent New State", "value": 3}], "rulez": 1}`))
		require.NotNil(t, out, "%s", diags)
		assert.Equal(t, "{\n  \"rules\": [\n    {\n      \"criteria\": {\n        \"operandA\": \"Conect Agent New State\"\n      },\n      \"state\": 3\n    }\n  ],\n  \"rulez\": 1\n}\n", string(out))
	})
}

func problemCodes(ds Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}
