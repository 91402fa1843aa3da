package rules

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// go test ./rules/ -run TestLintGolden -update rewrites testdata/lint/*.golden.
var updateGolden = flag.Bool("update", false, "rewrite the golden files of the lint tests")

const lintDir = "../testdata/lint"

// renderLint is what a .golden file holds: Diagnostics.String(), one final newline.
func renderLint(data []byte) (string, Diagnostics) {
	_, diags := Parse(data)
	if len(diags) == 0 {
		return "", diags
	}
	return diags.String() + "\n", diags
}

func TestLintGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(lintDir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no lint documents in %s", lintDir)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			got, _ := renderLint(data)
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *updateGolden {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "missing golden file; run go test ./rules/ -run TestLintGolden -update")
			assert.Equal(t, string(want), got, "diagnostics of %s differ from %s", f, golden)
		})
	}
}

// TestLintGoldenFilesPaired catches a golden file whose document was removed.
func TestLintGoldenFilesPaired(t *testing.T) {
	goldens, err := filepath.Glob(filepath.Join(lintDir, "*.golden"))
	require.NoError(t, err)
	for _, g := range goldens {
		_, err := os.Stat(strings.TrimSuffix(g, ".golden") + ".json")
		assert.NoError(t, err, "golden file without a document")
	}
}

func lintFile(t *testing.T, name string) Diagnostics {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(lintDir, name+".json"))
	require.NoError(t, err)
	_, diags := Parse(data)
	return diags
}

func fxCodes(ds Diagnostics) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = string(d.Severity) + " " + d.Code
	}
	return out
}

// The structured side of the diagnostics: codes, fields, values, allowed
// lists and suggestions, which tools (the CLI's --json, the shim) rely on.
func TestLintStructured(t *testing.T) {
	t.Run("syntax error is located", func(t *testing.T) {
		ds := lintFile(t, "syntax_error")
		require.Len(t, ds, 1)
		assert.Equal(t, "syntax", ds[0].Code)
		assert.Equal(t, -1, ds[0].RuleIndex)
		assert.Equal(t, 6, ds[0].Line)
		assert.Equal(t, 7, ds[0].Column)
		assert.Contains(t, ds[0].Message, "comma")
	})
	t.Run("not an object", func(t *testing.T) {
		ds := lintFile(t, "not_object")
		assert.Equal(t, []string{"error type"}, fxCodes(ds))
	})
	t.Run("missing rules", func(t *testing.T) {
		ds := lintFile(t, "missing_rules")
		assert.Equal(t, []string{"error missing-field"}, fxCodes(ds))
		assert.Equal(t, "rules", ds[0].Field)
	})
	t.Run("unknown fields suggest", func(t *testing.T) {
		ds := lintFile(t, "unknown_fields")
		sugg := map[string]string{}
		for _, d := range ds {
			if d.Code == "unknown-field" {
				sugg[d.Field] = d.Suggestion
				assert.NotEmpty(t, d.Allowed)
			}
		}
		assert.Equal(t, map[string]string{"activ": "active", "operandBvalue": "operandBValue", "comment": "", "salesfroce": "salesforce"}, sugg)
	})
	t.Run("picklist typos suggest the label", func(t *testing.T) {
		ds := lintFile(t, "picklist_typos")
		got := map[string]string{}
		for _, d := range ds {
			require.Equal(t, "unknown-value", d.Code, d.String())
			got[d.RuleName+"/"+d.Field] = d.Suggestion
			assert.NotEmpty(t, d.Allowed)
			assert.Greater(t, d.Line, 0)
		}
		assert.Equal(t, map[string]string{
			"Source typo/source":                  "Connect Agent State Change",
			"Operand typos/criteria.operandA":     "Salesforce New Workload Pct",
			"Operand typos/criteria.operandB":     "Static Value",
			"Comparator typo/criteria.comparator": "Equal to",
			"Destination typo/destination":        "",
			"Nothing like it/source":              "",
			"Nothing like it/criteria.comparator": "",
			"Nothing like it/destination":         "",
		}, got)
	})
	t.Run("tolerant spellings are clean", func(t *testing.T) {
		assert.Empty(t, lintFile(t, "tolerant_spellings"))
	})
	t.Run("valid document is clean", func(t *testing.T) {
		assert.Empty(t, lintFile(t, "valid"))
	})
	t.Run("system state targets", func(t *testing.T) {
		ds := lintFile(t, "system_state_targets")
		var values []string
		for _, d := range ds {
			assert.Equal(t, "system-state-target", d.Code)
			assert.Equal(t, "state", d.Field)
			values = append(values, d.Value)
		}
		assert.Equal(t, []string{"Busy", "AfterCallWork", "PendingBusy", "CallingCustomer", "Pending"}, values,
			"every system state target is an error; a system state in a criterion is not")
	})
	t.Run("catalog names", func(t *testing.T) {
		ds := lintFile(t, "catalog_unknown_names")
		assert.Equal(t, []string{"error unknown-state", "error unknown-state", "warning unknown-state",
			"warning unknown-state", "warning unknown-channel", "error unknown-state"}, fxCodes(ds))
		assert.Equal(t, "Lunch", ds[0].Suggestion)
		assert.Equal(t, "Break", ds[1].Suggestion)
		assert.Contains(t, ds[1].Allowed, OfflineStatus, "Offline is always a valid Omni target")
	})
	t.Run("label instead of DeveloperName", func(t *testing.T) {
		ds := lintFile(t, "label_not_developer_name")
		require.Len(t, ds, 2)
		for _, d := range ds {
			assert.Equal(t, "label-not-developer-name", d.Code)
			assert.Equal(t, "On_Break", d.Suggestion)
		}
		assert.Equal(t, SeverityError, ds[0].Severity, "a target by label cannot be written")
		assert.Equal(t, SeverityWarning, ds[1].Severity)
	})
	t.Run("offline lowercase", func(t *testing.T) {
		ds := lintFile(t, "offline_lowercase")
		require.Len(t, ds, 2)
		for _, d := range ds {
			assert.Equal(t, OfflineStatus, d.Suggestion)
			assert.Equal(t, SeverityError, d.Severity)
		}
	})
	t.Run("ordering comparator on names", func(t *testing.T) {
		ds := lintFile(t, "ordering_on_name")
		var where []string
		for _, d := range ds {
			assert.Equal(t, "not-numeric", d.Code)
			where = append(where, d.RuleName+"/"+d.Field)
		}
		assert.Equal(t, []string{"State greater than a name/criteria.operandA", "State greater than a name/criteria.operandBValue",
			"Workload below a word/criteria.operandBValue", "Channel ordering/criteria.operandA"}, where,
			`a numeric string ("100") is fine`)
	})
	t.Run("logout rules", func(t *testing.T) {
		ds := lintFile(t, "logout_never_matches")
		assert.Equal(t, []string{"warning logout-never-matches", "warning logout-never-matches", "warning logout-never-matches",
			"warning offline-is-not-logout"}, fxCodes(ds))
		assert.False(t, ds.HasErrors(), "a Logout rule that never fires loads (Semantics 4)")
	})
	t.Run("shadowed", func(t *testing.T) {
		ds := lintFile(t, "shadowed")
		var shadowed []string
		for _, d := range ds {
			if d.Code == "shadowed" {
				shadowed = append(shadowed, d.RuleName+" by "+strings.Join(d.Rules, ","))
			}
		}
		assert.Equal(t, []string{"Lunch to Omni Break (never wins) by Lunch to Omni",
			"Full workload (after an always-true rule) by Always true"}, shadowed)
	})
	t.Run("duplicate names", func(t *testing.T) {
		ds := lintFile(t, "duplicate_names")
		assert.Equal(t, []string{"warning duplicate-name", "warning missing-field", "warning duplicate-name"}, fxCodes(ds))
		assert.False(t, ds.HasErrors())
	})
	t.Run("four-rule cycle", func(t *testing.T) {
		ds := lintFile(t, "cycle_four_rules")
		require.Len(t, ds, 1)
		assert.Equal(t, "cycle", ds[0].Code)
		assert.Equal(t, []string{"Connect Lunch to Omni Break", "Omni Break to Connect Coffee",
			"Connect Coffee to Omni Lunch", "Omni Lunch to Connect Lunch"}, ds[0].Rules)
	})
	t.Run("cycle within Connect", func(t *testing.T) {
		ds := lintFile(t, "cycle_within_connect")
		require.Len(t, ds, 1)
		assert.Equal(t, []string{"Lunch becomes Break", "Anything but Lunch becomes Lunch"}, ds[0].Rules)
	})
	t.Run("symmetric mapping is not a cycle", func(t *testing.T) {
		for _, d := range lintFile(t, "symmetric_mapping") {
			assert.NotEqual(t, "cycle", d.Code, d.String())
		}
	})
	t.Run("every problem is reported", func(t *testing.T) {
		ds := lintFile(t, "many_problems")
		assert.Len(t, ds.Errors(), 9)
		rulesWithErrors := map[int]bool{}
		for _, d := range ds.Errors() {
			rulesWithErrors[d.RuleIndex] = true
		}
		assert.Len(t, rulesWithErrors, 5, "each of the 5 rules has at least one error")
		_, err := Compile(fxRead(t, filepath.Join(lintDir, "many_problems.json")))
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, CodeInvalidRules, e.Code)
		assert.Contains(t, e.Message, "9 problems")
		for _, d := range ds.Errors() {
			assert.Contains(t, e.Message, d.Message)
		}
	})
	t.Run("diagnostics are in text order", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join(lintDir, "*.json"))
		for _, f := range files {
			_, ds := Parse(fxRead(t, f))
			for i := 1; i < len(ds); i++ {
				a, b := ds[i-1], ds[i]
				assert.True(t, a.Line < b.Line || (a.Line == b.Line && a.Column <= b.Column), "%s: %q before %q", f, a.Message, b.Message)
			}
		}
	})
}

func fxRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// Densely connected rules (each write triggers every other rule) made the
// cycle search enumerate a factorial number of paths: 12 such rules took
// seconds, 14 hours. The search is pruned and bounded now.
func TestLintCycleSearchIsBounded(t *testing.T) {
	for _, values := range [][]string{{"Y"}, {"Y", "Z"}, {"Y", "Z", "W"}} {
		var rules []fxRule
		for i := 0; i < 60; i++ {
			rules = append(rules, fxBase().with("name", "r"+itoa(i), "comparator", "Not equal to",
				"operandBValue", "X"+itoa(i), "destination", "Connect Agent State", "value", values[i%len(values)]))
		}
		data := fxDocJSON(t, nil, rules...)
		start := time.Now()
		_, diags := Parse(data)
		assert.Less(t, time.Since(start), 2*time.Second, "values %v", values)
		for _, d := range diags {
			assert.Equal(t, "cycle", d.Code)
		}
		if len(values) == 1 {
			assert.Empty(t, diags, "writing the same value again changes nothing: no cycle")
		} else {
			assert.NotEmpty(t, diags)
		}
	}
}
