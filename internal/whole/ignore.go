package whole

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/handlers"
	"github.com/blockcheck/blockcheck/internal/ignore"
	"github.com/blockcheck/blockcheck/internal/report"
	"github.com/blockcheck/blockcheck/rules"
)

// This file connects //blockcheck:ignore directives (package ignore) to the engine through hooks: reachAll (the
// walk from the roots, once for the analyzers no directive names and once for each one a directive names, so that
// a directive stops the walk for its analyzers only), stopAt (in follow: a call on a directive's line, or into a
// function whose doc comment has one, is not walked for the directive's analyzers), silenced (in add: a finding
// on a directive's line is dropped) and ignoreProblems (malformed and, with Config.UnusedIgnores, unused
// directives become findings of the "blockcheck" analyzer).

// A scope says which analyzers a walk reports: only, or when it is "", those that no directive names.
type scope struct {
	only  string
	named map[string]bool
}

func (s scope) reports(analyzer string) bool {
	if s.only != "" {
		return analyzer == s.only
	}
	return !s.named[analyzer]
}

// loadIgnores reads the directives of every parsed file.
func (a *engine) loadIgnores() {
	a.ign = ignore.New(a.fset)
	for _, f := range a.files {
		a.ign.Add(f)
	}
}

// reachAll walks from the roots once for the analyzers that no directive names, then once for each analyzer that
// one does, stopping at that analyzer's directives.
func (r *reporter) reachAll(roots []handlers.Root) {
	named := map[string]bool{}
	for _, name := range rules.Analyzers {
		named[name] = r.a.cfg.Enabled[name] && r.a.ign.Names(name)
	}
	r.scope = scope{named: named}
	r.reach(roots)
	for _, name := range rules.Analyzers {
		if named[name] {
			r.scope = scope{only: name}
			r.reach(roots)
		}
	}
	r.scope = scope{}
}

// stopAt reports whether the walk must not follow e: a directive on the call's line or on the callee (or a
// function enclosing it) covers the walk's analyzer, or, in the walk for the analyzers no directive names, a
// function-level directive covers every enabled analyzer. A directive that stops the walk before an operation
// it would have reached is used.
func (r *reporter) stopAt(e *callgraph.Edge) bool {
	fn := e.Callee.Func
	var ds []*ignore.Directive
	for f := fn; f != nil; f = f.Parent() {
		if d := r.a.ign.FuncDirective(f.Pos()); d != nil {
			ds = append(ds, d)
		}
	}
	if r.scope.only != "" {
		ds = append(ds, r.a.ign.LineDirectives(e.Pos())...)
	}
	for _, d := range ds {
		covers := false
		if r.scope.only != "" {
			covers = d.Covers(r.scope.only)
		} else {
			covers = true
			for _, name := range rules.Analyzers {
				covers = covers && (!r.a.cfg.Enabled[name] || d.Covers(name))
			}
		}
		if covers {
			if r.reachesOp(fn, d) {
				r.a.ign.MarkUsed(d)
			}
			return true
		}
	}
	return false
}

// reachesOp reports whether a walk from fn, stopping at nothing but the standard library, go statements and
// dispatch, reaches an operation of an enabled analyzer that d covers.
func (r *reporter) reachesOp(fn *ssa.Function, d *ignore.Directive) bool {
	seen := map[*ssa.Function]bool{fn: true}
	stack := []*ssa.Function{fn}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, op := range r.a.cls.Ops(f) {
			if op.Analyzer != "servertimeout" && r.a.cfg.Enabled[op.Analyzer] && d.Covers(op.Analyzer) && (op.Call || r.a.ownCode(f)) {
				return true
			}
		}
		for _, e := range r.out(f) {
			callee := e.Callee.Func
			if seen[callee] || e.Site == nil || callee.Blocks == nil || callee.Pkg == nil || r.a.isStd(callee.Pkg) {
				continue
			}
			if _, ok := e.Site.(*ssa.Go); ok || r.a.find.IsDispatch(e.Site.Common()) {
				continue
			}
			seen[callee] = true
			stack = append(stack, callee)
		}
	}
	return false
}

// silenced reports whether a directive silences a finding: on the line where it is reported or the operation's
// line, or on the function the operation is in or the root (the walk does not enter functions with directives,
// but starts at roots and reports what is in them).
func (r *reporter) silenced(f *finding) bool {
	a, name := r.a, f.op.Analyzer
	hit := a.ign.Line(name, f.at) != nil
	hit = a.ign.Line(name, f.op.Pos) != nil || hit
	for _, fn := range []*ssa.Function{f.fn, r.rootFn(f)} {
		for g := fn; g != nil; g = g.Parent() {
			hit = a.ign.Func(name, g.Pos()) != nil || hit
		}
	}
	return hit
}

func (r *reporter) rootFn(f *finding) *ssa.Function {
	if f.root == nil {
		return nil
	}
	return f.root.Fn
}

// ignoreProblems adds the directive problems of the initial packages' files to the findings.
func (a *engine) ignoreProblems() {
	pkgOf := map[string]string{}
	for _, p := range a.good {
		for _, f := range p.Syntax {
			pkgOf[a.fset.File(f.FileStart).Name()] = p.PkgPath
		}
	}
	probs := a.ign.Problems(a.cfg.UnusedIgnores, func(file string) bool { _, ok := pkgOf[file]; return ok })
	for _, p := range probs {
		file := a.fset.File(p.Pos).Name()
		a.res.Findings = append(a.res.Findings, report.Finding{Pkg: pkgOf[file], Analyzer: "blockcheck",
			Diag: analysis.Diagnostic{Pos: p.Pos, End: p.End, Message: p.Message}})
	}
	if len(probs) > 0 {
		report.Sort(a.fset, a.res.Findings)
	}
}
