package modular

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/handlers"
	"github.com/blockcheck/blockcheck/internal/ignore"
	"github.com/blockcheck/blockcheck/internal/policy"
	"github.com/blockcheck/blockcheck/internal/values"
	"github.com/blockcheck/blockcheck/rules"
)

// engine analyzes one package.
type engine struct {
	cfg  *Config
	pass *analysis.Pass
	cat  *rules.Catalog
	ign  *ignore.Set
	std  *stdLib
	// own is true for the user's own code (the main module and other modules without a version), where every kind
	// of operation counts; in versioned dependencies only calls named by rules do.
	own   bool
	files map[*token.File]*ast.File

	prog  *ssa.Program
	pkg   *ssa.Package
	funcs []*ssa.Function // the package's functions with bodies, outside test files unless cfg.Tests
	idx   *flow.Index
	cls   *blocking.Classifier
	find  *handlers.Finder
	pol   *policy.Policy
	roots []handlers.Root // the handlers this package registers

	edges   map[*ssa.Function][]*edge
	ops     map[*ssa.Function][]blocking.Op
	facts   map[*types.Func]*Summary
	methods map[string][]*types.Func // methods of other packages with summaries, by name
	byName  map[string][]*ssa.Function
	blocks  map[*ssa.Function]bool
	waits   *waits // what calls wait on, for lockio
	locals  *locals
}

func run(cfg *Config, pass *analysis.Pass) (any, error) {
	res := &Result{Findings: map[string][]analysis.Diagnostic{}}
	var module string
	if pass.Module != nil {
		module = pass.Module.Path
	}
	std := newStdLib(pass.Pkg, module)
	if std.self() {
		return res, nil // the standard library is judged by rules at its call sites
	}
	cat, err := cfg.catalog()
	if err != nil {
		res.Err = err
		return res, nil
	}
	e := &engine{
		cfg: cfg, pass: pass, cat: cat, std: std,
		ign:   ignore.New(pass.Fset),
		own:   pass.Module == nil || pass.Module.Main || pass.Module.Version == "",
		files: map[*token.File]*ast.File{},
		facts: map[*types.Func]*Summary{},
	}
	for _, f := range pass.Files {
		e.files[pass.Fset.File(f.FileStart)] = f
		e.ign.Add(f)
	}
	if e.needSSA() {
		res.SSA = true
		e.build()
		e.exportFacts()
		e.report(res)
	}
	if cfg.NoRelated {
		for _, ds := range res.Findings {
			for i := range ds {
				ds[i].Related = nil
			}
		}
	}
	for _, p := range e.ign.Problems(cfg.UnusedIgnores, func(file string) bool { return cfg.Tests || !isTestFile(file) }) {
		pass.Report(analysis.Diagnostic{Pos: p.Pos, End: p.End, Message: p.Message})
	}
	return res, nil
}

func isTestFile(name string) bool { return strings.HasSuffix(name, "_test.go") }

func (e *engine) inTest(pos token.Pos) bool {
	return !e.cfg.Tests && pos.IsValid() && isTestFile(e.pass.Fset.File(pos).Name())
}

// needSSA decides, without building SSA, whether the package can reach a blocking operation, register a
// handler or declare an interface whose implementations do: it uses a function named by a rule, a function of
// another package with a summary, or an interface
// method that such a function implements, or (in the user's code) it has a channel operation or go statement.
// Most packages of a dependency graph do none of these, and cost no more than type checking.
func (e *engine) needSSA() bool {
	if e.own && e.hasLangOps() {
		return true
	}
	named := map[string]bool{}
	fields := map[[2]string]bool{}
	for _, r := range e.cat.Blocking {
		named[r.Func] = true
	}
	for _, r := range e.cat.Registrations {
		named[r.Func] = true
		if r.Field != "" {
			// "net/http.Server.Handler": the package and the field.
			dot := strings.LastIndexByte(r.Field, '.')
			typ := r.Field[:dot]
			fields[[2]string{typ[:max(strings.LastIndexByte(typ, '.'), 0)], r.Field[dot+1:]}] = true
		}
	}
	for _, r := range e.cat.Passes {
		named[r.Func] = true
	}
	methods := e.remoteMethods()
	if e.declaresImplemented(methods) {
		return true
	}
	for _, obj := range e.pass.TypesInfo.Uses {
		switch obj := obj.(type) {
		case *types.Func:
			obj = obj.Origin()
			if named[obj.FullName()] {
				return true
			}
			if obj.Pkg() == nil || obj.Pkg() == e.pass.Pkg || e.std.is(obj.Pkg()) {
				continue
			}
			if e.fact(obj) != nil {
				return true
			}
			if recv := obj.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) && len(methods[obj.Name()]) > 0 {
				return true
			}
		case *types.Var:
			if obj.IsField() && obj.Pkg() != nil && fields[[2]string{obj.Pkg().Path(), obj.Name()}] {
				return true
			}
			if !obj.IsField() && obj.Pkg() != nil && obj.Pkg() != e.pass.Pkg && e.rootVar(obj) != "" {
				return true
			}
		}
	}
	return false
}

// declaresImplemented reports whether the package declares an interface with a method of the name of a method of
// another package that has a summary: the interface's facts (exportInterfaces) may be all that its callers see.
func (e *engine) declaresImplemented(methods map[string][]*types.Func) bool {
	for _, iface := range interfaces(e.pass.Pkg) {
		for i := range iface.NumExplicitMethods() {
			if len(methods[iface.ExplicitMethod(i).Name()]) > 0 {
				return true
			}
		}
	}
	return false
}

func (e *engine) hasLangOps() bool {
	found := false
	for _, f := range e.pass.Files {
		if found || e.inTest(f.FileStart) {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt, *ast.SendStmt, *ast.SelectStmt:
				found = true
			case *ast.UnaryExpr:
				found = found || n.Op == token.ARROW
			case *ast.RangeStmt:
				if tv, ok := e.pass.TypesInfo.Types[n.X]; ok {
					_, isChan := tv.Type.Underlying().(*types.Chan)
					found = found || isChan
				}
			}
			return !found
		})
	}
	return found
}

// build builds SSA for the package, with its dependencies created from their types only.
func (e *engine) build() {
	e.prog = ssa.NewProgram(e.pass.Fset, ssa.BuilderMode(0))
	created := map[*types.Package]bool{}
	var create func(p *types.Package)
	create = func(p *types.Package) {
		if created[p] {
			return
		}
		created[p] = true
		for _, q := range p.Imports() {
			create(q)
		}
		e.prog.CreatePackage(p, nil, nil, true)
	}
	for _, p := range e.pass.Pkg.Imports() {
		create(p)
	}
	e.pkg = e.prog.CreatePackage(e.pass.Pkg, e.pass.Files, e.pass.TypesInfo, false)
	e.pkg.Build()

	var add func(fn *ssa.Function)
	add = func(fn *ssa.Function) {
		if fn == nil || fn.Blocks == nil || e.inTest(fn.Pos()) {
			return
		}
		e.funcs = append(e.funcs, fn)
		for _, anon := range fn.AnonFuncs {
			add(anon)
		}
	}
	for _, f := range e.pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if obj, ok := e.pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					add(e.prog.FuncValue(obj))
				}
			}
		}
	}
	// The package initializer, with the function literals of package-level variables: its stores fill route
	// tables and other package variables that handlers are found through, as in the whole-program engine.
	add(e.pkg.Func("init"))
	opts := handlers.IndexOptions(e.cat)
	opts.Std = e.std.is
	e.idx = flow.NewIndex(e.pass.Fset, e.funcs, opts)
	e.find = handlers.NewFinder(e.prog, e.idx, e.cat, e.funcs)
	e.waits = newWaits(e)
	e.cls = blocking.NewClassifier(e.cat, e.idx, blocking.Options{ParamConditions: true, Reach: e.waits, RootVar: e.rootVar, Guard: e.guard})
	e.pol = policy.New(e.cls, e.find)
	e.roots = e.find.Find()
	e.pol.Serve(e.roots)
	e.edges = map[*ssa.Function][]*edge{}
	e.ops = map[*ssa.Function][]blocking.Op{}
	e.byName = map[string][]*ssa.Function{}
	for _, fn := range e.funcs {
		if recv := fn.Signature.Recv(); recv != nil && fn.Synthetic == "" && fn.Parent() == nil {
			e.byName[fn.Name()] = append(e.byName[fn.Name()], fn)
		}
	}
	// The routes a handler dispatches to itself by comparing the request's path are roots too. The calls of the
	// functions met on the way are looked at again once the policy knows every root.
	if len(e.roots) > 0 {
		e.roots = e.find.Dispatch(e.roots, e.localCallees)
		e.pol.Serve(e.roots)
		e.edges = map[*ssa.Function][]*edge{}
	}
}

// localCallees returns the functions of this package the walk goes to from fn.
func (e *engine) localCallees(fn *ssa.Function) []*ssa.Function {
	var out []*ssa.Function
	for _, ed := range e.edgesOf(fn) {
		if ed.callee != nil {
			out = append(out, ed.callee)
		}
	}
	return out
}

// fact returns the summary of a function of another package, or nil.
// rootVar names the call whose root context a package variable of another package holds, by its fact, or "".
func (e *engine) rootVar(v *types.Var) string {
	var f RootVar
	if v.Pkg() == e.pass.Pkg || !e.pass.ImportObjectFact(v, &f) {
		return ""
	}
	return f.Func
}

// guard reports whether a function of another package is a single-instance guard, by its fact.
func (e *engine) guard(obj *types.Func) bool {
	return obj.Pkg() != e.pass.Pkg && e.pass.ImportObjectFact(obj.Origin(), new(StartGuard))
}

func (e *engine) fact(obj *types.Func) *Summary {
	obj = obj.Origin()
	if s, ok := e.facts[obj]; ok {
		return s
	}
	s := new(Summary)
	if !e.pass.ImportObjectFact(obj, s) || len(s.Ops) == 0 && s.Wait == nil {
		s = nil
	}
	e.facts[obj] = s
	return s
}

// remoteMethods indexes the methods of other packages that have summaries by name, for resolving interface calls.
func (e *engine) remoteMethods() map[string][]*types.Func {
	if e.methods != nil {
		return e.methods
	}
	e.methods = map[string][]*types.Func{}
	for _, f := range e.pass.AllObjectFacts() {
		obj, ok := f.Object.(*types.Func)
		s, ok2 := f.Fact.(*Summary)
		if !ok || !ok2 || obj.Signature().Recv() == nil || obj.Pkg() == e.pass.Pkg || len(s.Ops) == 0 && s.Wait == nil {
			continue
		}
		if types.IsInterface(obj.Signature().Recv().Type()) {
			continue // an interface's method (exportInterfaces): followed from calls of that method alone
		}
		e.facts[obj] = s
		e.methods[obj.Name()] = append(e.methods[obj.Name()], obj)
	}
	for _, list := range e.methods {
		slices.SortFunc(list, func(x, y *types.Func) int { return cmp.Compare(x.FullName(), y.FullName()) })
	}
	return e.methods
}

// An edge is a call the engine follows: to a function of this package (callee) or to one of another package
// with a summary (remote).
type edge struct {
	pos    token.Pos
	call   *ssa.CallCommon
	caller *ssa.Function
	callee *ssa.Function
	remote *types.Func
	name   string // the callee's short name
	note   string // how the call reaches the callee, for a path step (policy.Step.Note)
}

// calledBack adds the edges of the callbacks rules (rules.Callback) for a call of callee: the method of the
// concrete type an argument was converted from at the call, or of the types traced to an interface value, which
// the standard library calls back before it returns (io.Copy calling its source's Read). The step names the
// library function.
func (e *engine) calledBack(out *[]*edge, add func(token.Pos, *ssa.Function), pos token.Pos, cc *ssa.CallCommon, callee *ssa.Function) {
	name := flow.FuncName(callee)
	for _, r := range e.cat.Callbacks {
		if r.Func != name || r.Arg >= len(cc.Args) {
			continue
		}
		ms, _ := e.idx.CalledBack(e.prog, cc.Args[r.Arg], r.Method)
		n := len(*out)
		for _, m := range ms {
			add(pos, m)
		}
		for _, ed := range (*out)[n:] {
			ed.note = "which calls " + ed.name + " back on this goroutine"
			ed.name = shortName(name)
		}
	}
}

// shortName drops the directories of a function's package path: net/http.ServeContent is http.ServeContent.
func shortName(name string) string {
	slash := -1
	for i := 0; i < len(name) && name[i] != '.'; i++ {
		if name[i] == '/' {
			slash = i
		}
	}
	return name[slash+1:]
}

// edgesOf returns the calls of fn that the engine follows: those the policy enters (policy.Enters), into
// functions outside the standard library. Static calls are followed; calls of function values go to the local functions the value can be;
// interface calls go to the implementations this package and its dependencies declare (CHA over the visible
// packages), for interfaces declared outside the standard library.
func (e *engine) edgesOf(fn *ssa.Function) []*edge {
	if out, ok := e.edges[fn]; ok {
		return out
	}
	var out []*edge
	seen := map[any]bool{}
	var cc *ssa.CallCommon
	add := func(pos token.Pos, target *ssa.Function) {
		if o := target.Origin(); o != nil {
			target = o
		}
		if target.Blocks != nil && (target.Pkg == e.pkg || target.Pkg == nil) {
			if !seen[[2]any{pos, target}] {
				seen[[2]any{pos, target}] = true
				out = append(out, &edge{pos: pos, call: cc, caller: fn, callee: target, name: handlers.Name(target)})
			}
			return
		}
		obj, ok := target.Object().(*types.Func)
		if ok {
			e.addRemote(&out, seen, fn, pos, cc, obj)
		}
	}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			call, ok := instr.(ssa.CallInstruction)
			if !ok || !e.pol.Enters(call, nil) {
				continue
			}
			cc = call.Common()
			pos := call.Pos()
			switch {
			case cc.StaticCallee() != nil:
				callee := cc.StaticCallee()
				add(pos, callee)
				e.calledBack(&out, add, pos, cc, callee)
				// A helper calling a callback (withID(w, r, func(id int) { ... })): the callbacks this call
				// passes, not every caller's.
				if cbs := e.callbacks(callee); len(cbs) > 0 && len(cc.Args) == len(callee.Params) {
					bind := map[ssa.Value]ssa.Value{}
					for i, p := range callee.Params {
						bind[p] = cc.Args[i]
					}
					for _, v := range cbs {
						if values.PassesOn(v, bind, fn) && len(e.idx.CallSites(fn)) > 0 {
							continue // fn passes on a callback of its own: resolved at fn's callers (below)
						}
						for _, t := range e.idx.TargetsWith(v, bind) {
							if t.Fn != nil {
								add(pos, t.Fn)
							}
						}
					}
				}
				// The callbacks callee passes on to helpers of its own (evaluateOr401(fns...) calling
				// evaluate(fns...)), with this call's arguments.
				if callee.Pkg == e.pkg && len(cc.Args) == len(callee.Params) {
					for _, b := range callee.Blocks {
						for _, instr := range b.Instrs {
							inner, ok := instr.(ssa.CallInstruction)
							if !ok {
								continue
							}
							icc := inner.Common()
							h := icc.StaticCallee()
							if h == nil || len(icc.Args) != len(h.Params) {
								continue
							}
							cbs := e.callbacks(h)
							if len(cbs) == 0 {
								continue
							}
							bind := map[ssa.Value]ssa.Value{}
							for i, p := range callee.Params {
								bind[p] = cc.Args[i]
							}
							for i, p := range h.Params {
								bind[p] = icc.Args[i]
							}
							for _, v := range cbs {
								if !values.PassesOn(v, bind, callee) {
									continue
								}
								for _, t := range e.idx.TargetsWith(v, bind) {
									if t.Fn != nil {
										add(pos, t.Fn)
									}
								}
							}
						}
					}
				}
			case cc.IsInvoke():
				e.invoke(&out, seen, fn, pos, cc)
			case values.ParamIndex(cc.Value, fn) >= 0 && len(e.idx.CallSites(fn)) > 0:
				// A callback: walked from each call of fn, with what that call passes (above).
			default:
				for _, t := range e.idx.Targets(cc.Value) {
					if t.Fn != nil && e.pol.Enters(call, t.Fn) {
						add(pos, t.Fn)
					}
				}
			}
		}
	}
	e.edges[fn] = out
	return out
}

// callbacks returns the function values a local function calls that come from its parameters, when it is
// called statically in this package: its callers' edges go to the callbacks they pass.
func (e *engine) callbacks(fn *ssa.Function) []ssa.Value {
	if fn.Pkg != e.pkg || fn.Blocks == nil || len(e.idx.CallSites(fn)) == 0 {
		return nil
	}
	var out []ssa.Value
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
			if values.ParamIndex(cc.Value, fn) >= 0 {
				out = append(out, cc.Value)
			}
		}
	}
	return out
}

func (e *engine) addRemote(out *[]*edge, seen map[any]bool, caller *ssa.Function, pos token.Pos, cc *ssa.CallCommon, obj *types.Func) {
	obj = obj.Origin()
	if obj.Pkg() == nil || obj.Pkg() == e.pass.Pkg || e.std.is(obj.Pkg()) || e.fact(obj) == nil {
		return
	}
	if seen[[2]any{pos, obj}] {
		return
	}
	seen[[2]any{pos, obj}] = true
	*out = append(*out, &edge{pos: pos, call: cc, caller: caller, remote: obj, name: objName(obj)})
}

// invoke resolves an interface method call to the implementations visible from this package.
func (e *engine) invoke(out *[]*edge, seen map[any]bool, caller *ssa.Function, pos token.Pos, cc *ssa.CallCommon) {
	t := types.Unalias(cc.Value.Type())
	if n, ok := t.(*types.Named); ok && e.std.is(n.Obj().Pkg()) {
		return // error, io.Reader, context.Context...: too many implementations to be useful
	}
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return
	}
	name := cc.Method.Name()
	for _, fn := range e.byName[name] {
		if implements(fn.Signature.Recv().Type(), iface) && !seen[[2]any{pos, fn}] {
			seen[[2]any{pos, fn}] = true
			*out = append(*out, &edge{pos: pos, call: cc, caller: caller, callee: fn, name: handlers.Name(fn)})
		}
	}
	for _, obj := range e.remoteMethods()[name] {
		if implements(obj.Signature().Recv().Type(), iface) {
			e.addRemote(out, seen, caller, pos, cc, obj)
		}
	}
	// What the package declaring the interface saw of its implementations, some of which this package may not.
	e.addRemote(out, seen, caller, pos, cc, cc.Method)
}

// implements reports whether a value of the receiver type recv, or a pointer to one, implements iface.
func implements(recv types.Type, iface *types.Interface) bool {
	base := recv
	if p, ok := recv.(*types.Pointer); ok {
		base = p.Elem()
	}
	if n, ok := types.Unalias(base).(*types.Named); ok && n.TypeParams().Len() > 0 {
		return false // a generic type's methods: not resolved
	}
	return types.Implements(recv, iface) || !types.IsInterface(base) && types.Implements(types.NewPointer(base), iface)
}

// objName returns a short name for a function of another package: "Store.Get", "fetchUser".
func objName(obj *types.Func) string {
	if recv := obj.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			return n.Obj().Name() + "." + obj.Name()
		}
	}
	return obj.Name()
}

// localOps returns the operations in fn that the engine reports when reached: those of rooted kinds that count
// where they are (policy.Counts).
func (e *engine) localOps(fn *ssa.Function) []blocking.Op {
	if ops, ok := e.ops[fn]; ok {
		return ops
	}
	var out []blocking.Op
	if fn.Pkg == e.pkg || fn.Pkg == nil {
		for _, op := range e.cls.Ops(fn) {
			if !policy.KindOf(op.Analyzer).Rooted || !policy.Counts(op, e.own) {
				continue
			}
			out = append(out, op)
		}
	}
	e.ops[fn] = out
	return out
}
