package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// export-metadata then import-metadata gives back the rules file as fmt
// writes it; the document's other keys go through the --catalog file; a
// second export changes no file.
func TestExportImport(t *testing.T) {
	dir := t.TempDir()
	catalog := filepath.Join(dir, "catalog.json")
	groups := td("rules/groups.json")

	code, out, errOut := runCLI("export-metadata", groups, dir)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, groups+`: "$schema", "description", "options", "connect", "salesforce" cannot be held by records: give --catalog FILE to write them there (import-metadata, lint and explain read them back with --catalog FILE); nothing was written`+"\n", errOut)
	_, err := os.Stat(filepath.Join(dir, "customMetadata"))
	assert.True(t, os.IsNotExist(err), "nothing was written")

	code, out, errOut = runCLI("export-metadata", "--catalog", catalog, groups, dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "wrote     "+filepath.Join(dir, "customMetadata", "PresenceSyncRule.Sales_lunch_to_Omni.md-meta.xml")+`: rules[0] "Sales lunch to Omni"`+"\n")
	assert.Contains(t, out, "wrote     "+catalog+": $schema, description, options, connect, salesforce\n")

	code, imported, errOut := runCLI("import-metadata", "--catalog", catalog, dir)
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	_, formatted, _ := runCLI("fmt", groups)
	assert.Equal(t, withoutDefaultActive(t, formatted), withoutDefaultActive(t, imported), "the same document (active: true is the default)")

	code, out, _ = runCLI("export-metadata", "--catalog", catalog, groups, dir)
	assert.Equal(t, 0, code)
	assert.Equal(t, 6, strings.Count(out, "unchanged "), out)

	// lint and explain read the folder with its catalog.
	code, out, _ = runCLI("lint", "--catalog", catalog, dir)
	assert.Equal(t, 0, code, out)
	assert.Equal(t, dir+": 0 errors, 0 warnings\n", out)
	code, out, _ = runCLI("explain", "--catalog", catalog, dir, td("readme/connect-lunch-support.json"))
	assert.Equal(t, 0, code)
	_, fromFile, _ := runCLI("explain", groups, td("readme/connect-lunch-support.json"))
	assert.Equal(t, fromFile, out, "the folder explains as the file does")
}

// The committed records folder is what export-metadata writes for
// testdata/rules/groups.json, byte for byte (the scenario
// rules-as-records.json runs it).
func TestRecordsFixtureIsExported(t *testing.T) {
	dir := t.TempDir()
	catalog := filepath.Join(dir, "catalog.json")
	code, _, errOut := runCLI("export-metadata", "--catalog", catalog, td("rules/groups.json"), dir)
	require.Equal(t, 0, code, errOut)
	files, err := filepath.Glob(filepath.Join(dir, "customMetadata", "*"))
	require.NoError(t, err)
	committed, err := filepath.Glob(td("records/groups/customMetadata/*"))
	require.NoError(t, err)
	require.Len(t, committed, len(files))
	for _, f := range files {
		want, err := os.ReadFile(f)
		require.NoError(t, err)
		got, err := os.ReadFile(td("records/groups/customMetadata/" + filepath.Base(f)))
		require.NoError(t, err, "regenerate with: bin/presencesync export-metadata --catalog testdata/records/groups/catalog.json testdata/rules/groups.json testdata/records/groups")
		assert.Equal(t, string(want), string(got), filepath.Base(f))
	}
	want, _ := os.ReadFile(catalog)
	got, _ := os.ReadFile(td("records/groups/catalog.json"))
	assert.Equal(t, string(want), string(got))
}

// Records of the folder that no rule names stop the export, unless --prune
// removes them; a record that cannot be read stops it too.
func TestExportStaleAndBrokenRecords(t *testing.T) {
	dir := t.TempDir()
	seed := td("rules/seed-lunch-example.json")
	code, _, errOut := runCLI("export-metadata", seed, dir)
	require.Equal(t, 0, code, errOut)
	lunch := filepath.Join(dir, "customMetadata", "PresenceSyncRule.Lunch_to_Omni.md-meta.xml")
	data, err := os.ReadFile(lunch)
	require.NoError(t, err)
	old := filepath.Join(dir, "customMetadata", "PresenceSyncRule.Old_rule.md-meta.xml")
	require.NoError(t, os.WriteFile(old, []byte(strings.Replace(string(data), "<label>Lunch to Omni</label>", "<label>Old rule</label>", 1)), 0o644))

	code, out, errOut := runCLI("export-metadata", seed, dir)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, filepath.Join(dir, "customMetadata")+": no rule of "+seed+` names PresenceSyncRule.Old_rule.md-meta.xml ("Old rule"): give --prune to remove them (a deploy does not delete records from the org); nothing was written`+"\n", errOut)

	code, out, _ = runCLI("export-metadata", "--prune", seed, dir)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "removed   "+old+"\n")
	assert.NoFileExists(t, old)

	require.NoError(t, os.WriteFile(old, []byte("<CustomMetadata"), 0o644))
	code, _, errOut = runCLI("export-metadata", "--prune", seed, dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, old+": error: (line 1, column 16): the file is not well-formed XML")
	assert.Contains(t, errOut, "records that cannot be read are in the way: fix or remove them; nothing was written")

	// A record renamed in the org keeps its name when the rules are exported again.
	require.NoError(t, os.Remove(old))
	renamed := filepath.Join(dir, "customMetadata", "PresenceSyncRule.Lunch_v2.md-meta.xml")
	require.NoError(t, os.Rename(lunch, renamed))
	code, out, _ = runCLI("export-metadata", seed, dir)
	assert.Equal(t, 0, code)
	assert.Equal(t, "unchanged "+renamed+`: rules[0] "Lunch to Omni"`+"\n", out)
}

// Issue 15 item 2: lint of a records folder with a bad record reports the
// record's name and field, at the line and column of its XML.
func TestLintRecordsFolder(t *testing.T) {
	folder := td("readme/records")
	file := filepath.Join(folder, "customMetadata", "PresenceSyncRule.Lunch_to_Omni.md-meta.xml")
	code, out, _ := runCLI("lint", folder)
	assert.Equal(t, 1, code)
	assert.True(t, strings.HasPrefix(out, file+`: error: rules[0] "Lunch to Omni", field Comparator__c (line 11, column 38): "Equals" is not a comparator; did you mean "Equal to"?`), out)
	assert.True(t, strings.HasSuffix(out, folder+": 1 error, 0 warnings\n"), out)

	code, out, _ = runCLI("lint", "--json", folder)
	assert.Equal(t, 1, code)
	var res []struct {
		File        string `json:"file"`
		Errors      int    `json:"errors"`
		Diagnostics []struct {
			File, Record, Field, RuleField, Code string
			Line, Column                         int
		} `json:"diagnostics"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Len(t, res, 1)
	require.Len(t, res[0].Diagnostics, 1)
	d := res[0].Diagnostics[0]
	assert.Equal(t, file, d.File)
	assert.Equal(t, "Lunch_to_Omni", d.Record)
	assert.Equal(t, "Comparator__c", d.Field)
	assert.Equal(t, "criteria.comparator", d.RuleField)
	assert.Equal(t, []int{11, 38}, []int{d.Line, d.Column})

	// explain refuses such rules, naming the record too.
	code, _, errOut := runCLI("explain", folder, td("events/connect-lunch.json"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, file+`: error: rules[0] "Lunch to Omni", field Comparator__c (line 11, column 38)`)
	assert.Contains(t, errOut, folder+": 1 error: nothing was evaluated")
}

// A scenario's rulesFile may be a folder of records; its errors name the
// record and field.
func TestSimulateRecordsFolder(t *testing.T) {
	code, out, _ := runCLI("simulate", td("scenarios/rules-as-records.json"))
	assert.Equal(t, 0, code, out)

	dir := t.TempDir()
	sc := filepath.Join(dir, "sc.json")
	abs, err := filepath.Abs(td("readme/records"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(sc, []byte(`{"name": "bad records", "rulesFile": "`+filepath.ToSlash(abs)+`", "steps": []}`), 0o644))
	code, out, _ = runCLI("simulate", sc)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "FAIL "+sc+" (bad records)\n  the rules are invalid: 1 problem:\n  "+filepath.Join(abs, "customMetadata", "PresenceSyncRule.Lunch_to_Omni.md-meta.xml")+`: error: rules[0] "Lunch to Omni", field Comparator__c (line 11, column 38): "Equals" is not a comparator`)
}

// import-metadata: every record, or with --profile those that apply; a
// record limited to profiles is noted; a record that cannot be read stops it.
func TestImportProfiles(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI("export-metadata", td("rules/seed-lunch-example.json"), dir)
	require.Equal(t, 0, code, errOut)
	file := filepath.Join(dir, "customMetadata", "PresenceSyncRule.Lunch_to_Omni.md-meta.xml")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(data), "<field>Profiles__c</field>\n        <value xsi:nil=\"true\"/>",
		"<field>Profiles__c</field>\n        <value xsi:type=\"xsd:string\">Sales Agent, Custom: Support</value>", 1)), 0o644))

	code, out, errOut := runCLI("import-metadata", dir)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, `"name": "Lunch to Omni"`)
	assert.Equal(t, file+`: note: applies only to the profiles "Sales Agent, Custom: Support"; the document holds every record (--profile NAME: one profile's rules)`+"\n", errOut)

	code, out, errOut = runCLI("import-metadata", "--profile", "custom: support", dir)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, `"name": "Lunch to Omni"`)
	assert.Empty(t, errOut)

	code, out, errOut = runCLI("import-metadata", "--profile", "Marketing", dir)
	assert.Equal(t, 0, code)
	assert.Equal(t, "{\n  \"rules\": []\n}\n", out)
	assert.Equal(t, file+`: left out: Profiles__c is "Sales Agent, Custom: Support", not "Marketing"`+"\n", errOut)

	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(data), "<protected>false</protected>", "<protected>no</protected>", 1)), 0o644))
	code, out, errOut = runCLI("import-metadata", dir)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, file+`: error: field protected (line 4, column 16): protected must be true or false, got "no"`)
	assert.Contains(t, errOut, dir+": not imported: 1 error\n")
}

// withoutDefaultActive is a document without its rules' "active": true.
func withoutDefaultActive(t *testing.T, doc string) map[string]any {
	t.Helper()
	var d map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc), &d))
	rs, _ := d["rules"].([]any)
	for _, r := range rs {
		if m, ok := r.(map[string]any); ok && m["active"] == true {
			delete(m, "active")
		}
	}
	return d
}
