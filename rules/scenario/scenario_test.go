package scenario

import (
	"os"

	"github.com/presence-sync/presence-sync/rules"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadScenario(t *testing.T, name string) *Scenario {
	t.Helper()
	sc, err := LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", name))
	require.NoError(t, err)
	return sc
}

// Every scenario in testdata passes (the CLI runs them too, in `make test`).
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scenarios", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			sc, err := LoadScenario(f)
			require.NoError(t, err)
			res := sc.Run()
			require.NoError(t, res.Err)
			for _, sf := range res.Failures {
				t.Errorf("step %d: %s\n expected: %s\n got: %s", sf.Step, sf.Problem, sf.Expected, sf.Got)
			}
		})
	}
}

func TestBurstAccountsForEveryChange(t *testing.T) {
	res := loadScenario(t, "burst-1000-changes.json").Run()
	require.True(t, res.Passed(), "%+v", res.Failures)
	total := 0
	for st, n := range res.Statuses {
		switch st {
		case rules.StatusApplied, rules.StatusSkipped, rules.StatusSuperseded:
			total += n
		default:
			t.Errorf("%d actions ended %s", n, st)
		}
	}
	assert.Equal(t, 1000, total, "each of the 1,000 changes fires one rule, and each action is accounted for")
	assert.Greater(t, res.Statuses[rules.StatusSuperseded], 500, "with 200 ms writes and a change every 7 ms most intents are replaced")
}

func TestLoopErrorNamesAllFourRules(t *testing.T) {
	sc := loadScenario(t, "loop-breaker.json")
	sc.Steps = sc.Steps[:2]
	sc.Steps[1].ExpectError = nil
	// Run by hand to capture the error.
	docJSON, err := sc.rulesDocument()
	require.NoError(t, err)
	eng, err := rules.Compile(docJSON)
	require.NoError(t, err)
	opts, err := rules.ParseOptions(sc.Options)
	require.NoError(t, err)
	sim := &simulator{sc: sc, coord: rules.NewCoordinator(eng, opts), latency: 50, fails: map[rules.Destination]*FailSpec{},
		connect: "Available", sfStatus: "Available", actions: map[int64]rules.ActionStatus{}}
	sim.take(sim.coord.Start(0, sc.Initial, nil))
	ev, err := rules.DecodeEvent(sc.Steps[0].Event)
	require.NoError(t, err)
	sim.platformEvent(&ev)
	sim.take(sim.coord.HandleEvent(0, ev))
	require.NoError(t, sim.drain(5000))
	var loops []*rules.Error
	for _, e := range sim.errors {
		if e.Code == rules.CodeLoop {
			loops = append(loops, e)
		}
	}
	require.Len(t, loops, 1, "one destination trips first and the cycle stops")
	assert.ElementsMatch(t, []string{"Connect Lunch -> Omni Break", "Omni Break -> Connect Coffee",
		"Connect Coffee -> Omni Lunch", "Omni Lunch -> Connect Lunch"}, loops[0].Rules)
	for _, r := range loops[0].Rules {
		assert.Contains(t, loops[0].Message, r)
	}
	assert.True(t, sim.coord.Paused(rules.DestinationSalesforce) || sim.coord.Paused(rules.DestinationConnect))
	// A hand change resumes.
	sim.take(sim.coord.HandleEvent(6000, rules.Event{Type: rules.SourceSalesforceStateChange, StatusAPIName: "Available", Reason: "OmniManualStatusChange"}))
	assert.False(t, sim.coord.Paused(rules.DestinationSalesforce))
	assert.False(t, sim.coord.Paused(rules.DestinationConnect))
}

func TestScenarioFailureReportsExpectedGotAndTrace(t *testing.T) {
	sc, err := ParseScenario([]byte(`{"name":"wrong on purpose",
	  "rules":[{"name":"Lunch to Omni","source":"Connect Agent State Change","operandA":"Connect Agent New State",
	    "comparator":"Equal to","operandB":"Static Value","operandBValue":"Lunch","destination":"Salesforce Agent State","value":"Lunch"}],
	  "initial":{"connectState":"Available","salesforceStatus":"Available"},
	  "steps":[{"event":{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"},
	            "expect":[{"destination":"Salesforce Agent State","value":"Break"}], "expectState":{"salesforceStatus":"Break"}}]}`))
	require.NoError(t, err)
	res := sc.Run()
	require.False(t, res.Passed())
	require.Len(t, res.Failures, 2)
	assert.Equal(t, "the writes differ", res.Failures[0].Problem)
	assert.Contains(t, res.Failures[0].Got, `value: "Lunch"`)
	require.Len(t, res.Failures[0].Trace, 1)
	assert.Contains(t, res.Failures[0].Trace[0].Text(), `rules[0] "Lunch to Omni"`)
	assert.Equal(t, "Lunch", res.Failures[1].Got)
}

func TestScenarioRejectsUnknownKeys(t *testing.T) {
	_, err := ParseScenario([]byte(`{"name":"x","rules":[],"stepz":[]}`))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "stepz"), err.Error())
}

func TestScenarioExpectComparesNamedKeysOnly(t *testing.T) {
	got := []rules.Command{{Destination: rules.DestinationConnect, Value: "Lunch", EnqueueNextState: true}, {Destination: rules.DestinationSalesforce, Value: "Lunch", StatusID: "0N5"}}
	ok, _ := matchWrites([]map[string]any{{"destination": "Salesforce Agent State", "value": "Lunch"}, {"destination": "connectAgentState", "value": "Lunch", "enqueueNextState": true}}, got)
	assert.True(t, ok, "order-insensitive, tolerant destination spelling, extra keys checked")
	ok, _ = matchWrites([]map[string]any{{"destination": "Connect Agent State", "value": "Lunch", "enqueueNextState": false}, {"destination": "Salesforce Agent State", "value": "Lunch"}}, got)
	assert.False(t, ok, "a named key must match")
	ok, _ = matchWrites([]map[string]any{{"destination": "Connect Agent State", "value": "Lunch"}}, got)
	assert.False(t, ok, "expect is the complete set of writes")
}

// FuzzScenario: no scenario text makes the reader or the simulator panic, and a
// scenario that parses either runs or reports why it cannot.
func FuzzScenario(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "scenarios", "*.json"))
	for _, file := range files {
		if strings.Contains(file, "burst") {
			continue // large; the others cover the same shapes
		}
		sc, err := LoadScenario(file)
		if err != nil || sc.RulesFile != "" {
			continue
		}
		data, _ := os.ReadFile(file)
		f.Add(data)
	}
	f.Add([]byte(`{"rules":[],"steps":[{"advanceMs":-5}]}`))
	f.Add([]byte(`{"rules":{"rules":[]},"steps":[{"fail":{"destination":"nowhere","times":-1}}]}`))
	f.Add([]byte(`{"rules":[{"source":"Connect Agent State Change","operandA":"Connect Agent New State","comparator":"Equal to","operandB":"Static Value","operandBValue":"A","destination":"Salesforce Agent State","value":"A"}],"feedback":true,"options":{"echoWindowMs":0,"writeLatencyMs":-3},"steps":[{"event":{"type":"Connect Agent State Change","newState":"A"},"advanceMs":100000000}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ParseScenario(data)
		if err != nil {
			return
		}
		if len(sc.Steps) > 200 {
			sc.Steps = sc.Steps[:200]
		}
		sc.RulesFile = "" // never read files named by fuzz input
		res := sc.Run()
		if res.Err == nil {
			for _, sf := range res.Failures {
				if sf.Problem == "" {
					t.Fatalf("a failure without a problem: %+v", sf)
				}
			}
		}
	})
}

// The step kinds and checks added for contacts, reads and leadership fail
// when what they name did not happen.
func TestScenarioExtendedChecksFail(t *testing.T) {
	base := `{"name":"x","rules":[{"name":"Omni Lunch","source":"Salesforce Agent State Change","operandA":"Salesforce Agent New State",
	  "comparator":"Equal to","operandB":"Static Value","operandBValue":"Lunch","destination":"Connect Agent State","value":"Lunch"}],
	  "connect":{"states":[{"name":"Available","type":"routable"},{"name":"Lunch","type":"not_routable"}]},
	  "initial":{"connectState":"Available","salesforceStatus":"Available","connectContacts":[]},"steps":[%s]}`
	for _, tc := range []struct {
		name, steps, problem string
	}{
		{"an action that did not happen", `{"event":{"type":"Salesforce Agent State Change","statusApiName":"Lunch"},"expectActions":[{"value":"Lunch","status":"deferred"}]}`,
			"no action status change matches"},
		{"a reason that differs", `{"event":{"type":"Salesforce Agent State Change","statusApiName":"Lunch"},"expectActions":[{"value":"Lunch","status":"applied","reason":"nowhere"}]}`,
			"no action status change matches"},
		{"a decision that did not happen", `{"event":{"type":"Salesforce Agent State Change","statusApiName":"Lunch"},"expectDecisions":[{"duplicate":true}]}`,
			"no decision matches"},
		{"reads that did not happen", `{"leader":false},{"leader":true,"expectReads":[]}`, "the reads differ"},
		{"reconcile after the first step", `{"advanceMs":1},{"reconcile":true}`, `"reconcile": true checks the reconcile at start`},
		{"a state in a connect step", `{"connect":{"state":"Lunch"}}`, "a state change is an event"},
		{"a malformed connect step", `{"connect":{"contacts":[{"type":1}]}}`, "connect.contacts[0].type"},
		{"a malformed remote step", `{"remote":{"action":{"id":1,"destination":"Connect Agent State","value":"Lunch","status":"done"}}}`, "action.status"},
		{"a next state that differs", `{"connect":{"contacts":[{"type":"chat","state":"connected"}]}},{"event":{"type":"Salesforce Agent State Change","statusApiName":"Lunch"},"expectState":{"connectNextState":"Break"}}`,
			"next state differs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := ParseScenario([]byte(strings.Replace(base, "%s", tc.steps, 1)))
			require.NoError(t, err)
			res := sc.Run()
			require.NoError(t, res.Err)
			require.NotEmpty(t, res.Failures, "the check must fail")
			var problems []string
			for _, f := range res.Failures {
				problems = append(problems, f.Problem)
			}
			assert.Contains(t, strings.Join(problems, "\n"), tc.problem)
		})
	}
}
