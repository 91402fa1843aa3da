package rules

import "strconv"

// Compiling: a rules document read and checked (document.go, validate.go),
// then built into an Engine (engine.go) that evaluates without reading it
// again: the rules' criteria flat in one list, and per source a plan that
// finds the candidates of an event by index.

// Compile parses and checks a document and builds an engine. With errors it
// returns a *Error with code invalid-rules listing every problem. It does not
// change its input.
func Compile(data []byte) (*Engine, error) {
	doc, diags := Parse(data)
	if diags.HasErrors() {
		return nil, invalidRules(diags)
	}
	e := build(doc, true)
	e.warnings = diags
	return e, nil
}

// compileRuntime is Compile for the runtime (NewSession), which reads no
// warning: it looks for errors only, so its engine has no warnings, and it
// skips the work that can only find warnings (lint's proofs of shadowing and
// cycles, the catalog checks). top is data read already (parseJSONWithin), or
// nil. With errors it reads the document again as Compile does, so that its
// refusal is Compile's, warnings included, word for word.
func compileRuntime(data []byte, top *jnode) (*Engine, error) {
	doc, diags := parseDocument(data, top, false)
	if diags.HasErrors() {
		return Compile(data)
	}
	return build(doc, true), nil
}

func invalidRules(diags Diagnostics) *Error {
	n := len(diags.Errors())
	msg := "the rules are invalid: " + strconv.Itoa(n) + " problem"
	if n != 1 {
		msg += "s"
	}
	return &Error{Code: CodeInvalidRules, Message: msg + ":\n" + diags.Errors().String(), Problems: diags}
}

// New builds an engine from a parsed document (which should have no errors).
// It copies what it keeps: the document is not changed, and changing it
// afterwards does not change the engine.
func New(doc *Document) *Engine { return build(doc, false) }

// build builds an engine from a document; owned: the document is the
// engine's own (Compile's, read from the text just now), not copied.
func build(doc *Document, owned bool) *Engine {
	e := &Engine{rules: doc.Rules, doc: doc}
	if !owned {
		e.rules = make([]Rule, len(doc.Rules))
		own := *doc
		own.Rules = e.rules
		own.Connect.States = append([]ConnectState(nil), doc.Connect.States...)
		own.Salesforce.Statuses = append([]SalesforceStatus(nil), doc.Salesforce.Statuses...)
		own.Salesforce.ServiceChannels = append([]ServiceChannel(nil), doc.Salesforce.ServiceChannels...)
		own.Options = append([]byte(nil), doc.Options...)
		e.doc = &own
	}
	e.blank = make([]RuleTrace, len(e.rules))
	e.crit = make([]compiledRule, len(e.rules))
	total := 0
	for i := range doc.Rules {
		total += len(doc.Rules[i].Criteria)
	}
	e.nodes = make([]compiledNode, 0, total)
	// Each source's active rules, cut from one list.
	var perSource [numSources]int
	for i := range doc.Rules {
		if r := &doc.Rules[i]; r.Active && r.Source > SourceNone && r.Source < numSources {
			perSource[r.Source]++
		}
	}
	active := make([]int32, 0, len(doc.Rules))
	for src := range perSource {
		e.bySource[src] = active[len(active) : len(active) : len(active)+perSource[src]]
		active = active[:len(active)+perSource[src]]
	}
	for i := range doc.Rules {
		r := &e.rules[i]
		if !owned {
			*r = doc.Rules[i]
			r.Criteria = r.Criteria.clone()
		}
		r.Index = i
		if r.Active && r.Source > SourceNone && r.Source < numSources {
			e.bySource[r.Source] = append(e.bySource[r.Source], int32(i))
		}
		e.blank[i].Index = int32(i)
		if !r.Active {
			e.blank[i].Outcome = OutcomeInactive
		}
		e.crit[i] = compiledRule{root: -1, dst: r.Destination, logoutOK: r.Criteria.logoutOK(), evalHit: r.Criteria.isGroup()}
		if len(r.Criteria) > 0 {
			e.crit[i].root = int32(len(e.nodes))
		}
		base := int32(len(e.nodes))
		for _, n := range r.Criteria {
			e.nodes = append(e.nodes, compiledNode{join: n.Join, a: n.OperandA, b: n.OperandB, cmp: n.Comparator,
				end: base + int32(n.End), aVal: n.OperandAValue, bVal: n.OperandBValue})
		}
	}
	e.plan()
	return e
}

// plan builds each source's sourcePlan. The index's lists are cut from one
// list of the size of the source's rules, a key's first rule taking one place:
// only a key several rules share has a list of its own.
func (e *Engine) plan() {
	for src := SourceConnectStateChange; src < numSources; src++ {
		p := &e.plans[src]
		p.blank = append([]RuleTrace(nil), e.blank...)
		free := make([]int32, len(e.bySource[src]))
		for _, idx := range e.bySource[src] {
			if src == SourceSalesforceLogout && !e.crit[idx].logoutOK {
				p.blank[idx].Outcome = OutcomeNotLogout
				continue
			}
			slot, key, _ := indexable(e.rules[idx].Criteria)
			if slot < 0 {
				p.linear = append(p.linear, idx)
				continue
			}
			if p.eq[slot] == nil {
				p.eq[slot] = map[string][]int32{}
			}
			list, seen := p.eq[slot][key]
			if !seen {
				list, free = free[:0:1], free[1:]
			}
			p.eq[slot][key] = append(list, idx)
			p.blank[idx].Outcome = OutcomeNoMatch
		}
	}
}

func indexSlot(o Operand) int {
	for i, s := range slotOperand {
		if s == o {
			return i
		}
	}
	return -1
}

// indexableCriterion returns the operand slot and the static text of a
// criterion of the indexed shape, else -1. Numeric statics are not indexed:
// "100" must equal a state spelled "100.0", which only a numeric comparison sees.
func indexableCriterion(c *Criterion) (int, string) {
	if c.Comparator != Equal {
		return -1, ""
	}
	if slot := indexSlot(c.OperandA); slot >= 0 && c.OperandB == OperandStatic && c.OperandBValue.Kind == Text {
		return slot, c.OperandBValue.Str
	}
	if slot := indexSlot(c.OperandB); slot >= 0 && c.OperandA == OperandStatic && c.OperandAValue.Kind == Text {
		return slot, c.OperandAValue.Str
	}
	return -1, ""
}

// indexable returns how a rule can be indexed: the slot and text of its
// criterion, or of the member of its top-level "all" group whose slot comes
// first (then a hit still evaluates the group), else slot -1.
func indexable(c Criteria) (slot int, key string, group bool) {
	if len(c) == 0 {
		return -1, "", false
	}
	switch c[0].Join {
	case JoinNone:
		slot, key = indexableCriterion(&c[0].Criterion)
		return slot, key, false
	case JoinAll:
		slot = -1
		c.members(0, func(m int) bool {
			if c[m].Join == JoinNone {
				if s, k := indexableCriterion(&c[m].Criterion); s >= 0 && (slot < 0 || s < slot) {
					slot, key = s, k
				}
			}
			return true
		})
		return slot, key, true
	}
	return -1, "", false
}
