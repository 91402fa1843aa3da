package metadata

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repo is the repository root, from this package's directory.
var repo = filepath.Join("..", "..")

var typeDir = filepath.Join(repo, "js", "salesforce", "force-app", "main", "default", "objects", TypeName)

// The field table is the type as the project deploys it: the same fields,
// kinds, lengths, precisions, required fields and picklist values (the
// engine's labels).
func TestFieldsAreTheType(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(typeDir, "fields", "*.field-meta.xml"))
	require.NoError(t, err)
	require.Len(t, files, len(fields), "one field-meta.xml per field of the table")
	picklists := map[string][]string{
		FieldSource: rules.SourceLabels(), FieldDestination: rules.DestinationLabels(),
		FieldOperandA: rules.OperandLabels(), FieldOperandB: rules.OperandLabels(), FieldComparator: rules.ComparatorLabels(),
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		var meta struct {
			FullName  string `xml:"fullName"`
			Type      string `xml:"type"`
			Length    string `xml:"length"`
			Precision string `xml:"precision"`
			Scale     string `xml:"scale"`
			Required  string `xml:"required"`
			Values    []struct {
				FullName string `xml:"fullName"`
			} `xml:"valueSet>valueSetDefinition>value"`
		}
		require.NoError(t, xml.Unmarshal(data, &meta), file)
		t.Run(meta.FullName, func(t *testing.T) {
			f := fieldNamed(meta.FullName)
			require.NotNil(t, f, "%s is in the table", meta.FullName)
			assert.Equal(t, meta.Type, kindNames[f.kind])
			assert.Equal(t, meta.Required == "true", f.required, "required")
			switch f.kind {
			case kindNumber:
				assert.Equal(t, strconv.Itoa(f.limit), meta.Precision, "precision")
				assert.Equal(t, "0", meta.Scale, "whole numbers")
			case kindText, kindLongTextArea:
				assert.Equal(t, strconv.Itoa(f.limit), meta.Length, "length")
			case kindTextArea, kindPicklist:
				assert.Empty(t, meta.Length)
				assert.Equal(t, 255, f.limit)
			}
			if want, ok := picklists[f.name]; ok {
				var got []string
				for _, v := range meta.Values {
					got = append(got, v.FullName)
				}
				assert.Equal(t, want, got, "the picklist holds the engine's labels")
			} else {
				assert.Empty(t, meta.Values)
			}
		})
	}
}

func TestDeveloperName(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"Lunch to Omni", "Lunch_to_Omni"},
		{"Omni full: Connect not routable", "Omni_full_Connect_not_routable"},
		{"On a call: Omni Busy", "On_a_call_Omni_Busy"},
		{"  --Lunch--  ", "Lunch"},
		{"10% workload", "Rule_10_workload"},
		{"_private", "private"},
		{"Pause café", "Pause_caf"},
		{"Ünïcode only: ≥ 100 %", "n_code_only_100"},
		{"", "Rule"},
		{"!!!", "Rule"},
		{"Omni has room again: Connect available now please", "Omni_has_room_again_Connect_available_no"},
		{"Omni has room again: Connect available x yz", "Omni_has_room_again_Connect_available_x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := DeveloperName(tc.name)
			assert.Equal(t, tc.want, got)
			assert.Empty(t, ValidDeveloperName(got), "a derived name is always valid")
		})
	}
}

func TestValidDeveloperName(t *testing.T) {
	for name, why := range map[string]string{
		"Lunch_to_Omni":          "",
		"L":                      "",
		"":                       "it is empty",
		"1st":                    "it must begin with a letter",
		"_x":                     "it must begin with a letter",
		"Lunch_":                 "it must not end with an underscore",
		"Lunch__to":              "it must not contain two underscores in a row",
		"Lunch-to":               `it holds "-": only letters, digits and underscores are allowed`,
		"Café":                   `it holds "é": only letters, digits and underscores are allowed`,
		strings.Repeat("a", 40):  "",
		strings.Repeat("a", 41):  "it has 41 characters, at most 40",
		"Lunch to Omni":          `it holds " ": only letters, digits and underscores are allowed`,
		"Omni_full_Connect_not1": "",
	} {
		assert.Equal(t, why, ValidDeveloperName(name), name)
	}
}

// Names are unique ignoring case, and a numbered name still fits in 40
// characters without a trailing underscore.
func TestUniqueNames(t *testing.T) {
	u := uniqueNames{}
	assert.Equal(t, "Lunch", u.next("Lunch"))
	assert.Equal(t, "lunch_2", u.next("lunch"))
	assert.Equal(t, "Lunch_3", u.next("Lunch"))
	long := "Omni_has_room_again_Connect_available_no" // 40
	assert.Equal(t, long, u.next(long))
	assert.Equal(t, "Omni_has_room_again_Connect_available_2", u.next(long), "cut to 38, its trailing underscore dropped")
	u.take("Taken")
	assert.Equal(t, "TAKEN_2", u.next("TAKEN"))
	for n := range u {
		assert.LessOrEqual(t, len(n), MaxDeveloperName)
	}
}
