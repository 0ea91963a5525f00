package values

import "golang.org/x/tools/go/ssa"

// A Visit decides about one node met by a Walker: it collects what it wants from the node (into its own
// results), and returns the nodes to walk next, nil to stop there. Most visits return w.Sources(n) for the kinds
// they do not decide themselves. A visit may also walk nodes itself (w.Walk, or a walk of its own from w.Scoped),
// where its results must be in that order.
type Visit func(w *Walker, n Node, depth int) []Node

// A Walker collects values by walking back from a value, depth first and in the order Sources and the visit give.
// It visits each node once (a phi's cycle ends where it began) and no node deeper than MaxDepth. Before it visits
// a node it replaces the node's value by what Subst says the value stands for.
type Walker struct {
	index Index
	visit Visit
	seen  map[Node]bool
	subst map[ssa.Value]ssa.Value
}

// NewWalker returns a walker over x that visits each node with visit.
func NewWalker(x Index, subst map[ssa.Value]ssa.Value, visit Visit) *Walker {
	return &Walker{index: x, visit: visit, seen: map[Node]bool{}, subst: subst}
}

// Subst returns what the walk replaces values by: a factory's parameters by a call's arguments, a closure's free
// variables by what it captured, a route table's loop variable by a row. The caller must not change it.
func (w *Walker) Subst() map[ssa.Value]ssa.Value { return w.subst }

// Walk visits n, at depth steps from where the walk began, and what visiting it leads to.
func (w *Walker) Walk(n Node, depth int) {
	n.V = w.Bound(n.V)
	if n.V == nil || depth > MaxDepth || w.seen[n] {
		return
	}
	w.seen[n] = true
	for _, next := range w.visit(w, n, depth) {
		w.Walk(next, depth+1)
	}
}

// Sources returns Sources(n) over the walker's index.
func (w *Walker) Sources(n Node) []Node { return Sources(n, w.index) }

// Scoped returns a walker with the same visit, its own record of nodes seen and substitution subst: a walk into a
// factory called with these arguments, in which what was seen in other calls of it does not count.
func (w *Walker) Scoped(subst map[ssa.Value]ssa.Value) *Walker {
	return NewWalker(w.index, subst, w.visit)
}

// Sharing returns a walker with another visit and no substitution that shares w's record of nodes seen: a walk
// that collects something else from the same values and must not meet them again.
func (w *Walker) Sharing(visit Visit) *Walker {
	return &Walker{index: w.index, visit: visit, seen: w.seen}
}

// Bound returns what v stands for under the walker's substitution, following a chain of substitutions a few
// steps.
func (w *Walker) Bound(v ssa.Value) ssa.Value {
	for range 8 {
		s, ok := w.subst[v]
		if !ok || s == v {
			break
		}
		v = s
	}
	return v
}
