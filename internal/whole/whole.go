// Package whole is blockcheck's whole-program engine: it loads the packages named on the command line with all
// their dependencies, builds SSA, finds the handler roots, builds a VTA call graph from them (seeded as govulncheck
// seeds its own: CHA, sliced to what the roots and the program's own code reach, refined by VTA), and reports each
// blocking operation a handler reaches at the operation's own line, with the shortest path from a handler.
package whole

import (
	"cmp"
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"sync"

	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/callgraph/vta"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/handlers"
	"github.com/blockcheck/blockcheck/internal/ignore"
	"github.com/blockcheck/blockcheck/internal/owner"
	"github.com/blockcheck/blockcheck/internal/policy"
	"github.com/blockcheck/blockcheck/internal/report"
	"github.com/blockcheck/blockcheck/rules"
)

// Config says what to analyze.
type Config struct {
	Dir      string   // where to run the build system; "" is the current directory
	Patterns []string // package patterns; none means ./...
	Tests    bool     // include test files
	Env      []string // environment for the build system; nil means os.Environ
	Catalog  *rules.Catalog
	// Enabled says which analyzers report; a missing name is disabled.
	Enabled map[string]bool
	// UnusedIgnores reports //blockcheck:ignore directives that silence nothing.
	UnusedIgnores bool
	// Overlay maps absolute file names to contents that replace what is on disk (an editor's unsaved buffers),
	// as packages.Config.Overlay.
	Overlay map[string][]byte
	// Progress, when set, is called as each stage of the run starts (progress.go).
	Progress func(Stage)
}

// Result is the outcome of a run.
type Result struct {
	Fset     *token.FileSet
	Findings []report.Finding // sorted by position, then analyzer
	// Errors are the packages that failed to load or type-check, as the build system printed them; those packages
	// and the packages that import them are not analyzed.
	Errors []packages.Error
	// ErrorPkgs gives the errors per package that failed.
	ErrorPkgs []PkgError
	// Skipped lists the packages named that were not analyzed because a dependency failed.
	Skipped []string
	// Files are the Go files of the packages analyzed.
	Files []string

	// Packages are the import paths of the packages analyzed.
	Packages []string
	// Routes is the route inventory: every route found, worst first, then the registrations that could not be
	// resolved (routes.go).
	Routes []Route
	// Stages holds each stage's time and memory (progress.go).
	Stages []Stage
}

// A PkgError holds the errors of a package that failed to load.
type PkgError struct {
	Pkg  string
	Msgs []string
}

// Run analyzes the packages. It stops early, returning ctx's error, when ctx is cancelled: between its stages
// (listing, loading, building SSA, finding handlers, building the call graph, walking) and within the load and
// the walk.
func Run(ctx context.Context, cfg *Config) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st := newStages(cfg)
	st.start("listing packages", 0)
	b, err := planBodies(ctx, cfg, patterns(cfg))
	if err != nil {
		return nil, err
	}
	return run(ctx, cfg, b, st, nil)
}

func patterns(cfg *Config) []string {
	if len(cfg.Patterns) == 0 {
		return []string{"./..."}
	}
	return cfg.Patterns
}

// run analyzes the packages with a plan of bodies already made. A Session keeps one across runs, and the packages
// checked from source in c (nil: keep nothing).
func run(ctx context.Context, cfg *Config, b *bodies, st *stages, c *checkCache) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	st.start("loading packages", b.listed)
	var kept *progCache // nil: a program of the run's own
	if c != nil && !cfg.Tests {
		kept = &c.progs
		fset = c.fset
	}
	res := &Result{Fset: fset}
	a := &engine{
		ctx: ctx, cfg: cfg, res: res, fset: fset, bodies: b, stages: st,
		initial: map[*types.Package]bool{},
		own:     map[string]bool{},
		files:   map[*token.File]*ast.File{},
		sorted:  map[*ssa.Function][]*callgraph.Edge{},
		names:   map[*ssa.Function]string{},
		release: c == nil, // a Session checks them again only when their inputs change
		kept:    kept,
	}
	var pkgs []*packages.Package
	var err error
	if kept != nil {
		pkgs, err = b.checkWith(ctx, cfg, fset, c, nil)
	} else {
		// Each package is built as soon as it is checked, and its type information and syntax dropped: only
		// when they are not kept for another run (a Session's kept program has packages created in it by
		// earlier runs, and a cancelled run would leave in it packages no run counts).
		var ready func(*packages.Package)
		if a.release {
			ready = a.ready
		}
		pkgs, err = b.load(ctx, cfg, fset, patterns(cfg), ready)
	}
	if err := cmp.Or(ctx.Err(), err); err != nil {
		return nil, fmt.Errorf("loading packages: %w", err)
	}
	defer st.finish(res)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a.load(pkgs)
	if len(a.good) == 0 {
		return res, nil
	}
	if err := a.analyze(); err != nil {
		return nil, err
	}
	return res, nil
}

type engine struct {
	ctx     context.Context // cancels the run
	cfg     *Config
	bodies  *bodies
	res     *Result
	fset    *token.FileSet
	prog    *ssa.Program
	good    []*packages.Package // initial packages that loaded cleanly
	roots   []handlers.Root
	stages  *stages
	initial map[*types.Package]bool
	own     map[string]bool // module paths of the initial packages: their code is analyzed in full
	files   map[*token.File]*ast.File
	// reparsed holds the initial packages' files parsed again for their bodies, once cutOwnBodies cut them
	// (syntax.go; nil: not cut).
	reparsed map[*token.File]*ast.File
	// release drops the packages' type-checker maps and the dependencies' syntax once SSA is built: false when a
	// caller keeps the packages for another run.
	release bool
	// kept holds the SSA program (program.go), a session's kept across runs: the run creates in it only the
	// packages that are not there yet, and live holds the packages the run uses, the others being stale.
	kept *progCache
	live map[*ssa.Package]bool
	// created and broken hold the packages created in the program (or found there) and those not built, as their
	// loading or an import's failed.
	created, broken map[*packages.Package]bool

	idx   *flow.Index
	cls   *blocking.Classifier
	find  *handlers.Finder
	pol   *policy.Policy
	graph *callgraph.Graph
	// sorted memoizes each function's outgoing edges in a deterministic order: every walk reads them.
	sorted map[*ssa.Function][]*callgraph.Edge
	// sortedIn memoizes each function's incoming edges in the order the backward walks take them (routes.go;
	// made on first use).
	sortedIn map[*ssa.Function][]*callgraph.Edge
	names    map[*ssa.Function]string // see name
	ign      *ignore.Set
	// assumed holds the interface calls VTA resolved to nothing, given the user's implementations (assume.go).
	assumed map[ssa.CallInstruction]assumption
	// withMethod lists the user's types by the methods they have, for assume (assume.go).
	withMethod map[string][]*types.Named
	// callBacks holds the edges from a call of the standard library to the user's method it calls back, with the
	// function called (calledback.go).
	callBacks map[callBack]string
}

// load builds SSA for every package that loaded cleanly and whose dependencies did, unless the loader handed it to
// ready already.
func (a *engine) load(pkgs []*packages.Package) {
	var order []*packages.Package
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		order = append(order, p)
		if errs := a.errors(p); len(errs) > 0 {
			a.res.Errors = append(a.res.Errors, errs...)
			pe := PkgError{Pkg: p.PkgPath}
			for _, e := range errs {
				pe.Msgs = append(pe.Msgs, e.Error())
			}
			a.res.ErrorPkgs = append(a.res.ErrorPkgs, pe)
		}
	})
	a.stages.start("building SSA", len(order))
	a.begin()
	var built []pkgPair
	for _, p := range order {
		if b, ok := a.create(p); ok { // create decides, for ready's packages too, which are broken
			built = append(built, b)
		}
	}
	for _, p := range pkgs {
		if a.broken[p] {
			if len(p.Errors) == 0 {
				a.res.Skipped = append(a.res.Skipped, p.PkgPath)
			}
			continue
		}
		a.good = append(a.good, p)
		a.res.Packages = append(a.res.Packages, p.PkgPath)
		a.res.Files = append(a.res.Files, p.GoFiles...)
		for _, f := range p.Syntax {
			a.files[a.fset.File(f.FileStart)] = f
		}
		a.initial[p.Types] = true
		if p.Module != nil {
			a.own[p.Module.Path] = true
		}
	}
	// Build what ready did not (a Session's runs, runs with tests) in dependency order, by a few workers. What SSA
	// keeps of a package once built is trimmed (trim.go); the type information of a package with generic functions
	// only once every package is built, as another worker may be building an instance from it.
	next := make(chan pkgPair)
	var wg sync.WaitGroup
	var mu sync.Mutex
	later := map[*types.Info][]span{}
	for range max(1, runtimeProcs()) {
		wg.Go(func() {
			for b := range next {
				b.sp.Build()
				if info, generic := a.trim(b); info != nil {
					mu.Lock()
					later[info] = generic
					mu.Unlock()
				}
				a.releasePkg(b.p)
			}
		})
	}
	for _, b := range built {
		next <- b
	}
	close(next)
	wg.Wait()
	for info, generic := range later {
		trimInfo(info, generic)
	}
	a.kept.ran(a.live)
	for _, p := range order {
		a.releasePkg(p)
	}
}

// A pkgPair is a package created in the SSA program, to be built.
type pkgPair struct {
	p    *packages.Package
	sp   *ssa.Package
	info *types.Info // as SSA holds it
}

// begin sets up the program the run's packages are created in, once.
func (a *engine) begin() {
	if a.prog != nil {
		return
	}
	if a.kept == nil {
		a.kept = &progCache{}
	}
	a.prog = a.kept.program(a.fset)
	a.live = map[*ssa.Package]bool{}
	a.created = map[*packages.Package]bool{}
	a.broken = map[*packages.Package]bool{}
}

// errors returns the errors that keep p from being built.
func (a *engine) errors(p *packages.Package) []packages.Error {
	errs := p.Errors
	if a.bodies.external(p) {
		// Type errors in packages parsed for their declarations only come from the missing bodies.
		errs = slices.DeleteFunc(slices.Clone(errs), func(e packages.Error) bool { return e.Kind == packages.TypeError })
	}
	return errs
}

// create creates p's SSA package, once, unless p or a package it imports is broken (its imports come first), and
// returns it when it is to be built from syntax.
func (a *engine) create(p *packages.Package) (pkgPair, bool) {
	if a.created[p] {
		return pkgPair{}, false
	}
	a.created[p] = true
	if len(a.errors(p)) > 0 || p.Types == nil {
		a.broken[p] = true
	}
	for _, imp := range p.Imports {
		if a.broken[imp] {
			a.broken[p] = true
		}
	}
	if a.broken[p] {
		return pkgPair{}, false
	}
	if sp := a.prog.Package(p.Types); sp != nil { // kept from an earlier run: its inputs did not change
		a.live[sp] = true
		return pkgPair{}, false
	}
	files := p.Syntax
	if a.bodies.external(p) {
		files = nil // declarations only: its functions are external
	}
	info := p.TypesInfo
	if files != nil && !a.bodies.own[pkgDir(p)] {
		info = withoutTables(info) // tables.go
	}
	sp := a.prog.CreatePackage(p.Types, files, info, true)
	a.live[sp] = true
	if info != nil { // as ssa sees it: built from syntax, even with no bodies
		a.kept.source[sp] = true
	}
	if files != nil {
		return pkgPair{p, sp, info}, true
	}
	if info != nil && a.release {
		trimInfo(info, nil) // never built: SSA reads none of it, but the package holds it (trim.go)
	}
	return pkgPair{}, false
}

// ready is the loader's hand-over of a package as soon as it is checked, in dependency order, from one goroutine:
// it is created and built, and what the rest of the run does not read is dropped at once, so that the type
// information and syntax of only the packages between checking and building are alive, not all of them at once.
// Creating a package is never concurrent with building another (ssa.Program.CreatePackage writes a map Build
// reads), nor trimming with the build of an instance.
func (a *engine) ready(p *packages.Package) {
	if a.ctx.Err() != nil {
		return // the run ends with the loader's error
	}
	a.begin()
	if b, ok := a.create(p); ok {
		b.sp.Build()
		if info, generic := a.trim(b); info != nil {
			trimInfo(info, generic)
		}
	}
	a.releasePkg(p)
}

// trim drops what SSA keeps of a built package and the rest of the run does not read (trim.go): the bodies of a
// dependency's functions other than generic ones, and the type information outside the generic declarations. When
// the package has generic declarations, trim leaves the type information to its caller and returns it with them.
func (a *engine) trim(b pkgPair) (*types.Info, []span) {
	if !a.release {
		return nil, nil
	}
	generic := generics(b.info, b.p.Syntax)
	if !a.keepsSyntax(b.p) && !a.bodies.own[pkgDir(b.p)] {
		cutBuilt(b.p.Syntax, func(d *ast.FuncDecl) bool { return inside(generic, d) })
	}
	if len(generic) > 0 {
		return b.info, generic
	}
	trimInfo(b.info, nil)
	return nil, nil
}

// keepsSyntax reports whether p's syntax is read after SSA is built: the initial packages' files, for their
// directives.
func (a *engine) keepsSyntax(p *packages.Package) bool {
	return a.initial[p.Types] || a.bodies.initial[p.PkgPath]
}

// releasePkg drops p's type-checker maps and, unless it is an initial package, its syntax: SSA holds what the rest
// of the run needs, and these would otherwise stay alive to the end of the run, reachable from the initial
// packages' imports. Not when a caller keeps the packages for another run.
func (a *engine) releasePkg(p *packages.Package) {
	if a.release {
		p.TypesInfo = nil
		if !a.keepsSyntax(p) {
			p.Syntax = nil
		}
	}
}

// ownCode reports whether fn belongs to the user's own modules, where every kind of operation is reported.
func (a *engine) ownCode(fn *ssa.Function) bool {
	pkg := owner.Package(fn)
	if pkg == nil {
		return false
	}
	if a.initial[pkg.Pkg] {
		return true
	}
	for m := range a.own {
		p := pkg.Pkg.Path()
		if p == m || strings.HasPrefix(p, m+"/") {
			return true
		}
	}
	return false
}

// walks reports whether the walks enter fn: it has a body, outside the standard library.
func (a *engine) walks(fn *ssa.Function) bool {
	// Instances of generic functions and method wrappers have no Pkg: judge them by the package declaring them.
	pkg := owner.Package(fn)
	return fn.Blocks != nil && pkg != nil && !a.isStd(pkg)
}

// isStd reports whether go list placed the package in the standard library (never decided by the shape of its
// path: a module named "httpbin-instrumentation" is the user's code).
func (a *engine) isStd(p *ssa.Package) bool {
	return a.bodies.std[p.Pkg.Path()]
}

func (a *engine) isInitial(fn *ssa.Function) bool {
	pkg := owner.Package(fn)
	return pkg != nil && a.initial[pkg.Pkg]
}

// functions returns the functions with bodies in the given SSA packages, including closures and the methods
// of their types, in a deterministic order. of gives a package's (pkgFunctions, or a memo of it).
func functions(prog *ssa.Program, keep func(*ssa.Package) bool, of func(*ssa.Package) []*ssa.Function) []*ssa.Function {
	var out []*ssa.Function
	pkgs := prog.AllPackages()
	slices.SortFunc(pkgs, func(x, y *ssa.Package) int { return cmp.Compare(x.Pkg.Path(), y.Pkg.Path()) })
	for _, p := range pkgs {
		if keep(p) {
			out = append(out, of(p)...)
		}
	}
	return out
}

// pkgFunctions returns the functions with bodies of a built package, as functions lists them: its members in
// the order of their names, each followed by its closures, and the methods it declares on its types. The list
// depends on the package alone: a package kept across runs keeps it (progCache.functions).
func pkgFunctions(prog *ssa.Program, p *ssa.Package) []*ssa.Function {
	var out []*ssa.Function
	var add func(fn *ssa.Function)
	add = func(fn *ssa.Function) {
		if fn.Blocks == nil {
			return
		}
		out = append(out, fn)
		for _, anon := range fn.AnonFuncs {
			add(anon)
		}
	}
	var names []string
	for name := range p.Members {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch m := p.Members[name].(type) {
		case *ssa.Function:
			add(m)
		case *ssa.Type:
			for _, fn := range declaredMethods(prog, p, m.Type()) {
				add(fn)
			}
		}
	}
	// A type's methods appear again under each alias of it declared in the package.
	seen := map[*ssa.Function]bool{}
	return slices.DeleteFunc(out, func(fn *ssa.Function) bool {
		if seen[fn] {
			return true
		}
		seen[fn] = true
		return false
	})
}

// declaredMethods returns the methods declared in p with the named type t (a package member, or an alias of
// one, or of a pointer to one), in the order the method sets of t and *t list them: those of the value (by Id),
// then those of the pointer. They are the functions of p that prog.MethodValue gives for the methods of t and
// *t, found without asking it for the others: it would make a wrapper for each promoted method and each value
// method of the pointer, which allFunctions makes only for the exported types and the runtime types.
func declaredMethods(prog *ssa.Program, p *ssa.Package, t types.Type) []*ssa.Function {
	t = types.Unalias(t)
	ptrOnly := false // t is *T: the value methods of its method set are wrappers
	if ptr, ok := t.(*types.Pointer); ok {
		t, ptrOnly = types.Unalias(ptr.Elem()), true
	}
	named, ok := t.(*types.Named)
	if !ok || types.IsInterface(named) || named.TypeParams() != nil {
		return nil // no method set of functions (an interface), or those of its instances only (generic)
	}
	var vals, ptrs []*ssa.Function
	for i := range named.NumMethods() {
		fn := prog.FuncValue(named.Method(i))
		if fn == nil || fn.Pkg != p || fn.Synthetic != "" {
			continue
		}
		if _, ptr := types.Unalias(fn.Signature.Recv().Type()).(*types.Pointer); ptr {
			ptrs = append(ptrs, fn)
		} else {
			vals = append(vals, fn)
		}
	}
	byID := func(x, y *ssa.Function) int { return strings.Compare(x.Object().Id(), y.Object().Id()) }
	slices.SortFunc(ptrs, byID)
	if ptrOnly {
		return ptrs
	}
	slices.SortFunc(vals, byID)
	return append(vals, ptrs...)
}

func (a *engine) analyze() error {
	if err := a.ctx.Err(); err != nil {
		return err
	}
	nonStd := functions(a.prog, func(p *ssa.Package) bool { return !a.isStd(p) && a.live[p] }, a.kept.functions)
	var own []*ssa.Function
	for _, fn := range nonStd {
		if a.ownCode(fn) {
			own = append(own, fn)
		}
	}
	opts := handlers.IndexOptions(a.cfg.Catalog)
	opts.Std = func(p *types.Package) bool { return a.bodies.std[p.Path()] }
	a.idx = flow.NewIndex(a.fset, nonStd, opts)
	a.find = handlers.NewFinder(a.prog, a.idx, a.cfg.Catalog, own)
	a.cls = blocking.NewClassifier(a.cfg.Catalog, a.idx, blocking.Options{Reach: newWaits(a)})
	a.pol = policy.New(a.cls, a.find)
	a.loadIgnores()
	a.stages.start("finding handlers", len(own))
	roots := a.find.Find()
	a.pol.Serve(roots)
	if err := a.ctx.Err(); err != nil {
		return err
	}
	a.cutOwnBodies() // syntax.go
	a.stages.start("call graph", len(roots))
	a.graph = a.callGraph(roots, own)
	if err := a.ctx.Err(); err != nil {
		return err
	}
	// The routes a handler dispatches to itself by comparing the request's path are roots too.
	roots = a.find.Dispatch(roots, a.callees)
	a.roots = roots
	a.pol.Serve(roots)
	a.stages.start("reachability", len(roots))
	r := &reporter{a: a, byKey: map[findingKey]*finding{}}
	if err := r.reachAll(roots); err != nil {
		return err
	}
	r.servers(own)
	a.stages.start("reporting", len(r.order))
	r.emit()
	a.ignoreProblems()
	a.inventory(roots) // routes.go
	return nil
}

// callees returns the functions the calls of fn that a walk follows go to.
func (a *engine) callees(fn *ssa.Function) []*ssa.Function {
	var out []*ssa.Function
	for _, e := range a.out(fn) {
		if e.Site != nil && a.walks(e.Callee.Func) && a.pol.Enters(e.Site, e.Callee.Func) {
			out = append(out, e.Callee.Func)
		}
	}
	return out
}

// callGraph builds the VTA call graph over what the roots and the user's own code reach. The user's code is
// included so that the values it creates (in main, in constructors) flow into the handlers' interfaces.
func (a *engine) callGraph(roots []handlers.Root, own []*ssa.Function) *callgraph.Graph {
	seeds := slices.Clone(own)
	for _, r := range roots {
		seeds = append(seeds, r.Fn)
	}
	all := a.kept.allFunctions(a.prog, a.live) // program.go
	if a.release {
		// No later stage of a standalone run reads the program's memos (the functions of each package, what
		// each refers to): VTA gets their memory.
		a.kept = nil
	}
	slice := chaSlice(a.prog, seeds, all) // slice.go
	g := vta.CallGraph(slice, nil)
	a.assumed = a.assume(g, slice)       // assume.go
	a.callBacks = a.calledBack(g, slice) // calledback.go
	return g
}
