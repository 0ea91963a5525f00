// Package dfs memoizes a depth-first search for the first thing a node reaches in a graph with cycles (the first
// wait a function's calls reach), so that whether a node reaches anything does not depend on which node was asked
// first.
//
// A search that meets a node it is already in stops there, or it would not end. Its answer for the nodes below
// that stop may then be "nothing" only because of the stop: asked on its own, such a node would go on through the
// stopped node and might find something. Such answers are kept aside, not memoized, until the search of the node
// stopped at ends: with nothing, they are final too; with something, they are dropped, to be searched again when
// asked.
package dfs

import "math"

// Memo is the state of the searches of one graph. The zero value is not usable: use New.
type Memo[N comparable, R comparable] struct {
	memo  map[N]R
	depth map[N]int // the nodes being searched, by depth
	// held lists the nodes whose search found nothing only for a stop at a node being searched (at depth low, or
	// lower), in the order their searches ended.
	held   []held[N]
	heldAt map[N]int
	low    int // the lowest depth stopped at by the search under way
}

type held[N comparable] struct {
	n   N
	low int
}

// New returns an empty memo.
func New[N comparable, R comparable]() *Memo[N, R] {
	return &Memo[N, R]{memo: map[N]R{}, depth: map[N]int{}, heldAt: map[N]int{}, low: math.MaxInt}
}

// Find returns what n reaches. step computes it: something of n's own, else the first answer other than the zero
// R that Find gives for n's successors, in order.
func (m *Memo[N, R]) Find(n N, step func(N) R) R {
	var zero R
	if r, ok := m.memo[n]; ok {
		return r
	}
	if d, ok := m.depth[n]; ok {
		m.low = min(m.low, d) // a cycle: stop here
		return zero
	}
	if i, ok := m.heldAt[n]; ok {
		m.low = min(m.low, m.held[i].low)
		return zero
	}
	d := len(m.depth)
	m.depth[n] = d
	mark := len(m.held)
	outer := m.low
	m.low = math.MaxInt
	r := step(n)
	low := m.low
	delete(m.depth, n)
	switch {
	case r != zero:
		// What is held below n may reach r through n: not final.
		m.drop(mark)
		m.memo[n] = r
	case low >= d:
		// No stop above n: nothing is final for n and for what is held below it.
		for _, h := range m.held[mark:] {
			m.memo[h.n] = zero
		}
		m.drop(mark)
		m.memo[n] = zero
	default:
		// Held below n depends on what n depends on.
		for i := mark; i < len(m.held); i++ {
			m.held[i].low = min(m.held[i].low, low)
		}
		m.heldAt[n] = len(m.held)
		m.held = append(m.held, held[N]{n, low})
	}
	m.low = min(outer, low)
	return r
}

func (m *Memo[N, R]) drop(mark int) {
	for _, h := range m.held[mark:] {
		delete(m.heldAt, h.n)
	}
	m.held = m.held[:mark]
}
