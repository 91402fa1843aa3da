package metadata

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const lunchCriterion = `{"operandA": "Connect Agent New State", "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "Lunch"}`

// doc1 is a document of one rule with these fields.
func doc1(fields string) []byte {
	return []byte(`{"rules": [{"name": "Lunch to Omni", "source": "Connect Agent State Change", "destination": "Salesforce Agent State", "state": "Lunch", ` + fields + `}]}`)
}

// values returns the exported record's filled fields.
func values(t *testing.T, doc []byte) map[string]string {
	t.Helper()
	x, diags := Export(doc, nil)
	require.Empty(t, diags)
	require.Len(t, x.Records, 1)
	out := map[string]string{}
	for k, v := range x.Records[0].Values {
		out[k] = v.Text
	}
	return out
}

// Where each part of a rule goes: the operand fields when they hold the
// criterion exactly, else Criteria__c as written.
func TestExportFields(t *testing.T) {
	base := map[string]string{FieldSource: "Connect Agent State Change", FieldDestination: "Salesforce Agent State",
		FieldValue: "Lunch", FieldActive: "true", FieldOrder: "10.0"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	for _, tc := range []struct {
		name, fields string
		want         map[string]string
	}{
		{"one criterion: the operand fields", `"criteria": ` + lunchCriterion,
			with(FieldOperandA, "Connect Agent New State", FieldComparator, "Equal to", FieldOperandB, "Static Value", FieldOperandBVal, "Lunch")},
		{"the record form: the same fields", `"operandA": "Connect Agent New State", "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "Lunch"`,
			with(FieldOperandA, "Connect Agent New State", FieldComparator, "Equal to", FieldOperandB, "Static Value", FieldOperandBVal, "Lunch")},
		{"a static value that is empty text: an empty field", `"criteria": {"operandA": "Connect Agent Next State", "comparator": "Equal to", "operandB": "Static Value", "operandBValue": ""}`,
			with(FieldOperandA, "Connect Agent Next State", FieldComparator, "Equal to", FieldOperandB, "Static Value")},
		{"a number as a static value: JSON, where it stays a number", `"criteria": {"operandA": "Salesforce New Workload", "comparator": "Greater than", "operandB": "Static Value", "operandBValue": 2}`,
			with(FieldCriteria, "{\n  \"operandA\": \"Salesforce New Workload\",\n  \"comparator\": \"Greater than\",\n  \"operandB\": \"Static Value\",\n  \"operandBValue\": 2\n}")},
		{"the same number as text: the fields", `"criteria": {"operandA": "Salesforce New Workload", "comparator": "Greater than", "operandB": "Static Value", "operandBValue": "2"}`,
			with(FieldOperandA, "Salesforce New Workload", FieldComparator, "Greater than", FieldOperandB, "Static Value", FieldOperandBVal, "2")},
		{"a static value missing: JSON (an empty field would read as empty text)", `"criteria": {"operandA": "Connect Agent New State", "comparator": "Equal to", "operandB": "Static Value"}`,
			with(FieldCriteria, "{\n  \"operandA\": \"Connect Agent New State\",\n  \"comparator\": \"Equal to\",\n  \"operandB\": \"Static Value\"\n}")},
		{"a blank value on another operand: JSON (the field would drop it)", `"criteria": {"operandA": "Connect Agent New State", "comparator": "Equal to", "operandB": "Connect Agent Old State", "operandBValue": " "}`,
			with(FieldCriteria, "{\n  \"operandA\": \"Connect Agent New State\",\n  \"comparator\": \"Equal to\",\n  \"operandB\": \"Connect Agent Old State\",\n  \"operandBValue\": \" \"\n}")},
		{"a comparator the picklist does not list: JSON, as written", `"criteria": {"operandA": "Connect Agent New State", "comparator": "EQUAL_TO", "operandB": "Static Value", "operandBValue": "Lunch"}`,
			with(FieldCriteria, "{\n  \"operandA\": \"Connect Agent New State\",\n  \"comparator\": \"EQUAL_TO\",\n  \"operandB\": \"Static Value\",\n  \"operandBValue\": \"Lunch\"\n}")},
		{"a group: JSON", `"criteria": {"all": [` + lunchCriterion + `]}`,
			with(FieldCriteria, "{\n  \"all\": [\n    {\n      \"operandA\": \"Connect Agent New State\",\n      \"comparator\": \"Equal to\",\n      \"operandB\": \"Static Value\",\n      \"operandBValue\": \"Lunch\"\n    }\n  ]\n}")},
		{"inactive, a cooldown, a description", `"active": false, "cooldownMs": 30000, "description": "Lunch & learn <3", "criteria": ` + lunchCriterion,
			with(FieldActive, "false", FieldCooldown, "30000.0", FieldDescription, "Lunch & learn <3",
				FieldOperandA, "Connect Agent New State", FieldComparator, "Equal to", FieldOperandB, "Static Value", FieldOperandBVal, "Lunch")},
		{"a blank description is left out", `"description": "  ", "criteria": ` + lunchCriterion,
			with(FieldOperandA, "Connect Agent New State", FieldComparator, "Equal to", FieldOperandB, "Static Value", FieldOperandBVal, "Lunch")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, values(t, doc1(tc.fields)))
		})
	}
	// A tolerated spelling of Source or Destination is written as the label.
	got := values(t, []byte(`{"rules": [{"name": "x", "source": "connectAgentStateChange", "destination": "SALESFORCE_AGENT_STATE", "state": "Lunch", "criteria": `+lunchCriterion+`}]}`))
	assert.Equal(t, "Connect Agent State Change", got[FieldSource])
	assert.Equal(t, "Salesforce Agent State", got[FieldDestination])
}

// What a record cannot hold is refused, located, naming the rule and field;
// every problem is reported and no record is made.
func TestExportRefuses(t *testing.T) {
	long := strings.Repeat("x", 256)
	for _, tc := range []struct {
		name, doc, field, msg string
		at                    string // the problem is located where this first appears in doc
	}{
		{"not JSON", `{"rules": [}`, "", "the file is not valid JSON", "}"},
		{"not an object", `[1]`, "", `a rules document is a JSON object`, "[1]"},
		{"no rules", `{"connect": {}}`, "rules", `needs a "rules" array`, `{"connect"`},
		{"an unknown document key", `{"rules": [], "extra": 1}`, "extra", `"extra" is not a field of a rules document`, `"extra"`},
		{"no name", `{"rules": [{"source": "Connect Agent State Change", "criteria": ` + lunchCriterion + `, "destination": "Salesforce Agent State", "state": "Lunch"}]}`,
			"name", "give the rule a name of at most 40 characters", `{"source"`},
		{"a name over 40 characters", string(doc1(`"criteria": ` + lunchCriterion))[:22] + strings.Repeat("n", 41) + `", "criteria": ` + lunchCriterion + `}]}`,
			"name", "the name has 42 characters", `"Lnnn`},
		{"no criteria", string(doc1(`"cooldownMs": 0`)), "criteria", "the rule has no criteria", `{"name"`},
		{"an unknown source", string(doc1(`"criteria": ` + lunchCriterion))[:0] + `{"rules": [{"name": "x", "source": "Connect Agent Stat Change", "criteria": ` + lunchCriterion + `}]}`,
			"source", `Source__c is a restricted picklist: "Connect Agent Stat Change" is not a source; did you mean "Connect Agent State Change"?`, `"Connect Agent Stat Change"`},
		{"a state too long", `{"rules": [{"name": "x", "state": "` + long + `", "criteria": ` + lunchCriterion + `}]}`,
			"state", "state has 256 characters: Value__c holds at most 255", `"xxx`},
		{"state and value both", string(doc1(`"criteria": ` + lunchCriterion + `, "value": ""`)), "value", `the rule has both "state" and "value"`, `"value"`},
		{"an empty state", `{"rules": [{"name": "x", "state": "", "criteria": ` + lunchCriterion + `}]}`, "state", "Value__c cannot hold \"\"", `""`},
		{"a cooldown with a fraction", string(doc1(`"cooldownMs": 1.5, "criteria": ` + lunchCriterion)), "cooldownMs", "a whole number of milliseconds of at most 8 digits, not 1.5", "1.5"},
		{"a cooldown as text", string(doc1(`"cooldownMs": "5", "criteria": ` + lunchCriterion)), "cooldownMs", `not "5"`, `"5"`},
		{"a field records do not have", string(doc1(`"owner": "me", "criteria": ` + lunchCriterion)), "owner", `"owner" is not a field of a rule`, `"owner"`},
		{"both shapes", string(doc1(`"criteria": ` + lunchCriterion + `, "operandA": "Connect Agent New State"`)), "operandA", `both "criteria" and "operandA"`, `"operandA": "Connect Agent New State"}`},
		{"active as text", string(doc1(`"active": "yes", "criteria": ` + lunchCriterion)), "active", "active must be true or false", `"yes"`},
		{"a control character", `{"rules": [{"name": "x\u0001", "criteria": ` + lunchCriterion + `}]}`, "name", "control character", `"x\u0001"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, diags := Export([]byte(tc.doc), nil)
			assert.Nil(t, x)
			require.NotEmpty(t, diags)
			d := diags[0]
			assert.Equal(t, tc.field, d.Field)
			assert.Contains(t, d.Message, tc.msg)
			off := strings.Index(tc.doc, tc.at)
			require.GreaterOrEqual(t, off, 0)
			assert.Equal(t, []int{1, off + 1}, []int{d.Line, d.Column}, "%s", d.Snippet)
		})
	}
	// Every problem of every rule, not just the first.
	_, diags := Export([]byte(`{"rules": [{"name": "`+strings.Repeat("n", 41)+`", "criteria": `+lunchCriterion+`}, {"criteria": `+lunchCriterion+`, "notes": 1}]}`), nil)
	require.Len(t, diags, 3)
	assert.Equal(t, []int{0, 1, 1}, []int{diags[0].RuleIndex, diags[1].RuleIndex, diags[2].RuleIndex})
}

// A record of the folder labelled with a rule's name keeps its DeveloperName,
// Profiles__c and protected; new rules get derived names that avoid every
// existing one; records no rule takes are stale.
func TestExportKeepsExistingRecords(t *testing.T) {
	existing := []*Record{
		{DeveloperName: "Lunch_v2", Label: "Lunch to Omni", Protected: true, Values: map[string]Value{FieldProfiles: {Text: "Contact Center Agent"}}},
		{DeveloperName: "Break_to_Omni", Label: "Old break rule", Values: map[string]Value{}},
	}
	doc := []byte(`{"rules": [
	  {"name": "Lunch to Omni", "source": "Connect Agent State Change", "criteria": ` + lunchCriterion + `, "destination": "Salesforce Agent State", "state": "Lunch"},
	  {"name": "Break to Omni", "source": "Connect Agent State Change", "criteria": ` + lunchCriterion + `, "destination": "Salesforce Agent State", "state": "Break"}]}`)
	x, diags := Export(doc, existing)
	require.Empty(t, diags)
	require.Len(t, x.Records, 2)
	assert.Equal(t, "Lunch_v2", x.Records[0].DeveloperName)
	assert.True(t, x.Records[0].Protected)
	assert.Equal(t, "Contact Center Agent", x.Records[0].Values[FieldProfiles].Text)
	assert.Equal(t, "Break_to_Omni_2", x.Records[1].DeveloperName, "the name of a record no rule takes is not reused")
	assert.Equal(t, []*Record{existing[1]}, x.Stale)
	assert.Equal(t, "20.0", x.Records[1].Values[FieldOrder].Text)
}

// The document's other keys go to the side (catalog) object, as written.
func TestExportSide(t *testing.T) {
	x, diags := Export([]byte(`{"$schema": "s.json", "rules": [], "connect": {"states": [{"name": "Lunch", "type": "not_routable"}]}, "options": {"echoWindowMs": 0}}`), nil)
	require.Empty(t, diags)
	assert.Equal(t, []string{"$schema", "connect", "options"}, x.SideKeys)
	assert.JSONEq(t, `{"$schema": "s.json", "connect": {"states": [{"name": "Lunch", "type": "not_routable"}]}, "options": {"echoWindowMs": 0}}`, string(x.Side))
	x, _ = Export([]byte(`{"rules": []}`), nil)
	assert.Nil(t, x.Side)
}
