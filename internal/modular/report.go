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
	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/handlers"
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
	roots := e.find.Find(e.funcs)
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
	for _, f := range fs {
		k := fmt.Sprint(f.f.analyzer, f.at)
		if seen[k] {
			continue
		}
		seen[k] = true
		if e.ign.Line(f.f.analyzer, f.at) != nil {
			continue
		}
		res.Findings[f.f.analyzer] = append(res.Findings[f.f.analyzer], e.diagnostic(f, fake))
	}
	e.servers(res)
}

// rootReach returns what a root reaches; a root of another package (a handler declared there and registered
// here) reaches what its summary says.
func (e *engine) rootReach(root *handlers.Root) []*found {
	if root.Fn.Blocks != nil {
		return e.reach(root.Fn, 0)
	}
	obj, ok := root.Fn.Object().(*types.Func)
	if !ok || obj.Pkg() == nil || obj.Pkg() == e.pass.Pkg || flow.IsStd(obj.Pkg().Path()) || e.fact(obj) == nil {
		return nil
	}
	var out []*found
	for i := range e.fact(obj).Ops {
		r := &e.fact(obj).Ops[i]
		out = append(out, &found{analyzer: r.Analyzer, key: r.Analyzer + " " + r.Posn.key(), length: len(r.Path), remote: r})
	}
	return out
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

func (e *engine) diagnostic(f *finding, fake *fakeFiles) analysis.Diagnostic {
	var name, why, fixText string
	if op := f.f.op; op != nil {
		name, why, fixText = op.Name, op.Why, op.Fix
	} else {
		name, why, fixText = f.f.remote.Name, f.f.remote.Why, f.f.remote.Fix
	}
	msg := name + " " + why
	if r := f.f.remote; r != nil {
		// Reported at the call in this package: name the operation in the other package.
		msg = fmt.Sprintf("this call reaches %s in %s (%s:%d), which %s", r.Name, r.Pkg, shortFile(r.Posn.File), r.Posn.Line, r.Why)
	}
	root := f.root
	if route := root.Route(); route != "" {
		msg += fmt.Sprintf("; reached from %s (%s)", route, handlers.Name(root.Fn))
	} else {
		msg += "; reached from handler " + handlers.Name(root.Fn)
	}
	switch {
	case f.routes == 2:
		msg += " and 1 other route"
	case f.routes > 2:
		msg += fmt.Sprintf(" and %d other routes", f.routes-1)
	}
	msg += "; fix: " + fixText
	pos, end := e.span(f.at)
	d := analysis.Diagnostic{Pos: pos, End: end, Message: msg}
	regMsg := "handler " + handlers.Name(root.Fn) + " is registered here"
	if route := root.Route(); route != "" {
		regMsg = fmt.Sprintf("%s is handled by %s", route, handlers.Name(root.Fn))
	}
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: root.Pos, Message: regMsg})
	for _, ed := range f.f.path {
		if ed.pos.IsValid() {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: ed.pos,
				Message: fmt.Sprintf("%s calls %s", handlers.Name(ed.caller), ed.name)})
		}
	}
	if r := f.f.remote; r != nil {
		for _, h := range r.Path {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: fake.pos(h.Posn), Message: fmt.Sprintf("%s calls %s", h.Caller, h.Callee)})
		}
		if r.Truncated {
			msg := "and further calls"
			if n := len(r.Path); n > 0 {
				msg = "the path goes on from " + r.Path[n-1].Callee
			}
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: fake.pos(r.Posn), Message: msg})
		}
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: fake.pos(r.Posn), Message: blocking.Here(f.f.analyzer, r.Name)})
	}
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
	if sf := fix.Suggest(e.pass.Fset, file, ed, fix.ContextExpr(ed.Fn, e.cat)); sf != nil {
		return []analysis.SuggestedFix{*sf}
	}
	return nil
}

// servers reports servers without read timeouts wherever the package makes them.
func (e *engine) servers(res *Result) {
	for _, fn := range e.funcs {
		for _, op := range e.cls.Ops(fn) {
			if op.Analyzer != "servertimeout" || !op.Pos.IsValid() || e.inTest(op.Pos) || e.funcSilenced(fn, op.Analyzer) {
				continue
			}
			if e.ign.Line(op.Analyzer, op.Pos) != nil {
				continue
			}
			pos, end := e.span(op.Pos)
			d := analysis.Diagnostic{Pos: pos, End: end, Message: op.Name + " " + op.Why + "; fix: " + op.Fix, SuggestedFixes: e.fixes(op.Edit)}
			res.Findings[op.Analyzer] = append(res.Findings[op.Analyzer], d)
		}
	}
	slices.SortStableFunc(res.Findings["servertimeout"], func(x, y analysis.Diagnostic) int { return extent.Compare(e.pass.Fset, x.Pos, y.Pos) })
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
