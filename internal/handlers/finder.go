package handlers

import (
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/owner"
	"github.com/blockcheck/blockcheck/internal/values"
	"github.com/blockcheck/blockcheck/rules"
)

// Finder finds roots with a catalog's rules.
type Finder struct {
	prog   *ssa.Program
	idx    *flow.Index
	cat    *rules.Catalog
	regs   map[string][]rules.Registration
	field  map[string]rules.Registration // "net/http.Server.Handler"
	groups map[string][]rules.Group
	next   map[string]bool // calls that hand on to the next handler (gin's c.Next())

	funcs []*ssa.Function        // whose registrations are found
	own   map[*ssa.Function]bool // the same, as a set

	// Where a function receives a group (chi's Route), and which routers are mounted where.
	groupArgs map[*ssa.Function][]groupUse
	mounts    map[ssa.Value][]groupCall
	scopeMemo map[ssa.Value][]scope

	// sites holds the calls a handler dispatches routes to by comparing the request's path (guards.go).
	sites map[*ssa.CallCommon]bool

	// Unresolved lists the registrations seen whose handler could not be traced, and those of handlers from the
	// standard library, which are not analyzed (unresolved.go).
	Unresolved []Unresolved
}

// A groupCall is a call of a group rule.
type groupCall struct {
	c *ssa.CallCommon
	g rules.Group
}

// A groupUse says that parameter param of a function receives the group made by a call.
type groupUse struct {
	groupCall
	param int
}

// NewFinder prepares a finder of the roots that funcs register; idx should be made with IndexOptions(cat).
func NewFinder(prog *ssa.Program, idx *flow.Index, cat *rules.Catalog, funcs []*ssa.Function) *Finder {
	f := &Finder{prog: prog, idx: idx, cat: cat, regs: map[string][]rules.Registration{},
		field: map[string]rules.Registration{}, groups: map[string][]rules.Group{}, next: map[string]bool{},
		funcs: funcs, own: map[*ssa.Function]bool{}}
	for _, fn := range funcs {
		f.own[fn] = true
	}
	for _, r := range cat.Registrations {
		if r.Field != "" {
			f.field[r.Field] = r
		} else {
			f.regs[r.Func] = append(f.regs[r.Func], r)
		}
	}
	for _, g := range cat.Groups {
		f.groups[g.Func] = append(f.groups[g.Func], g)
	}
	for _, h := range cat.Handlers {
		for _, n := range h.Next {
			f.next[n] = true
		}
	}
	for _, c := range cat.Contexts {
		if name := accessor(c); name != "" {
			f.next[name] = true
		}
	}
	f.indexGroups(funcs)
	return f
}

// Method returns the method a method value's wrapper (s.getUser) calls, the function that is a root when the
// method value is registered; fn itself otherwise.
func (f *Finder) Method(fn *ssa.Function) *ssa.Function {
	if fn != nil && fn.Pkg == nil && strings.HasSuffix(fn.Name(), "$bound") {
		if o, ok := fn.Object().(*types.Func); ok {
			if m := f.prog.FuncValue(o); m != nil {
				return m
			}
		}
	}
	return fn
}

// Find returns the roots registered by the finder's functions, in a deterministic order.
func (f *Finder) Find() []Root {
	funcs := f.funcs
	var roots []Root
	seen := map[rootKey]bool{}
	add := func(r Root) {
		if m := f.Method(r.Fn); m != r.Fn {
			r.Fn, r.Bind = m, nil // a method value: the method is the root, its receiver captured is not a handler
		}
		if r.Fn == nil || owner.Package(r.Fn) == nil || f.idx.StdPkg(owner.Package(r.Fn).Pkg) {
			f.library(r) // unresolved.go
			return
		}
		k := rootKey{r.Fn, r.Method, r.Pattern, r.Server}
		if seen[k] {
			return
		}
		seen[k] = true
		roots = append(roots, r)
	}
	var regs []registered
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case ssa.CallInstruction:
					c := in.Common()
					rs := f.regs[f.idx.CalleeName(c)]
					if len(rs) == 0 {
						continue
					}
					r := registered{call: in}
					for _, reg := range rs {
						f.register(in, reg, func(root Root) { r.roots = append(r.roots, root) })
					}
					regs = append(regs, r)
				case *ssa.Store:
					f.store(in, add)
				}
			}
		}
	}
	for _, r := range f.wrapped(regs) {
		for _, root := range r.roots {
			add(root)
		}
	}
	f.sortRoots(roots)
	return roots
}

// A registered call and the roots it registers.
type registered struct {
	call  ssa.CallInstruction
	roots []Root
}

// wrapped gives the middleware of a call that returns a router carrying it (chi's r.With(mw)) the routes
// registered on that router (r.With(mw).Get("/x", h): GET /x), one root per route. Without any, the middleware
// keeps the scope of the router it was called on.
func (f *Finder) wrapped(regs []registered) []registered {
	out := make([]registered, 0, len(regs))
	for _, r := range regs {
		v, ok := r.call.(ssa.Value)
		if !ok || !f.carries(r.call.Common()) || len(r.roots) == 0 {
			out = append(out, r)
			continue
		}
		wraps := f.under(regs, v)
		if len(wraps) == 0 {
			out = append(out, r)
			continue
		}
		w := registered{call: r.call}
		for _, mw := range r.roots {
			for _, route := range wraps {
				root := mw
				root.Method, root.Pattern, root.Server = route.Method, route.Pattern, route.Server
				w.roots = append(w.roots, root)
			}
		}
		out = append(out, w)
	}
	return out
}

// under returns the roots of the routes registered on the router v returns, and on the routers returned by
// calls on it that carry its middleware in turn (r.With(a).With(b).Get(...)), and in the groups made on them
// (see grouped), in the order registered.
func (f *Finder) under(regs []registered, v ssa.Value) []Root {
	var out []Root
	visit := func(w *values.Walker, n values.Node, depth int) []values.Node {
		for _, r := range regs {
			recv, _ := args(r.call.Common())
			if recv == nil || !slices.Contains(f.origins(recv), n.V) {
				continue
			}
			if rv, ok := r.call.(ssa.Value); ok && f.carries(r.call.Common()) {
				w.Walk(values.Node{V: rv}, depth+1)
				continue
			}
			out = append(out, r.roots...)
		}
		out = append(out, f.grouped(n.V, regs)...)
		return nil
	}
	values.NewWalker(f.idx, nil, visit).Walk(values.Node{V: v}, 0)
	return out
}

// grouped returns the routes registered inside the groups made on the router v (chi's
// r.With(mw).Route("/x", func(r chi.Router) {...}) and r.With(mw).Group(...)): the routes, with their prefixes,
// of the registrations in the functions the group is passed to and in the closures those make.
func (f *Finder) grouped(v ssa.Value, regs []registered) []Root {
	fn := v.Parent()
	if fn == nil {
		return nil
	}
	var out []Root
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			call, ok := instr.(ssa.CallInstruction)
			if !ok {
				continue
			}
			c := call.Common()
			recv, as := args(c)
			if recv == nil || !slices.Contains(f.origins(recv), v) {
				continue
			}
			for _, g := range f.groups[f.idx.CalleeName(c)] {
				if g.Router == nil || *g.Router >= len(as) {
					continue
				}
				for _, t := range f.idx.Targets(as[*g.Router]) {
					if t.Fn == nil {
						continue
					}
					for _, r := range regs {
						if inside(r.call.Parent(), t.Fn) && !f.carries(r.call.Common()) {
							out = append(out, r.roots...)
						}
					}
				}
			}
		}
	}
	return out
}

// inside reports whether fn is outer or a closure nested in it.
func inside(fn, outer *ssa.Function) bool {
	for ; fn != nil; fn = fn.Parent() {
		if fn == outer {
			return true
		}
	}
	return false
}

// carries reports whether a call registers middleware on the router it returns (chi's With): a group rule that
// neither adds a prefix nor passes the group to a function or mounts one.
func (f *Finder) carries(c *ssa.CallCommon) bool {
	name := f.idx.CalleeName(c)
	if len(f.regs[name]) == 0 {
		return false
	}
	for _, g := range f.groups[name] {
		if g.Router == nil && g.Mount == nil && g.Prefix == nil && g.Methods == nil {
			return true
		}
	}
	return false
}

type rootKey struct {
	fn      *ssa.Function
	method  string
	pattern string
	server  bool
}

// store registers the handler assigned to a field named by a rule (http.Server{Handler: h}).
func (f *Finder) store(in *ssa.Store, add func(Root)) {
	fa, ok := in.Addr.(*ssa.FieldAddr)
	if !ok {
		return
	}
	elem := fa.X.Type().Underlying().(*types.Pointer).Elem()
	st, ok := elem.Underlying().(*types.Struct)
	if !ok {
		return
	}
	name := types.TypeString(elem, nil) + "." + st.Field(fa.Field).Name()
	if reg, ok := f.field[name]; ok {
		ts := f.idx.Targets(in.Val)
		for _, t := range ts {
			f.rootsOf(t, reg, scope{}, nil, in.Pos(), add)
		}
		if len(ts) == 0 {
			f.unresolved(reg, scope{}, in.Val, in.Pos()) // unresolved.go
		}
	}
}

// args returns the arguments of a call after any receiver, and the receiver (nil for a function).
func args(c *ssa.CallCommon) (ssa.Value, []ssa.Value) {
	switch {
	case c.IsInvoke():
		return c.Value, c.Args
	case c.Signature().Recv() != nil && len(c.Args) > 0:
		return c.Args[0], c.Args[1:]
	}
	return nil, c.Args
}

func (f *Finder) register(in ssa.CallInstruction, reg rules.Registration, add func(Root)) {
	c := in.Common()
	recv, as := args(c)
	var hv ssa.Value
	switch {
	case reg.Handler == -1 && recv != nil:
		hv = recv
	case reg.Handler == -1 && len(c.Args) > 0:
		hv = c.Args[0]
	case reg.Handler >= 0 && reg.Handler < len(as):
		hv = as[reg.Handler]
	}
	if hv == nil {
		return
	}
	if reg.Pattern < 0 || reg.Pattern >= len(as) || reg.Handler < 0 {
		f.registerPair(in, reg, recv, pair{handler: hv}, add)
		return
	}
	for _, p := range f.pairs(as[reg.Pattern], hv, 0) {
		f.registerPair(in, reg, recv, p, add)
	}
}

// rootsOf turns a traced handler value into roots.
func (f *Finder) rootsOf(t flow.Target, reg rules.Registration, sc scope, only []string, pos token.Pos, add func(Root)) {
	mk := func(fn *ssa.Function) Root {
		r := Root{Fn: fn, Method: sc.method, Pattern: sc.prefix, Server: reg.Server, Pos: pos, Rule: reg.Func + reg.Field}
		if fn == t.Fn {
			r.Bind = t.Bind
		} else if t.Recv != nil && len(fn.Params) > 0 && types.Identical(fn.Params[0].Type(), t.Recv.Type()) {
			// A method of a value made per registration (adapter{fn: h}): its receiver is that value.
			r.Bind = maps.Clone(t.Bind)
			if r.Bind == nil {
				r.Bind = map[ssa.Value]ssa.Value{}
			}
			r.Bind[fn.Params[0]] = t.Recv
		}
		return r
	}
	if t.Fn != nil {
		if f.isMiddleware(t.Fn.Signature) {
			for _, h := range f.returned(t.Fn) {
				add(mk(h))
			}
			return
		}
		add(mk(t.Fn))
		return
	}
	if reg.Service {
		for _, fn := range f.exportedMethods(t.Type) {
			if only != nil && !slices.Contains(only, fn.Name()) {
				continue
			}
			r := mk(fn)
			r.Method = ""
			if sc.prefix != "" {
				r.Pattern = "/" + strings.Trim(sc.prefix, "/") + "/" + fn.Name()
			} else {
				r.Pattern = fn.Name()
			}
			add(r)
		}
		return
	}
	for _, h := range f.cat.Handlers {
		if h.Method == "" {
			continue
		}
		if fn := f.method(t.Type, h.Method); fn != nil {
			add(mk(fn))
		}
	}
}

// returned returns the handler functions a middleware constructor returns.
func (f *Finder) returned(fn *ssa.Function) []*ssa.Function {
	var out []*ssa.Function
	if fn.Signature.Results().Len() != 1 {
		return nil
	}
	for _, r := range values.Returns(fn, 0) {
		for _, t := range f.idx.Targets(r) {
			if t.Fn != nil && !slices.Contains(out, t.Fn) {
				out = append(out, t.Fn)
			}
		}
	}
	return out
}

// interfaceMethods returns the method names of the interface a service implementation was passed as (gRPC's
// generated RegisterXServer(s, srv XServer)), or nil when that is not known: only those methods serve.
func interfaceMethods(v ssa.Value) []string {
	for {
		if it, ok := v.Type().Underlying().(*types.Interface); ok && it.NumMethods() > 0 {
			var names []string
			for m := range it.Methods() {
				if m.Exported() {
					names = append(names, m.Name())
				}
			}
			return names
		}
		switch x := v.(type) {
		case *ssa.ChangeInterface:
			v = x.X
		case *ssa.MakeInterface:
			v = x.X
		default:
			return nil
		}
	}
}

func (f *Finder) method(t types.Type, name string) *ssa.Function {
	ms := f.prog.MethodSets.MethodSet(t)
	for i := range ms.Len() {
		sel := ms.At(i)
		if sel.Obj().Name() == name {
			return f.prog.MethodValue(sel)
		}
	}
	return nil
}

func (f *Finder) exportedMethods(t types.Type) []*ssa.Function {
	var out []*ssa.Function
	ms := f.prog.MethodSets.MethodSet(t)
	for i := range ms.Len() {
		sel := ms.At(i)
		if sel.Obj().Exported() {
			if fn := f.prog.MethodValue(sel); fn != nil {
				out = append(out, fn)
			}
		}
	}
	return out
}
