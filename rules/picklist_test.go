package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spellings returns the label and the spellings the parser tolerates: any
// case, with or without spaces, '_' and '-'.
func fxSpellings(label string) []string {
	words := strings.Fields(label)
	camel, pascal := "", ""
	for i, w := range words {
		title := strings.ToUpper(w[:1]) + strings.ToLower(w[1:])
		pascal += title
		if i == 0 {
			camel += strings.ToLower(w)
		} else {
			camel += title
		}
	}
	return []string{
		label,
		strings.ToLower(label),
		strings.ToUpper(label),
		camel,
		pascal,
		strings.ToUpper(strings.Join(words, "_")),
		strings.ToLower(strings.Join(words, "-")),
		strings.Join(words, "  "),
		" " + label + " ",
		strings.Join(words, "_-_"),
	}
}

func TestSpellingsHelper(t *testing.T) {
	assert.Contains(t, fxSpellings("Connect Agent State Change"), "connectAgentStateChange")
	assert.Contains(t, fxSpellings("Equal to"), "EQUAL_TO")
}

func TestPicklistLabels(t *testing.T) {
	assert.Equal(t, []string{"Connect Agent State Change", "Salesforce Agent State Change", "Salesforce Agent Logout",
		"Salesforce Work Accepted", "Salesforce Workload Changed"}, SourceLabels())
	assert.Equal(t, []string{"Connect Agent New State", "Connect Agent Old State", "Salesforce Agent New State",
		"Salesforce Service Channel", "Salesforce Previous Workload", "Salesforce Previous Workload Pct",
		"Salesforce New Workload", "Salesforce New Workload Pct", "Salesforce Configured Capacity",
		"Salesforce Change Reason", "Salesforce Configured Interruptible Capacity", "Salesforce Previous Interruptible Workload",
		"Salesforce New Interruptible Workload", "Salesforce Previous Interruptible Workload Pct",
		"Salesforce New Interruptible Workload Pct", "Connect Agent Next State", "Connect Routing Profile", "Static Value"}, OperandLabels())
	assert.Equal(t, []string{"Equal to", "Not equal to", "Greater than", "Greater than or equal to", "Less than",
		"Less than or equal to"}, ComparatorLabels())
	assert.Equal(t, []string{"Salesforce Agent State", "Connect Agent State"}, DestinationLabels())
	// The returned slices are copies.
	l := SourceLabels()
	l[0] = "x"
	assert.Equal(t, "Connect Agent State Change", SourceLabels()[0])
}

// Every picklist value, in every tolerated spelling, read by Parse.
func TestPicklistSpellings(t *testing.T) {
	type pick struct {
		field  string
		labels []string
		got    func(r *Rule) int
	}
	picks := []pick{
		{"source", SourceLabels(), func(r *Rule) int { return int(r.Source) }},
		{"operandA", OperandLabels(), func(r *Rule) int { return int(r.Criteria[0].OperandA) }},
		{"operandB", OperandLabels(), func(r *Rule) int { return int(r.Criteria[0].OperandB) }},
		{"comparator", ComparatorLabels(), func(r *Rule) int { return int(r.Criteria[0].Comparator) }},
		{"destination", DestinationLabels(), func(r *Rule) int { return int(r.Destination) }},
	}
	for _, p := range picks {
		for i, label := range p.labels {
			for _, s := range fxSpellings(label) {
				t.Run(p.field+"="+s, func(t *testing.T) {
					rule := fxBase().with(p.field, s, "operandAValue", "1")
					doc, diags := Parse(fxDocJSON(t, nil, rule))
					require.NotNil(t, doc)
					for _, d := range diags {
						if d.Field == p.field {
							assert.NotContains(t, []string{"unknown-value", "type"}, d.Code, d.String())
						}
					}
					assert.Equal(t, i+1, p.got(&doc.Rules[0]))
				})
			}
		}
	}
}

func TestPicklistRejections(t *testing.T) {
	cases := []struct {
		field, value, suggestion string
	}{
		{"source", "Connect Agent State Changed", "Connect Agent State Change"},
		{"source", "Connect.Agent.State.Change", "Connect Agent State Change"},
		{"source", "Connect Agent State", "Connect Agent State Change"},
		{"source", "", ""},
		{"source", "Logout", "Salesforce Agent Logout"},
		{"operandA", "Connect New State", "Connect Agent New State"},
		{"operandA", "Salesforce Agent New Status", "Salesforce Agent New State"},
		{"operandB", "Static", "Static Value"},
		{"operandB", "Salesforce New Workload Percent", "Salesforce New Workload Pct"},
		{"comparator", "Equal", "Equal to"},
		{"comparator", "Equals", "Equal to"},
		{"comparator", "=", ""},
		{"comparator", "Equal\tto", "Equal to"},
		{"comparator", "Greater than or equal", "Greater than or equal to"},
		{"comparator", "Ｅqual to", "Equal to"},
		{"destination", "Salesforce", "Salesforce Agent State"},
		{"destination", "Connect Agent Status", "Connect Agent State"},
		{"destination", "Omni", ""},
	}
	for _, c := range cases {
		t.Run(c.field+"="+c.value, func(t *testing.T) {
			_, diags := Parse(fxDocJSON(t, nil, fxBase().with(c.field, c.value)))
			var found *Diagnostic
			for i := range diags {
				if diags[i].Field == c.field {
					found = &diags[i]
				}
			}
			require.NotNil(t, found, "no diagnostic for %s: %s", c.field, diags)
			assert.Equal(t, SeverityError, found.Severity)
			assert.Equal(t, "unknown-value", found.Code)
			assert.Equal(t, c.value, found.Value)
			assert.Equal(t, c.suggestion, found.Suggestion)
			assert.NotEmpty(t, found.Allowed)
			assert.Contains(t, found.Message, "Allowed: ")
			assert.Equal(t, 0, found.RuleIndex)
			assert.Equal(t, "Lunch to Omni", found.RuleName)
			if c.suggestion != "" {
				assert.Contains(t, found.Message, `did you mean "`+c.suggestion+`"?`)
			}
		})
	}
}

// Event types take the same tolerated spellings; Destination.UnmarshalText too.
func TestPicklistSpellingsOutsideRules(t *testing.T) {
	for i, label := range SourceLabels() {
		for _, s := range fxSpellings(label) {
			b, _ := json.Marshal(map[string]any{"type": s, "newState": "Lunch"})
			ev, err := DecodeEvent(b)
			require.NoError(t, err, s)
			assert.Equal(t, Source(i+1), ev.Type, s)
		}
	}
	for i, label := range DestinationLabels() {
		for _, s := range fxSpellings(label) {
			var d Destination
			require.NoError(t, d.UnmarshalText([]byte(s)))
			assert.Equal(t, Destination(i+1), d)
		}
	}
	var d Destination
	err := d.UnmarshalText([]byte("Salesforce Agent Stat"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `did you mean "Salesforce Agent State"?`)
	_, err = DecodeEvent([]byte(`{"type": "Connect Agent State Chnage", "newState": "Lunch"}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `did you mean "Connect Agent State Change"?`)
}

func TestPicklistMarshalText(t *testing.T) {
	b, err := json.Marshal(struct {
		S Source
		O Operand
		C Comparator
		D Destination
	}{SourceSalesforceLogout, OperandNewWorkloadPct, GreaterOrEqual, DestinationConnect})
	require.NoError(t, err)
	assert.JSONEq(t, `{"S":"Salesforce Agent Logout","O":"Salesforce New Workload Pct","C":"Greater than or equal to","D":"Connect Agent State"}`, string(b))
	assert.Equal(t, "Source(?)", Source(99).String())
	assert.Equal(t, "Operand(?)", Operand(99).String())
	assert.Equal(t, "Comparator(?)", Comparator(99).String())
	assert.Equal(t, "Destination(?)", Destination(99).String())
}

func TestNormalizeLabel(t *testing.T) {
	for in, want := range map[string]string{
		"Connect Agent State Change": "connectagentstatechange",
		"EQUAL_TO":                   "equalto",
		"not-equal-to":               "notequalto",
		"  ":                         "",
		"Ünïcode":                    "ünïcode",
	} {
		assert.Equal(t, want, normalizeLabel(in), in)
	}
}

func TestSystemAndContactStates(t *testing.T) {
	for _, s := range []string{"Busy", "Pending", "PendingBusy", "CallingCustomer", "AfterCallWork",
		"MissedCallAgent", "FailedConnectAgent", "FailedConnectCustomer", "LineEngagedAgent",
		"LineEngagedCustomer", "Default", "Error"} {
		assert.True(t, IsConnectSystemState(s), s)
	}
	for _, s := range []string{"Available", "Offline", "Lunch", "busy", ""} {
		assert.False(t, IsConnectSystemState(s), s)
	}
	for _, s := range []string{"Busy", "Pending", "PendingBusy", "CallingCustomer", "AfterCallWork", "Dialing",
		"Joining", "PendingAvailable"} {
		assert.True(t, IsOnContact(s), s)
	}
	for _, s := range []string{"Available", "Offline", "Lunch", "MissedCallAgent", "Error", ""} {
		assert.False(t, IsOnContact(s), s)
	}
}
