package rules

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// fxRule is a rule as JSON fields; fxBase is a valid Connect Lunch → Omni Lunch rule.
type fxRule map[string]any

func fxBase() fxRule {
	return fxRule{
		"name":          "Lunch to Omni",
		"source":        "Connect Agent State Change",
		"operandA":      "Connect Agent New State",
		"comparator":    "Equal to",
		"operandB":      "Static Value",
		"operandBValue": "Lunch",
		"destination":   "Salesforce Agent State",
		"value":         "Lunch",
	}
}

// fxCanonical is fxBase in the seed's canonical shape: criteria and state.
func fxCanonical() fxRule {
	return fxRule{
		"name":        "Lunch to Omni",
		"source":      "Connect Agent State Change",
		"criteria":    fxCriterion("Lunch"),
		"destination": "Salesforce Agent State",
		"state":       "Lunch",
	}
}

// fxCriterion is "Connect Agent New State Equal to <value>" as a criteria object.
func fxCriterion(value any) fxRule {
	return fxRule{"operandA": "Connect Agent New State", "comparator": "Equal to", "operandB": "Static Value", "operandBValue": value}
}

// fxAll and fxAny are criteria groups.
func fxAll(members ...any) map[string]any { return map[string]any{"all": append([]any{}, members...)} }
func fxAny(members ...any) map[string]any { return map[string]any{"any": append([]any{}, members...)} }

// with returns a copy of the base rule with fields replaced; a nil value
// removes the field.
func (r fxRule) with(kv ...any) fxRule {
	out := fxRule{}
	for k, v := range r {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(out, k)
		} else {
			out[k] = kv[i+1]
		}
	}
	return out
}

// fxDocJSON builds a rules document; extra holds top-level members (catalogs).
func fxDocJSON(t testing.TB, extra map[string]any, rules ...fxRule) []byte {
	t.Helper()
	doc := map[string]any{"rules": rules}
	if rules == nil {
		doc["rules"] = []fxRule{}
	}
	for k, v := range extra {
		doc[k] = v
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	return b
}

// fxEngine compiles rules that must be free of errors.
func fxEngine(t testing.TB, extra map[string]any, rules ...fxRule) *Engine {
	t.Helper()
	eng, err := Compile(fxDocJSON(t, extra, rules...))
	require.NoError(t, err)
	return eng
}

// fxEngineUnchecked builds an engine from a document lint rejects, to test
// what evaluation does with rules that cannot come through Compile.
func fxEngineUnchecked(t testing.TB, rules ...fxRule) *Engine {
	t.Helper()
	doc, _ := Parse(fxDocJSON(t, nil, rules...))
	require.NotNil(t, doc)
	return New(doc)
}

// fxCatalog is a catalog for documents and coordinators.
func fxCatalog() map[string]any {
	return map[string]any{
		"connect": map[string]any{"states": []map[string]string{
			{"name": "Available", "type": "routable"},
			{"name": "Outbound", "type": "routable"},
			{"name": "Lunch", "type": "not_routable"},
			{"name": "Break", "type": "not_routable"},
			{"name": "Training", "type": "not_routable"},
			{"name": "Offline", "type": "offline"},
		}},
		"salesforce": map[string]any{
			"statuses": []map[string]string{
				{"id": "0N5xx0000000001", "developerName": "Available", "label": "Available"},
				{"id": "0N5xx0000000002", "developerName": "Lunch", "label": "Lunch"},
				{"id": "0N5xx0000000003", "developerName": "Break", "label": "On Break"},
				{"id": "0N5xx0000000004", "developerName": "Training", "label": "Training"},
			},
			"serviceChannels": []map[string]string{
				{"developerName": "sfdc_case", "keyPrefix": "500"},
				{"developerName": "sfdc_lead", "keyPrefix": "00Q"},
			},
		},
	}
}

func fxEvent(t testing.TB, js string) Event {
	t.Helper()
	ev, err := DecodeEvent([]byte(js))
	require.NoError(t, err, js)
	return ev
}

// scenarioRules returns the rules a scenario file embeds, with the scenario's
// catalogs, as a rules document; nil for a scenario that uses a rulesFile.
func scenarioRules(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var sc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &sc), file)
	rules, ok := sc["rules"]
	if !ok {
		return nil
	}
	doc := map[string]json.RawMessage{}
	if bytes.HasPrefix(bytes.TrimSpace(rules), []byte("[")) {
		doc["rules"] = rules
	} else {
		require.NoError(t, json.Unmarshal(rules, &doc))
	}
	for _, k := range []string{"connect", "salesforce"} {
		if v, ok := sc[k]; ok {
			doc[k] = v
		}
	}
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}
