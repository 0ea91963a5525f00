package whole

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/types/typeutil"
)

// A progCache keeps one SSA program across the runs of a Session that share a plan. x/tools' ssa.Program cannot
// drop or replace a package, but it needs to do neither for an edit: the dependencies never import the user's
// packages, and the packages an edit checks again (the edited one and its importers, cache.go) get new
// *types.Package values, so each run creates only those anew in the same program, beside their stale
// predecessors, and builds only them. The run then sees the program through its live packages (engine.live):
// the enumerations of functions (functions, allFunctions) leave the stale ones out, and everything else starts
// from what those enumerate.
//
// The stale packages stay reachable from the program. The cache counts their functions and starts a new program
// when they outnumber the live packages' own (those built from source), so that what a session holds is bounded
// by about twice one program.
type progCache struct {
	prog *ssa.Program
	live map[*ssa.Package]bool // the packages of the last run
	// stale and size count the functions declared in the source packages that went stale, and in the live ones.
	stale, size int
	// source holds the packages created from syntax (with type information, their bodies or only their
	// declarations), as ssa tells them from those read from export data.
	source map[*ssa.Package]bool
	// ifaces memoizes, per source package, the types its code converts to an interface (see allFunctions).
	ifaces map[*ssa.Package][]types.Type
	// funcs memoizes each live package's functions (pkgFunctions), pkgRoots what allFunctions starts from in it
	// (roots), funcRefs the functions each function refers to (refs); all is the size of the last allFunctions.
	funcs    map[*ssa.Package][]*ssa.Function
	pkgRoots map[*ssa.Package][]rootType
	funcRefs map[*ssa.Function][]*ssa.Function
	all      int
	// limit is how many times the live functions the stale ones may number before a new program is made (0: once).
	limit int
	// programs counts the programs made, for tests.
	programs int
}

// program returns the program to create the next run's packages in: the kept one, or a new one if there is none
// yet or the stale packages have grown past the live ones.
func (c *progCache) program(fset *token.FileSet) *ssa.Program {
	if c.prog != nil && c.stale <= max(1, c.limit)*c.size {
		return c.prog
	}
	c.prog = ssa.NewProgram(fset, ssa.InstantiateGenerics)
	c.live, c.stale, c.size = nil, 0, 0
	c.ifaces = map[*ssa.Package][]types.Type{}
	c.funcs = map[*ssa.Package][]*ssa.Function{}
	c.pkgRoots = map[*ssa.Package][]rootType{}
	c.funcRefs = map[*ssa.Function][]*ssa.Function{}
	c.source = map[*ssa.Package]bool{}
	c.programs++
	return c.prog
}

// ran records the packages of a run: those of the last run that are not among them are stale from now on.
func (c *progCache) ran(live map[*ssa.Package]bool) {
	for p := range c.live {
		if !live[p] {
			c.stale += c.declared(p)
			delete(c.ifaces, p)
			delete(c.funcs, p)
			delete(c.pkgRoots, p)
			delete(c.source, p)
		}
	}
	c.size = 0
	for p := range live {
		c.size += c.declared(p)
	}
	c.live = live
}

// functions returns pkgFunctions(p), computed once per package of the program.
func (c *progCache) functions(p *ssa.Package) []*ssa.Function {
	fns, ok := c.funcs[p]
	if !ok {
		fns = pkgFunctions(c.prog, p)
		c.funcs[p] = fns
	}
	return fns
}

// declared counts the functions and methods with bodies declared in a package.
func (c *progCache) declared(p *ssa.Package) int {
	if !c.source[p] {
		return 0
	}
	n := 0
	for _, m := range p.Members {
		switch m := m.(type) {
		case *ssa.Function:
			if m.Blocks != nil {
				n++
			}
		case *ssa.Type:
			if named, ok := m.Type().(*types.Named); ok && !types.IsInterface(named) {
				for i := range named.NumMethods() {
					if fn := p.Prog.FuncValue(named.Method(i)); fn != nil && fn.Blocks != nil {
						n++
					}
				}
			}
		}
	}
	return n
}

// allFunctions returns the functions ssautil.AllFunctions would return for a program made of the live packages
// alone: their package-level functions, the methods of the exported named types of those built from source, the
// methods of every runtime type (a type the live code converts to an interface, and the types reflection reaches
// from it), and whatever those refer to. Over a kept program, ssautil.AllFunctions would also list the stale
// packages' functions and the methods of the types only stale code converted (prog.RuntimeTypes is
// program-wide): the CHA slice, and then the call graph, would differ from a fresh run's.
//
// Unlike prog.RuntimeTypes, the runtime types do not depend on the order of a map: a type first met through an
// alias (os.FileInfo for fs.FileInfo) is followed as the type it stands for, where x/tools would record the alias
// and then stop at the identical type behind it, leaving out its pointer type and its underlying type when the
// alias happened to come first.
func (c *progCache) allFunctions(prog *ssa.Program, live map[*ssa.Package]bool) map[*ssa.Function]bool {
	s := c.funcSet(prog, live)
	for _, sel := range s.wrappers {
		s.fns[prog.MethodValue(sel)] = true
	}
	return s.fns
}

// A funcSet is the functions allFunctions returns with the method wrappers among them not made yet. On a large
// program most are never called (on loki, a quarter of a gigabyte of wrappers of the promoted methods of the
// exported types of dependencies, built only to be listed), so chaSlice makes only those its interface calls
// reach.
type funcSet struct {
	fns map[*ssa.Function]bool
	// wrappers are the method selections whose function prog.MethodValue would make: a promoted method, or a
	// value method of a pointer. What a wrapper calls is in fns.
	wrappers []*types.Selection
}

// funcSet returns allFunctions' functions, leaving the wrappers unmade.
func (c *progCache) funcSet(prog *ssa.Program, live map[*ssa.Package]bool) *funcSet {
	var rt runtimeTypes
	rt.methodSets = &prog.MethodSets
	for p := range live {
		ts, ok := c.ifaces[p]
		if !ok && c.source[p] {
			ts = ifaceTypes(prog, p)
			c.ifaces[p] = ts
		}
		for _, t := range ts {
			rt.add(t, true)
		}
	}
	seen := make(map[*ssa.Function]bool, c.all) // about as many as the last run's
	var visit func(fn *ssa.Function)
	visit = func(fn *ssa.Function) {
		if seen[fn] {
			return
		}
		seen[fn] = true
		for _, g := range c.refs(fn) {
			visit(g)
		}
	}
	var wrappers []*types.Selection
	var listed typeutil.Map // types.Type → true: types whose wrappers are in wrappers
	add := func(m methodValues, t types.Type) {
		for _, fn := range m.fns {
			visit(fn)
		}
		if len(m.wrappers) > 0 && listed.Set(t, true) == nil {
			wrappers = append(wrappers, m.wrappers...)
		}
	}
	for p := range live {
		for _, r := range c.roots(prog, p) {
			add(r.methodValues, r.t)
		}
	}
	for _, t := range rt.list {
		add(methods(prog, t), t)
	}
	c.all = len(seen) + len(wrappers)
	return &funcSet{fns: seen, wrappers: wrappers}
}

// methodValues are the functions of the methods of a type, those that exist and the wrappers not made yet,
// with what the wrappers call among the functions.
type methodValues struct {
	fns      []*ssa.Function
	wrappers []*types.Selection
}

// methods returns the functions of the methods of t, but for an interface or a generic method, leaving the
// wrappers unmade: a wrapper, as prog.MethodValue makes it, is needed for a method promoted from an embedded
// field or a value method of a pointer, and calls the method declared, unless that is an interface's.
func methods(prog *ssa.Program, t types.Type) methodValues {
	var out methodValues
	if types.IsInterface(t) {
		return out
	}
	for sel := range prog.MethodSets.MethodSet(t).Methods() {
		obj := sel.Obj().(*types.Func)
		if obj.Signature().TypeParams() != nil {
			continue
		}
		recv := obj.Signature().Recv().Type()
		if len(sel.Index()) == 1 && (isPointer(recv) || !isPointer(t)) {
			out.fns = append(out.fns, prog.MethodValue(sel))
			continue
		}
		out.wrappers = append(out.wrappers, sel)
		if !types.IsInterface(recv) {
			if own := prog.MethodSets.MethodSet(recv).Lookup(obj.Pkg(), obj.Name()); own != nil {
				out.fns = append(out.fns, prog.MethodValue(own)) // the declared method, never a wrapper
			}
		}
	}
	return out
}

func isPointer(t types.Type) bool {
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

// A rootType is a type whose methods allFunctions starts from, with their functions.
type rootType struct {
	t types.Type
	methodValues
}

// roots returns what allFunctions starts from in a live package: its package-level functions and, for a package
// created from syntax, the methods of its exported named types. They depend on the package alone: kept with it.
func (c *progCache) roots(prog *ssa.Program, p *ssa.Package) []rootType {
	if rs, ok := c.pkgRoots[p]; ok {
		return rs
	}
	var members rootType
	var rs []rootType
	for _, m := range p.Members {
		switch m := m.(type) {
		case *ssa.Function:
			members.fns = append(members.fns, m)
		case *ssa.Type:
			named, ok := m.Type().(*types.Named)
			if c.source[p] && token.IsExported(m.Name()) && ok && !types.IsInterface(named) && named.TypeParams() == nil {
				ptr := types.NewPointer(named)
				rs = append(rs, rootType{named, methods(prog, named)}, rootType{ptr, methods(prog, ptr)})
			}
		}
	}
	rs = append(rs, members)
	c.pkgRoots[p] = rs
	return rs
}

// refs returns the functions fn's instructions refer to (calls, function values, closures), which a built
// function never changes: kept with the program.
func (c *progCache) refs(fn *ssa.Function) []*ssa.Function {
	if gs, ok := c.funcRefs[fn]; ok {
		return gs
	}
	var gs []*ssa.Function
	var buf [10]*ssa.Value
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			for _, op := range instr.Operands(buf[:0]) {
				if g, ok := (*op).(*ssa.Function); ok {
					gs = append(gs, g)
				}
			}
		}
	}
	c.funcRefs[fn] = gs
	return gs
}

// runtimeTypes collects the types reflection can reach from the types converted to interfaces, as
// prog.RuntimeTypes derives them: from a type, the parameters and results of its methods; the elements, keys and
// fields of a composite type; the pointer to a named type; the parameters and results of a function type. The
// types reached only as a tuple, a named type's underlying type or a method's signature are followed but not
// recorded.
type runtimeTypes struct {
	methodSets *typeutil.MethodSetCache
	recorded   typeutil.Map // types.Type → true
	followed   typeutil.Map // types.Type → true: reached at all
	list       []types.Type // recorded, in the order reached
}

func (r *runtimeTypes) add(t types.Type, record bool) {
	t = types.Unalias(t)
	if r.recorded.At(t) != nil {
		return
	}
	if r.followed.At(t) != nil && !record {
		return
	}
	r.followed.Set(t, true)
	if record {
		r.recorded.Set(t, true)
		r.list = append(r.list, t)
	}
	for sel := range r.methodSets.MethodSet(t).Methods() {
		sig := sel.Type().(*types.Signature)
		if sig.TypeParams() != nil {
			continue
		}
		r.add(sig.Params(), false)
		r.add(sig.Results(), false)
	}
	switch t := t.(type) {
	case *types.Pointer:
		r.add(t.Elem(), true)
	case *types.Slice:
		r.add(t.Elem(), true)
	case *types.Array:
		r.add(t.Elem(), true)
	case *types.Chan:
		r.add(t.Elem(), true)
	case *types.Map:
		r.add(t.Key(), true)
		r.add(t.Elem(), true)
	case *types.Signature:
		r.add(t.Params(), false)
		r.add(t.Results(), false)
	case *types.Named:
		r.add(types.NewPointer(t), true)
		r.add(t.Underlying(), false)
	case *types.Struct:
		for f := range t.Fields() {
			r.add(f.Type(), true)
		}
	case *types.Tuple:
		for v := range t.Variables() {
			r.add(v.Type(), true)
		}
	}
}

// ifaceTypes returns the non-parameterized types that the code built for a package converts to interfaces: in
// its declared functions and methods, their closures, and the instances and wrappers they refer to, the types
// the package's building added to prog.RuntimeTypes' sources.
func ifaceTypes(prog *ssa.Program, p *ssa.Package) []types.Type {
	seen := map[*ssa.Function]bool{}
	var out []types.Type
	var visit func(fn *ssa.Function)
	visit = func(fn *ssa.Function) {
		if fn == nil || seen[fn] {
			return
		}
		seen[fn] = true
		var buf [10]*ssa.Value
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if mi, ok := instr.(*ssa.MakeInterface); ok && !parameterized(mi.X.Type()) {
					out = append(out, mi.X.Type())
				}
				for _, op := range instr.Operands(buf[:0]) {
					// Functions declared in another package are that package's: follow only what this one's
					// building made (closures, instances, wrappers).
					if g, ok := (*op).(*ssa.Function); ok && (g.Pkg == nil || g.Pkg == p) {
						visit(g)
					}
				}
			}
		}
		for _, anon := range fn.AnonFuncs {
			visit(anon)
		}
	}
	for _, m := range p.Members {
		switch m := m.(type) {
		case *ssa.Function:
			visit(m)
		case *ssa.Type:
			if named, ok := m.Type().(*types.Named); ok && !m.Object().(*types.TypeName).IsAlias() {
				for i := range named.NumMethods() {
					visit(prog.FuncValue(named.Method(i)))
				}
			}
		}
	}
	return out
}

// parameterized reports whether t mentions a type parameter.
func parameterized(t types.Type) bool {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) bool
	walk = func(t types.Type) bool {
		if seen[t] {
			return false
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.TypeParam:
			return true
		case *types.Alias:
			return walk(types.Unalias(t))
		case *types.Named:
			if args := t.TypeArgs(); args != nil {
				for a := range args.Types() {
					if walk(a) {
						return true
					}
				}
			}
			return t.TypeParams() != nil && t.TypeArgs() == nil
		case *types.Pointer:
			return walk(t.Elem())
		case *types.Slice:
			return walk(t.Elem())
		case *types.Array:
			return walk(t.Elem())
		case *types.Chan:
			return walk(t.Elem())
		case *types.Map:
			return walk(t.Key()) || walk(t.Elem())
		case *types.Struct:
			for f := range t.Fields() {
				if walk(f.Type()) {
					return true
				}
			}
		case *types.Tuple:
			for v := range t.Variables() {
				if walk(v.Type()) {
					return true
				}
			}
		case *types.Signature:
			return walk(t.Params()) || walk(t.Results())
		case *types.Interface:
			for m := range t.Methods() {
				if walk(m.Type()) {
					return true
				}
			}
			for e := range t.EmbeddedTypes() {
				if walk(e) {
					return true
				}
			}
		case *types.Union:
			for i := range t.Len() {
				if walk(t.Term(i).Type()) {
					return true
				}
			}
		}
		return false
	}
	return walk(t)
}
