package rules

// Format rewrites a rules document in the canonical shape (README, "Rules"):
// a rule written in the record form gets its criterion's fields
// (operandA, operandAValue, comparator, operandB, operandBValue) gathered
// into "criteria", where the first of them was, and its "value" renamed
// "state". Everything else is kept as written: the order of rules and of
// their fields, names, every other field and the document's other keys,
// values spelled as they were (numbers, escapes, picklist spellings). The
// output is indented by two spaces and ends with a newline; formatting it
// again changes nothing.
//
// Format refuses a document it cannot rewrite faithfully: one that is not
// JSON, or with a rule that mixes the two shapes. It then returns nil and
// those errors, located. Other problems are left for lint.
func Format(data []byte) ([]byte, Diagnostics) {
	_, diags := Parse(data)
	var refused Diagnostics
	for _, d := range diags {
		if d.Severity == SeverityError && (d.Code == "syntax" || d.Code == "mixed-shape") {
			refused = append(refused, d)
		}
	}
	if len(refused) > 0 {
		return nil, refused
	}
	top, jerr := parseJSON(data)
	if jerr != nil { // Parse reported it
		return nil, diags
	}
	f := formatter{data: data}
	if top.kind == jObject {
		f.object(top, 0, func(key string, v *jnode, ind int) bool {
			if key != "rules" || v.kind != jArray {
				return false
			}
			f.array(v, ind, f.rule)
			return true
		})
	} else {
		f.value(top, 0)
	}
	f.b = append(f.b, '\n')
	return f.b, nil
}

type formatter struct {
	data []byte
	b    []byte
}

func (f *formatter) newline(ind int) {
	f.b = append(f.b, '\n')
	for range ind {
		f.b = append(f.b, ' ', ' ')
	}
}

func (f *formatter) key(k string) {
	w := jw{b: f.b}
	w.str(k)
	f.b = append(w.b, ':', ' ')
}

// value writes any value as written, objects and arrays indented.
func (f *formatter) value(n *jnode, ind int) {
	switch n.kind {
	case jObject:
		f.object(n, ind, nil)
	case jArray:
		f.array(n, ind, f.value)
	default:
		f.b = append(f.b, f.data[n.off:n.end]...)
	}
}

// object writes an object's members in order; special may write a member
// itself (key included is up to it: it is called after the key is written).
func (f *formatter) object(n *jnode, ind int, special func(key string, v *jnode, ind int) bool) {
	if len(n.keys) == 0 {
		f.b = append(f.b, '{', '}')
		return
	}
	f.b = append(f.b, '{')
	for i, k := range n.keys {
		if i > 0 {
			f.b = append(f.b, ',')
		}
		f.newline(ind + 1)
		f.key(k)
		if special == nil || !special(k, n.vals[i], ind+1) {
			f.value(n.vals[i], ind+1)
		}
	}
	f.newline(ind)
	f.b = append(f.b, '}')
}

func (f *formatter) array(n *jnode, ind int, elem func(v *jnode, ind int)) {
	if len(n.vals) == 0 {
		f.b = append(f.b, '[', ']')
		return
	}
	f.b = append(f.b, '[')
	for i, v := range n.vals {
		if i > 0 {
			f.b = append(f.b, ',')
		}
		f.newline(ind + 1)
		elem(v, ind+1)
	}
	f.newline(ind)
	f.b = append(f.b, ']')
}

// rule writes one rule in the canonical shape.
func (f *formatter) rule(n *jnode, ind int) {
	if n.kind != jObject {
		f.value(n, ind)
		return
	}
	var crit []int // the record form's criterion fields, in the order fmt writes them
	for _, field := range criterionFields {
		for i, k := range n.keys {
			if k == field {
				crit = append(crit, i)
			}
		}
	}
	if len(n.keys) == 0 {
		f.b = append(f.b, '{', '}')
		return
	}
	f.b = append(f.b, '{')
	first := true
	for i, k := range n.keys {
		if isCriterionField(k) && i != firstOf(crit) {
			continue
		}
		if !first {
			f.b = append(f.b, ',')
		}
		first = false
		f.newline(ind + 1)
		switch {
		case isCriterionField(k):
			f.key(criteriaField)
			f.b = append(f.b, '{')
			for j, c := range crit {
				if j > 0 {
					f.b = append(f.b, ',')
				}
				f.newline(ind + 2)
				f.key(n.keys[c])
				f.value(n.vals[c], ind+2)
			}
			f.newline(ind + 1)
			f.b = append(f.b, '}')
		case k == "value":
			f.key("state")
			f.value(n.vals[i], ind+1)
		default:
			f.key(k)
			f.value(n.vals[i], ind+1)
		}
	}
	f.newline(ind)
	f.b = append(f.b, '}')
}

// firstOf is the smallest index of the record form's fields: where
// "criteria" goes.
func firstOf(idx []int) int {
	if len(idx) == 0 {
		return -1
	}
	m := idx[0]
	for _, i := range idx[1:] {
		m = min(m, i)
	}
	return m
}
