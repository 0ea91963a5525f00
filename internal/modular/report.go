package modular

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"slices"

	"github.com/blockcheck/blockcheck/internal/extent"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/fix"
	"github.com/blockcheck/blockcheck/internal/handlers"
	"github.com/blockcheck/blockcheck/internal/policy"
)

// A finding is a diagnostic to be: an operation, the root it is reported for, and where.
type finding struct {
	f      *found
	root   *handlers.Root
	at     token.Pos
	routes int
}

// report reports what the package's handlers reach, and the servers it makes without read timeouts.
func (e *engine) report(res *Result) {
	roots := e.roots
	type best struct {
		f      *found
		root   int
		routes map[int]bool
	}
	byKey := map[string]*best{}
	var keys []string
	for i := range roots {
		for _, f := range e.rootReach(&roots[i]) {
			b := byKey[f.key]
			if b == nil {
				b = &best{f: f, root: i, routes: map[int]bool{}}
				byKey[f.key] = b
				keys = append(keys, f.key)
			} else if f.length < b.f.length {
				b.f, b.root = f, i
			}
			b.routes[i] = true
		}
	}
	var fs []*finding
	for _, k := range keys {
		b := byKey[k]
		at := e.where(b.f, &roots[b.root])
		if !at.IsValid() || e.inTest(at) {
			continue
		}
		fs = append(fs, &finding{f: b.f, root: &roots[b.root], at: at, routes: len(b.routes)})
	}
	// One finding per analyzer and position: the nearest operation.
	slices.SortStableFunc(fs, func(x, y *finding) int {
		return cmp.Or(extent.Compare(e.pass.Fset, x.at, y.at), cmp.Compare(bit(x.f.analyzer), bit(y.f.analyzer)), cmp.Compare(x.f.length, y.f.length),
			cmp.Compare(x.f.key, y.f.key))
	})
	fake := newFakeFiles(e.pass.Fset, e.localFile)
	for _, f := range fs {
		if f.f.remote != nil {
			fake.want(f.f.remote.Posn)
			for _, h := range f.f.remote.Path {
				fake.want(h.Posn)
			}
		}
	}
	fake.create()
	seen := map[string]bool{}
	var out []*finding
	for _, f := range fs {
		k := fmt.Sprint(f.f.analyzer, f.at)
		if seen[k] {
			continue
		}
		seen[k] = true
		if e.ign.Line(f.f.analyzer, f.at) != nil {
			continue
		}
		out = append(out, f)
	}
	also := e.gather(out)
	for _, f := range out {
		if as, ok := also[f]; ok {
			res.Findings[f.f.analyzer] = append(res.Findings[f.f.analyzer], e.diagnostic(f, fake, as))
		}
	}
	e.servers(res)
}

// gather gives each finding reported its other calls of the same cause in this package (policy.Gather); a
// finding reported with another one has no entry.
func (e *engine) gather(fs []*finding) map[*finding][]policy.Also {
	also := map[*finding][]policy.Also{}
	var ms []policy.Member
	var caused []*finding
	for _, f := range fs {
		cause, name := "", ""
		if op := f.f.op; op != nil {
			cause, name = op.Cause, op.Name
		} else if r := f.f.remote; r != nil {
			cause, name = r.Cause, r.Name
		}
		if cause == "" {
			also[f] = nil
			continue
		}
		ms = append(ms, policy.Member{Cause: f.f.analyzer + " " + cause, Name: name, Len: f.f.length, Pos: f.at,
			Posn: e.pass.Fset.Position(f.at), Root: f.root})
		caused = append(caused, f)
	}
	for i, as := range policy.Gather(ms) {
		also[caused[i]] = as
	}
	return also
}

// rootReach returns what a root reaches; a root of another package (a handler declared there and registered
// here) reaches what its summary says.
func (e *engine) rootReach(root *handlers.Root) []*found {
	if root.Fn.Blocks != nil {
		return e.reach(root.Fn, 0, root.Bind)
	}
	obj, ok := root.Fn.Object().(*types.Func)
	if !ok || obj.Pkg() == nil || obj.Pkg() == e.pass.Pkg || e.std.is(obj.Pkg()) || e.fact(obj) == nil {
		return nil
	}
	var out []*found
	for i := range e.fact(obj).Ops {
		r := &e.fact(obj).Ops[i]
		if r.CtxParam > 0 {
			continue // a handler's parameters are no caller's contexts
		}
		out = append(out, &found{analyzer: r.Analyzer, key: r.Analyzer + " " + r.Posn.key(), length: len(r.Path), remote: r})
	}
	return out
}

// captured returns the calls of fn the walk takes, and for a function walked under a binding (a closure made
// per registration, withUser(h.list), with what it captured) only those: a call of a captured function value
// goes only to what this registration's closure captured, when that is known (policy: the same filter as the
// whole-program engine's), also to a local function the unbound edges miss (a closure made by a wrapper held in
// a variable). It also returns the binding of each callee that is such a closure in turn (handle(fn) calling
// the closure withUser(h) made), to be walked under it.
func (e *engine) captured(fn *ssa.Function, bind map[ssa.Value]ssa.Value) ([]*edge, map[*ssa.Function]map[ssa.Value]ssa.Value) {
	edges := e.edgesOf(fn)
	if bind == nil {
		return edges, nil
	}
	allowed := map[token.Pos]map[any]bool{}
	binds := map[*ssa.Function]map[ssa.Value]ssa.Value{}
	var extra []*edge
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			call, ok := instr.(ssa.CallInstruction)
			if !ok {
				continue
			}
			cc := call.Common()
			if cc.IsInvoke() || cc.StaticCallee() != nil {
				continue
			}
			set := map[any]bool{}
			for _, t := range e.idx.TargetsWith(cc.Value, bind) {
				if t.Fn == nil {
					continue
				}
				if t.Bind != nil && t.Fn.Blocks != nil {
					binds[t.Fn] = t.Bind
				}
				target := t.Fn
				if o := target.Origin(); o != nil {
					target = o
				}
				set[target] = true
				if obj, ok := target.Object().(*types.Func); ok {
					set[obj.Origin()] = true
				}
				local := target.Blocks != nil && (target.Pkg == e.pkg || target.Pkg == nil)
				known := slices.ContainsFunc(edges, func(ed *edge) bool { return ed.pos == call.Pos() && ed.callee == target })
				if local && !known && e.pol.Enters(call, target) {
					extra = append(extra, &edge{pos: call.Pos(), call: cc, caller: fn, callee: target, name: handlers.Name(target)})
				}
			}
			if len(set) > 0 {
				allowed[call.Pos()] = set
			}
		}
	}
	var out []*edge
	for _, ed := range append(slices.Clip(edges), extra...) {
		set, ok := allowed[ed.pos]
		switch {
		case !ok:
		case ed.callee != nil && !set[ed.callee], ed.callee == nil && !set[ed.remote]:
			continue
		}
		out = append(out, ed)
	}
	return out, binds
}

// where says where a finding is reported: at the operation when it is in this package, else at the last call on
// the path in this package, else (a handler of another package) at the registration.
func (e *engine) where(f *found, root *handlers.Root) token.Pos {
	if f.op != nil {
		return f.op.Pos
	}
	for i := len(f.path) - 1; i >= 0; i-- {
		if f.path[i].pos.IsValid() {
			return f.path[i].pos
		}
	}
	return root.Pos
}

func (e *engine) diagnostic(f *finding, fake *fakeFiles, also []policy.Also) analysis.Diagnostic {
	pf := &policy.Finding{Analyzer: f.f.analyzer, Root: f.root, Routes: f.routes, Also: also}
	if op := f.f.op; op != nil {
		pf.Name, pf.Why, pf.Fix = op.Name, op.Why, op.Fix
	}
	for _, ed := range f.f.path {
		pf.Path = append(pf.Path, policy.Step{Pos: ed.pos, Caller: handlers.Name(ed.caller), Callee: ed.name, Note: ed.note})
	}
	if r := f.f.remote; r != nil {
		// Reported at the call in this package: name the operation in the other package.
		pf.Name, pf.Why, pf.Fix = r.Name, r.Why, r.Fix
		pf.Elsewhere = &policy.Place{Pkg: r.Pkg, File: shortFile(r.Posn.File), Line: r.Posn.Line, Pos: fake.pos(r.Posn)}
		for _, h := range r.Path {
			pf.Path = append(pf.Path, policy.Step{Pos: fake.pos(h.Posn), Caller: h.Caller, Callee: h.Callee})
		}
		if r.Truncated {
			if n := len(r.Path); n > 0 {
				pf.GoesOn = r.Path[n-1].Callee
			} else {
				pf.Truncated = true
			}
		}
	}
	pos, end := e.span(f.at)
	d := pf.Diagnostic(pos, end)
	if op := f.f.op; op != nil {
		d.SuggestedFixes = e.fixes(op.Edit)
	}
	return d
}

// fixes returns the suggested fix of an edit in this package, where a request context is in scope.
func (e *engine) fixes(ed *blocking.Edit) []analysis.SuggestedFix {
	if ed == nil || ed.Fn == nil || ed.Fn.Pkg != e.pkg {
		return nil
	}
	file := e.files[e.pass.Fset.File(ed.Lparen)]
	if file == nil {
		return nil
	}
	fixes := fix.Suggest(e.pass.Fset, file, ed, fix.ContextExpr(ed.Fn, e.cat))
	// golangci-lint --fix applies every fix of a diagnostic, so alternatives would conflict and none would be
	// applied: the drivers of this engine get the first fix only (the one go vet -fix and go fix apply anyway).
	return fixes[:min(len(fixes), 1)]
}

// servers reports servers without read timeouts wherever the package makes them.
func (e *engine) servers(res *Result) {
	for _, fn := range e.funcs {
		for _, op := range e.cls.Ops(fn) {
			if policy.KindOf(op.Analyzer).Rooted || !op.Pos.IsValid() || e.inTest(op.Pos) || e.funcSilenced(fn, op.Analyzer) {
				continue
			}
			if e.ign.Line(op.Analyzer, op.Pos) != nil {
				continue
			}
			pos, end := e.span(op.Pos)
			d := (&policy.Finding{Analyzer: op.Analyzer, Name: op.Name, Why: op.Why, Fix: op.Fix}).Diagnostic(pos, end)
			d.SuggestedFixes = e.fixes(op.Edit)
			res.Findings[op.Analyzer] = append(res.Findings[op.Analyzer], d)
		}
	}
	for _, k := range policy.Kinds() {
		if !k.Rooted {
			slices.SortStableFunc(res.Findings[k.Name], func(x, y analysis.Diagnostic) int { return extent.Compare(e.pass.Fset, x.Pos, y.Pos) })
		}
	}
}

// funcSilenced reports whether a function-level directive on fn or a function enclosing it covers the analyzer.
func (e *engine) funcSilenced(fn *ssa.Function, analyzer string) bool {
	for f := fn; f != nil; f = f.Parent() {
		if f.Pkg == e.pkg && e.ign.Func(analyzer, f.Pos()) != nil {
			return true
		}
	}
	return false
}

// span turns an SSA position into the extent of its syntax.
func (e *engine) span(pos token.Pos) (token.Pos, token.Pos) {
	return extent.Of(e.files[e.pass.Fset.File(pos)], pos)
}
