package modular

import (
	"cmp"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/handlers"
	"github.com/blockcheck/blockcheck/internal/ignore"
	"github.com/blockcheck/blockcheck/internal/policy"
	"github.com/blockcheck/blockcheck/internal/values"
	"github.com/blockcheck/blockcheck/rules"
)

// A found is an operation reached from a function, with the calls from it.
type found struct {
	analyzer string
	key      string // analyzer and position of the operation
	path     []*edge
	length   int // calls to the operation, including those inside other packages
	// For an operation of this package:
	op *blocking.Op
	fn *ssa.Function
	// For an operation reached through a function of another package, the summary's entry:
	remote *Reach
}

// bit returns the mask bit of an analyzer.
func bit(analyzer string) uint16 {
	if i := slices.Index(rules.Analyzers, analyzer); i >= 0 {
		return 1 << i
	}
	return 0
}

func maskOf(d *ignore.Directive) uint16 {
	var m uint16
	for _, a := range rules.Analyzers {
		if d.Covers(a) {
			m |= bit(a)
		}
	}
	return m
}

type state struct {
	fn     *ssa.Function
	mask   uint16              // analyzers silenced by directives on the way
	srcs   []*ignore.Directive // the directives that did it
	parent int
	via    *edge
	depth  int
	// bind, for a function walked under a binding of the route's own (a closure made per registration, and
	// the closures made of what it captured), is what it captured: captured filters its calls.
	bind map[ssa.Value]ssa.Value
}

// reach walks breadth first from start and returns the operations it reaches, each once with its shortest path,
// in a deterministic order. Directives silence analyzers for what is reached inside or through a function whose
// doc comment has one, through a call on a directive's line, and for an operation on a directive's line. A
// function is walked again only with a mask that silences less than every earlier walk of it did. With limit > 0
// the walk stops once no operation it could still meet would be among the limit nearest: a summary keeps no more.
func (e *engine) reach(start *ssa.Function, limit int, bind map[ssa.Value]ssa.Value) []*found {
	states := []state{{fn: start, parent: -1, bind: bind}}
	masks := map[*ssa.Function][]uint16{start: {0}}
	best := map[string]*found{}
	var order []string
	add := func(f *found) {
		if old, ok := best[f.key]; ok && old.length <= f.length {
			return
		} else if !ok {
			order = append(order, f.key)
		}
		best[f.key] = f
	}
	silenced := func(srcs []*ignore.Directive, analyzer string) {
		for _, d := range srcs {
			if d.Covers(analyzer) {
				e.ign.MarkUsed(d)
			}
		}
	}
	depth := -1
	for i := 0; i < len(states); i++ {
		s := states[i]
		if limit > 0 && s.depth != depth {
			// Everything met from here on is at least s.depth calls away.
			depth = s.depth
			if len(order) >= limit && nearest(best, order, limit) < depth {
				break
			}
		}
		mask, srcs := s.mask, s.srcs
		for f := s.fn; f != nil; f = f.Parent() {
			if d := e.ign.FuncDirective(f.Pos()); d != nil && f.Pkg == e.pkg {
				mask |= maskOf(d)
				srcs = append(slices.Clip(srcs), d)
			}
		}
		var path []*edge
		pathTo := func() []*edge {
			if path == nil {
				for j := i; states[j].parent >= 0; j = states[j].parent {
					path = append(path, states[j].via)
				}
				slices.Reverse(path)
				path = slices.Clip(path)
			}
			return path
		}
		for _, op := range e.localOps(s.fn) {
			if op.CtxParam > 0 && (limit == 0 || i > 0) {
				continue // its condition is for callers in other packages, through this function's summary
			}
			if mask&bit(op.Analyzer) != 0 {
				silenced(srcs, op.Analyzer)
				continue
			}
			if e.ign.Line(op.Analyzer, op.Pos) != nil {
				continue
			}
			op := op
			add(&found{analyzer: op.Analyzer, key: op.Analyzer + " " + e.posn(op.Pos).key(), path: pathTo(),
				length: s.depth, op: &op, fn: s.fn})
		}
		edges, binds := e.captured(s.fn, s.bind)
		for _, ed := range edges {
			emask, esrcs := mask, srcs
			for _, d := range e.ign.LineDirectives(ed.pos) {
				emask |= maskOf(d)
				esrcs = append(slices.Clip(esrcs), d)
			}
			if ed.callee != nil {
				if dominated(masks[ed.callee], emask) {
					continue
				}
				masks[ed.callee] = append(masks[ed.callee], emask)
				var b map[ssa.Value]ssa.Value
				if s.depth < values.MaxDepth {
					b = binds[ed.callee]
				}
				states = append(states, state{fn: ed.callee, mask: emask, srcs: esrcs, parent: i, via: ed, depth: s.depth + 1, bind: b})
				continue
			}
			for j := range e.fact(ed.remote).Ops {
				r := &e.fact(ed.remote).Ops[j]
				if r.CtxParam > 0 {
					if r = e.decide(ed, r); r == nil {
						continue
					}
				}
				if emask&bit(r.Analyzer) != 0 {
					silenced(esrcs, r.Analyzer)
					continue
				}
				if r.Dep && e.own {
					// The user's last call towards an operation inside a dependency.
					if policy.Theirs(r.Analyzer, ed.call, ed.remote) {
						continue
					}
					judged := *r
					judged.Dep = false
					r = &judged
				}
				add(&found{analyzer: r.Analyzer, key: r.Analyzer + " " + r.Posn.key(), path: append(pathTo(), ed),
					length: s.depth + 1 + len(r.Path), remote: r})
			}
		}
	}
	out := make([]*found, 0, len(order))
	for _, k := range order {
		out = append(out, best[k])
	}
	return out
}

// decide settles a conditional operation of a summary at the call ed: it is reached, unconditionally, when the
// call passes a context without deadline for its parameter; otherwise decide returns nil.
func (e *engine) decide(ed *edge, r *Reach) *Reach {
	if ed.call == nil {
		return nil
	}
	k := r.CtxParam - 1
	if ed.call.IsInvoke() {
		k-- // the receiver is not among an interface call's arguments
	}
	if k < 0 || k >= len(ed.call.Args) || !e.cls.NoDeadline(ed.call.Args[k]) {
		return nil
	}
	settled := *r
	settled.CtxParam = 0
	return &settled
}

// nearest returns the length of the limit-th nearest operation found.
func nearest(best map[string]*found, order []string, limit int) int {
	lengths := make([]int, 0, len(order))
	for _, k := range order {
		lengths = append(lengths, best[k].length)
	}
	slices.Sort(lengths)
	return lengths[limit-1]
}

// dominated reports whether a walk with mask m is useless: an earlier walk silenced no more than m does.
func dominated(earlier []uint16, m uint16) bool {
	for _, x := range earlier {
		if x&^m == 0 {
			return true
		}
	}
	return false
}

// mayBlock computes which local functions reach any operation, so that summaries are computed only for those.
func (e *engine) mayBlock() map[*ssa.Function]bool {
	if e.blocks != nil {
		return e.blocks
	}
	e.blocks = map[*ssa.Function]bool{}
	var nodes []*ssa.Function
	seen := map[*ssa.Function]bool{}
	queue := slices.Clone(e.funcs)
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		if seen[fn] {
			continue
		}
		seen[fn] = true
		nodes = append(nodes, fn)
		for _, ed := range e.edgesOf(fn) {
			if ed.callee != nil {
				queue = append(queue, ed.callee)
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range nodes {
			if e.blocks[fn] {
				continue
			}
			b := len(e.localOps(fn)) > 0 || len(e.ownWaits(fn)) > 0
			for _, ed := range e.edgesOf(fn) {
				b = b || ed.remote != nil || e.blocks[ed.callee]
			}
			if b {
				e.blocks[fn] = true
				changed = true
			}
		}
	}
	return e.blocks
}

// exportFacts exports the summaries of the package's functions and methods, and marks its single-instance
// guards.
func (e *engine) exportFacts() {
	blocks := e.mayBlock()
	sums := map[*ssa.Function]*Summary{}
	for _, fn := range e.funcs {
		if !blocks[fn] || fn.Parent() != nil || fn.Synthetic != "" {
			continue
		}
		obj, ok := fn.Object().(*types.Func)
		if !ok || obj.Pkg() != e.pass.Pkg {
			continue
		}
		if s := e.summary(fn); s != nil {
			sums[fn] = s
			e.pass.ExportObjectFact(fn.Object(), s)
		}
	}
	e.exportInterfaces(sums)
	for _, fn := range e.funcs {
		if fn.Parent() != nil || fn.Synthetic != "" {
			continue
		}
		if obj, ok := fn.Object().(*types.Func); ok && obj.Pkg() == e.pass.Pkg {
			if flag := blocking.GuardsStart(fn); flag != "" {
				e.pass.ExportObjectFact(obj, &StartGuard{Flag: flag})
			}
		}
	}
	for _, name := range e.pkg.Pkg.Scope().Names() {
		if g, ok := e.pkg.Members[name].(*ssa.Global); ok {
			if r := e.cls.RootVar(g); r != nil {
				e.pass.ExportObjectFact(g.Object(), &RootVar{Func: r.Func})
			}
		}
	}
}

// exportInterfaces exports, for each method of the interfaces this package declares, what a call of it reaches
// through the implementations the package sees (its own, with their summaries in sums, and those of its imports
// known by their facts). The package calling the interface may see none of them: a fact travels only with the
// objects of its package's export data, and an implementation kept behind the interface (a store.Get() that
// returns a *sql.Store as a store.Store) appears in the export data of no package the caller imports.
func (e *engine) exportInterfaces(sums map[*ssa.Function]*Summary) {
	for _, iface := range interfaces(e.pass.Pkg) {
		for i := range iface.NumExplicitMethods() {
			m := iface.ExplicitMethod(i)
			var impls []*Summary
			for _, fn := range e.byName[m.Name()] {
				if s := sums[fn]; s != nil && implements(fn.Signature.Recv().Type(), iface) {
					impls = append(impls, s)
				}
			}
			for _, obj := range e.remoteMethods()[m.Name()] {
				if implements(obj.Signature().Recv().Type(), iface) {
					impls = append(impls, e.fact(obj))
				}
			}
			if s := merge(impls); s != nil {
				e.pass.ExportObjectFact(m, s)
			}
		}
	}
}

// interfaces returns the interfaces pkg declares, but generic ones, in the order of their names.
func interfaces(pkg *types.Package) []*types.Interface {
	var out []*types.Interface
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		if named, ok := tn.Type().(*types.Named); ok && named.TypeParams().Len() == 0 {
			if iface, ok := named.Underlying().(*types.Interface); ok {
				out = append(out, iface)
			}
		}
	}
	return out
}

// merge returns the summary of a call that may go to any of several functions: each operation once, with its
// shortest path, the nearest MaxOps kept, and the first wait.
func merge(sums []*Summary) *Summary {
	if len(sums) == 0 {
		return nil
	}
	if len(sums) == 1 {
		return sums[0]
	}
	out := &Summary{}
	best := map[string]int{}
	for _, s := range sums {
		if out.Wait == nil {
			out.Wait = s.Wait
		}
		for _, r := range s.Ops {
			k := r.Analyzer + " " + r.Posn.key()
			if i, ok := best[k]; ok {
				if len(r.Path) < len(out.Ops[i].Path) {
					out.Ops[i] = r
				}
				continue
			}
			best[k] = len(out.Ops)
			out.Ops = append(out.Ops, r)
		}
	}
	slices.SortStableFunc(out.Ops, func(x, y Reach) int { return cmp.Compare(len(x.Path), len(y.Path)) })
	out.Ops = out.Ops[:min(len(out.Ops), MaxOps)]
	sortOps(out.Ops)
	return out
}

// summary turns what fn reaches into a fact: the nearest MaxOps operations, sorted by analyzer and position, with
// paths of at most MaxPath calls.
func (e *engine) summary(fn *ssa.Function) *Summary {
	fs := e.reach(fn, MaxOps, nil)
	wait := e.waitOf(fn)
	if len(fs) == 0 && wait == nil {
		return nil
	}
	slices.SortStableFunc(fs, func(x, y *found) int { return cmp.Compare(x.length, y.length) })
	fs = fs[:min(len(fs), MaxOps)]
	s := &Summary{Wait: wait}
	for _, f := range fs {
		s.Ops = append(s.Ops, e.toReach(f))
	}
	sortOps(s.Ops)
	return s
}

// sortOps sorts a summary's operations by analyzer and position, so that the same code gives the same bytes.
func sortOps(ops []Reach) {
	slices.SortFunc(ops, func(x, y Reach) int {
		return cmp.Or(cmp.Compare(bit(x.Analyzer), bit(y.Analyzer)), cmp.Compare(x.Posn.File, y.Posn.File),
			cmp.Compare(x.Posn.Line, y.Posn.Line), cmp.Compare(x.Posn.Col, y.Posn.Col))
	})
}

func (e *engine) toReach(f *found) Reach {
	var hops []Hop
	for _, ed := range f.path {
		if ed.pos.IsValid() {
			hops = append(hops, Hop{Caller: handlers.Name(ed.caller), Callee: ed.name, Posn: e.posn(ed.pos)})
		}
	}
	var r Reach
	if f.remote != nil {
		r = *f.remote
		hops = append(hops, f.remote.Path...)
	} else {
		r = Reach{Analyzer: f.op.Analyzer, Name: f.op.Name, Why: f.op.Why, Fix: f.op.Fix, Pkg: e.pass.Pkg.Path(),
			Posn: e.posn(f.op.Pos), CtxParam: f.op.CtxParam, Finite: f.op.Finite, Dep: !e.own}
	}
	if len(hops) > MaxPath {
		hops = hops[:MaxPath]
		r.Truncated = true
	}
	r.Path = hops
	if f.op != nil {
		r.Cause = f.op.Cause
	}
	return r
}
