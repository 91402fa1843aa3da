package metadata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lunchRecord is the record Export makes of the seed's example.
func lunchRecord(t *testing.T) string {
	t.Helper()
	x, diags := Export(doc1(`"criteria": `+lunchCriterion), nil)
	require.Empty(t, diags)
	return string(x.Records[0].Marshal())
}

// writeFolder writes record files (file name → content) into dir/customMetadata.
func writeFolder(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, FolderName), 0o755))
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, FolderName, name), []byte(content), 0o644))
	}
	return dir
}

// A record that is wrong is reported at the line and column of its XML,
// naming the file and field.
func TestReadProblems(t *testing.T) {
	good := lunchRecord(t)
	value := func(field, text string) string {
		i := strings.Index(good, "<field>"+field+"</field>")
		j := strings.Index(good[i:], "</values>")
		return good[:i] + "<field>" + field + "</field>\n        " + text + "\n    " + good[i+j:]
	}
	for _, tc := range []struct {
		name, file, content string
		code, field, msg    string
		at                  string // located where this first appears in content ("": no position)
		sev                 rules.Severity
	}{
		{"not well-formed", "PresenceSyncRule.Lunch.md-meta.xml", strings.Replace(good, "</label>", "</labl>", 1),
			"xml", "", "not well-formed XML", "</labl>", rules.SeverityError},
		{"another root", "PresenceSyncRule.Lunch.md-meta.xml", `<?xml version="1.0"?><CustomObject xmlns="http://soap.sforce.com/2006/04/metadata"/>`,
			"xml", "", "not a custom metadata record", "<?xml", rules.SeverityError},
		{"a bad file name", "PresenceSyncRule.Lunch__v2.md-meta.xml", good,
			"record-name", "DeveloperName", `"Lunch__v2" (from the file name) is not a valid record name: it must not contain two underscores in a row`, "", rules.SeverityError},
		{"no label", "PresenceSyncRule.Lunch.md-meta.xml", strings.Replace(good, "<label>Lunch to Omni</label>", "<label></label>", 1),
			"missing-field", "MasterLabel", "the record has no label", "</label>", rules.SeverityError},
		{"a label over 40 characters", "PresenceSyncRule.Lunch.md-meta.xml", strings.Replace(good, "Lunch to Omni</label>", strings.Repeat("L", 41)+"</label>", 1),
			"too-long", "MasterLabel", "the label has 41 characters, at most 40", "LLL", rules.SeverityError},
		{"an unknown field", "PresenceSyncRule.Lunch.md-meta.xml", strings.Replace(good, "<field>Description__c</field>", "<field>operand_a__c</field>", 1),
			"unknown-field", "", `"operand_a__c" is not a field of PresenceSyncRule__mdt; did you mean "Operand_A__c"?`, "operand_a__c", rules.SeverityError},
		{"a field twice", "PresenceSyncRule.Lunch.md-meta.xml", strings.Replace(good, "<field>Description__c</field>", "<field>Value__c</field>", 1),
			"duplicate-field", FieldValue, "Value__c is given twice", "Value__c</field>\n        <value xsi:type=\"xsd:string\">Lunch</value>\n    </values>\n</CustomMetadata>", rules.SeverityError},
		{"a checkbox as text", "PresenceSyncRule.Lunch.md-meta.xml", value(FieldActive, `<value xsi:type="xsd:string">true</value>`),
			"value-type", FieldActive, `Active__c is a Checkbox field: its value needs xsi:type="xsd:boolean", not "xsd:string"`, `<value xsi:type="xsd:string">true`, rules.SeverityError},
		{"a checkbox neither true nor false", "PresenceSyncRule.Lunch.md-meta.xml", value(FieldActive, `<value xsi:type="xsd:boolean">yes</value>`),
			"value-type", FieldActive, `Active__c must be true or false, got "yes"`, "yes", rules.SeverityError},
		{"an order that is not a number", "PresenceSyncRule.Lunch.md-meta.xml", value(FieldOrder, `<value xsi:type="xsd:double">ten</value>`),
			"value-type", FieldOrder, `Order__c must be a whole number of at most 9 digits, got "ten"`, "ten", rules.SeverityError},
		{"no order", "PresenceSyncRule.Lunch.md-meta.xml", value(FieldOrder, `<value xsi:nil="true"/>`),
			"missing-field", FieldOrder, "Order__c is empty", "<value xsi:nil=\"true\"/>\n    </values>\n    <values>\n        <field>Profiles__c", rules.SeverityError},
		{"a value too long", "PresenceSyncRule.Lunch.md-meta.xml", value(FieldValue, `<value xsi:type="xsd:string">`+strings.Repeat("v", 256)+`</value>`),
			"too-long", FieldValue, "Value__c holds 256 characters, at most 255", "vvv", rules.SeverityError},
		{"criteria that are not JSON", "PresenceSyncRule.Lunch.md-meta.xml", value(FieldCriteria, `<value xsi:type="xsd:string">{&quot;all&quot;: [}</value>`),
			"criteria-json", FieldCriteria, `Criteria (JSON) is not valid JSON: unexpected character "}": expected a JSON value (its line 1, column 10)`, "{&quot;all", rules.SeverityError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFolder(t, map[string]string{tc.file: tc.content})
			f, err := Read(dir, ReadOptions{})
			require.NoError(t, err)
			require.NotEmpty(t, f.Problems)
			p := f.Problems[0]
			assert.Equal(t, tc.code, p.Code)
			assert.Equal(t, tc.sev, p.Severity)
			assert.Equal(t, tc.field, p.Field)
			assert.Contains(t, p.Message, tc.msg)
			assert.Equal(t, filepath.Join(dir, FolderName, tc.file), p.File)
			if tc.at == "" {
				assert.Zero(t, p.Line)
				return
			}
			off := strings.Index(tc.content, tc.at)
			require.GreaterOrEqual(t, off, 0)
			line, col, _ := rules.Locate([]byte(tc.content), off)
			if tc.code == "xml" && tc.at == "</labl>" {
				// encoding/xml reports a mismatched end tag once it has read it.
				line, col, _ = rules.Locate([]byte(tc.content), off+len(tc.at))
			}
			assert.Equal(t, []int{line, col}, []int{p.Line, p.Column}, "%s", p.Snippet)
		})
	}
}

// An Active__c left out is read as inactive, with a warning; the document is
// still built.
func TestReadActiveMissing(t *testing.T) {
	good := lunchRecord(t)
	i := strings.Index(good, "    <values>\n        <field>Active__c</field>")
	j := strings.Index(good[i:], "</values>\n") + len("</values>\n")
	dir := writeFolder(t, map[string]string{"PresenceSyncRule.Lunch.md-meta.xml": good[:i] + good[i+j:]})
	f, err := Read(dir, ReadOptions{})
	require.NoError(t, err)
	require.Len(t, f.Problems, 1)
	assert.Equal(t, rules.SeverityWarning, f.Problems[0].Severity)
	assert.Equal(t, FieldActive, f.Problems[0].Field)
	assert.Contains(t, string(f.Document), `"active": false`)
}

// Records are read in Order__c order, ties by DeveloperName, an empty order
// last (as PresenceSyncRules orders them); --profile keeps those that apply.
func TestReadOrderAndProfiles(t *testing.T) {
	good := lunchRecord(t)
	rec := func(label, order, profiles string) string {
		s := strings.Replace(good, "Lunch to Omni</label>", label+"</label>", 1)
		s = strings.Replace(s, `<value xsi:type="xsd:double">10.0</value>`, order, 1)
		if profiles != "" {
			s = strings.Replace(s, "<field>Profiles__c</field>\n        <value xsi:nil=\"true\"/>",
				"<field>Profiles__c</field>\n        <value xsi:type=\"xsd:string\">"+profiles+"</value>", 1)
		}
		return s
	}
	dir := writeFolder(t, map[string]string{
		"PresenceSyncRule.B.md-meta.xml":    rec("b", `<value xsi:type="xsd:double">20.0</value>`, ""),
		"PresenceSyncRule.A.md-meta.xml":    rec("a", `<value xsi:type="xsd:double">20</value>`, "Custom: Sales; Contact Center Agent"),
		"PresenceSyncRule.Last.md-meta.xml": rec("last", `<value xsi:nil="true"/>`, ""),
		"PresenceSyncRule.Z.md-meta.xml":    rec("z", `<value xsi:type="xsd:double">-5</value>`, "Support"),
		"Other.Thing.md-meta.xml":           "not a PresenceSyncRule record: not read",
	})
	labels := func(f *Folder) []string {
		var ls []string
		for _, r := range f.Records {
			ls = append(ls, r.Label)
		}
		return ls
	}
	f, err := Read(dir, ReadOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"z", "a", "b", "last"}, labels(f))
	assert.Len(t, f.Problems, 1, "the empty order")
	f, err = Read(dir, ReadOptions{Profile: " contact center agent "})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "last"}, labels(f))
	require.Len(t, f.Skipped, 1)
	assert.Equal(t, "z", f.Skipped[0].Label)

	_, err = Read(t.TempDir(), ReadOptions{})
	assert.ErrorContains(t, err, "no PresenceSyncRule.*.md-meta.xml record in")
	_, err = Read(filepath.Join(dir, "nosuch"), ReadOptions{})
	assert.ErrorContains(t, err, "nosuch: no such file or directory")
}

// The example records the project ships read without a problem, into a
// document without an error, one rule per record in Order__c order. (Their
// conversion is compared with js/salesforce/lib/records.mjs's by
// js/test/unit/presencesync-records.test.mjs.)
func TestReadShippedRecords(t *testing.T) {
	f, err := Read(filepath.Join(repo, "js", "salesforce", "force-app", "main", "default"), ReadOptions{})
	require.NoError(t, err)
	assert.Empty(t, f.Problems)
	_, diags := rules.Parse(f.Document)
	assert.False(t, diags.HasErrors(), "%s", diags)
	doc := rules.MustParse(f.Document)
	require.Len(t, doc.Rules, len(f.Records))
	last := -1.0
	for i, r := range f.Records {
		assert.Equal(t, r.Label, doc.Rules[i].Name)
		order, ok := r.order()
		require.True(t, ok)
		assert.GreaterOrEqual(t, order, last)
		last = order
	}
}

// Diagnostics of the document are mapped to the record and field that hold
// the rule: the operand fields, or a path inside Criteria__c, at the line and
// column of the value in the XML.
func TestLocate(t *testing.T) {
	x, diags := Export([]byte(`{"rules": [
	  {"name": "Typo", "source": "Connect Agent State Change", "criteria": `+lunchCriterion+`, "destination": "Salesforce Agent State", "state": "Lunch"},
	  {"name": "Group", "source": "Connect Agent State Change", "criteria": {"all": [`+lunchCriterion+`, {"operandA": "Conect Routing Profile", "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "Sales"}]}, "destination": "Connect Agent State", "state": "Busy"}]}`), nil)
	require.Empty(t, diags)
	// An admin's edit of the file: a comparator the picklist does not hold.
	typoXML := strings.Replace(string(x.Records[0].Marshal()), ">Equal to<", ">Equals<", 1)
	dir := writeFolder(t, map[string]string{"PresenceSyncRule.Typo.md-meta.xml": typoXML,
		"PresenceSyncRule.Group.md-meta.xml": string(x.Records[1].Marshal())})
	f, err := Read(dir, ReadOptions{})
	require.NoError(t, err)
	_, ds := rules.Parse(f.Document)
	ps := f.Locate(ds)
	require.Len(t, ps, 3, "%s", ps)
	byField := map[string]Problem{}
	for _, p := range ps {
		byField[p.Field+" "+p.Path] = p
	}
	typo := byField["Comparator__c "]
	assert.Equal(t, "Typo", typo.Record)
	assert.Equal(t, "criteria.comparator", typo.RuleField)
	assert.Contains(t, typo.String(), "PresenceSyncRule.Typo.md-meta.xml: error: rules[0] \"Typo\", field Comparator__c (line 11, column 38): \"Equals\" is not a comparator; did you mean \"Equal to\"?")
	assert.Contains(t, typo.String(), "\n  |         <value xsi:type=\"xsd:string\">Equals</value>\n  |                                      ^")
	group := byField["Criteria__c all[1].operandA"]
	assert.Equal(t, "Group", group.Record)
	assert.Contains(t, group.String(), "rules[1] \"Group\", field Criteria__c at all[1].operandA (line 28, column 29): \"Conect Routing Profile\" is not an operand; did you mean \"Connect Routing Profile\"?")
	assert.Contains(t, group.String(), "\n  |       &quot;operandA&quot;: &quot;Conect Routing Profile&quot;,\n  | "+strings.Repeat(" ", 28)+"^", "inside Criteria__c, at the value")
	busy := byField["Value__c "]
	assert.Contains(t, busy.Message, `"Busy" is an Amazon Connect system state`)
	assert.Equal(t, "state", busy.RuleField)
}
