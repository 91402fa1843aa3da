package rules

import "strconv"

// A parsed JSON value (jsontree.go reads them) and how it is read: an
// object's members, what a node is, its text or number.

type jkind byte

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

type jnode struct {
	off   int // where the value starts
	end   int
	str   string  // string value, or a number's text ("" for a small integer read by a pooled parser: see num)
	num   float64 // its value, when small
	keys  []string
	koffs []int // where each key starts
	vals  []*jnode
	kind  jkind
	b     bool
	small bool // a number that is a small integer, exactly num
}

// numText is a number's text as written.
func (n *jnode) numText() string {
	if n.small {
		return strconv.FormatInt(int64(n.num), 10)
	}
	return n.str
}

// get returns an object's member (the last one, if repeated), or nil.
func (n *jnode) get(key string) *jnode {
	if n == nil || n.kind != jObject {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.vals[i]
		}
	}
	return nil
}

// kindName names a node's kind for error messages.
func (n *jnode) kindName() string {
	if n == nil {
		return "nothing"
	}
	switch n.kind {
	case jString:
		return "a string"
	case jObject:
		return "an object"
	case jArray:
		return "an array"
	case jBool:
		return "a boolean"
	case jNull:
		return "null"
	}
	return "a number"
}

// absent reports a missing member or an explicit null.
func (n *jnode) absent() bool { return n == nil || n.kind == jNull }

// text reads an optional string member: "" when absent.
func (n *jnode) text() (string, bool) {
	if n.absent() {
		return "", true
	}
	if n.kind != jString {
		return "", false
	}
	return n.str, true
}

// number reads a JSON number, a string holding a decimal number, or nothing.
func (n *jnode) number() (OptNum, error) {
	switch {
	case n.absent():
		return OptNum{}, nil
	case n.kind == jNumber && n.small:
		return Num(n.num), nil
	case n.kind == jNumber:
		f, err := strconv.ParseFloat(n.str, 64)
		if err != nil || f-f != 0 {
			return OptNum{}, &notNumberError{got: "the number " + n.str + " (out of range)"}
		}
		return Num(f), nil
	case n.kind == jString:
		if n.str == "" {
			return OptNum{}, nil
		}
		if f, ok := parseDecimal(n.str); ok {
			return Num(f), nil
		}
		s := n.str
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return OptNum{}, &notNumberError{got: "the string " + strconv.Quote(s)}
	}
	return OptNum{}, &notNumberError{got: n.kindName()}
}
