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
	kind  jkind
	off   int // where the value starts
	end   int
	str   string // string value, or a number's text ("" for a small integer read by a pooled parser: see num)
	b     bool
	small bool    // a number that is a small integer, exactly num
	num   float64 // its value, when small
	keys  []string
	koffs []int // where each key starts
	vals  []*jnode
}

// maxDepth bounds nesting: hostile input cannot exhaust the stack.
const maxDepth = 64

type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string {
	return e.msg + " at offset " + strconv.Itoa(e.off)
}

type jparser struct {
	data []byte
	i    int
	pool *jpool // nil: every node and string is a new allocation
}

// parseJSON reads one JSON value filling the whole input (whitespace around it allowed).
func parseJSON(data []byte) (*jnode, *jsonError) {
	return (&jparser{data: data}).parse()
}

// jpool lets a parser reuse the nodes (and their member slices) of its last
// parse, and the strings it has read before: the session reads a small input
// per event, and this keeps that from allocating. A tree parsed with a pool is
// valid until the pool's next parse; its strings are ordinary strings and stay
// valid for good.
type jpool struct {
	p      jparser
	nodes  []*jnode
	used   int
	intern map[string]string
}

const (
	poolMaxNodes   = 1024 // a parse that used more nodes is not kept for the next one
	internMaxItems = 512  // strings remembered (the first ones read: names, ids, states)
	internMaxLen   = 64   // longer strings are not remembered
)

// parse reads data like parseJSON, reusing the pool's nodes.
func (q *jpool) parse(data []byte) (*jnode, *jsonError) {
	if q.used > poolMaxNodes {
		q.nodes = nil
	}
	q.used = 0
	q.p = jparser{data: data, pool: q}
	n, err := q.p.parse()
	q.p.data = nil
	return n, err
}

func (q *jpool) node(kind jkind, off int) *jnode {
	if q.used == len(q.nodes) {
		q.nodes = append(q.nodes, &jnode{})
	}
	n := q.nodes[q.used]
	q.used++
	*n = jnode{kind: kind, off: off, keys: n.keys[:0], koffs: n.koffs[:0], vals: n.vals[:0]}
	return n
}

// str returns b as a string, the same one as last time when b was read before.
func (q *jpool) str(b []byte) string {
	if s, ok := q.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(b) <= internMaxLen && len(q.intern) < internMaxItems {
		if q.intern == nil {
			q.intern = make(map[string]string)
		}
		q.intern[s] = s
	}
	return s
}

// node makes a node, from the pool when the parser has one.
func (p *jparser) node(kind jkind, off int) *jnode {
	if p.pool != nil {
		return p.pool.node(kind, off)
	}
	return &jnode{kind: kind, off: off}
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
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		n := p.node(jString, start)
		n.end, n.str = p.i, s
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
	n.end = p.i
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
	n.end = p.i
	if p.pool != nil {
		if v, ok := smallInt(p.data[start:p.i]); ok {
			n.small, n.num = true, v
			return n, nil
		}
	}
	n.str = string(p.data[start:p.i])
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

// numText is a number's text as written.
func (n *jnode) numText() string {
	if n.small {
		return strconv.FormatInt(int64(n.num), 10)
	}
	return n.str
}

func (p *jparser) string() (string, *jsonError) {
	p.i++ // opening quote
	start := p.i
	// Fast path: no escapes, valid UTF-8.
	for p.i < len(p.data) {
		c := p.data[p.i]
		if c == '"' {
			s := p.data[start:p.i]
			p.i++
			if utf8.Valid(s) {
				if p.pool != nil {
					return p.pool.str(s), nil
				}
				return string(s), nil
			}
			return toValidUTF8(s), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.fail("a control character in a string must be escaped")
		}
		p.i++
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

func (p *jparser) object(depth int) (*jnode, *jsonError) {
	n := p.node(jObject, p.i)
	p.i++
	p.space()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		n.end = p.i
		return n, nil
	}
	for {
		p.space()
		if p.i < len(p.data) && p.data[p.i] == '}' && len(n.keys) > 0 {
			return nil, p.fail("unexpected character '}': JSON allows no comma after the last member of an object")
		}
		if p.i >= len(p.data) {
			return nil, p.fail("unexpected end of input: the text ends before every { and [ is closed")
		}
		if p.data[p.i] != '"' {
			if p.data[p.i] == '\'' {
				return nil, p.fail("unexpected character \"'\": JSON strings take double quotes")
			}
			return nil, p.fail("unexpected " + p.what() + ": member names are strings in double quotes")
		}
		koff := p.i
		key, err := p.string()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, p.fail("unexpected " + p.what() + ": expected ':' after a member name")
		}
		p.i++
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, key)
		n.koffs = append(n.koffs, koff)
		n.vals = append(n.vals, v)
		p.space()
		if p.i < len(p.data) && p.data[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.data) && p.data[p.i] == '}' {
			p.i++
			n.end = p.i
			return n, nil
		}
		return nil, p.separatorError('}', "member")
	}
}

func (p *jparser) array(depth int) (*jnode, *jsonError) {
	n := p.node(jArray, p.i)
	p.i++
	p.space()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		n.end = p.i
		return n, nil
	}
	for {
		p.space()
		if p.i < len(p.data) && p.data[p.i] == ']' && len(n.vals) > 0 {
			return nil, p.fail("unexpected character ']': JSON allows no comma after the last element of an array")
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.vals = append(n.vals, v)
		p.space()
		if p.i < len(p.data) && p.data[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.data) && p.data[p.i] == ']' {
			p.i++
			n.end = p.i
			return n, nil
		}
		return nil, p.separatorError(']', "element")
	}
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
