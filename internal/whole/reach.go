package whole

import (
	"cmp"
	"go/token"
	"go/types"
	"math/bits"
	"slices"
	"strings"

	"github.com/blockcheck/blockcheck/internal/extent"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/fix"
	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/handlers"
	"github.com/blockcheck/blockcheck/internal/owner"
	"github.com/blockcheck/blockcheck/internal/policy"
	"github.com/blockcheck/blockcheck/internal/report"
	"github.com/blockcheck/blockcheck/internal/values"
)

type findingKey struct {
	analyzer string
	pos      token.Pos
}

type finding struct {
	op     blocking.Op
	fn     *ssa.Function // where op is
	at     token.Pos     // where it is reported
	root   *handlers.Root
	path   []*callgraph.Edge
	routes int
	walk   map[*ssa.Function][]uint64 // the routes reaching each function in the walk that found it (routes.go)
}

type reporter struct {
	a     *engine
	byKey map[findingKey]*finding
	order []findingKey
	scope scope // which analyzers a walk reports, and where directives stop it (ignore.go)
	walk  map[*ssa.Function][]uint64
	// bounds memoizes boundFns for the walk under way (which calls it follows depends on the walk's scope).
	bounds map[*handlers.Root][]boundFn
	// params and passOn memoize hasParamCalls and hasPassOn.
	params, passOn map[*ssa.Function]bool
}

// A visit is how the walk first met a function: by the call parent, made from the root-th root. A callback
// (withID(c, func(id uint) { ... })) is met by via, the calls of the helpers that pass it on, then parent, the
// last helper's call of its parameter.
//
// A bound visit is of a function entered under a route's own binding (boundFns): its calls are walked from
// each route that binds it, not once for all, until the walk meets it by a call that is not bound.
type visit struct {
	via    []*callgraph.Edge
	parent *callgraph.Edge
	root   int
	bound  bool
}

// An item of the walk's queue: a function met, or with k >= 0 the k-th of a route's bound functions
// (boundFns), walked with that route's binding.
type item struct {
	fn      *ssa.Function
	root, k int
}

// paramCall reports whether a call calls a function value that the caller received as a parameter: a helper
// calling its callback. Such a call goes to what each call of the helper passes, and is walked from there.
func paramCall(e *callgraph.Edge) bool {
	cc := e.Site.Common()
	if cc.IsInvoke() || cc.StaticCallee() != nil {
		return false
	}
	return values.ParamIndex(cc.Value, e.Caller.Func) >= 0
}

// callbacks returns the calls of the helper that e calls which call a callback it passes: to what this call's
// arguments can be, not to every callback any caller passes.
//
// chain is the static calls that lead to the helper, the last one calling it. A helper that passes a callback it
// received on to another helper (evaluateOr401(ctx, fns...) calling evaluate(ctx, fns...)) is resolved one
// level up, with the calls of the helper that passes it (deferred), so that each caller gets its own callbacks.
func (r *reporter) callbacks(chain []*callgraph.Edge, deferred bool) []*callgraph.Edge {
	e := chain[len(chain)-1]
	h := e.Callee.Func
	if !r.hasParamCalls(h) {
		return nil
	}
	bind := map[ssa.Value]ssa.Value{}
	for _, c := range chain {
		cc := c.Site.Common()
		if cc.StaticCallee() != c.Callee.Func || len(cc.Args) != len(c.Callee.Func.Params) {
			return nil
		}
		for i, p := range c.Callee.Func.Params {
			bind[p] = cc.Args[i]
		}
	}
	var out []*callgraph.Edge
	allowed := map[ssa.CallInstruction]map[*ssa.Function]bool{}
	for _, e2 := range r.out(h) {
		if !paramCall(e2) {
			continue
		}
		if deferred && values.PassesOn(e2.Site.Common().Value, bind, e.Caller.Func) {
			continue
		}
		out = append(out, filter(r.a.idx, e2, bind, allowed)...)
	}
	return out
}

// hasParamCalls reports whether fn calls a function value it received as a parameter.
func (r *reporter) hasParamCalls(fn *ssa.Function) bool {
	if v, ok := r.params[fn]; ok {
		return v
	}
	v := false
	for _, e := range r.out(fn) {
		if paramCall(e) {
			v = true
			break
		}
	}
	if r.params == nil {
		r.params = map[*ssa.Function]bool{}
	}
	r.params[fn] = v
	return v
}

// hasPassOn reports whether fn calls a helper that calls a callback fn passes on from its own parameters.
func (r *reporter) hasPassOn(fn *ssa.Function) bool {
	if v, ok := r.passOn[fn]; ok {
		return v
	}
	if r.passOn == nil {
		r.passOn = map[*ssa.Function]bool{}
	}
	r.passOn[fn] = false // recursion
	v := false
	for _, e := range r.out(fn) {
		if e.Site == nil || paramCall(e) || !r.hasParamCalls(e.Callee.Func) {
			continue
		}
		for _, a := range e.Site.Common().Args {
			if p, ok := unslice(a).(*ssa.Parameter); ok && p.Parent() == fn {
				v = true
			}
		}
	}
	r.passOn[fn] = v
	return v
}

func unslice(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.ChangeType:
			v = x.X
		case *ssa.Slice:
			v = x.X
		default:
			return v
		}
	}
}

// filter keeps e if what its function value can be under bind includes e's callee, or is not known.
func filter(idx *flow.Index, e *callgraph.Edge, bind map[ssa.Value]ssa.Value, allowed map[ssa.CallInstruction]map[*ssa.Function]bool) []*callgraph.Edge {
	set, ok := allowed[e.Site]
	if !ok {
		set = map[*ssa.Function]bool{}
		for _, t := range idx.TargetsWith(e.Site.Common().Value, bind) {
			if t.Fn != nil {
				set[t.Fn] = true
			}
		}
		allowed[e.Site] = set
	}
	if len(set) == 0 || set[e.Callee.Func] {
		return []*callgraph.Edge{e}
	}
	return nil
}

// A boundFn is a function a route's walk enters under a binding of the route's own: the root, with what its
// registration's closure captured, and the closures made of what it captured (handle(fn) calling the closure
// withUser(h) made), each with the calls of it that the route takes.
type boundFn struct {
	fn    *ssa.Function
	bind  map[ssa.Value]ssa.Value
	edges []*callgraph.Edge
	// inner holds the callees of edges that are bound functions of the route themselves: their calls are
	// another boundFn's, not the calls every route makes.
	inner map[*ssa.Function]bool
	// parent is the index of the bound function that calls this one (-1 for the root).
	parent int
}

// maxBound bounds the functions a route's walk enters under its own bindings.
const maxBound = 64

// boundFns returns the functions a route's walk enters under its own bindings, the root first: the calls of a
// captured function value go only to what this registration captured, when that is known, and a closure it
// captured (itself made per call of a shared wrapper) is entered with what it captured in turn, through any depth
// of helpers up to values.MaxDepth. A root without a binding is the root with all its calls.
func (r *reporter) boundFns(root *handlers.Root) []boundFn {
	if bs, ok := r.bounds[root]; ok {
		return bs
	}
	if r.bounds == nil {
		r.bounds = map[*handlers.Root][]boundFn{}
	}
	out := []boundFn{{fn: root.Fn, bind: root.Bind, parent: -1}}
	depth := []int{0}
	seen := map[*ssa.Function]bool{root.Fn: true}
	for k := 0; k < len(out); k++ {
		edges := r.out(out[k].fn)
		if out[k].bind == nil {
			out[k].edges = edges
			continue
		}
		var kept []*callgraph.Edge
		var inner map[*ssa.Function]bool
		allowed := map[ssa.CallInstruction][]flow.Target{}
		for _, e := range edges {
			cc := e.Site.Common()
			if cc.IsInvoke() || cc.StaticCallee() != nil {
				kept = append(kept, e)
				continue
			}
			ts, ok := allowed[e.Site]
			if !ok {
				ts = r.a.idx.TargetsWith(cc.Value, out[k].bind)
				allowed[e.Site] = ts
			}
			i := slices.IndexFunc(ts, func(t flow.Target) bool { return t.Fn == e.Callee.Func })
			if i < 0 && slices.ContainsFunc(ts, func(t flow.Target) bool { return t.Fn != nil }) {
				continue // not what this registration captured
			}
			kept = append(kept, e)
			if i < 0 || ts[i].Bind == nil || depth[k] >= values.MaxDepth || len(out) >= maxBound || !r.follow(e) {
				continue
			}
			if inner == nil {
				inner = map[*ssa.Function]bool{}
			}
			inner[e.Callee.Func] = true
			if seen[e.Callee.Func] {
				// Entered already for this route: a wrapper applied in a loop (h = mw[i](h)) captures its own
				// closure as far as the trace can tell, which is no call of every handler.
				continue
			}
			seen[e.Callee.Func] = true
			out = append(out, boundFn{fn: e.Callee.Func, bind: ts[i].Bind, parent: k})
			depth = append(depth, depth[k]+1)
		}
		out[k].edges, out[k].inner = kept, inner
	}
	r.bounds[root] = out
	return out
}

// step walks the given calls of fn (a bound function's, filtered by boundFns), recording each function met
// first and, for a call of a helper, the callbacks this call passes it. The callees in inner are bound functions
// of the route: met by this call, their own calls are not walked from the queue.
func (r *reporter) step(fn *ssa.Function, edges []*callgraph.Edge, isRoot bool, root int, inner map[*ssa.Function]bool, visits map[*ssa.Function]visit, queue *[]item) {
	meet := func(c *ssa.Function, v visit) {
		old, ok := visits[c]
		switch {
		case !ok:
			visits[c] = v
			*queue = append(*queue, item{fn: c, k: -1})
		case old.bound && !v.bound:
			// Met by a call no route binds: its own calls are walked after all.
			old.bound = false
			visits[c] = old
			*queue = append(*queue, item{fn: c, k: -1})
		}
	}
	for _, e := range edges {
		if !isRoot && paramCall(e) || !r.follow(e) {
			continue // a helper's callback: walked from each call of the helper
		}
		meet(e.Callee.Func, visit{parent: e, root: root, bound: inner[e.Callee.Func]})
		for _, e2 := range r.callbacks([]*callgraph.Edge{e}, !isRoot) {
			if r.follow(e2) {
				meet(e2.Callee.Func, visit{via: []*callgraph.Edge{e}, parent: e2, root: root})
			}
		}
		// The callbacks e's callee passes on to helpers of its own.
		if r.hasPassOn(e.Callee.Func) {
			for _, e1 := range r.out(e.Callee.Func) {
				if paramCall(e1) || !r.follow(e1) {
					continue
				}
				for _, e2 := range r.callbacks([]*callgraph.Edge{e, e1}, false) {
					if r.follow(e2) {
						meet(e2.Callee.Func, visit{via: []*callgraph.Edge{e, e1}, parent: e2, root: root})
					}
				}
			}
		}
	}
}

// pathTo returns the calls from a root to fn on the walk's shortest path.
func pathTo(visits map[*ssa.Function]visit, fn *ssa.Function) []*callgraph.Edge {
	var path []*callgraph.Edge
	for v := visits[fn]; v.parent != nil; {
		path = append(path, v.parent)
		next := v.parent.Caller.Func
		for i := len(v.via) - 1; i >= 0; i-- {
			path = append(path, v.via[i])
			next = v.via[i].Caller.Func
		}
		v = visits[next]
	}
	slices.Reverse(path)
	return path
}

// follow reports whether the walk follows an edge: as the policy says, unless a //blockcheck:ignore directive
// stops it.
func (r *reporter) follow(e *callgraph.Edge) bool {
	if e.Site == nil || !r.a.walks(e.Callee.Func) || !r.a.pol.Enters(e.Site, e.Callee.Func) {
		return false
	}
	return !r.stopAt(e) // a //blockcheck:ignore directive (ignore.go)
}

func (r *reporter) out(fn *ssa.Function) []*callgraph.Edge { return r.a.out(fn) }

// out returns fn's outgoing call edges in a deterministic order.
func (a *engine) out(fn *ssa.Function) []*callgraph.Edge {
	if edges, ok := a.sorted[fn]; ok {
		return edges
	}
	var edges []*callgraph.Edge
	if n := a.graph.Nodes[fn]; n != nil {
		edges = a.sortEdges(n.Out, func(e *callgraph.Edge) *ssa.Function { return e.Callee.Func }, true)
	}
	a.sorted[fn] = edges
	return edges
}

// sortEdges returns the edges sorted stably by the position of the call, then by the position of the function
// other gives (when byPos is set), then by its memoized name, as extent.Compare orders positions. Each edge's
// positions are resolved once, where a comparator calling extent.Compare resolved two at every comparison.
func (a *engine) sortEdges(edges []*callgraph.Edge, other func(*callgraph.Edge) *ssa.Function, byPos bool) []*callgraph.Edge {
	if len(edges) < 2 {
		return slices.Clone(edges)
	}
	type keyed struct {
		e         *callgraph.Edge
		site, fn  token.Position
		otherFunc *ssa.Function
	}
	ks := make([]keyed, len(edges))
	for i, e := range edges {
		k := keyed{e: e, site: a.fset.Position(e.Pos()), otherFunc: other(e)}
		if byPos {
			k.fn = a.fset.Position(k.otherFunc.Pos())
		}
		ks[i] = k
	}
	slices.SortStableFunc(ks, func(x, y keyed) int {
		if c := comparePositions(x.site, y.site); c != 0 {
			return c
		}
		if c := comparePositions(x.fn, y.fn); c != 0 {
			return c
		}
		return cmp.Compare(a.name(x.otherFunc), a.name(y.otherFunc))
	})
	out := make([]*callgraph.Edge, len(ks))
	for i, k := range ks {
		out[i] = k.e
	}
	return out
}

// comparePositions orders resolved positions as extent.Compare orders theirs: by file name and offset.
func comparePositions(x, y token.Position) int {
	return cmp.Or(strings.Compare(x.Filename, y.Filename), cmp.Compare(x.Offset, y.Offset))
}

// name memoizes fn.String(), the last tie-breaker of the edge order: it formats types on every call.
func (a *engine) name(fn *ssa.Function) string {
	s, ok := a.names[fn]
	if !ok {
		s = fn.String()
		a.names[fn] = s
	}
	return s
}

// reach walks from the roots breadth first, so that each operation is first met on a shortest path, and reports
// what the functions it meets do.
func (r *reporter) reach(roots []handlers.Root) error {
	r.bounds = nil
	visits := map[*ssa.Function]visit{}
	var queue []item
	// A root whose every registration binds it is walked from each of them, as the bound functions of their
	// routes; one that some registration does not bind is walked once for all too.
	unbound := map[*ssa.Function]bool{}
	for _, root := range roots {
		if root.Bind == nil {
			unbound[root.Fn] = true
		}
	}
	shared := map[*ssa.Function]bool{}
	for i, root := range roots {
		if _, ok := visits[root.Fn]; !ok {
			visits[root.Fn] = visit{root: i, bound: !unbound[root.Fn]}
		}
		switch {
		case root.Bind != nil:
			queue = append(queue, item{fn: root.Fn, root: i})
		case !shared[root.Fn]:
			shared[root.Fn] = true
			queue = append(queue, item{fn: root.Fn, root: i, k: -1})
		}
	}
	// Breadth first, so that each function is first met on a shortest path; a route's bound functions (a
	// closure made per registration, withUser(h.list), and the closures made of what it captured) are walked
	// with its own binding, so that a handler behind shared wrappers is reached from its own routes.
	for i := 0; i < len(queue); i++ {
		if i%1024 == 0 {
			if err := r.a.ctx.Err(); err != nil {
				return err
			}
		}
		it := queue[i]
		if it.k >= 0 {
			bs := r.boundFns(&roots[it.root])
			b := bs[it.k]
			r.step(b.fn, b.edges, true, it.root, b.inner, visits, &queue)
			for k := it.k + 1; k < len(bs); k++ {
				if bs[k].parent == it.k {
					queue = append(queue, item{fn: bs[k].fn, root: it.root, k: k})
				}
			}
			continue
		}
		v := visits[it.fn]
		if v.bound {
			continue // walked from each root that binds it
		}
		r.step(it.fn, r.out(it.fn), v.parent == nil, v.root, nil, visits, &queue)
	}
	seen := map[*ssa.Function]bool{}
	var met []*ssa.Function
	for _, it := range queue {
		if !seen[it.fn] {
			seen[it.fn] = true
			met = append(met, it.fn)
		}
	}
	routes := r.routeSets(roots)
	var deps map[*ssa.Function][]*callgraph.Edge // byContext, when first needed
	for _, fn := range met {
		ops := r.a.cls.Ops(fn)
		if len(ops) == 0 {
			continue
		}
		v := visits[fn]
		path := pathTo(visits, fn)
		root := r.namedRoot(roots, fn, v.root, path)
		for _, op := range ops {
			if !policy.KindOf(op.Analyzer).Rooted || !r.a.cfg.Enabled[op.Analyzer] || !r.scope.reports(op.Analyzer) {
				continue
			}
			path, root := path, root
			if policy.KindOf(op.Analyzer).ByContext && !r.a.ownCode(fn) {
				// In a dependency: reported by a path whose call from the user's code could give it the
				// request's context, if there is one.
				if e := r.crossing(path); e != nil {
					callee, _ := generic(e.Callee.Func).Object().(*types.Func)
					if e.Site == nil || policy.TheirsCall(e.Site.Common(), callee) {
						if deps == nil {
							deps = r.byContext(met, visits)
						}
						p, ok := deps[fn]
						if !ok {
							continue
						}
						path, root = p, r.namedRoot(roots, fn, visits[p[0].Caller.Func].root, p)
					}
				}
			}
			at, ok := r.where(fn, op, path)
			if !ok {
				continue
			}
			r.add(&finding{op: op, fn: fn, at: at, root: &roots[root], path: path, routes: routes(fn), walk: r.walk})
		}
	}
	return nil
}

// namedRoot returns the root a finding in fn names: the root the walk first met fn from, unless that route does
// not reach fn (a function bound for it, met later by a call no route binds, is walked for the routes that make
// that call), then the first route reaching fn whose handler the path starts from.
func (r *reporter) namedRoot(roots []handlers.Root, fn *ssa.Function, first int, path []*callgraph.Edge) int {
	set := r.walk[fn]
	if first/64 >= len(set) || set[first/64]&(1<<(first%64)) != 0 {
		return first
	}
	start := fn
	if len(path) > 0 {
		start = path[0].Caller.Func
	}
	for i := range roots {
		if set[i/64]&(1<<(i%64)) != 0 && roots[i].Fn == start {
			return i
		}
	}
	return first
}

// where says where an operation is reported (policy.At): at itself in the packages being analyzed, else at the
// last call on the path that is in them.
func (r *reporter) where(fn *ssa.Function, op blocking.Op, path []*callgraph.Edge) (token.Pos, bool) {
	if !policy.Counts(op, r.a.ownCode(fn)) {
		return token.NoPos, false
	}
	calls := make([]policy.Call, len(path))
	for i, e := range path {
		calls[i] = policy.Call{Pos: e.Pos(), Local: r.a.isInitial(e.Caller.Func)}
	}
	at := policy.At(op.Pos, r.a.isInitial(fn), calls, token.NoPos)
	return at, at.IsValid()
}

// byContext walks the dependency code that the user's code calls into by calls that could give it the request's
// context (policy.Theirs is false for them), and returns the path by which it first meets each function: an
// operation of a ByContext kind in a dependency is reported only where such a call leads to it.
func (r *reporter) byContext(met []*ssa.Function, visits map[*ssa.Function]visit) map[*ssa.Function][]*callgraph.Edge {
	paths := map[*ssa.Function][]*callgraph.Edge{}
	var queue []*ssa.Function
	enter := func(e *callgraph.Edge, path []*callgraph.Edge) {
		c := e.Callee.Func
		if _, ok := paths[c]; ok || r.a.ownCode(c) || !r.follow(e) {
			return
		}
		paths[c] = append(slices.Clip(path), e)
		queue = append(queue, c)
	}
	for _, fn := range met {
		if !r.a.ownCode(fn) {
			continue
		}
		for _, e := range r.out(fn) {
			if r.a.ownCode(e.Callee.Func) || e.Site == nil {
				continue
			}
			callee, _ := generic(e.Callee.Func).Object().(*types.Func)
			if !policy.TheirsCall(e.Site.Common(), callee) {
				enter(e, pathTo(visits, fn))
			}
		}
	}
	for i := 0; i < len(queue); i++ {
		fn := queue[i]
		for _, e := range r.out(fn) {
			enter(e, paths[fn])
		}
	}
	return paths
}

// crossing returns the last call on path made from the user's code, or nil.
func (r *reporter) crossing(path []*callgraph.Edge) *callgraph.Edge {
	for i := len(path) - 1; i >= 0; i-- {
		if r.a.ownCode(path[i].Caller.Func) {
			return path[i]
		}
	}
	return nil
}

// routeSets returns a function counting the distinct routes that reach a function, and keeps the routes reaching
// each function in r.walk (routes.go).
//
// A route's walk follows its bound functions' calls in a way that depends on the route (boundFns resolves a closure
// made per registration, and the closures made of what it captured, with what the registration captured; at
// them, calls of a parameter are followed and callbacks are resolved with this call's arguments), and every other
// function's calls the same way for every route. So each route's first steps (its frontier, the calls of its
// bound functions) are taken per route, and the routes are then carried over the shared part of the graph,
// condensed into strongly connected components, in topological order: linear in the graph times the words of a
// route set, where a walk per route was the graph times the routes. A route whose frontier leads back to one of
// its bound functions would have that function's shared calls credited to it, which its walk does not follow
// (the function is met first): such a route is walked on its own.
func (r *reporter) routeSets(roots []handlers.Root) func(*ssa.Function) int {
	return r.countRoutes(roots, false)
}

// countRoutes is routeSets; with alone, every route is walked on its own (as a test checks that path).
func (r *reporter) countRoutes(roots []handlers.Root, alone bool) func(*ssa.Function) int {
	words := (len(roots) + 63) / 64
	g := &routeGraph{r: r, id: map[*ssa.Function]int{}}
	frontier := make([][]int, len(roots))
	bound := make([][]*ssa.Function, len(roots))
	for i := range roots {
		for _, b := range r.boundFns(&roots[i]) {
			bound[i] = append(bound[i], b.fn)
			r.steps(b.fn, b.edges, true, func(c *ssa.Function) {
				if !b.inner[c] {
					frontier[i] = append(frontier[i], g.node(c))
				}
			})
		}
	}
	comp, order := g.condense()
	sets := make([][]uint64, len(order))
	for i, f := range frontier {
		for _, n := range f {
			c := comp[n]
			if sets[c] == nil {
				sets[c] = make([]uint64, words)
			}
			sets[c][i/64] |= 1 << (i % 64)
		}
	}
	// order is topological, callers first: a component's set is complete when it is reached.
	for c, members := range order {
		s := sets[c]
		if s == nil {
			continue
		}
		for _, n := range members {
			for _, m := range g.succ[n] {
				d := comp[m]
				if d == c {
					continue
				}
				if sets[d] == nil {
					sets[d] = make([]uint64, words)
				}
				for w := range s {
					sets[d][w] |= s[w]
				}
			}
		}
	}
	// Routes whose frontier leads back to their root, or another function they bind, are walked on their own.
	var walked []int
	for i := range roots {
		back := slices.ContainsFunc(bound[i], func(fn *ssa.Function) bool {
			n, ok := g.id[fn]
			if !ok {
				return false
			}
			s := sets[comp[n]]
			return s != nil && s[i/64]&(1<<(i%64)) != 0
		})
		if alone || back {
			walked = append(walked, i)
		}
	}
	for _, s := range sets {
		for _, i := range walked {
			if s != nil {
				s[i/64] &^= 1 << (i % 64)
			}
		}
	}
	walk := map[*ssa.Function][]uint64{}
	for n, fn := range g.fns {
		if s := sets[comp[n]]; s != nil && slices.ContainsFunc(s, func(w uint64) bool { return w != 0 }) {
			walk[fn] = s
		}
	}
	// A set is shared by a component's functions until one of them is given a route of its own.
	own := map[*ssa.Function]bool{}
	mark := func(fn *ssa.Function, i int) {
		s := walk[fn]
		switch {
		case s == nil:
			s = make([]uint64, words)
			walk[fn] = s
		case s[i/64]&(1<<(i%64)) != 0:
			return
		case !own[fn]:
			s = slices.Clone(s)
			walk[fn] = s
		}
		own[fn] = true
		s[i/64] |= 1 << (i % 64)
	}
	for i := range roots {
		for _, fn := range bound[i] {
			mark(fn, i)
		}
	}
	for _, i := range walked {
		seen := map[*ssa.Function]bool{}
		var stack []*ssa.Function
		push := func(c *ssa.Function) {
			if !seen[c] {
				seen[c] = true
				stack = append(stack, c)
			}
		}
		bs := r.boundFns(&roots[i])
		for _, b := range bs {
			seen[b.fn] = true
		}
		for _, b := range bs {
			r.steps(b.fn, b.edges, true, func(c *ssa.Function) {
				if !b.inner[c] {
					push(c)
				}
			})
		}
		for len(stack) > 0 {
			fn := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			mark(fn, i)
			r.steps(fn, r.out(fn), false, push)
		}
	}
	r.walk = walk
	return func(fn *ssa.Function) int {
		n := 0
		for _, w := range walk[fn] {
			n += bits.OnesCount64(w)
		}
		return n
	}
}

// steps calls next with each function a walk goes to from fn by the given calls (fn's own, or a bound function's,
// filtered by boundFns): as step does, without recording how.
func (r *reporter) steps(fn *ssa.Function, edges []*callgraph.Edge, isRoot bool, next func(*ssa.Function)) {
	for _, e := range edges {
		if !isRoot && paramCall(e) || !r.follow(e) {
			continue
		}
		next(e.Callee.Func)
		for _, e2 := range r.callbacks([]*callgraph.Edge{e}, !isRoot) {
			if r.follow(e2) {
				next(e2.Callee.Func)
			}
		}
		if r.hasPassOn(e.Callee.Func) {
			for _, e1 := range r.out(e.Callee.Func) {
				if paramCall(e1) || !r.follow(e1) {
					continue
				}
				for _, e2 := range r.callbacks([]*callgraph.Edge{e, e1}, false) {
					if r.follow(e2) {
						next(e2.Callee.Func)
					}
				}
			}
		}
	}
}

// A routeGraph is the part of the walk every route takes the same way: each function's steps (its own calls, not
// a root's), over the functions reached from the routes' frontiers.
type routeGraph struct {
	r    *reporter
	id   map[*ssa.Function]int
	fns  []*ssa.Function
	succ [][]int
}

func (g *routeGraph) node(fn *ssa.Function) int {
	n, ok := g.id[fn]
	if !ok {
		n = len(g.fns)
		g.id[fn] = n
		g.fns = append(g.fns, fn)
		g.succ = append(g.succ, nil)
	}
	return n
}

// condense finds the strongly connected components of the graph reached from its nodes so far (Tarjan's
// algorithm, without recursion, as call chains can be deep), filling in successors as it goes. It returns each
// node's component and the components' members in topological order, callers first.
func (g *routeGraph) condense() (comp []int, order [][]int) {
	const none = -1
	var index, low []int
	var onStack []bool
	var stack []int
	type frame struct{ n, next int }
	counter := 0
	grow := func() {
		for len(index) < len(g.fns) {
			index = append(index, none)
			low = append(low, 0)
			onStack = append(onStack, false)
			comp = append(comp, none)
		}
	}
	var comps [][]int
	for start := 0; start < len(g.fns); start++ {
		grow()
		if index[start] != none {
			continue
		}
		var frames []frame
		enter := func(n int) {
			grow()
			index[n], low[n] = counter, counter
			counter++
			stack = append(stack, n)
			onStack[n] = true
			fn := g.fns[n]
			var succ []int
			g.r.steps(fn, g.r.out(fn), false, func(c *ssa.Function) { succ = append(succ, g.node(c)) })
			grow()
			g.succ[n] = succ
			frames = append(frames, frame{n: n})
		}
		enter(start)
		for len(frames) > 0 {
			f := &frames[len(frames)-1]
			n := f.n
			if f.next < len(g.succ[n]) {
				m := g.succ[n][f.next]
				f.next++
				if index[m] == none {
					enter(m)
				} else if onStack[m] {
					low[n] = min(low[n], index[m])
				}
				continue
			}
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				p := frames[len(frames)-1].n
				low[p] = min(low[p], low[n])
			}
			if low[n] == index[n] {
				var members []int
				for {
					m := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[m] = false
					members = append(members, m)
					if m == n {
						break
					}
				}
				comps = append(comps, members)
			}
		}
	}
	// Tarjan's algorithm completes a component after every component it reaches: reversed, callers come first.
	slices.Reverse(comps)
	for c, members := range comps {
		for _, n := range members {
			comp[n] = c
		}
	}
	return comp, comps
}

// servers reports the operations of kinds that are not rooted (servers without read timeouts) wherever they are
// made in the analyzed packages.
func (r *reporter) servers(own []*ssa.Function) {
	for _, fn := range own {
		if !r.a.isInitial(fn) {
			continue
		}
		for _, op := range r.a.cls.Ops(fn) {
			if !policy.KindOf(op.Analyzer).Rooted && r.a.cfg.Enabled[op.Analyzer] {
				r.add(&finding{op: op, fn: fn, at: op.Pos})
			}
		}
	}
}

func (r *reporter) add(f *finding) {
	k := findingKey{f.op.Analyzer, f.at}
	if _, ok := r.byKey[k]; ok {
		return
	}
	if r.silenced(f) { // a //blockcheck:ignore directive (ignore.go)
		return
	}
	r.byKey[k] = f
	r.order = append(r.order, k)
}

func (r *reporter) emit() {
	also := r.gather()
	for _, k := range r.order {
		f := r.byKey[k]
		as, ok := also[f]
		if !ok {
			continue // reported with another finding of its cause
		}
		d := r.diagnostic(f, as)
		pkg := ""
		if p := r.pkgAt(f); p != nil {
			pkg = p.Pkg.Path()
		}
		r.a.res.Findings = append(r.a.res.Findings, r.annotate(f, report.Finding{Pkg: pkg, Analyzer: f.op.Analyzer, Diag: d}))
	}
	report.Sort(r.a.fset, r.a.res.Findings)
}

func (r *reporter) pkgAt(f *finding) *ssa.Package {
	if f.at == f.op.Pos {
		return owner.Package(f.fn)
	}
	for i := len(f.path) - 1; i >= 0; i-- {
		if f.path[i].Pos() == f.at {
			return owner.Package(f.path[i].Caller.Func)
		}
	}
	return owner.Package(f.fn)
}

// gather gives each finding reported its other calls of the same cause (policy.Gather); a finding reported with
// another one has no entry.
func (r *reporter) gather() map[*finding][]policy.Also {
	also := map[*finding][]policy.Also{}
	var ms []policy.Member
	var caused []*finding
	for _, k := range r.order {
		f := r.byKey[k]
		if f.op.Cause == "" {
			also[f] = nil
			continue
		}
		ms = append(ms, policy.Member{Cause: f.op.Analyzer + " " + f.op.Cause, Name: f.op.Name, Len: len(f.path), Pos: f.at,
			Posn: r.a.fset.Position(f.at), Root: f.root})
		caused = append(caused, f)
	}
	for i, as := range policy.Gather(ms) {
		also[caused[i]] = as
	}
	return also
}

func (r *reporter) diagnostic(f *finding, also []policy.Also) analysis.Diagnostic {
	a := r.a
	pf := &policy.Finding{Analyzer: f.op.Analyzer, Name: f.op.Name, Why: f.op.Why, Fix: f.op.Fix, Root: f.root, Routes: f.routes, Also: also}
	if f.at != f.op.Pos {
		// Reported at the last call in the user's code: name the operation inside the dependency.
		p := a.fset.Position(f.op.Pos)
		pf.Elsewhere = &policy.Place{Pkg: owner.Path(f.fn), File: shortFile(p.Filename), Line: p.Line, Pos: f.op.Pos}
	}
	for _, e := range f.path {
		s := policy.Step{Pos: e.Pos(), Caller: handlers.Name(e.Caller.Func), Callee: handlers.Name(e.Callee.Func)}
		if as, ok := a.assumed[e.Site]; ok {
			s.Callee, s.Note = as.method, as.note()
		}
		if via, ok := a.callBacks[callBack{e.Site, e.Callee.Func}]; ok {
			s.Callee, s.Note = shortName(via), "which calls "+s.Callee+" back on this goroutine"
		}
		pf.Path = append(pf.Path, s)
	}
	pos, end := r.span(f.at)
	d := pf.Diagnostic(pos, end)
	if e := f.op.Edit; e != nil && a.isInitial(e.Fn) && f.at == f.op.Pos {
		if file := a.fileAt(e.Lparen); file != nil {
			d.SuggestedFixes = fix.Suggest(a.fset, file, e, fix.ContextExpr(e.Fn, a.cfg.Catalog))
		}
	}
	return d
}

func shortFile(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}

// span turns an SSA position into the extent of its syntax.
func (r *reporter) span(pos token.Pos) (token.Pos, token.Pos) {
	return extent.Of(r.a.fileAt(pos), pos)
}
