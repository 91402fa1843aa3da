package rules

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func compileEventsSchema(t *testing.T) *jsonschema.Schema {
	return compileSchemaFile(t, "events.schema.json")
}

// The schema names exactly the fields DecodeEvent reads.
func TestEventsSchemaHasEveryField(t *testing.T) {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
	}
	require.NoError(t, json.Unmarshal(fxRead(t, "events.schema.json"), &s))
	want := append([]string{"type", "contacts", "nextState"}, eventStringFields[:]...)
	want = append(want, eventNumberFields[:]...)
	var got []string
	for k := range s.Properties {
		got = append(got, k)
	}
	sort.Strings(want)
	sort.Strings(got)
	assert.Equal(t, want, got)
	assert.Equal(t, []string{"type"}, s.Required)
}

// The schema's source pattern takes every spelling the decoder takes.
func TestEventsSchemaSourceSpellings(t *testing.T) {
	var s struct {
		Properties struct {
			Type struct {
				AnyOf []struct {
					Enum    []string `json:"enum"`
					Pattern string   `json:"pattern"`
				} `json:"anyOf"`
			} `json:"type"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(fxRead(t, "events.schema.json"), &s))
	require.Len(t, s.Properties.Type.AnyOf, 2)
	assert.Equal(t, SourceLabels(), s.Properties.Type.AnyOf[0].Enum)
	re := regexp.MustCompile(s.Properties.Type.AnyOf[1].Pattern)
	for _, l := range SourceLabels() {
		for _, sp := range fxSpellings(l) {
			assert.True(t, re.MatchString(sp), sp)
			_, err := DecodeEvent([]byte(`{"type":` + string(mustJSON(t, sp)) + `,"newState":"x"}`))
			assert.NoError(t, err, sp)
		}
		assert.False(t, re.MatchString(l+"x"))
	}
}

// The schema and DecodeEvent agree, event by event.
func TestEventsSchemaAgreesWithDecodeEvent(t *testing.T) {
	sch := compileEventsSchema(t)
	for _, ev := range []string{
		`{"type": "Connect Agent State Change", "oldState": "Available", "newState": "Lunch"}`,
		`{"type": "Connect Agent State Change", "oldState": "Busy", "newState": "AfterCallWork", "stateType": "system", "nextState": "Lunch",
		  "contacts": [{"type": "voice", "state": "ended"}, {"type": "chat", "state": "connected"}], "routingProfile": "Basic Routing Profile"}`,
		`{"type": "Connect Agent State Change", "newState": "Lunch", "nextState": null, "contacts": null, "oldState": null}`,
		`{"type": "Connect Agent State Change", "newState": "Lunch", "contacts": [{}], "extra": {"ignored": true}}`,
		`{"type": "connectAgentStateChange", "newState": "Lunch"}`,
		`{"type": "Salesforce Agent State Change", "statusId": "0N5xx0000000002", "statusApiName": "Lunch", "statusName": "Lunch", "reason": "OmniManualStatusChange"}`,
		`{"type": "Salesforce Agent Logout", "reason": "OmniSupervisorLogout"}`,
		`{"type": "Salesforce Work Accepted", "workItemId": "500xx000000abcd", "workId": "0Bzxx0000000001", "serviceChannel": "sfdc_case"}`,
		`{"type": "Salesforce Workload Changed", "configuredCapacity": 5, "previousWorkload": 0, "newWorkload": 2,
		  "configuredInterruptibleCapacity": 2, "previousInterruptibleWorkload": 0, "newInterruptibleWorkload": 1}`,
		`{"type": "Salesforce Workload Changed", "configuredCapacity": "5", "previousWorkload": "1.5", "newWorkload": ".5"}`,
		`{"type": "Salesforce Workload Changed", "configuredCapacity": -1, "previousWorkload": "", "newWorkload": null}`,
		`{"type": "Salesforce Workload Changed", "newWorkload": "+2"}`,
		// invalid
		`{}`,
		`[]`,
		`{"type": 3}`,
		`{"type": "Connect Agent Status Change", "newState": "x"}`,
		`{"type": "Connect Agent State Change"}`,
		`{"type": "Connect Agent State Change", "newState": ""}`,
		`{"type": "CONNECT_AGENT_STATE_CHANGE", "newState": ""}`,
		`{"type": "Connect Agent State Change", "newState": {"name": "Lunch"}}`,
		`{"type": "Connect Agent State Change", "newState": "Lunch", "oldState": 4}`,
		`{"type": "Connect Agent State Change", "newState": "Lunch", "contacts": {"type": "voice"}}`,
		`{"type": "Connect Agent State Change", "newState": "Lunch", "contacts": ["voice"]}`,
		`{"type": "Connect Agent State Change", "newState": "Lunch", "contacts": [{"type": "chat", "state": 1}]}`,
		`{"type": "Connect Agent State Change", "newState": "Lunch", "contacts": [` + strings.Repeat(`{},`, 64) + `{}]}`,
		`{"type": "Connect Agent State Change", "newState": "Lunch", "nextState": false}`,
		`{"type": "Connect Agent State Change", "newState": "Lunch", "routingProfile": []}`,
		`{"type": "Salesforce Agent State Change", "statusId": ["x"]}`,
		`{"type": "Salesforce Work Accepted", "workItemId": "` + strings.Repeat("5", 5000) + `"}`,
		`{"type": "Salesforce Workload Changed", "newWorkload": "abc"}`,
		`{"type": "Salesforce Workload Changed", "newWorkload": true}`,
		`{"type": "Salesforce Workload Changed", "newWorkload": "1e3"}`,
		`{"type": "Salesforce Workload Changed", "newWorkload": " 2"}`,
		`{"type": "Salesforce Workload Changed", "newWorkload": -1}`,
		`{"type": "Salesforce Workload Changed", "previousInterruptibleWorkload": "-0.5"}`,
		`{"type": "Salesforce Workload Changed", "configuredCapacity": {}}`,
	} {
		t.Run(ev[:min(len(ev), 90)], func(t *testing.T) {
			_, decodeErr := DecodeEvent([]byte(ev))
			schemaErr := validateJSON(sch, []byte(ev))
			assert.Equal(t, decodeErr == nil, schemaErr == nil, "DecodeEvent: %v\nschema: %v", decodeErr, schemaErr)
		})
	}
}

// Every event of every scenario, and of testdata/events, is valid against the schema.
func TestEventsSchemaAcceptsScenarioEvents(t *testing.T) {
	sch := compileEventsSchema(t)
	files, err := filepath.Glob("../testdata/scenarios/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	n := 0
	for _, f := range files {
		var sc struct {
			Steps []struct {
				Event json.RawMessage `json:"event"`
			} `json:"steps"`
		}
		require.NoError(t, json.Unmarshal(fxRead(t, f), &sc), f)
		for i, st := range sc.Steps {
			if len(st.Event) == 0 {
				continue
			}
			n++
			assert.NoError(t, validateJSON(sch, st.Event), "%s step %d", filepath.Base(f), i)
		}
	}
	assert.Greater(t, n, 100, "the scenarios' events were read")
	ev := fxRead(t, "../testdata/events/connect-lunch.json")
	assert.NoError(t, validateJSON(sch, ev))
}
