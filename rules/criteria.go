package rules

import (
	"strconv"
	"strings"
)

// Criterion is one comparison: operand A, a comparator, operand B. A Static
// Value operand's value is in OperandAValue or OperandBValue.
type Criterion struct {
	OperandA      Operand
	OperandAValue Value
	Comparator    Comparator
	OperandB      Operand
	OperandBValue Value
}

// Join is how a criteria group combines its members (rules/SEMANTICS.md, section 15).
type Join uint8

// Joins.
const (
	JoinNone Join = iota // not a group: a criterion
	JoinAll              // true when every member is true
	JoinAny              // true when at least one member is true
)

var joinKeys = [...]string{"", "all", "any"}

func (j Join) String() string { return joinKeys[j] }

// Limits of a rule's criteria (README "Rules", rules/SEMANTICS.md section 15).
const (
	maxGroupDepth       = 4  // groups nested at most this deep
	maxCriteriaPerRule  = 20 // criteria (not groups) in one rule
	criteriaField       = "criteria"
	recordCriterionPath = "" // the record form's criterion sits at the rule's top level
)

// CriteriaNode is one node of a rule's criteria: a criterion, or a group whose
// members are the nodes that follow it up to End.
type CriteriaNode struct {
	Join Join
	Criterion
	// Path is where the node is written: "criteria", "criteria.all[1]",
	// "criteria.all[1].any[0]"; "" for the record form's top-level criterion.
	Path  string
	End   int // index after the last node of this node's members (itself + 1 for a criterion)
	Depth int // how many groups enclose it
	// offs: where each of criterionFields is written, then the node itself
	// (-1: absent), for located diagnostics.
	offs [len(criterionFields) + 1]int32
}

// off returns where one of the node's criterion fields is written, else
// where the node is.
func (n *CriteriaNode) off(key string) int {
	if k := criterionField(key); k >= 0 && n.offs[k] > 0 {
		return int(n.offs[k]) - 1
	}
	return int(n.offs[len(criterionFields)]) - 1
}

// Criteria is a rule's criteria as a flat list in document order (pre-order):
// Criteria[0] is the root, a group's members follow it. A valid rule has at
// least one node.
type Criteria []CriteriaNode

// members calls f with the index of each direct member of group node i.
func (c Criteria) members(i int, f func(m int) bool) {
	for m := i + 1; m < c[i].End; m = c[m].End {
		if !f(m) {
			return
		}
	}
}

// count returns the number of criteria (leaves).
func (c Criteria) count() int {
	n := 0
	for i := range c {
		if c[i].Join == JoinNone {
			n++
		}
	}
	return n
}

// isGroup reports whether the criteria are a group (rather than one criterion).
func (c Criteria) isGroup() bool { return len(c) > 0 && c[0].Join != JoinNone }

// clone copies the nodes, so that an engine shares nothing with its input.
func (c Criteria) clone() Criteria { return append(Criteria(nil), c...) }

// String renders the criteria in one line: a criterion as
// `Connect Agent New State Equal to "Lunch"`, a group as all(…, …) or any(…, …).
func (c Criteria) String() string {
	if len(c) == 0 {
		return "(no criteria)"
	}
	var b strings.Builder
	c.write(&b, 0)
	return b.String()
}

func (c Criteria) write(b *strings.Builder, i int) {
	n := &c[i]
	if n.Join == JoinNone {
		b.WriteString(n.Criterion.String())
		return
	}
	b.WriteString(n.Join.String())
	b.WriteByte('(')
	first := true
	c.members(i, func(m int) bool {
		if !first {
			b.WriteString(", ")
		}
		first = false
		c.write(b, m)
		return true
	})
	b.WriteByte(')')
}

// String renders a criterion, e.g. `Connect Agent New State Equal to "Lunch"`.
func (c *Criterion) String() string {
	return side(c.OperandA, c.OperandAValue) + " " + c.Comparator.String() + " " + side(c.OperandB, c.OperandBValue)
}

func side(o Operand, v Value) string {
	if o == OperandStatic {
		return v.String()
	}
	return o.String()
}

// fieldPath joins a node's path and one of its keys: "criteria.all[1]" and
// "operandA" make "criteria.all[1].operandA"; the record form's keys stand alone.
func fieldPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// memberPath is the path of member k of a group.
func memberPath(path string, j Join, k int) string {
	return path + "." + j.String() + "[" + strconv.Itoa(k) + "]"
}

// memberPath is the path of member k of a group, made once per document for
// the members of a top-level group ("criteria.all[1]"): the rules of a
// document share them.
func (p *parser) memberPath(path string, j Join, k int) string {
	if path != criteriaField || k >= maxCriteriaPerRule {
		return memberPath(path, j, k)
	}
	top := &p.paths[j-JoinAll]
	for len(*top) <= k {
		*top = append(*top, memberPath(path, j, len(*top)))
	}
	return (*top)[k]
}

// critSlab is how many criteria nodes the parser takes from the heap at once.
const critSlab = 1024

// takeCriteria returns an empty list of criteria with room for n nodes, from
// the parser's slab: the rules of a document share a few allocations (a new
// slab has room for the rules left to read at this size, up to critSlab).
func (p *parser) takeCriteria(n int) Criteria {
	if cap(p.crit)-len(p.crit) < n {
		p.crit = make(Criteria, 0, max(n, min(critSlab, n*p.rulesLeft)))
	}
	l := len(p.crit)
	p.crit = p.crit[:l+n]
	return p.crit[l : l : l+n]
}

// criterionFields are the keys of a criterion, in the order fmt writes them.
var criterionFields = [...]string{"operandA", "operandAValue", "comparator", "operandB", "operandBValue"}

// criterionField returns the index of a criterion's key, else -1.
func criterionField(k string) int {
	for i, f := range criterionFields {
		if f == k {
			return i
		}
	}
	return -1
}

func isCriterionField(k string) bool { return criterionField(k) >= 0 }

// criteriaObjectFields are the keys a criteria object may have.
var criteriaObjectFields = append([]string{"all", "any"}, criterionFields[:]...)

const criteriaShape = `a criterion {"operandA": …, "comparator": …, "operandB": …} or a group {"all": [criteria…]} / {"any": [criteria…]}`

// parseCriteria reads a rule's "criteria" value into r.Criteria.
func (p *parser) parseCriteria(r *Rule, n *jnode) {
	r.Criteria = p.takeCriteria(countNodes(n))
	leaves := 0
	deep := false
	p.criteriaNode(r, n, criteriaField, 0, &leaves, &deep)
	if leaves > maxCriteriaPerRule {
		d := p.add(SeverityError, "too-many-criteria", r, criteriaField, n.off,
			"the rule has "+itoa(leaves)+" criteria; a rule may have at most "+itoa(maxCriteriaPerRule)+
				": split it into several rules")
		d.Value = itoa(leaves)
	}
}

// countNodes counts the nodes a criteria value may make (an upper bound).
func countNodes(n *jnode) int {
	c := 1
	if n.kind == jObject {
		for i, k := range n.keys {
			if (k == "all" || k == "any") && n.vals[i].kind == jArray {
				for _, m := range n.vals[i].vals {
					c += countNodes(m)
				}
			}
		}
	}
	return c
}

// criteriaNode reads one node of a criteria tree at path, depth groups deep.
func (p *parser) criteriaNode(r *Rule, n *jnode, path string, depth int, leaves *int, deep *bool) {
	if n.kind != jObject {
		p.dropped[r.Index] = true
		p.add(SeverityError, "type", r, path, n.off, path+" must be "+criteriaShape+", got "+n.kindName())
		return
	}
	var groupKey string
	var groupAt int
	var buf [len(criterionFields)]jmember
	crit := buf[:0]
	for i, key := range n.keys {
		switch {
		case key == "all" || key == "any":
			if groupKey != "" && groupKey != key {
				p.dropped[r.Index] = true
				p.add(SeverityError, "mixed-group", r, fieldPath(path, key), n.koffs[i],
					path+` has both "all" and "any": a group is one or the other; put one group inside the other to combine them`)
				continue
			}
			groupKey, groupAt = key, i
		case isCriterionField(key):
			crit = append(crit, jmember{key, n.vals[i], n.koffs[i]})
		default:
			d := p.add(SeverityError, "unknown-field", r, fieldPath(path, key), n.koffs[i], quote(key)+" is not a field of "+path)
			p.allowed(d, key, criteriaObjectFields)
		}
	}
	if groupKey == "" {
		*leaves++
		var offs [len(criterionFields) + 1]int32
		r.Criteria = append(r.Criteria, CriteriaNode{Path: path, End: len(r.Criteria) + 1, Depth: depth,
			Criterion: p.criterion(r, crit, path, n.off, &offs)})
		r.Criteria[len(r.Criteria)-1].offs = offs
		return
	}
	if len(crit) > 0 {
		p.dropped[r.Index] = true
		d := p.add(SeverityError, "mixed-group", r, fieldPath(path, crit[0].key), crit[0].koff,
			path+" has both "+quote(groupKey)+" and "+quote(crit[0].key)+
				": an object of criteria is either a group or one criterion; put the criterion inside the group's list")
		d.Value = crit[0].key
	}
	list := n.vals[groupAt]
	j := JoinAll
	if groupKey == "any" {
		j = JoinAny
	}
	if list.kind != jArray || len(list.vals) == 0 || depth+1 > maxGroupDepth {
		p.dropped[r.Index] = true
	}
	switch {
	case list.kind != jArray:
		gpath := fieldPath(path, groupKey)
		p.add(SeverityError, "type", r, gpath, list.off, gpath+" must be a list of criteria, got "+list.kindName())
		return
	case len(list.vals) == 0:
		gpath := fieldPath(path, groupKey)
		p.add(SeverityError, "empty-group", r, gpath, list.off, gpath+` is an empty group: give it at least one criterion (an empty "all" would always be true, an empty "any" never)`)
		return
	case depth+1 > maxGroupDepth:
		if !*deep {
			*deep = true
			p.add(SeverityError, "too-deep", r, path, n.off, path+" nests groups "+itoa(depth+1)+
				" deep; groups may be nested at most "+itoa(maxGroupDepth)+" deep")
		}
		return
	}
	r.Criteria = append(r.Criteria, CriteriaNode{Join: j, Path: path, Depth: depth})
	node := len(r.Criteria) - 1
	r.Criteria[node].offs[len(criterionFields)] = int32(n.off) + 1
	for k, m := range list.vals {
		p.criteriaNode(r, m, p.memberPath(path, j, k), depth+1, leaves, deep)
	}
	r.Criteria[node].End = len(r.Criteria)
}

// jmember is one member of a JSON object.
type jmember struct {
	key  string
	v    *jnode
	koff int
}

// criterion reads the fields of one criterion (inside "criteria" at path, or
// at the rule's top level in the record form); from is where its object
// starts. offs receives where each field is (offset + 1; 0: absent).
func (p *parser) criterion(r *Rule, fields []jmember, path string, from int, offs *[len(criterionFields) + 1]int32) Criterion {
	var c Criterion
	var has [len(criterionFields)]*jnode
	offs[len(criterionFields)] = int32(from) + 1
	for _, f := range fields {
		k := criterionField(f.key)
		has[k] = f.v
		offs[k] = int32(f.v.off) + 1
		switch k {
		case 0:
			c.OperandA = Operand(p.picklist(r, path, f.key, f.v, operandLabels[:], "an operand"))
		case 1:
			c.OperandAValue = p.staticValue(r, path, f.key, f.v)
		case 2:
			c.Comparator = Comparator(p.picklist(r, path, f.key, f.v, comparatorLabels[:], "a comparator"))
		case 3:
			c.OperandB = Operand(p.picklist(r, path, f.key, f.v, operandLabels[:], "an operand"))
		case 4:
			c.OperandBValue = p.staticValue(r, path, f.key, f.v)
		}
	}
	for _, k := range []int{0, 2, 3} {
		if has[k] == nil {
			f := criterionFields[k]
			where := "the rule"
			if path != "" {
				where = path
			}
			p.add(SeverityError, "missing-field", r, fieldPath(path, f), from, where+" has no "+f+requiredHint(f))
		}
	}
	p.staticPresence(r, c.OperandA, path, 1, has[1], from)
	p.staticPresence(r, c.OperandB, path, 4, has[4], from)
	return c
}

func (p *parser) staticPresence(r *Rule, o Operand, path string, k int, v *jnode, from int) {
	key := criterionFields[k]
	s := key[:len("operandA")]
	switch {
	case o == OperandStatic && v == nil:
		where := "the rule"
		if path != "" {
			where = path
		}
		p.add(SeverityError, "missing-field", r, fieldPath(path, key), from, s+` is "Static Value" but `+where+" has no "+key+", the value to compare with")
	case o != OperandStatic && o != OperandNone && v != nil && p.warnings:
		p.add(SeverityWarning, "ignored-field", r, fieldPath(path, key), v.off, key+" is ignored because "+s+" is "+quote(o.String())+", not \"Static Value\"")
	}
}

// isLogoutCriterion: Salesforce Agent New State Equal to exactly the text "Offline".
func (c *Criterion) isLogoutCriterion() bool {
	return c.Comparator == Equal && c.staticAgainst(OperandSalesforceNewState) == OfflineStatus &&
		(c.OperandAValue.Kind == Text || c.OperandBValue.Kind == Text)
}

// logoutOK reports whether a Logout rule with these criteria can fire
// (Semantics 4): its criterion, or a member of its top-level "all" group, is
// Salesforce Agent New State Equal to "Offline".
func (c Criteria) logoutOK() bool {
	if len(c) == 0 {
		return false
	}
	switch c[0].Join {
	case JoinNone:
		return c[0].isLogoutCriterion()
	case JoinAll:
		ok := false
		c.members(0, func(m int) bool {
			ok = c[m].Join == JoinNone && c[m].isLogoutCriterion()
			return !ok
		})
		return ok
	}
	return false
}

// staticAgainst returns the static text compared (with = or ≠) against operand o.
func (c *Criterion) staticAgainst(o Operand) string {
	if c.Comparator != Equal && c.Comparator != NotEqual {
		return ""
	}
	if c.OperandA == o && c.OperandB == OperandStatic {
		return c.OperandBValue.Str
	}
	if c.OperandB == o && c.OperandA == OperandStatic {
		return c.OperandAValue.Str
	}
	return ""
}

// staticField is the key of the criterion's static value.
func (c *Criterion) staticField() string {
	if c.OperandB == OperandStatic {
		return "operandBValue"
	}
	return "operandAValue"
}
