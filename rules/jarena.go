package rules

// jarena is where a parse's nodes and member lists come from: slabs, each
// handed out piece by piece, and the stacks on which the members of the
// objects and arrays being read are gathered before being copied, once, into
// lists of exact size. A slab that is full is replaced by a larger one (the
// pieces handed out stay where they are), so reading a document costs a few
// dozen allocations whatever its size, instead of one per value and one per
// growing member list.
type jarena struct {
	nodes slab[jnode]
	keys  slab[string]
	offs  slab[int]
	vals  slab[*jnode]
	// the members of the objects and arrays being read, innermost last
	kstack []string
	ostack []int
	vstack []*jnode
	// size is the length of the input being read (0 for a pool's arena, whose
	// slabs double: the next input of the same size finds them large enough).
	size int
}

// slab hands out items of one kind from its free capacity.
type slab[T any] struct {
	s    []T
	used int // items handed out since the arena was made or reset, all slabs
}

// jsonBytesPerValue is about how many bytes of a rules document make one value
// (22 to 26 in a document of rules written without spaces, more with them):
// the first slabs are sized from the input's length with it, a little above
// the mark so that a document with spaces does not overshoot much.
const jsonBytesPerValue = 24

// minSlab is the smallest slab: small inputs (an event, the options) take one.
const minSlab = 16

// newArena returns an arena for reading size bytes of JSON.
func newArena(size int) *jarena {
	a := &jarena{size: size}
	a.nodes.s = make([]jnode, 0, max(minSlab, size/jsonBytesPerValue))
	return a
}

// next returns the size of a new slab for one that is full (cap items, used
// handed out in all, n wanted now): sized for the rest of the input at the
// rate of the part read so far (pos: where the parser is), or twice as large
// in a pool's arena.
func (a *jarena) next(used, cap, n, pos int) int {
	next := max(minSlab, 2*cap)
	if a.size > 0 && pos > 0 && pos < a.size {
		next = minSlab + used/8 + int(int64(used)*int64(a.size-pos)/int64(pos))
	}
	return max(n, next)
}

// members moves the members of n gathered on the stacks since they held
// kbase keys and vbase values into exact-size lists (pos: where the parser
// is). An object gathers on the three stacks, an array on the values' stack
// only, so the keys' and the values' stacks have their own bases.
func (a *jarena) members(n *jnode, kbase, vbase, pos int) {
	if n.kind == jObject {
		n.keys = take(&a.keys, a.kstack[kbase:], a, pos)
		n.koffs = take(&a.offs, a.ostack[kbase:], a, pos)
		clear(a.kstack[kbase:]) // a pool's stack keeps no old string reachable
		a.kstack, a.ostack = a.kstack[:kbase], a.ostack[:kbase]
	}
	n.vals = take(&a.vals, a.vstack[vbase:], a, pos)
	clear(a.vstack[vbase:]) // nor an old slab of nodes
	a.vstack = a.vstack[:vbase]
}

// take copies from into the slab and returns the copy, capped at its length
// (appending to it never writes over its neighbours). A full slab is replaced
// by a new one; the items it handed out stay where they are.
func take[T any](sl *slab[T], from []T, a *jarena, pos int) []T {
	n := len(from)
	if cap(sl.s)-len(sl.s) < n {
		sl.s = make([]T, 0, a.next(sl.used, cap(sl.s), n, pos))
	}
	sl.used += n
	l := len(sl.s)
	sl.s = append(sl.s, from...)
	return sl.s[l : l+n : l+n]
}

// reset makes the arena's slabs free again for a new parse: the last tree
// read from it is no longer valid. Slabs that grew past max items are
// dropped, so that one large input does not keep its memory.
func (a *jarena) reset(max int) {
	a.nodes.used, a.keys.used, a.offs.used, a.vals.used = 0, 0, 0, 0
	a.nodes.s, a.keys.s, a.offs.s, a.vals.s = a.nodes.s[:0], a.keys.s[:0], a.offs.s[:0], a.vals.s[:0]
	if cap(a.nodes.s) > max || cap(a.keys.s) > max || cap(a.offs.s) > max || cap(a.vals.s) > max {
		*a = jarena{}
	}
	a.kstack, a.ostack, a.vstack = a.kstack[:0], a.ostack[:0], a.vstack[:0]
}

// jpool lets a parser reuse the slabs of its last parse, and the strings it
// has read before: the session reads a small input per event, and this keeps
// that from allocating. A tree parsed with a pool is valid until the pool's
// next parse; its strings are ordinary strings and stay valid for good (the
// input's buffer is written over by the next input).
type jpool struct {
	p      jparser
	a      jarena
	intern map[string]string
}

const (
	poolMaxNodes   = 1024 // slabs that grew larger than this (a large input) are not kept for the next parse
	internMaxItems = 512  // strings remembered (the first ones read: names, ids, states)
	internMaxLen   = 64   // longer strings are not remembered
)

// parse reads data like parseJSON, reusing the pool's slabs.
func (q *jpool) parse(data []byte) (*jnode, *jsonError) {
	q.a.reset(poolMaxNodes)
	q.p = jparser{data: data, pool: q, a: &q.a}
	n, err := q.p.parse()
	q.p.data = nil
	return n, err
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
