package rules

import (
	"slices"
	"strings"
)

// Lint's proofs about how rules interact: a rule that can never win because
// an earlier one matches whenever it does (shadowing), and rules whose writes
// trigger each other in a cycle. They reason on the criteria trees, groups
// included, and report only what they can prove: when unsure, nothing.

// tri is a truth value that may be unknown.
type tri uint8

const (
	triUnknown tri = iota
	triTrue
	triFalse
)

// prover holds what the proofs need about each rule: whether its criteria
// can be reasoned about, an id per criterion (equal for two criteria that
// test exactly the same thing), what each node is whatever the event, and
// what quickly rules a proof out.
type prover struct {
	p      *parser
	doc    *Document
	ok     []bool    // the rule's criteria are complete
	ids    [][]int32 // per rule, per node: the criterion's id (-1 for a group)
	konst  [][]tri   // per rule, per node: its value whatever the event (unknown for most)
	idset  [][]int32 // per rule: the ids of its criteria, sorted
	needed [][]int32 // per rule: ids that any rule proving it must contain (see shadowing)
	numIDs int       // criterion ids are 0 to numIDs-1
}

func newProver(p *parser, doc *Document) *prover {
	n := len(doc.Rules)
	pr := &prover{p: p, doc: doc, ok: make([]bool, n), ids: make([][]int32, n), konst: make([][]tri, n),
		idset: make([][]int32, n), needed: make([][]int32, n)}
	// Every rule's lists are cut from four slabs, one per kind.
	total := 0
	for i := range doc.Rules {
		total += len(doc.Rules[i].Criteria)
	}
	ids, konst := make([]int32, total), make([]tri, total)
	idsets, needed := make([]int32, 0, total), make([]int32, 0, total)
	intern := make(map[critKey]int32, total)
	at := 0
	for i := range doc.Rules {
		r := &doc.Rules[i]
		c := r.Criteria
		from := at
		at += len(c)
		pr.ok[i] = !p.broken(r) && r.Source != SourceNone && r.Destination != DestinationNone
		if !pr.ok[i] {
			continue
		}
		pr.ids[i] = ids[from:at:at]
		pr.konst[i] = konst[from:at:at]
		setFrom := len(idsets)
		for k := range c {
			nd := &c[k]
			pr.ids[i][k] = -1
			if nd.Join != JoinNone {
				continue
			}
			key := criterionKey(&nd.Criterion)
			id, seen := intern[key]
			if !seen {
				id = int32(len(intern))
				intern[key] = id
			}
			pr.ids[i][k] = id
			idsets = append(idsets, id)
			if nd.OperandA == OperandStatic && nd.OperandB == OperandStatic {
				pr.konst[i][k] = triOf(compareValues(nd.Comparator, nd.OperandAValue, nd.OperandBValue) == matchYes)
			}
		}
		// Groups whatever the event, members before their group.
		for k := len(c) - 1; k >= 0; k-- {
			if c[k].Join != JoinNone {
				pr.konst[i][k] = pr.eval(i, k, unknownLeaf)
			}
		}
		pr.idset[i] = idsets[setFrom:len(idsets):len(idsets)]
		slices.Sort(pr.idset[i])
		// A criterion, or a member of a top-level all, that is not constant
		// can only be proved by a rule that has the same criterion somewhere.
		needFrom := len(needed)
		for k := range c {
			if (k == 0 || (c[0].Join == JoinAll && c[k].Depth == 1)) && c[k].Join == JoinNone && pr.konst[i][k] == triUnknown {
				needed = append(needed, pr.ids[i][k])
			}
		}
		if len(needed) > needFrom {
			pr.needed[i] = needed[needFrom:len(needed):len(needed)]
		}
	}
	pr.numIDs = len(intern)
	return pr
}

// mayImply is a quick necessary condition for implies(b, 0, a, 0).
func (pr *prover) mayImply(b, a int) bool {
	for _, id := range pr.needed[a] {
		if _, found := slices.BinarySearch(pr.idset[b], id); !found {
			return false
		}
	}
	return true
}

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// critKey is the same for two criteria that are true for exactly the same
// events: same operands and comparator, static values equal as the
// comparison sees them, and the sides of = and ≠ in either order.
type critKey struct {
	cmp  Comparator
	a, b sideKey
}

type sideKey struct {
	o    Operand
	kind ValueKind
	num  float64
	str  string
}

func (k sideKey) less(l sideKey) bool {
	switch {
	case k.o != l.o:
		return k.o < l.o
	case k.kind != l.kind:
		return k.kind < l.kind
	case k.num != l.num:
		return k.num < l.num
	}
	return k.str < l.str
}

func criterionKey(c *Criterion) critKey {
	side := func(o Operand, v Value) sideKey {
		switch {
		case o != OperandStatic:
			return sideKey{o: o}
		case v.Kind == Number:
			return sideKey{o: o, kind: Number, num: v.Num + 0} // -0 is 0
		}
		return sideKey{o: o, kind: v.Kind, str: v.Str}
	}
	k := critKey{cmp: c.Comparator, a: side(c.OperandA, c.OperandAValue), b: side(c.OperandB, c.OperandBValue)}
	if (c.Comparator == Equal || c.Comparator == NotEqual) && k.b.less(k.a) {
		k.a, k.b = k.b, k.a
	}
	return k
}

// eval is the value of node k of rule i, leaf giving what is known of each
// criterion that is not constant (triUnknown when nothing is).
func (pr *prover) eval(i, k int, leaf func(n *CriteriaNode) tri) tri {
	c := pr.doc.Rules[i].Criteria
	n := &c[k]
	if t := pr.konst[i][k]; t != triUnknown {
		return t
	}
	if n.Join == JoinNone {
		return leaf(n)
	}
	// A member with the deciding value decides the group; an unknown member
	// leaves it unknown unless a later member decides it.
	decide, res := triFalse, triTrue // all
	if n.Join == JoinAny {
		decide, res = triTrue, triFalse
	}
	c.members(k, func(m int) bool {
		switch pr.eval(i, m, leaf) {
		case decide:
			res = decide
			return false
		case triUnknown:
			res = triUnknown
		}
		return true
	})
	return res
}

func unknownLeaf(*CriteriaNode) tri { return triUnknown }

// implies reports whether node bk of rule b being true proves node ak of
// rule a true. Each step is sound; together they cover equal criteria and
// groups that contain, or are contained in, one another.
func (pr *prover) implies(b, bk, a, ak int) bool {
	ca, cb := pr.doc.Rules[a].Criteria, pr.doc.Rules[b].Criteria
	na, nb := &ca[ak], &cb[bk]
	if pr.konst[a][ak] == triTrue {
		return true // a is true whatever the event
	}
	if na.Join == JoinAll { // b proves every member of a
		all := true
		ca.members(ak, func(m int) bool { all = pr.implies(b, bk, a, m); return all })
		return all
	}
	if nb.Join == JoinAny { // every member of b proves a
		all := true
		cb.members(bk, func(m int) bool { all = pr.implies(b, m, a, ak); return all })
		return all
	}
	if nb.Join == JoinAll { // some member of b proves a
		some := false
		cb.members(bk, func(m int) bool { some = pr.implies(b, m, a, ak); return !some })
		if some {
			return true
		}
	}
	if na.Join == JoinAny { // b proves some member of a
		some := false
		ca.members(ak, func(m int) bool { some = pr.implies(b, bk, a, m); return !some })
		return some
	}
	return na.Join == JoinNone && nb.Join == JoinNone && pr.ids[a][ak] == pr.ids[b][bk]
}

// shadowing warns about a rule that can never write because an earlier
// active rule for the same source and destination matches whenever it does
// (first match per destination wins). An earlier rule with a cooldown does
// not shadow: while it cools down the next rule is considered (Semantics 18).
func (pr *prover) shadowing() {
	rules := pr.doc.Rules
	can := func(i int) bool { // rule i can match at all
		r := &rules[i]
		return r.Active && pr.ok[i] && (r.Source != SourceSalesforceLogout || r.Criteria.logoutOK())
	}
	// Each earlier rule that may shadow is filed under its rarest needed id: a
	// later rule is compared only with the rules filed under its own ids, and
	// with those that need none (always true, or an "any" at the top).
	count := make([]int, pr.numIDs)
	for i := range rules {
		for _, id := range pr.idset[i] {
			count[id]++
		}
	}
	filed := make([][]int, pr.numIDs)
	var unfiled []int
	var cand []int
	for j := range rules {
		b := &rules[j]
		if can(j) {
			cand = cand[:0]
			cand = append(cand, unfiled...)
			for k, id := range pr.idset[j] {
				if k == 0 || id != pr.idset[j][k-1] {
					cand = append(cand, filed[id]...)
				}
			}
			slices.Sort(cand)
			for _, i := range cand {
				a := &rules[i]
				if a.Source != b.Source || a.Destination != b.Destination || a.CooldownMs > 0 {
					continue
				}
				if pr.konst[i][0] == triTrue || (pr.mayImply(j, i) && pr.implies(j, 0, i, 0)) {
					d := pr.p.add(SeverityWarning, "shadowed", b, "", pr.p.off(b, "source"),
						"this rule can never write: "+quote(a.Label())+" (rules["+itoa(i)+"]) comes first, has the same source and destination, and matches whenever this one does (first match per destination wins)")
					d.Rules = []string{a.Label()}
					break
				}
			}
		}
		if !can(j) || pr.konst[j][0] == triFalse {
			continue // it never matches: it shadows nothing
		}
		if len(pr.needed[j]) == 0 {
			unfiled = append(unfiled, j)
			continue
		}
		key := pr.needed[j][0]
		for _, id := range pr.needed[j][1:] {
			if count[id] < count[key] {
				key = id
			}
		}
		filed[key] = append(filed[key], j)
	}
}

// cycles finds cycles of active rules where each rule's write provably
// triggers the next and every write changes the state it targets.
func (pr *prover) cycles() [][]int {
	rules := pr.doc.Rules
	n := len(rules)
	edges := pr.edges()
	var cycles [][]int
	seen := map[string]bool{}
	// Elementary cycles by depth-first search from each rule, visiting only
	// higher-numbered rules so that each cycle is found once from its lowest rule.
	// The number of paths grows factorially with densely connected rules (a
	// dozen "Not equal to" rules feeding each other), so the search prunes
	// paths that rule 8 stops and gives up after a fixed amount of work:
	// lint reports the cycles it can prove, never hangs.
	budget := maxCycleSearchSteps
	var path []int
	onPath := make([]bool, n)
	var dfs func(start, v int)
	dfs = func(start, v int) {
		if len(cycles) >= 20 || len(path) > 12 || budget <= 0 {
			return
		}
		budget--
		for _, w := range edges[v] {
			if w == start {
				c := append([]int(nil), path...)
				if pr.cycleChangesState(c) {
					key := intsKey(c)
					if !seen[key] {
						seen[key] = true
						cycles = append(cycles, c)
					}
				}
				continue
			}
			if w > start && !onPath[w] && !rewritesSameValue(rules, path, w) {
				onPath[w] = true
				path = append(path, w)
				dfs(start, w)
				path = path[:len(path)-1]
				onPath[w] = false
			}
		}
	}
	for s := 0; s < n; s++ {
		if len(edges[s]) == 0 {
			continue
		}
		path = append(path[:0], s)
		onPath[s] = true
		dfs(s, s)
		onPath[s] = false
	}
	return cycles
}

// edges returns, for each rule, the rules that provably fire on the change
// it writes, in document order. A rule that needs its new state to equal a
// name is filed under that name, so each write is compared only with the
// rules that may fire on it.
func (pr *prover) edges() [][]int {
	rules := pr.doc.Rules
	n := len(rules)
	type target struct {
		src  Source
		name string
	}
	named := map[target][]int{}
	var others [numSources][]int
	for j := range rules {
		b := &rules[j]
		if !b.Active || !pr.ok[j] || b.Value == "" {
			continue
		}
		o := OperandConnectNewState
		if b.Source != SourceConnectStateChange {
			o = OperandSalesforceNewState
		}
		if v, ok := requiredEqualText(b.Criteria, o); ok && b.Source != SourceSalesforceLogout {
			named[target{b.Source, v}] = append(named[target{b.Source, v}], j)
		} else if b.Source < numSources {
			others[b.Source] = append(others[b.Source], j)
		}
	}
	edges := make([][]int, n)
	for i := range rules {
		a := &rules[i]
		if !a.Active || !pr.ok[i] || a.Value == "" {
			continue
		}
		_, src := changeOperand(a)
		for _, j := range named[target{src, a.Value}] {
			if pr.triggeredBy(i, j) {
				edges[i] = append(edges[i], j)
			}
		}
		for _, j := range others[src] {
			if pr.triggeredBy(i, j) {
				edges[i] = append(edges[i], j)
			}
		}
		slices.Sort(edges[i])
	}
	return edges
}

// maxCycleSearchSteps bounds the work of cycles (depth-first steps).
const maxCycleSearchSteps = 50000

// rewritesSameValue reports whether rule w writes the value the last rule on
// the path wrote to the same destination: that write changes nothing (rule 8),
// so no cycle continues through it.
func rewritesSameValue(rules []Rule, path []int, w int) bool {
	rw := &rules[w]
	for k := len(path) - 1; k >= 0; k-- {
		if r := &rules[path[k]]; r.Destination == rw.Destination {
			return r.Value == rw.Value
		}
	}
	return false
}

func intsKey(c []int) string {
	parts := make([]string, len(c))
	for i, v := range c {
		parts[i] = itoa(v)
	}
	return strings.Join(parts, " ")
}

// changeOperand is the operand that reads the state rule a writes, on the
// change event its write causes, and the source of that event.
func changeOperand(a *Rule) (Operand, Source) {
	switch {
	case a.Destination == DestinationConnect:
		return OperandConnectNewState, SourceConnectStateChange
	case a.Value == OfflineStatus:
		return OperandSalesforceNewState, SourceSalesforceLogout
	}
	return OperandSalesforceNewState, SourceSalesforceStateChange
}

// triggeredBy reports whether rule j provably fires on the change rule i
// writes: its criteria are true knowing only the new state, and every
// criterion it needs tests that state.
func (pr *prover) triggeredBy(i, j int) bool {
	a, b := &pr.doc.Rules[i], &pr.doc.Rules[j]
	operand, src := changeOperand(a)
	if b.Source != src || (src == SourceSalesforceLogout && !b.Criteria.logoutOK()) {
		return false
	}
	state := TextValue(a.Value)
	if src == SourceSalesforceLogout {
		state = TextValue(OfflineStatus)
	}
	tests := false // a rule true whatever the event is not "triggered" by this write
	res := pr.eval(j, 0, func(n *CriteriaNode) tri {
		switch {
		case n.OperandA == operand && n.OperandB == OperandStatic:
			tests = true
			return triOf(compareValues(n.Comparator, state, n.OperandBValue) == matchYes)
		case n.OperandB == operand && n.OperandA == OperandStatic:
			tests = true
			return triOf(compareValues(n.Comparator, n.OperandAValue, state) == matchYes)
		}
		return triUnknown
	})
	return res == triTrue && tests
}

// requiredEqual returns the text that operand o must equal for the criteria
// to be true (their criterion, or a member of their top-level "all" group,
// is "o Equal to <text>"), else "".
func requiredEqual(c Criteria, o Operand) string {
	if len(c) == 0 {
		return ""
	}
	if c[0].Join == JoinNone {
		if c[0].Comparator == Equal {
			return c[0].staticAgainst(o)
		}
		return ""
	}
	v := ""
	if c[0].Join == JoinAll {
		c.members(0, func(m int) bool {
			if c[m].Join == JoinNone && c[m].Comparator == Equal {
				v = c[m].staticAgainst(o)
			}
			return v == ""
		})
	}
	return v
}

// requiredEqualText is requiredEqual when the text is not a number (a number
// may be spelled several ways: "100" equals "100.0").
func requiredEqualText(c Criteria, o Operand) (string, bool) {
	v := requiredEqual(c, o)
	if v == "" || TextValue(v).Kind != Text {
		return "", false
	}
	return v, true
}

// cycleChangesState walks the cycle twice from the state its first rule
// needs (unknown when it does not say) and reports whether every write
// changes its destination (rule 8 would otherwise stop it).
func (pr *prover) cycleChangesState(c []int) bool {
	rules := pr.doc.Rules
	state := map[Destination]string{}
	first := &rules[c[0]]
	switch first.Source {
	case SourceConnectStateChange:
		if v := requiredEqual(first.Criteria, OperandConnectNewState); v != "" {
			state[DestinationConnect] = v
		}
	case SourceSalesforceStateChange:
		if v := requiredEqual(first.Criteria, OperandSalesforceNewState); v != "" {
			state[DestinationSalesforce] = v
		}
	case SourceSalesforceLogout:
		state[DestinationSalesforce] = OfflineStatus
	}
	for lap := 0; lap < 2; lap++ {
		for _, idx := range c {
			r := &rules[idx]
			if cur, ok := state[r.Destination]; ok && cur == r.Value {
				return false
			}
			state[r.Destination] = r.Value
		}
	}
	return true
}
