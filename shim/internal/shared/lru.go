package shared

// LRU is a map that remembers the order of use of its keys, for bounding
// caches. It is not safe for concurrent use; callers hold their own lock.
//
// Entries live in one slice linked by indexes, so that a million keys cost
// one map and one slice rather than a million list elements for the garbage
// collector to trace.
type LRU[K comparable, V any] struct {
	idx   map[K]int32
	nodes []lruNode[K, V]
	head  int32 // most recently used; -1 when empty
	tail  int32 // least recently used
	free  []int32
}

type lruNode[K comparable, V any] struct {
	key        K
	val        V
	prev, next int32
}

// NewLRU returns an empty LRU with room for hint entries before it grows.
func NewLRU[K comparable, V any](hint int) *LRU[K, V] {
	hint = max(0, min(hint, 1<<20))
	return &LRU[K, V]{idx: make(map[K]int32, hint), nodes: make([]lruNode[K, V], 0, hint), head: -1, tail: -1}
}

// Len returns the number of entries.
func (l *LRU[K, V]) Len() int { return len(l.idx) }

// Get returns the value for k and marks it most recently used.
func (l *LRU[K, V]) Get(k K) (v V, ok bool) {
	i, ok := l.idx[k]
	if !ok {
		return v, false
	}
	l.toFront(i)
	return l.nodes[i].val, true
}

// Peek returns the value for k without changing the order.
func (l *LRU[K, V]) Peek(k K) (v V, ok bool) {
	i, ok := l.idx[k]
	if !ok {
		return v, false
	}
	return l.nodes[i].val, true
}

// Put sets the value for k and marks it most recently used.
func (l *LRU[K, V]) Put(k K, v V) {
	if i, ok := l.idx[k]; ok {
		l.nodes[i].val = v
		l.toFront(i)
		return
	}
	var i int32
	if n := len(l.free); n > 0 {
		i = l.free[n-1]
		l.free = l.free[:n-1]
		l.nodes[i] = lruNode[K, V]{key: k, val: v}
	} else {
		i = int32(len(l.nodes))
		l.nodes = append(l.nodes, lruNode[K, V]{key: k, val: v})
	}
	l.idx[k] = i
	l.link(i)
}

// Remove deletes k and returns its value.
func (l *LRU[K, V]) Remove(k K) (v V, ok bool) {
	i, ok := l.idx[k]
	if !ok {
		return v, false
	}
	return l.removeAt(i), true
}

// Oldest returns the least recently used entry.
func (l *LRU[K, V]) Oldest() (k K, v V, ok bool) {
	if l.tail < 0 {
		return k, v, false
	}
	n := &l.nodes[l.tail]
	return n.key, n.val, true
}

// RemoveOldest deletes the least recently used entry and returns it.
func (l *LRU[K, V]) RemoveOldest() (k K, v V, ok bool) {
	if l.tail < 0 {
		return k, v, false
	}
	k = l.nodes[l.tail].key
	return k, l.removeAt(l.tail), true
}

func (l *LRU[K, V]) removeAt(i int32) V {
	n := l.nodes[i]
	l.unlink(i)
	delete(l.idx, n.key)
	l.nodes[i] = lruNode[K, V]{} // drop references for the collector
	l.free = append(l.free, i)
	return n.val
}

func (l *LRU[K, V]) toFront(i int32) {
	if l.head == i {
		return
	}
	l.unlink(i)
	l.link(i)
}

// link puts node i at the front.
func (l *LRU[K, V]) link(i int32) {
	n := &l.nodes[i]
	n.prev, n.next = -1, l.head
	if l.head >= 0 {
		l.nodes[l.head].prev = i
	}
	l.head = i
	if l.tail < 0 {
		l.tail = i
	}
}

func (l *LRU[K, V]) unlink(i int32) {
	n := &l.nodes[i]
	if n.prev >= 0 {
		l.nodes[n.prev].next = n.next
	} else {
		l.head = n.next
	}
	if n.next >= 0 {
		l.nodes[n.next].prev = n.prev
	} else {
		l.tail = n.prev
	}
	n.prev, n.next = -1, -1
}
