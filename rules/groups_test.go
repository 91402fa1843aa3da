package rules

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fxCrit(operandA, comparator string, value any) fxRule {
	return fxRule{"operandA": operandA, "comparator": comparator, "operandB": "Static Value", "operandBValue": value}
}

// Semantics 15: all / any, nested; members in order with early stop; an
// unavailable operand makes its criterion false, under Not equal to too.
func TestEvaluateGroups(t *testing.T) {
	newLunch := fxCrit("Connect Agent New State", "Equal to", "Lunch")
	newBreak := fxCrit("Connect Agent New State", "Equal to", "Break")
	sales := fxCrit("Connect Routing Profile", "Equal to", "Sales")
	notFull := fxCrit("Salesforce New Workload Pct", "Not equal to", 100) // unavailable without a capacity
	fromAvail := fxCrit("Connect Agent Old State", "Equal to", "Available")
	ordering := fxCrit("Connect Agent New State", "Greater than", 3) // a name: not numeric
	cases := []struct {
		name     string
		criteria any
		ev       string
		snap     Snapshot
		outcome  Outcome
		results  []MemberResult // every node, root first
		reason   string
	}{
		{"all true", fxAll(newLunch, sales), `{"type":"Connect Agent State Change","newState":"Lunch","routingProfile":"Sales"}`, Snapshot{},
			OutcomeMatched, []MemberResult{ResultTrue, ResultTrue, ResultTrue}, `criteria (all of 2) is true (every member): write Salesforce Agent State = "Lunch"`},
		{"all stops at the first false", fxAll(newBreak, sales), `{"type":"Connect Agent State Change","newState":"Lunch","routingProfile":"Sales"}`, Snapshot{},
			OutcomeNoMatch, []MemberResult{ResultFalse, ResultFalse, ResultNotEvaluated}, `criteria (all of 2) is false (criteria.all[0])`},
		{"any stops at the first true", fxAny(newBreak, newLunch, sales), `{"type":"Connect Agent State Change","newState":"Lunch"}`, Snapshot{},
			OutcomeMatched, []MemberResult{ResultTrue, ResultFalse, ResultTrue, ResultNotEvaluated}, `criteria (any of 3) is true (criteria.any[1]): write Salesforce Agent State = "Lunch"`},
		{"any none true", fxAny(newBreak, sales), `{"type":"Connect Agent State Change","newState":"Lunch","routingProfile":"Support"}`, Snapshot{},
			OutcomeNoMatch, []MemberResult{ResultFalse, ResultFalse, ResultFalse}, `criteria (any of 2) is false (no member)`},
		{"unavailable is false under Not equal to", fxAny(notFull, newLunch), `{"type":"Connect Agent State Change","newState":"Lunch"}`, Snapshot{},
			OutcomeMatched, []MemberResult{ResultTrue, ResultUnavailable, ResultTrue}, ""},
		{"unavailable member fails all", fxAll(newLunch, notFull), `{"type":"Connect Agent State Change","newState":"Lunch"}`, Snapshot{},
			OutcomeNoMatch, []MemberResult{ResultFalse, ResultTrue, ResultUnavailable}, ""},
		{"available with a capacity", fxAll(newLunch, notFull), `{"type":"Connect Agent State Change","newState":"Lunch"}`, Snapshot{ConfiguredCapacity: Num(4), Workload: Num(1)},
			OutcomeMatched, []MemberResult{ResultTrue, ResultTrue, ResultTrue}, ""},
		{"not numeric member is false", fxAny(ordering, newLunch), `{"type":"Connect Agent State Change","newState":"Lunch"}`, Snapshot{},
			OutcomeMatched, []MemberResult{ResultTrue, ResultNotNumeric, ResultTrue}, ""},
		{"nested", fxAll(newLunch, fxAny(fromAvail, sales)), `{"type":"Connect Agent State Change","oldState":"Break","newState":"Lunch","routingProfile":"Sales"}`, Snapshot{},
			OutcomeMatched, []MemberResult{ResultTrue, ResultTrue, ResultTrue, ResultFalse, ResultTrue}, ""},
		{"nested group not evaluated", fxAll(newBreak, fxAny(fromAvail, sales)), `{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch"}`, Snapshot{},
			OutcomeNoMatch, []MemberResult{ResultFalse, ResultFalse, ResultNotEvaluated, ResultNotEvaluated, ResultNotEvaluated}, ""},
		{"routing profile from the snapshot", fxAll(newLunch, sales), `{"type":"Connect Agent State Change","newState":"Lunch"}`, Snapshot{ConnectRoutingProfile: "Sales"},
			OutcomeMatched, []MemberResult{ResultTrue, ResultTrue, ResultTrue}, ""},
		{"group of one", fxAll(newLunch), `{"type":"Connect Agent State Change","newState":"Lunch"}`, Snapshot{},
			OutcomeMatched, []MemberResult{ResultTrue, ResultTrue}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eng := fxEngineUnchecked(t, fxCanonical().with("criteria", c.criteria))
			ev := fxEvent(t, c.ev)
			d := eng.Evaluate(&ev, &c.snap)
			assert.Equal(t, c.outcome, d.Rules[0].Outcome)
			var got []MemberResult
			for _, m := range d.Members(0) {
				got = append(got, m.Result)
			}
			assert.Equal(t, c.results, got)
			if c.reason != "" {
				assert.Equal(t, c.reason, d.Reason(0))
			}
			assert.Equal(t, c.outcome == OutcomeMatched, len(d.Actions) == 1)
			a, b := d.Operands(0)
			assert.Equal(t, Unavailable, a.Kind, "a group has no operands of its own")
			assert.Equal(t, Unavailable, b.Kind)
		})
	}
}

// The decision's JSON trace of a group: each node by path with its result,
// a criterion's operands, nothing for members not evaluated; the entry's
// existing keys stay.
func TestDecisionJSONGroupTrace(t *testing.T) {
	eng := fxEngine(t, nil, fxCanonical().with("criteria", fxAll(
		fxCrit("Connect Agent New State", "Equal to", "Break"),
		fxAny(fxCrit("Connect Routing Profile", "Equal to", "Sales")))))
	ev := fxEvent(t, `{"type":"Connect Agent State Change","newState":"Lunch"}`)
	d := eng.Evaluate(&ev, &Snapshot{})
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var got struct {
		Rules []json.RawMessage `json:"rules"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	assert.JSONEq(t, `{"index":0,"name":"Lunch to Omni","matched":false,"outcome":"no-match",
	  "reason":"criteria (all of 2) is false (criteria.all[0])",
	  "criteria":[
	    {"path":"criteria","group":"all","result":"false"},
	    {"path":"criteria.all[0]","result":"false","operandA":"Lunch","operandB":"Break"},
	    {"path":"criteria.all[1]","group":"any","result":"not-evaluated"},
	    {"path":"criteria.all[1].any[0]","result":"not-evaluated"}]}`, string(got.Rules[0]))
}

func TestDecisionTextGroupTree(t *testing.T) {
	eng := fxEngine(t, nil, fxCanonical().with("criteria", fxAll(
		fxCrit("Connect Agent New State", "Equal to", "Lunch"),
		fxAny(fxCrit("Connect Routing Profile", "Equal to", "Sales"), fxCrit("Connect Agent Old State", "Equal to", "Available")))))
	ev := fxEvent(t, `{"type":"Connect Agent State Change","oldState":"Available","newState":"Lunch","routingProfile":"Support"}`)
	d := eng.Evaluate(&ev, &Snapshot{})
	assert.Contains(t, d.Text(), `✔ rules[0] "Lunch to Omni": criteria (all of 2) is true (every member): write Salesforce Agent State = "Lunch"
      ✔ criteria.all[0]: Connect Agent New State ("Lunch") = "Lunch" is true
      ✔ criteria.all[1]: any group is true
        ✘ criteria.all[1].any[0]: Connect Routing Profile ("Support") = "Sales" is false
        ✔ criteria.all[1].any[1]: Connect Agent Old State ("Available") = "Available" is true`)
}

// A group member of the indexed shape is indexed: a rule whose member does not
// match is known not to match without being tested; a hit still evaluates the
// whole group.
func TestIndexedGroupMember(t *testing.T) {
	rule := func(name, state, profile string) fxRule {
		return fxCanonical().with("name", name, "criteria", fxAll(
			fxCrit("Connect Routing Profile", "Not equal to", "Nobody"),
			fxCrit("Connect Agent New State", "Equal to", state),
			fxCrit("Connect Routing Profile", "Equal to", profile)))
	}
	eng := fxEngine(t, nil, rule("lunch sales", "Lunch", "Sales"), rule("break sales", "Break", "Sales"), rule("lunch support", "Lunch", "Support"))
	p := eng.plans[SourceConnectStateChange]
	assert.Empty(t, p.linear, "every rule is indexed")
	assert.Equal(t, []int32{0, 2}, p.eq[indexSlot(OperandConnectNewState)]["Lunch"])
	ev := fxEvent(t, `{"type":"Connect Agent State Change","newState":"Lunch","routingProfile":"Support"}`)
	d := eng.Evaluate(&ev, &Snapshot{})
	assert.Equal(t, []Outcome{OutcomeNoMatch, OutcomeNoMatch, OutcomeMatched},
		[]Outcome{d.Rules[0].Outcome, d.Rules[1].Outcome, d.Rules[2].Outcome})
	require.Len(t, d.Actions, 1)
	assert.Equal(t, "lunch support", d.Actions[0].Rule)
	// The trace of the index miss is the in-order evaluation.
	assert.Equal(t, "criteria (all of 3) is false (criteria.all[1])", d.Reason(1))
}

// Semantics 4 with groups: the Offline member of a top-level all makes a Logout
// rule fire (with its other members); anywhere else it never fires.
func TestLogoutGroups(t *testing.T) {
	offline := fxCrit("Salesforce Agent New State", "Equal to", "Offline")
	supervisor := fxCrit("Salesforce Change Reason", "Equal to", "OmniSupervisorLogout")
	logout := func(criteria any) fxRule {
		return fxCanonical().with("source", "Salesforce Agent Logout", "criteria", criteria, "destination", "Connect Agent State", "state", "Offline")
	}
	cases := []struct {
		criteria any
		reason   string
		outcome  Outcome
	}{
		{fxAll(supervisor, offline), "OmniSupervisorLogout", OutcomeMatched},
		{fxAll(supervisor, offline), "MaintenanceLogout", OutcomeNoMatch},
		{fxAll(offline), "", OutcomeMatched},
		{fxAny(offline, supervisor), "OmniSupervisorLogout", OutcomeNotLogout},
		{fxAll(fxAll(offline), supervisor), "OmniSupervisorLogout", OutcomeNotLogout},
		{fxAll(fxCrit("Salesforce Agent New State", "Equal to", "offline"), supervisor), "OmniSupervisorLogout", OutcomeNotLogout},
	}
	for _, c := range cases {
		eng := fxEngineUnchecked(t, logout(c.criteria))
		ev := Event{Type: SourceSalesforceLogout, Reason: c.reason}
		d := eng.Evaluate(&ev, &Snapshot{SalesforceStatus: "Available"})
		assert.Equal(t, c.outcome, d.Rules[0].Outcome, "%v %s", c.criteria, c.reason)
		_, diags := Parse(fxDocJSON(t, nil, logout(c.criteria)))
		assert.False(t, diags.HasErrors(), "it loads")
		warned := false
		for _, w := range diags {
			warned = warned || w.Code == "logout-never-matches"
		}
		assert.Equal(t, c.outcome == OutcomeNotLogout, warned, "lint warns exactly about the rules that never fire")
	}
}

// The record form and the canonical shape are the same rule.
func TestRecordFormIsTheSameRule(t *testing.T) {
	record, diags := Parse(fxDocJSON(t, nil, fxBase().with("cooldownMs", 500)))
	require.False(t, diags.HasErrors(), "%s", diags)
	canonical, diags := Parse(fxDocJSON(t, nil, fxCanonical().with("cooldownMs", 500)))
	require.False(t, diags.HasErrors(), "%s", diags)
	a, b := record.Rules[0], canonical.Rules[0]
	assert.True(t, sameCriteria(a.Criteria, b.Criteria))
	assert.Equal(t, "", a.Criteria[0].Path)
	assert.Equal(t, "criteria", b.Criteria[0].Path)
	a.Criteria, b.Criteria = nil, nil
	assert.Equal(t, a, b)
}

// Errors inside groups are located by path; every one is reported.
func TestGroupErrorsLocated(t *testing.T) {
	ds := lintFile(t, "group_errors")
	var where []string
	for _, d := range ds.Errors() {
		where = append(where, d.RuleName+"/"+d.Field+"/"+d.Code)
		assert.Greater(t, d.Line, 0)
		assert.NotEmpty(t, d.Snippet)
	}
	assert.Equal(t, []string{
		"Empty group/criteria.all/empty-group",
		"Five deep/criteria.all[0].any[0].all[0].any[0]/too-deep",
		"All and any in one object/criteria.any/mixed-group",
		"Group and criterion in one object/criteria.operandA/mixed-group",
		"Members with problems/criteria.all[1].comparator/missing-field",
		"Members with problems/criteria.all[2].any[0].operandA/unknown-value",
		"Members with problems/criteria.all[2].any[1]/type",
		"Members with problems/criteria.all[2].any[2].comparator/unknown-value",
		"Members with problems/criteria.all[2].any[2].note/unknown-field",
		"Members with problems/criteria.all[3].any/type",
		"Twenty-one criteria/criteria/too-many-criteria",
		"Criteria not an object/criteria/type",
	}, where)
	assert.Empty(t, ds.Warnings(), "no proof is attempted on criteria with errors")
	for _, d := range ds {
		if d.Field == "criteria.all[2].any[0].operandA" {
			assert.Equal(t, "Connect Routing Profile", d.Suggestion)
		}
	}
	ds = lintFile(t, "mixed_shape")
	assert.Equal(t, []string{"error mixed-shape", "error mixed-shape"}, fxCodes(ds))
	assert.Equal(t, "operandA", ds[0].Field)
	assert.Contains(t, ds[0].Message, `both "criteria" and "operandA"`)
	assert.Equal(t, "value", ds[1].Field)
	assert.Contains(t, ds[1].Message, `both "state" and "value"`)
}

// Lint's proofs through groups, and what they must not claim.
func TestLintProofsThroughGroups(t *testing.T) {
	var shadowed []string
	for _, d := range lintFile(t, "shadowed_groups") {
		require.Equal(t, "shadowed", d.Code, d.String())
		shadowed = append(shadowed, d.RuleName+" by "+strings.Join(d.Rules, ","))
	}
	assert.Equal(t, []string{"Lunch in Sales (never wins) by Lunch", "Coffee (never wins) by Break or Coffee",
		"Training from Available in Sales (never wins) by Training from Available"}, shadowed)
	ds := lintFile(t, "cycle_groups")
	require.Len(t, ds, 1)
	assert.Equal(t, []string{"Connect Lunch to Omni Break", "Omni Break, not Lunch, to Connect Coffee",
		"Connect Coffee or Tea to Omni Lunch", "Omni Lunch to Connect Lunch"}, ds[0].Rules)
	reasons := map[string]string{}
	for _, d := range lintFile(t, "unknown_reason") {
		reasons[d.RuleName] = d.Code + " " + d.Suggestion
	}
	assert.Equal(t, map[string]string{
		"Reason typo":                        "unknown-reason OmniPushTimeout",
		"Reason in the wrong case":           "unknown-reason OmniSupervisorStatusChange",
		"A logout reason on a status change": "unknown-reason ",
		"A reason on a Connect event":        "reason-not-carried ",
	}, reasons)
	assert.Empty(t, lintFile(t, "groups_valid"))
	assert.Empty(t, lintFile(t, "record_form"))
}

// Compile and New never change their input (the record the caller holds),
// and the engine does not change when the caller changes it afterwards.
func TestNewDoesNotChangeItsInput(t *testing.T) {
	data := fxDocJSON(t, fxCatalog(), fxCanonical(), fxBase().with("name", "second", "value", "Break"))
	before := string(data)
	doc, diags := Parse(data)
	require.False(t, diags.HasErrors())
	// A document built by hand: indexes unset, as a caller may leave them.
	for i := range doc.Rules {
		doc.Rules[i].Index = 7
	}
	snapshot := cloneDoc(doc)
	eng := New(doc)
	assert.Equal(t, snapshot, doc, "New changed its input")
	for i, r := range eng.Rules() {
		assert.Equal(t, i, r.Index)
	}
	// Changing the caller's document afterwards changes nothing in the engine.
	doc.Rules[0].Value = "Changed"
	doc.Rules[0].Criteria[0].OperandBValue = TextValue("Changed")
	doc.Connect.States[0].Name = "Changed"
	ev := Event{Type: SourceConnectStateChange, NewState: "Lunch"}
	d := eng.Evaluate(&ev, &Snapshot{})
	require.Len(t, d.Actions, 1)
	assert.Equal(t, "Lunch", d.Actions[0].Value)
	assert.Equal(t, `Connect Agent New State ("Lunch") = "Lunch" is true: write Salesforce Agent State = "Lunch"`, d.Reason(0))
	assert.Equal(t, "Available", eng.Document().Connect.States[0].Name)

	_, err := Compile(data)
	require.NoError(t, err)
	assert.Equal(t, before, string(data), "Compile changed its input")
}

func cloneDoc(d *Document) *Document {
	c := *d
	c.Rules = append([]Rule(nil), d.Rules...)
	for i := range c.Rules {
		c.Rules[i].Criteria = c.Rules[i].Criteria.clone()
	}
	c.Connect.States = append([]ConnectState(nil), d.Connect.States...)
	c.Salesforce.Statuses = append([]SalesforceStatus(nil), d.Salesforce.Statuses...)
	c.Salesforce.ServiceChannels = append([]ServiceChannel(nil), d.Salesforce.ServiceChannels...)
	return &c
}

func TestCriteriaString(t *testing.T) {
	doc, diags := Parse(fxDocJSON(t, nil, fxCanonical().with("criteria", fxAll(
		fxCrit("Connect Agent New State", "Equal to", "Lunch"),
		fxAny(fxCrit("Salesforce New Workload", "Less than", 2), fxRule{"operandA": "Static Value", "operandAValue": "Sales",
			"comparator": "Not equal to", "operandB": "Connect Routing Profile"})))))
	require.False(t, diags.HasErrors(), "%s", diags)
	assert.Equal(t, `all(Connect Agent New State Equal to "Lunch", any(Salesforce New Workload Less than 2, "Sales" Not equal to Connect Routing Profile))`,
		doc.Rules[0].Criterion())
}

// naiveShadowed is shadowing without its index: every earlier rule is tried.
// It returns, for each shadowed rule, the rule that shadows it.
func naiveShadowed(pr *prover) map[int]int {
	rules := pr.doc.Rules
	can := func(i int) bool {
		r := &rules[i]
		return r.Active && pr.ok[i] && (r.Source != SourceSalesforceLogout || r.Criteria.logoutOK())
	}
	out := map[int]int{}
	for j := range rules {
		if !can(j) {
			continue
		}
		for i := 0; i < j; i++ {
			a, b := &rules[i], &rules[j]
			if !can(i) || pr.konst[i][0] == triFalse || a.Source != b.Source || a.Destination != b.Destination || a.CooldownMs > 0 {
				continue
			}
			if pr.konst[i][0] == triTrue || pr.implies(j, 0, i, 0) {
				out[j] = i
				break
			}
		}
	}
	return out
}

// naiveEdges is the cycle search's edges without their index: every pair.
func naiveEdges(pr *prover) [][]int {
	rules := pr.doc.Rules
	edges := make([][]int, len(rules))
	for i := range rules {
		for j := range rules {
			if rules[i].Active && rules[j].Active && pr.ok[i] && pr.ok[j] && rules[i].Value != "" && rules[j].Value != "" && pr.triggeredBy(i, j) {
				edges[i] = append(edges[i], j)
			}
		}
	}
	return edges
}

// checkProofIndexes asserts that the indexed proofs find what the naive ones do.
func checkProofIndexes(t *testing.T, data []byte) {
	t.Helper()
	p, doc := parse(data, nil, true)
	if doc == nil {
		return
	}
	pr := newProver(p, doc)
	before := len(p.diags)
	pr.shadowing()
	got := map[int]int{}
	for _, d := range p.diags[before:] {
		for i := range doc.Rules {
			if doc.Rules[i].Label() == d.Rules[0] && i < d.RuleIndex {
				got[d.RuleIndex] = i
				break
			}
		}
	}
	if want := naiveShadowed(pr); !assert.Equal(t, want, got, "shadowing") {
		t.FailNow()
	}
	want, edges := naiveEdges(pr), pr.edges()
	for i := range want {
		if len(want[i]) != len(edges[i]) || (len(want[i]) > 0 && !assert.Equal(t, want[i], edges[i], "edges of rules[%d]", i)) {
			t.Fatalf("edges of rules[%d]: %v, naive %v", i, edges[i], want[i])
		}
	}
}

func TestProofIndexesAgreeWithNaive(t *testing.T) {
	files, err := filepath.Glob("../testdata/lint/*.json")
	require.NoError(t, err)
	more, _ := filepath.Glob("../testdata/rules/*.json")
	for _, f := range append(files, more...) {
		t.Run(filepath.Base(f), func(t *testing.T) { checkProofIndexes(t, fxRead(t, f)) })
	}
	for _, sh := range benchShapes {
		t.Run(sh.name, func(t *testing.T) { checkProofIndexes(t, benchDoc(t, sh.rules(300))) })
	}
}

// A rule whose criteria could not be read (a document with errors, built
// anyway) never matches and explains itself without failing.
func TestRuleWithoutCriteria(t *testing.T) {
	for _, r := range []fxRule{fxCanonical().with("criteria", nil), fxCanonical().with("criteria", fxAll()), fxCanonical().with("criteria", "x")} {
		eng := fxEngineUnchecked(t, r)
		ev := fxEvent(t, `{"type":"Connect Agent State Change","newState":"Lunch"}`)
		d := eng.Evaluate(&ev, &Snapshot{})
		assert.Equal(t, OutcomeNoMatch, d.Rules[0].Outcome)
		assert.Empty(t, d.Actions)
		assert.Equal(t, "the rule has no criteria: it never matches", d.Reason(0))
		assert.Nil(t, d.Members(0))
		_, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Contains(t, d.Text(), "never matches")
	}
}
