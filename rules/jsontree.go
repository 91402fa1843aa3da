package rules

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A small JSON reader: the engine's inputs (rules documents, events, session
// inputs, options) are read with it rather than encoding/json, which keeps
// reflection-driven decoding (and the fmt and os packages it pulls in) out of
// the WebAssembly module and off the per-event path. Every node keeps its
// offset so problems can be reported at a line and column.

// maxDepth bounds nesting: hostile input cannot exhaust the stack.
const maxDepth = 64

type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string {
	return e.msg + " at offset " + strconv.Itoa(e.off)
}

// jparser reads one JSON text into a tree whose nodes and member lists come
// from an arena (jarena.go): a document of 1,000 rules is read in a few dozen
// allocations, not one per value.
type jparser struct {
	data []byte
	// text is data as one immutable string, made once: a string without
	// escapes is a substring of it, a number's text too ("" for a pooled
	// parse, whose strings are its own).
	text string
	i    int
	a    *jarena
	pool *jpool // nil: strings are substrings of text
	// base is subtracted from every offset the tree records: inside the value
	// of the top-level member relKey it is where that value starts (relAt).
	base, relAt int
	relKey      string
}

// parseJSON reads one JSON value filling the whole input (whitespace around it
// allowed). The tree's strings share one copy of data: data may change
// afterwards.
func parseJSON(data []byte) (*jnode, *jsonError) {
	return (&jparser{data: data, text: string(data), a: newArena(len(data))}).parse()
}

// parseJSONWithin reads data like parseJSON (with the same errors); if it is
// an object, the value of its member key (the last, if repeated) is read as if
// it were a text of its own, its offsets counted from where it starts, at:
// what the tree gives of it is what parseJSON gives of data[at:at+v.end]. The
// session reads its configuration so, and compiles the rules document inside
// it from the tree (a document's diagnostics are located in the document).
func parseJSONWithin(data []byte, key string) (top *jnode, at int, err *jsonError) {
	p := &jparser{data: data, text: string(data), a: newArena(len(data)), relKey: key, relAt: -1}
	top, err = p.parse()
	return top, p.relAt, err
}

// node makes a node from the arena's slab; off is where its value starts. It
// is called for every value: the slab's fast path is written out here.
func (p *jparser) node(kind jkind, off int) *jnode {
	a := p.a
	if len(a.nodes.s) == cap(a.nodes.s) {
		a.nodes.s = make([]jnode, 0, a.next(a.nodes.used, cap(a.nodes.s), 1, off))
	}
	a.nodes.used++
	a.nodes.s = a.nodes.s[:len(a.nodes.s)+1]
	n := &a.nodes.s[len(a.nodes.s)-1]
	if a.size == 0 {
		*n = jnode{} // a pool's slab is used again
	}
	n.kind, n.off = kind, off-p.base
	return n
}

// str is the string at data[from:to] (no escapes, valid UTF-8).
func (p *jparser) str(from, to int) string {
	switch {
	case p.text != "":
		return p.text[from:to]
	case p.pool != nil:
		return p.pool.str(p.data[from:to])
	}
	return string(p.data[from:to])
}

func (p *jparser) parse() (*jnode, *jsonError) {
	p.space()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i < len(p.data) {
		return nil, p.fail("unexpected " + p.what() + " after the end of the JSON value")
	}
	return n, nil
}

func (p *jparser) fail(msg string) *jsonError {
	off := p.i
	if off >= len(p.data) {
		// At the end of the input: point just after the last visible character.
		off = len(p.data)
		for off > 0 && (p.data[off-1] == ' ' || p.data[off-1] == '\n' || p.data[off-1] == '\r' || p.data[off-1] == '\t') {
			off--
		}
	}
	return &jsonError{off: off, msg: msg}
}

func (p *jparser) what() string {
	if p.i >= len(p.data) {
		return "end of input"
	}
	c := p.data[p.i]
	if c < 0x20 || c >= 0x7f {
		return "character 0x" + strconv.FormatUint(uint64(c), 16)
	}
	return "character " + strconv.Quote(string(c))
}

func (p *jparser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) value(depth int) (*jnode, *jsonError) {
	if depth > maxDepth {
		return nil, p.fail("the JSON is nested too deeply")
	}
	if p.i >= len(p.data) {
		if depth > 0 {
			return nil, p.fail("unexpected end of input: the text ends before every { and [ is closed")
		}
		return nil, p.fail("unexpected end of input: a value is missing")
	}
	start := p.i
	switch c := p.data[p.i]; {
	case c == '{':
		return p.members(p.node(jObject, start), depth, true)
	case c == '[':
		return p.members(p.node(jArray, start), depth, false)
	case c == '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		n := p.node(jString, start)
		n.end, n.str = p.i-p.base, s
		return n, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		n := p.node(jBool, start)
		n.b = true
		return p.literal("true", n)
	case c == 'f':
		return p.literal("false", p.node(jBool, start))
	case c == 'n':
		return p.literal("null", p.node(jNull, start))
	}
	if p.data[p.i] == '\'' {
		return nil, p.fail("unexpected character \"'\": JSON strings take double quotes")
	}
	return nil, p.fail("unexpected " + p.what() + ": expected a JSON value")
}

// endOrWhat describes what was found instead of a separator.
func (p *jparser) separatorError(closer byte, what string) *jsonError {
	switch {
	case p.i >= len(p.data):
		return p.fail("unexpected end of input: the text ends before every { and [ is closed")
	case p.data[p.i] == '"' || p.data[p.i] == '{' || p.data[p.i] == '[' || p.data[p.i] == '-' ||
		(p.data[p.i] >= '0' && p.data[p.i] <= '9') || p.data[p.i] == 't' || p.data[p.i] == 'f' || p.data[p.i] == 'n':
		return p.fail("unexpected " + p.what() + ": is a comma missing after the previous " + what + "?")
	}
	return p.fail("unexpected " + p.what() + ": expected ',' or '" + string(closer) + "' after " + what)
}

func (p *jparser) literal(word string, n *jnode) (*jnode, *jsonError) {
	if len(p.data)-p.i < len(word) || string(p.data[p.i:p.i+len(word)]) != word {
		return nil, p.fail("unexpected " + p.what() + ": expected " + word)
	}
	p.i += len(word)
	n.end = p.i - p.base
	return n, nil
}

func (p *jparser) number() (*jnode, *jsonError) {
	start := p.i
	if p.data[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.data) && p.data[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, p.fail("invalid number")
	}
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.fail("invalid number: digits must follow the decimal point")
		}
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.fail("invalid number: digits must follow the exponent")
		}
	}
	n := p.node(jNumber, start)
	n.end = p.i - p.base
	if p.pool != nil {
		if v, ok := smallInt(p.data[start:p.i]); ok {
			n.small, n.num = true, v
			return n, nil
		}
	}
	n.str = p.str(start, p.i)
	return n, nil
}

// smallInt reads an integer of at most 15 digits (exact in a float64).
func smallInt(b []byte) (float64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	v := int64(0)
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		if v == 0 {
			return 0, false // "-0" keeps its text
		}
		v = -v
	}
	return float64(v), true
}

func (p *jparser) string() (string, *jsonError) {
	data := p.data
	start := p.i + 1 // after the opening quote
	// Fast path: no escapes, valid UTF-8 (checked only when a byte is not ASCII).
	var high byte // the bytes or'ed together: ASCII when below utf8.RuneSelf
	i := start
	for ; i < len(data); i++ {
		c := data[i]
		if c == '"' || c == '\\' || c < 0x20 {
			break
		}
		high |= c
	}
	p.i = i
	if i < len(data) && data[i] == '"' {
		p.i++
		if high < utf8.RuneSelf || utf8.Valid(data[start:i]) {
			if p.text != "" {
				return p.text[start:i], nil
			}
			return p.str(start, i), nil
		}
		return toValidUTF8(data[start:i]), nil
	}
	return p.escaped(start)
}

// escaped reads the rest of a string that has an escape, a control character
// or no end (start: after its opening quote; p.i: where the fast path of
// string stopped), decoding its escapes into a string of its own.
func (p *jparser) escaped(start int) (string, *jsonError) {
	if p.i < len(p.data) && p.data[p.i] < 0x20 {
		return "", p.fail("a control character in a string must be escaped")
	}
	buf := append([]byte(nil), p.data[start:p.i]...)
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			if utf8.Valid(buf) {
				return string(buf), nil
			}
			return toValidUTF8(buf), nil
		case c < 0x20:
			return "", p.fail("a control character in a string must be escaped")
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.data) {
			break
		}
		e := p.data[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(utf8.RuneError)
				if p.i+1 < len(p.data) && p.data[p.i] == '\\' && p.data[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					if lo, ok := p.hex4(); ok {
						if dec := utf16.DecodeRune(r, lo); dec != utf8.RuneError {
							r2 = dec
						} else {
							p.i = save
						}
					} else {
						p.i = save
					}
				}
				r = r2
			}
			buf = utf8.AppendRune(buf, r)
		default:
			p.i--
			return "", p.fail("invalid escape in a string")
		}
	}
	return "", p.fail("unexpected end of input inside a string")
}

func (p *jparser) hex4() (rune, bool) {
	if len(p.data)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.data[p.i : p.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

func toValidUTF8(b []byte) string {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		out = utf8.AppendRune(out, r)
		b = b[n:]
	}
	return string(out)
}

// members reads the members of an object or the elements of an array (after
// its opening bracket, up to and past its closing one) into n. The members
// are gathered on the arena's stacks, shared by every level, and copied once
// into exact-size lists; the members of a value not built are read and
// checked, not kept.
func (p *jparser) members(n *jnode, depth int, object bool) (*jnode, *jsonError) {
	closer, what := byte(']'), "element"
	if object {
		closer, what = '}', "member"
	}
	p.i++
	// Whitespace is skipped by a call only where there is some: a document
	// written by JSON.stringify has none.
	if p.i < len(p.data) && p.data[p.i] <= ' ' {
		p.space()
	}
	if p.i < len(p.data) && p.data[p.i] == closer {
		p.i++
		n.end = p.i - p.base
		return n, nil
	}
	a := p.a
	kbase, vbase := len(a.kstack), len(a.vstack) // an array gathers values only
	count := 0
	for {
		if p.i < len(p.data) && p.data[p.i] <= ' ' {
			p.space()
		}
		if p.i < len(p.data) && p.data[p.i] == closer && count > 0 {
			return nil, p.trailingComma(object)
		}
		var key string
		koff := p.i - p.base
		if object {
			if p.i >= len(p.data) || p.data[p.i] != '"' {
				return nil, p.keyError()
			}
			var err *jsonError
			if key, err = p.string(); err != nil {
				return nil, err
			}
			if p.i < len(p.data) && p.data[p.i] <= ' ' {
				p.space()
			}
			if p.i >= len(p.data) || p.data[p.i] != ':' {
				return nil, p.colonError()
			}
			p.i++
			if p.i < len(p.data) && p.data[p.i] <= ' ' {
				p.space()
			}
		}
		rel := depth == 0 && object && p.relKey != "" && key == p.relKey
		if rel { // a text of its own (parseJSONWithin)
			p.base, p.relAt = p.i, p.i
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if rel {
			p.base = 0
		}
		count++
		if object {
			a.kstack = append(a.kstack, key)
			a.ostack = append(a.ostack, koff)
		}
		a.vstack = append(a.vstack, v)
		if p.i < len(p.data) && p.data[p.i] <= ' ' {
			p.space()
		}
		if p.i < len(p.data) && p.data[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.data) && p.data[p.i] == closer {
			p.i++
			n.end = p.i - p.base
			a.members(n, kbase, vbase, p.i)
			return n, nil
		}
		return nil, p.separatorError(closer, what)
	}
}

// The errors of members, apart: the reader's hot function stays small.

func (p *jparser) trailingComma(object bool) *jsonError {
	if object {
		return p.fail("unexpected character '}': JSON allows no comma after the last member of an object")
	}
	return p.fail("unexpected character ']': JSON allows no comma after the last element of an array")
}

func (p *jparser) keyError() *jsonError {
	switch {
	case p.i >= len(p.data):
		return p.fail("unexpected end of input: the text ends before every { and [ is closed")
	case p.data[p.i] == '\'':
		return p.fail("unexpected character \"'\": JSON strings take double quotes")
	}
	return p.fail("unexpected " + p.what() + ": member names are strings in double quotes")
}

func (p *jparser) colonError() *jsonError {
	return p.fail("unexpected " + p.what() + ": expected ':' after a member name")
}
