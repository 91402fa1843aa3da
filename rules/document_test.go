package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Semantics 18: a rule cooling down is traced as cooling and the next rule for
// its destination is considered, as if it had not matched.
func TestEvaluateCooldown(t *testing.T) {
	eng := MustParseEngine(t, `{"rules": [
	  {"name": "A", "source": "Connect Agent State Change", "operandA": "Connect Agent New State", "comparator": "Equal to",
	   "operandB": "Static Value", "operandBValue": "Lunch", "destination": "Salesforce Agent State", "value": "Lunch", "cooldownMs": 1500},
	  {"name": "B", "source": "Connect Agent State Change", "operandA": "Connect Agent New State", "comparator": "Not equal to",
	   "operandB": "Static Value", "operandBValue": "Available", "destination": "Salesforce Agent State", "value": "Away"}]}`)
	ev := Event{Type: SourceConnectStateChange, NewState: "Lunch"}
	cases := []struct {
		name    string
		cool    Cooldown
		outcome Outcome
		left    int64
		winner  string
	}{
		{"not cooling", Cooldown{}, OutcomeMatched, 0, "Lunch"},
		{"cooling", Cooldown{Now: 1000, Until: []int64{2000}}, OutcomeCooling, 1000, "Away"},
		{"cooldown over", Cooldown{Now: 2000, Until: []int64{2000}}, OutcomeMatched, 0, "Lunch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d Decision
			eng.evaluateInto(&ev, &Snapshot{}, &d, nil, c.cool)
			assert.Equal(t, c.outcome, d.Rules[0].Outcome)
			assert.EqualValues(t, c.left, d.Rules[0].CoolLeftMs)
			require.Len(t, d.Actions, 1)
			assert.Equal(t, c.winner, d.Actions[0].Value)
			if c.outcome == OutcomeCooling {
				assert.Contains(t, d.Reason(0), "cooling down (1 s left of its 1.5 s cooldown)")
				assert.Equal(t, OutcomeMatched, d.Rules[1].Outcome, "the next rule wins as if the first had not matched")
			}
		})
	}
}

func MustParseEngine(t *testing.T, doc string) *Engine {
	t.Helper()
	eng, err := Compile([]byte(doc))
	require.NoError(t, err)
	return eng
}

func TestDocumentOptions(t *testing.T) {
	doc, diags := Parse([]byte(`{"rules": [], "options": {"echoWindowMs": 0, "logLevel": "debug"}}`))
	require.False(t, diags.HasErrors(), diags.String())
	assert.JSONEq(t, `{"echoWindowMs": 0, "logLevel": "debug"}`, string(doc.Options))
	_, diags = Parse([]byte("{\"rules\": [],\n \"options\": {\"retryAttempts\": -1}}"))
	require.True(t, diags.HasErrors())
	assert.Equal(t, "options.retryAttempts", diags[0].Field)
	assert.Equal(t, 2, diags[0].Line)
	assert.Contains(t, diags[0].Message, "retryAttempts must be a whole number from 1 to 100")
	_, diags = Parse([]byte(`{"rules": [], "options": []}`))
	require.True(t, diags.HasErrors())
	assert.Contains(t, diags[0].Message, "options must be an object")
}
