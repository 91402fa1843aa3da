package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/presence-sync/presence-sync/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The event fields explain knows are the canonical ones
// (rules/events.schema.json), each under the event types its description
// names.
func TestEventFieldsAreTheSchema(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "events.schema.json"))
	require.NoError(t, err)
	var schema struct {
		Properties map[string]struct {
			Description string `json:"description"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(data, &schema))
	var props []string
	for name := range schema.Properties {
		props = append(props, name)
	}
	sort.Strings(props)
	all := allEventFields()
	sort.Strings(all)
	assert.Equal(t, props, all)
	prefixes := map[string][]rules.Source{
		"Connect":                       {rules.SourceConnectStateChange},
		"Salesforce Agent State Change": {rules.SourceSalesforceStateChange},
		"Salesforce:":                   {rules.SourceSalesforceStateChange, rules.SourceSalesforceLogout},
		"Salesforce Work Accepted":      {rules.SourceSalesforceWorkAccepted},
		"Salesforce Workload Changed":   {rules.SourceSalesforceWorkloadChanged},
		"Winter '24":                    {rules.SourceSalesforceWorkloadChanged},
	}
	for name, p := range schema.Properties {
		if name == "type" {
			continue
		}
		found := false
		for prefix, sources := range prefixes {
			if !strings.HasPrefix(p.Description, prefix) {
				continue
			}
			found = true
			for src := rules.SourceConnectStateChange; src <= rules.SourceSalesforceWorkloadChanged; src++ {
				assert.Equal(t, slices.Contains(sources, src), slices.Contains(eventFields[src], name), "%s on %s (%q)", name, src, p.Description)
			}
		}
		assert.True(t, found, "the description of %s names its event type: %q", name, p.Description)
	}
}

// operandSupplies says where the engine reads each operand from, event type
// by event type: with the event field it names, the operand reads a value;
// without it, the known state's key supplies it; with neither, it reads as
// empty (and explain warns).
func TestOperandSupplies(t *testing.T) {
	values := map[string]any{"newState": "Lunch", "oldState": "Available", "statusApiName": "Lunch", "serviceChannel": "sfdc_case",
		"routingProfile": "Sales", "previousWorkload": 1, "newWorkload": 2, "configuredCapacity": 4,
		"configuredInterruptibleCapacity": 4, "previousInterruptibleWorkload": 1, "newInterruptibleWorkload": 2}
	stateValues := map[string]any{"connectState": "Training", "salesforceStatus": "Busy", "connectRoutingProfile": "Support",
		"workload": 3, "configuredCapacity": 6}
	for src := rules.SourceConnectStateChange; src <= rules.SourceSalesforceWorkloadChanged; src++ {
		for _, label := range rules.OperandLabels() {
			o := operandNamed(t, label)
			supplies := operandSupplies(o, src)
			if len(supplies) == 0 {
				continue
			}
			t.Run(src.String()+"/"+label, func(t *testing.T) {
				ev := map[string]any{"type": src.String()}
				if src == rules.SourceConnectStateChange {
					ev["newState"] = "Lunch"
				}
				st := map[string]any{}
				stateOnly := true
				for _, s := range supplies {
					if s.event != "" {
						ev[s.event] = values[s.event]
					}
					if s.state == "" {
						stateOnly = false
					} else {
						st[s.state] = stateValues[s.state]
					}
				}
				if !slices.ContainsFunc(supplies, func(s supply) bool { return s.event == "" }) {
					a, warnings := readOperand(t, label, ev, nil)
					assert.NotEqual(t, rules.Unavailable, a.Kind, "read from the event: %v", ev)
					assert.NotEqual(t, `""`, a.String())
					assert.Empty(t, warnings)
				}
				if stateOnly {
					bare := map[string]any{"type": src.String()}
					if src == rules.SourceConnectStateChange {
						bare["newState"] = "Lunch"
					}
					for _, s := range supplies {
						delete(bare, s.event)
					}
					if src == rules.SourceConnectStateChange && slices.ContainsFunc(supplies, func(s supply) bool { return s.event == "newState" }) {
						return // a Connect event always carries newState
					}
					a, warnings := readOperand(t, label, bare, st)
					assert.NotEqual(t, rules.Unavailable, a.Kind, "read from the known state: %v", st)
					assert.NotEqual(t, "", a.String())
					assert.Empty(t, warnings)
					a, warnings = readOperand(t, label, bare, nil)
					assert.True(t, a.Kind == 0 || a.String() == `""`, "nothing supplies it: %v", a)
					assert.NotEmpty(t, warnings)
				}
			})
		}
	}
}

func operandNamed(t *testing.T, label string) rules.Operand {
	for o := rules.OperandNone + 1; o < rules.OperandStatic; o++ {
		if o.String() == label {
			return o
		}
	}
	if label == "Static Value" {
		return rules.OperandStatic
	}
	t.Fatalf("no operand %q", label)
	return 0
}

// readOperand runs explain's engine on one rule reading the operand (after
// testing exactly Offline on a Logout, so that the rule is evaluated) and
// returns what it read, and explain's warnings.
func readOperand(t *testing.T, label string, ev, st map[string]any) (rules.Value, []warning) {
	t.Helper()
	members := `{"operandA": ` + quote(label) + `, "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "zzz"}`
	if ev["type"] == rules.SourceSalesforceLogout.String() {
		members = `{"operandA": "Salesforce Agent New State", "comparator": "Equal to", "operandB": "Static Value", "operandBValue": "Offline"}, ` + members
	}
	doc := `{"rules": [{"name": "r", "source": ` + quote(ev["type"].(string)) + `, "criteria": {"all": [` + members +
		`]}, "destination": "Salesforce Agent State", "state": "Lunch"}]}`
	eng, err := rules.Compile([]byte(doc))
	require.NoError(t, err)
	evData, _ := json.Marshal(ev)
	event, err := rules.DecodeEvent(evData)
	require.NoError(t, err)
	var state rules.State
	if st != nil {
		data, _ := json.Marshal(st)
		require.NoError(t, json.Unmarshal(data, &state))
	}
	c := rules.NewCoordinator(eng, rules.DefaultOptions())
	c.Start(0, state, nil)
	out := c.HandleEvent(0, event)
	require.Len(t, out.Decisions, 1)
	d := out.Decisions[0]
	ms := d.Members(0)
	require.NotEmpty(t, ms, "the rule was evaluated")
	statePath := ""
	if st != nil {
		statePath = "state.json"
	}
	return ms[len(ms)-1].A, operandWarnings("ev.json", statePath, eng, d)
}

// Issue 16 item 5: explain warns about an event field its type does not have
// (a misspelling, another event's field), with a did-you-mean, and about a
// field of the known state it does not read.
func TestExplainWarnsAboutFields(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	rulesFile := td("rules/default.json")
	for _, tc := range []struct {
		name, event, want string
	}{
		{"a misspelt field", `{"oldstate": "Available", "type": "Connect Agent State Change", "newState": "Lunch"}`,
			`ev.json: warning: line 1, column 2: "oldstate" is not an event field, and is not read; did you mean "oldState"? A "Connect Agent State Change" event has type, oldState, newState, stateType, contacts, nextState, routingProfile.`},
		{"a Connect field on a Salesforce event", `{"type": "Salesforce Agent State Change", "newState": "Lunch"}`,
			`ev.json: warning: line 1, column 43: "newState" is a field of other events, not of a "Salesforce Agent State Change" event; did you mean "statusApiName"? A "Salesforce Agent State Change" event has type, statusId, statusApiName, statusName, reason.`},
		{"an unknown field", `{"type": "Salesforce Agent Logout", "supervisor": "Ann"}`,
			`ev.json: warning: line 1, column 37: "supervisor" is not an event field, and is not read. A "Salesforce Agent Logout" event has type, reason.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := write("ev.json", tc.event)
			code, out, _ := runCLI("explain", rulesFile, ev)
			assert.Equal(t, 0, code)
			assert.Contains(t, out, strings.Replace(tc.want, "ev.json", ev, 1)+"\n  | "+tc.event+"\n")
		})
	}
	ev := write("ok.json", `{"type": "Connect Agent State Change", "oldState": "Available", "newState": "Lunch"}`)
	st := write("st.json", `{"connectState": "Available", "salesforceState": "Lunch"}`)
	code, out, _ := runCLI("explain", rulesFile, ev, "--state", st)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, st+`: warning: line 1, column 31: "salesforceState" is not a field of the known state, and is not read; did you mean "salesforceStatus"?`)
	assert.NotContains(t, out, ev+": warning", "a correct event has nothing to warn about")
}

// Issue 16 item 5: explain warns about an operand a rule reads that neither
// the event nor the known state supplies, naming the rule and the field.
func TestExplainWarnsAboutUnsuppliedOperands(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "ev.json")
	require.NoError(t, os.WriteFile(ev, []byte(`{"type": "Salesforce Agent State Change", "reason": "OmniManualStatusChange"}`), 0o644))
	code, out, _ := runCLI("explain", td("rules/default.json"), ev)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, ev+`: warning: rules[5] "Omni Lunch to Connect": reads Salesforce Agent New State, which the event does not carry ("statusApiName") and nothing known supplies (give --state with "salesforceStatus"): it reads as empty`)
	assert.Equal(t, 3, strings.Count(out, "reads Salesforce Agent New State"), "each of the three rules of that source")

	// A status Id the catalog names supplies it: no warning.
	require.NoError(t, os.WriteFile(ev, []byte(`{"type": "Salesforce Agent State Change", "statusId": "0N5xx0000000002", "reason": "OmniManualStatusChange"}`), 0o644))
	_, out, _ = runCLI("explain", td("rules/default.json"), ev)
	assert.NotContains(t, out, "warning")

	// A status Id the catalog lacks: the engine would read Omni-Channel to
	// name it; explain says why there is no decision.
	require.NoError(t, os.WriteFile(ev, []byte(`{"type": "Salesforce Agent State Change", "statusId": "0N5xx0000000099"}`), 0o644))
	code, out, _ = runCLI("explain", td("rules/default.json"), ev)
	assert.Equal(t, 0, code)
	assert.Equal(t, ev+": warning: no decision: the engine first reads Salesforce Agent State to name the status this event reports (its statusId is not in the catalog), and explain cannot answer a read: give the event its statusApiName, or the catalog the status (salesforce.statuses)\n", out)

	// A known state that does not hold it either is named.
	st := filepath.Join(dir, "st.json")
	require.NoError(t, os.WriteFile(st, []byte(`{"connectState": "Available"}`), 0o644))
	require.NoError(t, os.WriteFile(ev, []byte(`{"type": "Salesforce Workload Changed", "newWorkload": 5}`), 0o644))
	_, out, _ = runCLI("explain", td("rules/default.json"), ev, "--state", st)
	assert.Contains(t, out, `reads Salesforce New Workload Pct, which the event does not carry ("configuredCapacity") and the known state does not supply ("configuredCapacity" in `+st+`): it reads as empty`)

	// --json carries the warnings.
	_, out, _ = runCLI("explain", "--json", td("rules/default.json"), ev, "--state", st)
	var res struct {
		Warnings []warning `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.NotEmpty(t, res.Warnings)
	assert.Equal(t, "unsupplied-operand", res.Warnings[0].Code)
	assert.Equal(t, "configuredCapacity", res.Warnings[0].Field)
	require.NotNil(t, res.Warnings[0].RuleIndex)
}
