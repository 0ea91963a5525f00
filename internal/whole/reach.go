package whole

import (
	"cmp"
	"fmt"
	"go/token"
	"math/bits"
	"slices"

	"github.com/blockcheck/blockcheck/internal/extent"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/fix"
	"github.com/blockcheck/blockcheck/internal/handlers"
	"github.com/blockcheck/blockcheck/internal/report"
)

// outside lists the analyzers whose operations wait on the world outside the process.
var outside = map[string]bool{"sleep": true, "nocancel": true, "syncdb": true, "clienttimeout": true}

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
}

type reporter struct {
	a     *engine
	byKey map[findingKey]*finding
	order []findingKey
	scope scope // which analyzers a walk reports, and where directives stop it (ignore.go)
}

type visit struct {
	parent *callgraph.Edge
	root   int
}

// follow reports whether the engine walks an edge: not into a goroutine (the go statement is the finding), not
// into the standard library (its calls are judged by rules at the call site), and not a dispatch to the next
// handler (that handler is a root of its own).
func (r *reporter) follow(e *callgraph.Edge) bool {
	if e.Site == nil {
		return false
	}
	if _, ok := e.Site.(*ssa.Go); ok {
		return false
	}
	fn := e.Callee.Func
	if fn.Blocks == nil || fn.Pkg == nil || r.a.isStd(fn.Pkg) {
		return false
	}
	// A call a rule names is judged at the call: what the callee does inside is the same root cause.
	if r.a.cls.Named(e.Site.Common()) {
		return false
	}
	if r.stopAt(e) { // a //blockcheck:ignore directive (ignore.go)
		return false
	}
	return !r.a.find.IsDispatch(e.Site.Common())
}

func (r *reporter) out(fn *ssa.Function) []*callgraph.Edge {
	if edges, ok := r.a.sorted[fn]; ok {
		return edges
	}
	var edges []*callgraph.Edge
	if n := r.a.graph.Nodes[fn]; n != nil {
		edges = slices.Clone(n.Out)
		slices.SortStableFunc(edges, func(x, y *callgraph.Edge) int {
			return cmp.Or(extent.Compare(r.a.fset, x.Pos(), y.Pos()), extent.Compare(r.a.fset, x.Callee.Func.Pos(), y.Callee.Func.Pos()),
				cmp.Compare(r.a.name(x.Callee.Func), r.a.name(y.Callee.Func)))
		})
	}
	r.a.sorted[fn] = edges
	return edges
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
func (r *reporter) reach(roots []handlers.Root) {
	visits := map[*ssa.Function]visit{}
	var queue []*ssa.Function
	for i, root := range roots {
		if _, ok := visits[root.Fn]; !ok {
			visits[root.Fn] = visit{root: i}
			queue = append(queue, root.Fn)
		}
	}
	for i := 0; i < len(queue); i++ {
		fn := queue[i]
		for _, e := range r.out(fn) {
			if _, ok := visits[e.Callee.Func]; ok || !r.follow(e) {
				continue
			}
			visits[e.Callee.Func] = visit{parent: e, root: visits[fn].root}
			queue = append(queue, e.Callee.Func)
		}
	}
	routes := r.routeSets(roots)
	for _, fn := range queue {
		ops := r.a.cls.Ops(fn)
		if len(ops) == 0 {
			continue
		}
		v := visits[fn]
		var path []*callgraph.Edge
		for e := v.parent; e != nil; e = visits[e.Caller.Func].parent {
			path = append(path, e)
		}
		slices.Reverse(path)
		for _, op := range ops {
			if op.Analyzer == "servertimeout" || !r.a.cfg.Enabled[op.Analyzer] || !r.scope.reports(op.Analyzer) {
				continue
			}
			at, ok := r.where(fn, op, path)
			if !ok {
				continue
			}
			r.add(&finding{op: op, fn: fn, at: at, root: &roots[v.root], path: path, routes: routes(fn)})
		}
	}
}

// where says where an operation is reported: at itself in the packages being analyzed, else at the last call on
// the path that is in them. Inside dependencies only calls named by rules count.
func (r *reporter) where(fn *ssa.Function, op blocking.Op, path []*callgraph.Edge) (token.Pos, bool) {
	if r.a.isInitial(fn) {
		return op.Pos, op.Pos.IsValid()
	}
	// Inside third-party code only calls that wait on the world outside count (sleeps, network, subprocesses,
	// databases): a library's own channels, WaitGroups, goroutines and context.Background() are its business.
	if !r.a.ownCode(fn) && !(op.Call && outside[op.Analyzer]) {
		return token.NoPos, false
	}
	for i := len(path) - 1; i >= 0; i-- {
		if r.a.isInitial(path[i].Caller.Func) && path[i].Pos().IsValid() {
			return path[i].Pos(), true
		}
	}
	return token.NoPos, false
}

// routeSets returns a function counting the distinct routes that reach a function. A walk per route would cost
// routes × reachable functions (thousands of routes behind one deep middleware path); instead the followed graph is
// condensed into its strongly connected components, whose functions share a route set, and the sets flow along
// the edges in topological order, one bitset union per edge.
func (r *reporter) routeSets(roots []handlers.Root) func(*ssa.Function) int {
	words := (len(roots) + 63) / 64
	// Tarjan's algorithm emits each component after every component it reaches: sccs is in reverse topological order.
	index := map[*ssa.Function]int{}
	low := map[*ssa.Function]int{}
	comp := map[*ssa.Function]int{}
	var stack, members []*ssa.Function
	var sccs [][]*ssa.Function
	onStack := map[*ssa.Function]bool{}
	var connect func(fn *ssa.Function)
	connect = func(fn *ssa.Function) {
		index[fn], low[fn] = len(index), len(index)
		stack = append(stack, fn)
		onStack[fn] = true
		for _, e := range r.out(fn) {
			callee := e.Callee.Func
			if !r.follow(e) {
				continue
			}
			if _, ok := index[callee]; !ok {
				connect(callee)
				low[fn] = min(low[fn], low[callee])
			} else if onStack[callee] {
				low[fn] = min(low[fn], index[callee])
			}
		}
		if low[fn] == index[fn] {
			members = nil
			for {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[top] = false
				comp[top] = len(sccs)
				members = append(members, top)
				if top == fn {
					break
				}
			}
			sccs = append(sccs, members)
		}
	}
	for _, root := range roots {
		if _, ok := index[root.Fn]; !ok {
			connect(root.Fn)
		}
	}
	sets := make([][]uint64, len(sccs))
	for i := range sets {
		sets[i] = make([]uint64, words)
	}
	for i, root := range roots {
		sets[comp[root.Fn]][i/64] |= 1 << (i % 64)
	}
	for c := len(sccs) - 1; c >= 0; c-- {
		for _, fn := range sccs[c] {
			for _, e := range r.out(fn) {
				if d, ok := comp[e.Callee.Func]; ok && d != c && r.follow(e) {
					for w, x := range sets[c] {
						sets[d][w] |= x
					}
				}
			}
		}
	}
	return func(fn *ssa.Function) int {
		c, ok := comp[fn]
		if !ok {
			return 0
		}
		n := 0
		for _, w := range sets[c] {
			n += bits.OnesCount64(w)
		}
		return n
	}
}

// servers reports servers without read timeouts wherever they are made in the analyzed packages.
func (r *reporter) servers(own []*ssa.Function) {
	if !r.a.cfg.Enabled["servertimeout"] {
		return
	}
	for _, fn := range own {
		if !r.a.isInitial(fn) {
			continue
		}
		for _, op := range r.a.cls.Ops(fn) {
			if op.Analyzer == "servertimeout" {
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
	for _, k := range r.order {
		f := r.byKey[k]
		d := r.diagnostic(f)
		pkg := ""
		if p := r.pkgAt(f); p != nil {
			pkg = p.Pkg.Path()
		}
		r.a.res.Findings = append(r.a.res.Findings, report.Finding{Pkg: pkg, Analyzer: f.op.Analyzer, Diag: d})
	}
	report.Sort(r.a.fset, r.a.res.Findings)
}

func (r *reporter) pkgAt(f *finding) *ssa.Package {
	if f.at == f.op.Pos {
		return f.fn.Pkg
	}
	for i := len(f.path) - 1; i >= 0; i-- {
		if f.path[i].Pos() == f.at {
			return f.path[i].Caller.Func.Pkg
		}
	}
	return f.fn.Pkg
}

func (r *reporter) diagnostic(f *finding) analysis.Diagnostic {
	a := r.a
	pos, end := r.span(f.at)
	msg := f.op.Name + " " + f.op.Why
	if f.at != f.op.Pos {
		// Reported at the last call in the user's code: name the operation inside the dependency.
		p := a.fset.Position(f.op.Pos)
		msg = fmt.Sprintf("this call reaches %s in %s (%s:%d), which %s", f.op.Name, f.fn.Pkg.Pkg.Path(), shortFile(p.Filename), p.Line, f.op.Why)
	}
	if f.root != nil {
		if route := f.root.Route(); route != "" {
			msg += fmt.Sprintf("; reached from %s (%s)", route, handlers.Name(f.root.Fn))
		} else {
			msg += "; reached from handler " + handlers.Name(f.root.Fn)
		}
		switch {
		case f.routes == 2:
			msg += " and 1 other route"
		case f.routes > 2:
			msg += fmt.Sprintf(" and %d other routes", f.routes-1)
		}
	}
	msg += "; fix: " + f.op.Fix
	d := analysis.Diagnostic{Pos: pos, End: end, Message: msg}
	if f.root != nil {
		regMsg := "handler " + handlers.Name(f.root.Fn) + " is registered here"
		if route := f.root.Route(); route != "" {
			regMsg = fmt.Sprintf("%s is handled by %s", route, handlers.Name(f.root.Fn))
		}
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: f.root.Pos, Message: regMsg})
		for _, e := range f.path {
			if !e.Pos().IsValid() {
				continue // a synthetic wrapper's call
			}
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: e.Pos(),
				Message: fmt.Sprintf("%s calls %s", handlers.Name(e.Caller.Func), handlers.Name(e.Callee.Func))})
		}
		if f.at != f.op.Pos {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: f.op.Pos, Message: blocking.Here(f.op.Analyzer, f.op.Name)})
		}
	}
	if e := f.op.Edit; e != nil && a.isInitial(e.Fn) && f.at == f.op.Pos {
		if file := a.files[a.fset.File(e.Lparen)]; file != nil {
			if sf := fix.Suggest(a.fset, file, e, fix.ContextExpr(e.Fn, a.cfg.Catalog)); sf != nil {
				d.SuggestedFixes = []analysis.SuggestedFix{*sf}
			}
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
	return extent.Of(r.a.files[r.a.fset.File(pos)], pos)
}
