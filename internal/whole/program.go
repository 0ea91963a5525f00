package whole

import (
	"go/token"
	"go/types"
	"maps"
	"slices"

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
// The stale packages stay reachable from the program, but not their functions' bodies, which the cache lets go
// of (releaseBody). The cache counts their functions and starts a new program when they outnumber the live
// packages' own (those built from source) releasedPerBuilt to one, so that what a session holds is bounded by
// about twice one program.
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
	// (roots), funcRefs the functions each function refers to (refs).
	funcs    map[*ssa.Package][]*ssa.Function
	pkgRoots map[*ssa.Package][]rootType
	funcRefs map[*ssa.Function][]*ssa.Function
	// fresh holds the live packages the last run created, base what the others reach (allFunctions).
	fresh map[*ssa.Package]bool
	base  *funcIndex
	// limit is how many times the live functions the stale ones may number, releasedPerBuilt to one, before a new
	// program is made (0: once).
	limit int
	// programs and bases count the programs and the bases of allFunctions made, for tests.
	programs, bases int
}

// releasedPerBuilt is how many stale functions, their bodies released, count as one stale function with its body
// did: on miniflux, an edit of a package with 41 importers (about 870 functions) left 18 MB more in the session
// with the bodies and 5 MB without. A little under that ratio, so that what the session holds just before a new
// program stays under what it held with the bodies kept.
const releasedPerBuilt = 3

// program returns the program to create the next run's packages in: the kept one, or a new one if there is none
// yet or the stale packages have grown past the live ones.
func (c *progCache) program(fset *token.FileSet) *ssa.Program {
	if c.prog != nil && c.stale <= releasedPerBuilt*max(1, c.limit)*c.size {
		return c.prog
	}
	c.prog = ssa.NewProgram(fset, ssa.InstantiateGenerics)
	c.live, c.stale, c.size, c.base = nil, 0, 0, nil
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
			if c.source[p] {
				for _, fn := range pkgFunctions(c.prog, p) {
					delete(c.funcRefs, fn)
					releaseBody(fn)
				}
			}
			delete(c.ifaces, p)
			delete(c.funcs, p)
			delete(c.pkgRoots, p)
			delete(c.source, p)
		}
	}
	c.size = 0
	c.fresh = map[*ssa.Package]bool{}
	for p := range live {
		c.size += c.declared(p)
		if !c.live[p] {
			c.fresh[p] = true
		}
	}
	c.live = live
}

// releaseBody lets go of the instructions of a stale package's function and of its closures: no live package
// refers to a stale one (those importing a package checked again are checked again too), so nothing reads them
// again, and they are most of what a stale package holds.
func releaseBody(fn *ssa.Function) {
	for _, anon := range fn.AnonFuncs {
		releaseBody(anon)
	}
	fn.Blocks, fn.Recover, fn.Locals, fn.Params, fn.FreeVars, fn.AnonFuncs = nil, nil, nil, nil, nil, nil
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
// alone, indexed for chaSlice: their package-level functions, the methods of the exported named types of those
// built from source, the methods of every runtime type (a type the live code converts to an interface, and the
// types reflection reaches from it), and whatever those refer to. Over a kept program, ssautil.AllFunctions would
// also list the stale packages' functions and the methods of the types only stale code converted
// (prog.RuntimeTypes is program-wide): the CHA slice, and then the call graph, would differ from a fresh run's.
//
// Unlike prog.RuntimeTypes, the runtime types do not depend on the order of a map: a type first met through an
// alias (os.FileInfo for fs.FileInfo) is followed as the type it stands for, where x/tools would record the alias
// and then stop at the identical type behind it, leaving out its pointer type and its underlying type when the
// alias happened to come first.
//
// Both the runtime types and the functions are what the live packages reach, each package's part independent of
// the others': the cache keeps those of the packages that the run before had too (base), and while an editor
// edits the same file, a run adds only those of the packages made anew (fresh), with what they reach that the
// base does not hold.
func (c *progCache) allFunctions(prog *ssa.Program, live map[*ssa.Package]bool) *funcIndex {
	if c.base == nil || !c.baseHolds(live) {
		kept := map[*ssa.Package]bool{}
		for p := range live {
			if !c.fresh[p] {
				kept[p] = true
			}
		}
		c.base = c.reach(prog, kept, nil)
		c.bases++
	}
	rest := map[*ssa.Package]bool{}
	for p := range live {
		if !c.base.pkgs[p] {
			rest[p] = true
		}
	}
	return c.reach(prog, rest, c.base)
}

// baseHolds reports whether the base holds exactly the live packages that are not fresh.
func (c *progCache) baseHolds(live map[*ssa.Package]bool) bool {
	if len(c.base.pkgs) != len(live)-len(c.fresh) {
		return false
	}
	for p := range c.base.pkgs {
		if !live[p] || c.fresh[p] {
			return false
		}
	}
	return true
}

// reach returns the index of what pkgs reach (see allFunctions) that base, when not nil, does not hold: the
// functions of base and those of the index together are what base's packages and pkgs reach.
func (c *progCache) reach(prog *ssa.Program, pkgs map[*ssa.Package]bool, base *funcIndex) *funcIndex {
	rt := &runtimeTypes{methodSets: &prog.MethodSets}
	if base != nil {
		rt.base = base.rt
	}
	for p := range pkgs {
		ts, ok := c.ifaces[p]
		if !ok && c.source[p] {
			ts = ifaceTypes(prog, p)
			c.ifaces[p] = ts
		}
		for _, t := range ts {
			rt.add(t, true)
		}
	}
	seen := map[*ssa.Function]bool{}
	var visit func(fn *ssa.Function)
	visit = func(fn *ssa.Function) {
		if seen[fn] || base.has(fn) {
			return
		}
		seen[fn] = true
		for _, g := range c.refs(fn) {
			visit(g)
		}
	}
	var wrappers []*types.Selection
	var listed typeutil.Map // types.Type → true: the types whose wrappers are in wrappers
	add := func(m methodValues, t types.Type) {
		for _, fn := range m.fns {
			visit(fn)
		}
		if len(m.wrappers) > 0 && !base.lists(t) && listed.Set(t, true) == nil {
			wrappers = append(wrappers, m.wrappers...)
		}
	}
	for p := range pkgs {
		for _, r := range c.roots(prog, p) {
			add(r.methodValues, r.t)
		}
	}
	for _, t := range rt.list {
		add(methods(prog, t), t)
	}
	x := newFuncIndex(prog, base, seen, wrappers)
	x.pkgs, x.rt, x.listed = pkgs, rt, listed
	return x
}

// A funcIndex is a set of functions indexed as chaSlice resolves calls: the functions that are not methods by
// signature, the methods by their Id. One may extend another, its base, holding only what the base does not: the
// set is then both.
//
// The method wrappers of the set (a method promoted from an embedded field, a value method through a pointer) are
// listed by their selections, not made: on a large program most are never called (on loki, a quarter of a
// gigabyte of wrappers of the promoted methods of dependencies' exported types, made only to be listed; on
// alertmanager 15,700 of 36,500 functions), so chaSlice makes only those its interface calls reach. What a
// wrapper calls is in the set.
type funcIndex struct {
	prog  *ssa.Program
	base  *funcIndex
	fns   map[*ssa.Function]bool
	bySig typeutil.Map // *types.Signature → []*ssa.Function
	byID  map[string][]recvMethod
	// wrappers are the selections of the wrappers not made, listed holds the types they are the methods of.
	wrappers []*types.Selection
	listed   typeutil.Map // types.Type → true
	// pkgs and rt are the packages whose functions and runtime types (allFunctions) the index adds to its base.
	pkgs map[*ssa.Package]bool
	rt   *runtimeTypes
}

func newFuncIndex(prog *ssa.Program, base *funcIndex, fns map[*ssa.Function]bool, wrappers []*types.Selection) *funcIndex {
	x := &funcIndex{prog: prog, base: base, fns: fns, byID: map[string][]recvMethod{}, wrappers: wrappers}
	for _, sel := range wrappers {
		id := sel.Obj().Id()
		x.byID[id] = append(x.byID[id], newRecvMethod(nil, sel))
	}
	for fn := range fns {
		switch {
		case fn.Signature.Recv() != nil:
			if obj, ok := fn.Object().(*types.Func); ok {
				x.byID[obj.Id()] = append(x.byID[obj.Id()], newRecvMethod(fn, nil))
			}
		case fn.Synthetic == "package initializer" && fn.Name() == "init":
			// Never a value: no dynamic call reaches it.
		default:
			sig, _ := x.bySig.At(fn.Signature).([]*ssa.Function)
			x.bySig.Set(fn.Signature, append(sig, fn))
		}
	}
	return x
}

// lists reports whether the wrappers of the methods of t are in the set (false for a nil index).
func (x *funcIndex) lists(t types.Type) bool {
	for ; x != nil; x = x.base {
		if x.listed.At(t) != nil {
			return true
		}
	}
	return false
}

// has reports whether fn is among the functions of the set made (false for a nil index).
func (x *funcIndex) has(fn *ssa.Function) bool {
	for ; x != nil; x = x.base {
		if x.fns[fn] {
			return true
		}
	}
	return false
}

// withSig returns the functions of the set that are not methods and have the signature sig.
func (x *funcIndex) withSig(sig types.Type) []*ssa.Function {
	fns, _ := x.bySig.At(sig).([]*ssa.Function)
	if x.base == nil {
		return fns
	}
	if b := x.base.withSig(sig); len(fns) == 0 {
		return b
	} else if len(b) > 0 {
		return append(slices.Clip(b), fns...)
	}
	return fns
}

// withID returns the methods of the set whose types.Func has the Id id.
func (x *funcIndex) withID(id string) []recvMethod {
	ms := x.byID[id]
	if x.base == nil {
		return ms
	}
	if b := x.base.withID(id); len(ms) == 0 {
		return b
	} else if len(b) > 0 {
		return append(slices.Clip(b), ms...)
	}
	return ms
}

// countID returns len(x.withID(id)).
func (x *funcIndex) countID(id string) int {
	n := 0
	for ; x != nil; x = x.base {
		n += len(x.byID[id])
	}
	return n
}

// set returns the functions of the set, making its wrappers: ssautil.AllFunctions' view, for tests.
func (x *funcIndex) set() map[*ssa.Function]bool {
	out := map[*ssa.Function]bool{}
	for ; x != nil; x = x.base {
		maps.Copy(out, x.fns)
		for _, sel := range x.wrappers {
			out[x.prog.MethodValue(sel)] = true
		}
	}
	return out
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
	// base, when not nil, holds the types reached from other seeds: what it followed is not followed again, and
	// what it recorded is not recorded again.
	base     *runtimeTypes
	recorded typeutil.Map // types.Type → true
	followed typeutil.Map // types.Type → true: reached at all
	list     []types.Type // recorded, in the order reached
}

func (r *runtimeTypes) add(t types.Type, record bool) {
	t = types.Unalias(t)
	if r.recorded.At(t) != nil {
		return
	}
	if b := r.base; b != nil && b.followed.At(t) != nil {
		// The base followed whatever t leads to: only t itself may be recorded here.
		if record && b.recorded.At(t) == nil {
			r.recorded.Set(t, true)
			r.list = append(r.list, t)
		}
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
