package rules

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compileSchemaFile compiles one of this folder's JSON Schemas (schema.json, events.schema.json).
func compileSchemaFile(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	require.NoError(t, c.AddResource(name, doc))
	sch, err := c.Compile(name)
	require.NoError(t, err)
	return sch
}

func compileSchema(t *testing.T) *jsonschema.Schema { return compileSchemaFile(t, "schema.json") }

func validateJSON(sch *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// Every rules file of the project is valid against the schema.
func TestSchemaAcceptsRulesFiles(t *testing.T) {
	sch := compileSchema(t)
	files, err := filepath.Glob("../testdata/rules/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			assert.NoError(t, validateJSON(sch, fxRead(t, f)))
		})
	}
}

// Every scenario's inline rules, with the scenario's catalogs, are valid
// against the schema (rulesFile scenarios use testdata/rules, checked above).
func TestSchemaAcceptsScenarioRules(t *testing.T) {
	sch := compileSchema(t)
	files, err := filepath.Glob("../testdata/scenarios/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	inline := 0
	for _, f := range files {
		data := scenarioRules(t, f)
		if data == nil {
			continue
		}
		inline++
		t.Run(filepath.Base(f), func(t *testing.T) {
			assert.NoError(t, validateJSON(sch, data))
		})
	}
	assert.NotZero(t, inline)
}

// The schema and the parser agree on the lint documents: a document the
// parser accepts is valid; a document with a problem of shape (syntax, types,
// unknown or missing fields, picklist values, empty or system-state targets,
// a miscased Offline, a rule mixing the two shapes, a malformed or empty
// group, groups nested too deep) is not. Problems only lint can see (catalog
// names, Logout criteria, reasons, comparisons on names, more than 20
// criteria in a rule) pass the schema.
func TestSchemaAgreesWithParser(t *testing.T) {
	sch := compileSchema(t)
	shape := map[string]bool{"syntax": true, "type": true, "unknown-field": true, "missing-field": true,
		"unknown-value": true, "system-state-target": true, "missing-value": true,
		"mixed-shape": true, "mixed-group": true, "empty-group": true, "too-deep": true}
	files, err := filepath.Glob(filepath.Join(lintDir, "*.json"))
	require.NoError(t, err)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data := fxRead(t, f)
			_, diags := Parse(data)
			shapeErr := false
			for _, d := range diags.Errors() {
				shapeErr = shapeErr || shape[d.Code]
			}
			err := validateJSON(sch, data)
			if shapeErr {
				assert.Error(t, err, "the parser reports %s", diags.Errors())
			} else {
				assert.NoError(t, err, "the parser reports only %v", fxCodes(diags))
			}
		})
	}
}

func TestSchemaRejectsInvalidDocuments(t *testing.T) {
	sch := compileSchema(t)
	base := func(kv ...any) []byte { return fxDocJSON(t, nil, fxBase().with(kv...)) }
	bad := map[string][]byte{
		"not an object":              []byte(`[]`),
		"no rules":                   []byte(`{}`),
		"rules not an array":         []byte(`{"rules": {}}`),
		"unknown document field":     []byte(`{"rules": [], "rulez": []}`),
		"unknown rule field":         base("priority", 1),
		"source typo":                base("source", "Connect Agent State Chnage"),
		"operand typo":               base("operandA", "Connect New State"),
		"comparator typo":            base("comparator", "Equals"),
		"destination typo":           base("destination", "Omni"),
		"missing source":             base("source", nil),
		"missing value":              base("value", nil),
		"empty value":                base("value", ""),
		"value a number":             base("value", 3),
		"active a string":            base("active", "yes"),
		"static value a boolean":     base("operandBValue", true),
		"static value missing":       base("operandBValue", nil),
		"static A value missing":     base("operandA", "Static Value", "operandAValue", nil),
		"tolerant static, missing":   base("operandB", "STATIC_VALUE", "operandBValue", nil),
		"Busy as a Connect target":   base("destination", "Connect Agent State", "value", "Busy"),
		"ACW, tolerant destination":  base("destination", "connectAgentState", "value", "AfterCallWork"),
		"offline lowercase":          base("value", "offline"),
		"connect type unknown":       fxDocJSON(t, map[string]any{"connect": map[string]any{"states": []map[string]string{{"name": "Lunch", "type": "away"}}}}, fxBase()),
		"status id too short":        fxDocJSON(t, map[string]any{"salesforce": map[string]any{"statuses": []map[string]string{{"id": "0N5", "developerName": "Lunch"}}}}, fxBase()),
		"catalog typo":               fxDocJSON(t, map[string]any{"salesforce": map[string]any{"status": []any{}}}, fxBase()),
		"key prefix of 4":            fxDocJSON(t, map[string]any{"salesforce": map[string]any{"serviceChannels": []map[string]string{{"developerName": "c", "keyPrefix": "5000"}}}}, fxBase()),
		"criteria and operandA":      fxDocJSON(t, nil, fxCanonical().with("operandA", "Connect Agent Old State")),
		"criteria and operandBValue": fxDocJSON(t, nil, fxCanonical().with("operandBValue", "x")),
		"state and value":            fxDocJSON(t, nil, fxCanonical().with("value", "Lunch")),
		"neither state nor value":    fxDocJSON(t, nil, fxCanonical().with("state", nil)),
		"no criteria at all":         fxDocJSON(t, nil, fxCanonical().with("criteria", nil)),
		"criteria not an object":     fxDocJSON(t, nil, fxCanonical().with("criteria", []any{fxCriterion("Lunch")})),
		"empty all":                  fxDocJSON(t, nil, fxCanonical().with("criteria", fxAll())),
		"empty any":                  fxDocJSON(t, nil, fxCanonical().with("criteria", map[string]any{"any": []any{}})),
		"all and any in one object":  fxDocJSON(t, nil, fxCanonical().with("criteria", map[string]any{"all": []any{fxCriterion("Lunch")}, "any": []any{fxCriterion("Break")}})),
		"group and operandA":         fxDocJSON(t, nil, fxCanonical().with("criteria", map[string]any{"all": []any{fxCriterion("Lunch")}, "operandA": "Connect Agent New State"})),
		"groups five deep":           fxDocJSON(t, nil, fxCanonical().with("criteria", fxAll(fxAll(fxAll(fxAll(fxAll(fxCriterion("Lunch")))))))),
		"member without comparator":  fxDocJSON(t, nil, fxCanonical().with("criteria", fxAll(fxCriterion("Lunch").with("comparator", nil)))),
		"member with unknown field":  fxDocJSON(t, nil, fxCanonical().with("criteria", fxAll(fxCriterion("Lunch").with("note", "x")))),
		"member static missing":      fxDocJSON(t, nil, fxCanonical().with("criteria", fxAll(fxCriterion("Lunch").with("operandBValue", nil)))),
		"member operand typo":        fxDocJSON(t, nil, fxCanonical().with("criteria", fxAll(fxCriterion("Lunch").with("operandA", "Routing Profile")))),
		"system state as state":      fxDocJSON(t, nil, fxCanonical().with("destination", "Connect Agent State", "state", "Busy")),
		"offline lowercase state":    fxDocJSON(t, nil, fxCanonical().with("state", "offline")),
		"negative cooldown":          fxDocJSON(t, nil, fxCanonical().with("cooldownMs", -1)),
		"fractional cooldown":        fxDocJSON(t, nil, fxCanonical().with("cooldownMs", 1.5)),
		"cooldown over a day":        fxDocJSON(t, nil, fxCanonical().with("cooldownMs", 86400001)),
		"options not an object":      fxDocJSON(t, map[string]any{"options": []any{}}, fxCanonical()),
		"option out of range":        fxDocJSON(t, map[string]any{"options": map[string]any{"retryAttempts": 0}}, fxCanonical()),
	}
	for name, data := range bad {
		t.Run(name, func(t *testing.T) {
			assert.Error(t, validateJSON(sch, data))
		})
	}
	good := map[string][]byte{
		"base":                        base(),
		"tolerant spellings":          base("source", "connectAgentStateChange", "comparator", "EQUAL_TO", "operandB", "static-value", "destination", "SALESFORCE AGENT STATE"),
		"number static value":         base("operandBValue", 100),
		"Offline logs out":            base("value", "Offline"),
		"system state in a criterion": base("operandBValue", "Busy"),
		"Offline Connect target":      base("destination", "Connect Agent State", "value", "Offline"),
		"offline Connect state name":  base("destination", "Connect Agent State", "value", "offline"),
		"no name, inactive":           base("name", nil, "active", false),
		"catalogs":                    fxDocJSON(t, fxCatalog(), fxBase()),
		"18-character id":             fxDocJSON(t, map[string]any{"salesforce": map[string]any{"statuses": []map[string]string{{"id": "0N5xx0000000002AAA", "developerName": "Lunch"}}}}, fxBase()),
		"canonical":                   fxDocJSON(t, nil, fxCanonical()),
		"record criterion with state": base("value", nil, "state", "Lunch"),
		"criteria with value":         fxDocJSON(t, nil, fxCanonical().with("state", nil, "value", "Lunch")),
		"groups four deep":            fxDocJSON(t, nil, fxCanonical().with("criteria", fxAll(fxAny(fxCriterion("Lunch"), fxAll(fxAny(fxCriterion("Break"))))))),
		"group of one":                fxDocJSON(t, nil, fxCanonical().with("criteria", fxAny(fxCriterion("Lunch")))),
		"added operands":              fxDocJSON(t, nil, fxCanonical().with("criteria", fxAll(fxCriterion("Lunch"), fxCriterion("Basic").with("operandA", "Connect Routing Profile"), fxCriterion("Lunch").with("operandA", "Connect Agent Next State")))),
		"cooldown":                    fxDocJSON(t, nil, fxCanonical().with("cooldownMs", 60000)),
		"options":                     fxDocJSON(t, map[string]any{"options": map[string]any{"echoWindowMs": 0, "reconcile": "connect", "someShimSetting": true}}, fxCanonical()),
	}
	for name, data := range good {
		t.Run(name, func(t *testing.T) {
			assert.NoError(t, validateJSON(sch, data))
			_, diags := Parse(data)
			assert.False(t, diags.HasErrors(), "%s", diags)
		})
	}
}

// The schema's picklists and system states are the package's.
func TestSchemaMatchesPicklists(t *testing.T) {
	var s struct {
		Defs map[string]struct {
			AnyOf []struct {
				Enum    []string `json:"enum"`
				Pattern string   `json:"pattern"`
			} `json:"anyOf"`
			Enum    []string `json:"enum"`
			Pattern string   `json:"pattern"`
		} `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(fxRead(t, "schema.json"), &s))
	for name, labels := range map[string][]string{"source": SourceLabels(), "operand": OperandLabels(),
		"comparator": ComparatorLabels(), "destination": DestinationLabels()} {
		def := s.Defs[name]
		require.Len(t, def.AnyOf, 2, name)
		assert.Equal(t, labels, def.AnyOf[0].Enum, name)
		re := regexp.MustCompile(def.AnyOf[1].Pattern)
		for _, l := range labels {
			for _, sp := range fxSpellings(l) {
				assert.True(t, re.MatchString(sp), "%s: %q", name, sp)
			}
			assert.False(t, re.MatchString(l+"x"), name)
			assert.False(t, re.MatchString(strings.ReplaceAll(l, " ", ".")), name)
		}
	}
	assert.Equal(t, connectSystemStates, s.Defs["connectSystemState"].Enum)
}
