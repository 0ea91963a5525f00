// Package policy is what both of blockcheck's engines apply, so that they cannot drift apart: which calls a walk
// from a handler enters, which operations count where they are found, where a finding is reported, and how its
// message and related information are worded.
//
// The engines keep only what is theirs: the whole-program engine (internal/whole) loads the program and builds its
// call graph with VTA; the modular engine (internal/modular) summarizes each package's functions and passes the
// summaries to importers as facts. Each walks its own graph, asking this package at every step.
//
// Where a change goes: a new kind of operation, or a change in what a handler may wait on, goes to the rule catalog
// (rules/*.json) and to classification (internal/blocking); a change in what the walks follow, what counts inside
// dependencies or how findings read goes here, and both engines get it; the parity test (internal/parity) then
// says whether they still agree.
package policy

import (
	"fmt"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/handlers"
)

// Policy decides, for one program or package, which calls a walk from a handler enters.
type Policy struct {
	cls    *blocking.Classifier
	find   *handlers.Finder
	served map[*ssa.Function]bool // the registered handlers, once Serve is called
	// middleware holds the registered middleware (roots that serve every route): a handler-typed value it calls
	// is the next handler, whatever the framework made it from (a gRPC interceptor's handler argument).
	middleware map[*ssa.Function]bool
}

// New returns the policy of a classifier (which calls rules name) and a finder (which calls dispatch to the next
// handler).
func New(cls *blocking.Classifier, find *handlers.Finder) *Policy {
	return &Policy{cls: cls, find: find}
}

// Enters reports whether a walk from a handler follows a call into what it calls. It does not follow
//   - a go statement: the go statement is the finding (gospawn), not what the goroutine does;
//   - a call a rule names ((*gorm.DB).First): it is judged at the call, and what the callee does inside is the
//     same root cause;
//   - a call that hands the request to the next handler (next.ServeHTTP(w, r), c.Next()), or that a handler makes
//     for one route only, in a branch guarded by a comparison of the request's path (handlers.Finder.Dispatch):
//     that handler is a root of its own;
//   - a call that initialises a package variable, or a field of a long-lived object, while it is nil
//     (if x == nil { x = load() }): it runs once per process, not per request (blocking.OnceOnly).
//
// Nor does a walk enter a function of the standard library (see Library): its calls are judged at the call site.
//
// A call of a function value of a handler's type is a dispatch only when what it calls is a registered handler:
// run(h.action, w, r) calls h.action, which no route serves, as any other function. callee is the function the
// walk would enter, nil when not known yet (the engine then asks again for each function the value can be).
func (p *Policy) Enters(site ssa.CallInstruction, callee *ssa.Function) bool {
	if _, ok := site.(*ssa.Go); ok {
		return false
	}
	if p.cls.OnceOnlyAt(site) {
		return false // lazy initialisation: once per process
	}
	cc := site.Common()
	if p.cls.Named(cc) {
		return false
	}
	if !p.find.IsDispatch(cc) {
		return true
	}
	if cc.IsInvoke() || cc.StaticCallee() != nil || p.served == nil || p.middleware[site.Parent()] || p.find.IsDispatched(cc) {
		return false
	}
	return callee == nil || !p.served[p.find.Method(callee)]
}

// Serve records the handlers registered, the roots of the walks: a function value of a handler's type that is
// none of them is called, not dispatched to.
func (p *Policy) Serve(roots []handlers.Root) {
	p.served = map[*ssa.Function]bool{}
	p.middleware = map[*ssa.Function]bool{}
	for _, r := range roots {
		p.served[r.Fn] = true
		if r.Server {
			p.middleware[r.Fn] = true
		}
	}
}

// Library reports whether a package's code is judged only at the calls made into it, by rules: the standard
// library's.
func Library(pkg *types.Package) bool {
	return pkg == nil || flow.IsStd(pkg.Path())
}

// Counts reports whether an operation counts where it is found. In the user's own code (own) every kind does.
// Inside third-party code only calls that a rule names and that wait on the world outside the process do
// (network, subprocesses, databases): a library's own channels, WaitGroups, goroutines, context.Background() and
// sleeps (the pacing of its retries and polls) are its business.
func Counts(op blocking.Op, own bool) bool {
	if !op.Pos.IsValid() {
		return false
	}
	return own || op.Call && KindOf(op.Analyzer).Outside
}

// A Call is one call of a path from a handler to an operation, for choosing where a finding is reported.
type Call struct {
	Pos   token.Pos
	Local bool // in the packages the engine reports in
}

// At says where a finding is reported: at the operation when it is in the packages the engine reports in
// (local), else at the last call of the path that is, else at fallback (NoPos: not reported).
func At(op token.Pos, local bool, path []Call, fallback token.Pos) token.Pos {
	if local {
		return op
	}
	for i := len(path) - 1; i >= 0; i-- {
		if path[i].Local && path[i].Pos.IsValid() {
			return path[i].Pos
		}
	}
	return fallback
}

// ReachesPrefix starts the message of a finding reported at a call that leads to the operation elsewhere.
const ReachesPrefix = "this call reaches "

// A Place is where an operation is, when a finding is reported at a call leading to it from another package.
type Place struct {
	Pkg  string
	File string // the base name of the file
	Line int
	Pos  token.Pos // the operation, for the last related location
}

// A Step is one call of the path from the handler, for the related information.
type Step struct {
	Pos            token.Pos
	Caller, Callee string // short names (handlers.Name)
	// Note, when set, says how the call was resolved: the callees of an interface call the call graph left empty.
	Note string
}

// A Finding is what an engine reports, before it is worded.
type Finding struct {
	Analyzer, Name, Why, Fix string
	// Elsewhere is set when the finding is reported at a call that leads to the operation in another package.
	Elsewhere *Place
	// Root is the handler that reaches the operation on the path reported, nil for a kind that is not rooted.
	Root *handlers.Root
	// Routes counts the routes that reach the operation.
	Routes int
	// Path is the calls from the root to the operation.
	Path []Step
	// GoesOn, when set, says the path was cut short before the operation, after the call of this function.
	GoesOn string
	// Truncated says the path was cut short with no call known to go on from.
	Truncated bool
	// Also lists the other calls with the same cause, reported with this one (Gather).
	Also []Also
}

// Message words a finding:
//
//	<op> <why>; reached from <route> (<handler>) and N other routes; fix: <fix>
//	this call reaches <op> in <package> (<file>:<line>), which <why>; reached from ...; fix: <fix>
func (f *Finding) Message() string {
	msg := f.Name + " " + f.Why
	if e := f.Elsewhere; e != nil {
		msg = fmt.Sprintf("%s%s in %s (%s:%d), which %s", ReachesPrefix, f.Name, e.Pkg, e.File, e.Line, f.Why)
	}
	if root := f.Root; root != nil {
		if route := root.Route(); route != "" {
			msg += fmt.Sprintf("; reached from %s (%s)", route, handlers.Name(root.Fn))
		} else {
			msg += "; reached from handler " + handlers.Name(root.Fn)
		}
		switch {
		case f.Routes == 2:
			msg += " and 1 other route"
		case f.Routes > 2:
			msg += fmt.Sprintf(" and %d other routes", f.Routes-1)
		}
	}
	return msg + f.alsoCount() + "; fix: " + f.Fix
}

// Diagnostic words a finding reported at [pos, end). Its related information is the registration, each call of
// the path, and, for a finding reported elsewhere, the operation.
func (f *Finding) Diagnostic(pos, end token.Pos) analysis.Diagnostic {
	d := analysis.Diagnostic{Pos: pos, End: end, Message: f.Message()}
	root := f.Root
	if root == nil {
		d.Related = f.also()
		return d
	}
	reg := "handler " + handlers.Name(root.Fn) + " is registered here"
	if route := root.Route(); route != "" {
		reg = fmt.Sprintf("%s is handled by %s", route, handlers.Name(root.Fn))
	}
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: root.Pos, Message: reg})
	for _, s := range f.Path {
		if s.Pos.IsValid() { // not a synthetic wrapper's call
			msg := s.Caller + " calls " + s.Callee
			if s.Note != "" {
				msg += " (" + s.Note + ")"
			}
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: s.Pos, Message: msg})
		}
	}
	if e := f.Elsewhere; e != nil {
		switch {
		case f.GoesOn != "":
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: e.Pos, Message: "the path goes on from " + f.GoesOn})
		case f.Truncated:
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: e.Pos, Message: "and further calls"})
		}
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: e.Pos, Message: KindOf(f.Analyzer).Here(f.Name)})
	}
	d.Related = append(d.Related, f.also()...)
	return d
}
