package handlers

import (
	"go/constant"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"github.com/blockcheck/blockcheck/internal/extent"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
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

	// Set while finding: where a function receives a group (chi's Route), and which routers are mounted where.
	groupArgs map[*ssa.Function][]groupUse
	mounts    map[ssa.Value][]groupCall
	scopeMemo map[ssa.Value][]scope
	own       map[*ssa.Function]bool
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

// NewFinder prepares a finder. It sets idx's handler-passing rules.
func NewFinder(prog *ssa.Program, idx *flow.Index, cat *rules.Catalog) *Finder {
	f := &Finder{prog: prog, idx: idx, cat: cat, regs: map[string][]rules.Registration{},
		field: map[string]rules.Registration{}, groups: map[string][]rules.Group{}, next: map[string]bool{}}
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
	for _, p := range cat.Passes {
		idx.Passes[p.Func] = p.Handler
	}
	idx.IsHandlerType = f.IsHandlerType
	return f
}

// IsHandlerType reports whether t is a handler type of a rule: one of its named types, a function type with its
// parameters, or a type implementing its interface.
func (f *Finder) IsHandlerType(t types.Type) bool {
	ts := types.TypeString(t, nil)
	for _, h := range f.cat.Handlers {
		if ts == h.Type {
			return true
		}
		if sig, ok := t.Underlying().(*types.Signature); ok && len(h.Params) > 0 && paramsMatch(sig, h.Params) {
			return true
		}
	}
	return false
}

func paramsMatch(sig *types.Signature, want []string) bool {
	if sig.Params().Len() != len(want) {
		return false
	}
	for i, w := range want {
		if types.TypeString(sig.Params().At(i).Type(), nil) != w {
			return false
		}
	}
	return true
}

// isMiddleware reports whether sig is a middleware constructor: it takes a handler and returns one
// (func(next http.Handler) http.Handler, echo's func(next echo.HandlerFunc) echo.HandlerFunc). What it returns
// serves requests; the constructor itself runs once, when the route is set up.
func (f *Finder) isMiddleware(sig *types.Signature) bool {
	if sig.Results().Len() != 1 || !f.IsHandlerType(sig.Results().At(0).Type()) {
		return false
	}
	for p := range sig.Params().Variables() {
		if f.IsHandlerType(p.Type()) {
			return true
		}
	}
	return false
}

// accessor returns the rule name of the method a context rule calls on the request value ("{v}.UserContext()" on
// *fiber.Ctx), or "".
func accessor(c rules.Context) string {
	rest, ok := strings.CutPrefix(c.Expr, "{v}.")
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, "()")
	if !ok || strings.ContainsAny(name, ".({") {
		return ""
	}
	return "(" + c.Type + ")." + name
}

// IsDispatch reports whether a call hands the request on to another handler (next.ServeHTTP(w, r), next(w, r),
// gin's c.Next()). Every handler is a root of its own, so the engines do not follow these calls. Nor do they
// follow a router's request-context accessor (fiber's c.UserContext()): it is the request's context by
// definition, and its fallbacks inside the router (context.Background()) are not the handler's doing.
func (f *Finder) IsDispatch(c *ssa.CallCommon) bool {
	if f.next[flow.CalleeName(c)] {
		return true
	}
	if c.IsInvoke() {
		recv := types.TypeString(c.Value.Type(), nil)
		for _, h := range f.cat.Handlers {
			if h.Method != "" && h.Type == recv && c.Method.Name() == h.Method {
				return true
			}
		}
		return false
	}
	fn := c.StaticCallee()
	if fn == nil {
		return f.IsHandlerType(c.Value.Type())
	}
	// A dependency's handler served directly (connect's generated code calling (*connect.Handler).ServeHTTP).
	if recv := fn.Signature.Recv(); recv != nil && !f.own[fn] {
		recvType := types.TypeString(recv.Type(), nil)
		for _, h := range f.cat.Handlers {
			if h.Method != "" && h.Type == recvType && fn.Name() == h.Method {
				return true
			}
		}
	}
	return false
}

// Find returns the roots registered by the given functions, in a deterministic order.
func (f *Finder) Find(funcs []*ssa.Function) []Root {
	var roots []Root
	seen := map[rootKey]bool{}
	add := func(r Root) {
		if r.Fn != nil && r.Fn.Pkg == nil && strings.HasSuffix(r.Fn.Name(), "$bound") {
			// A method value (s.getUser): the method is the root.
			if o, ok := r.Fn.Object().(*types.Func); ok {
				r.Fn = f.prog.FuncValue(o)
			}
		}
		if r.Fn == nil || r.Fn.Pkg == nil || f.idx.StdPkg(r.Fn.Pkg.Pkg) {
			return
		}
		k := rootKey{r.Fn, r.Method, r.Pattern, r.Server}
		if seen[k] {
			return
		}
		seen[k] = true
		roots = append(roots, r)
	}
	f.own = map[*ssa.Function]bool{}
	for _, fn := range funcs {
		f.own[fn] = true
	}
	f.indexGroups(funcs)
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case ssa.CallInstruction:
					c := in.Common()
					for _, reg := range f.regs[flow.CalleeName(c)] {
						f.register(in, reg, add)
					}
				case *ssa.Store:
					f.store(in, add)
				}
			}
		}
	}
	slices.SortStableFunc(roots, func(a, b Root) int {
		if a.Pos != b.Pos {
			return extent.Compare(f.prog.Fset, a.Pos, b.Pos)
		}
		if a.Fn.Pos() != b.Fn.Pos() {
			return extent.Compare(f.prog.Fset, a.Fn.Pos(), b.Fn.Pos())
		}
		return strings.Compare(a.Pattern, b.Pattern)
	})
	return roots
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
		for _, t := range f.idx.Targets(in.Val) {
			f.rootsOf(t, reg, scope{}, nil, in.Pos(), add)
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

// A pair is a route pattern and the handler registered for it. Subst replaces values in the handler's trace:
// a table row's handler for the loop variable it is read through, inside a middleware call.
type pair struct {
	pattern, handler ssa.Value
	subst            map[ssa.Value]ssa.Value
}

// pairs matches route patterns with their handlers where both come from the same place: a route table's rows
// ({"/a", h1}, {"/b", h2} registered in a loop, also wrapped in middleware: mw(rt.handler)) or the call sites of
// a registration helper (register(mux, "/a", h1)). Otherwise the pattern and the handler are one pair.
func (f *Finder) pairs(pv, hv ssa.Value, depth int) []pair {
	if depth < 8 {
		if pp, ok := pv.(*ssa.Parameter); ok {
			if hp, ok := unconvert(hv).(*ssa.Parameter); ok && pp.Parent() == hp.Parent() {
				fn := pp.Parent()
				i, j := slices.Index(fn.Params, pp), slices.Index(fn.Params, hp)
				var out []pair
				for _, c := range f.idx.CallSites(fn) {
					if i < len(c.Args) && j < len(c.Args) {
						out = append(out, f.pairs(c.Args[i], c.Args[j], depth+1)...)
					}
				}
				if out != nil {
					return out
				}
			}
		}
		if pb, pf, ok := fieldOf(pv); ok {
			var out []pair
			if hb, hf, ok := fieldOf(hv); ok && pb == hb {
				for _, row := range f.rows(pb) {
					out = append(out, f.pairs(row[pf], row[hf], depth+1)...)
				}
			} else if call, ok := hv.(*ssa.Call); ok {
				// mux.Handle(rt.pattern, mw(rt.handler))
				for _, row := range f.rows(pb) {
					subst := map[ssa.Value]ssa.Value{}
					for _, a := range call.Common().Args {
						if ab, af, ok := fieldOf(a); ok && ab == pb && row[af] != nil {
							subst[a] = row[af]
						}
					}
					if len(subst) > 0 {
						out = append(out, pair{row[pf], hv, subst})
					}
				}
			}
			if out != nil {
				return out
			}
		}
	}
	return []pair{{pattern: pv, handler: hv}}
}

// unconvert strips conversions between handler types (http.HandlerFunc to func(w, r), to http.Handler).
func unconvert(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.ChangeType:
			v = x.X
		case *ssa.MakeInterface:
			v = x.X
		default:
			return v
		}
	}
}

// fieldOf returns the struct a value is a field of (the element of a range loop) and the field's index.
func fieldOf(v ssa.Value) (ssa.Value, int, bool) {
	switch v := v.(type) {
	case *ssa.Field:
		return v.X, v.Field, true
	case *ssa.UnOp:
		if fa, ok := v.X.(*ssa.FieldAddr); ok && v.Op == token.MUL {
			return fa.X, fa.Field, true
		}
	case *ssa.ChangeType:
		return fieldOf(v.X)
	case *ssa.MakeInterface:
		return fieldOf(v.X)
	}
	return nil, 0, false
}

// rows returns the fields stored into each element of the table a struct value was read from, by field index.
func (f *Finder) rows(base ssa.Value) []map[int]ssa.Value {
	// The loop variable is a local copy of the element (rt := *&table[i]).
	if a, ok := base.(*ssa.Alloc); ok {
		for _, r := range *a.Referrers() {
			if s, ok := r.(*ssa.Store); ok && s.Addr == a {
				base = s.Val
			}
		}
	}
	// The element: *IndexAddr(table, i) (a value) or IndexAddr(table, i) (a pointer).
	if u, ok := base.(*ssa.UnOp); ok && u.Op == token.MUL {
		base = u.X
	}
	ia, ok := base.(*ssa.IndexAddr)
	if !ok {
		return nil
	}
	var out []map[int]ssa.Value
	for _, arr := range f.arrays(ia.X, 0) {
		for _, r := range *arr.Referrers() {
			elem, ok := r.(*ssa.IndexAddr)
			if !ok {
				continue
			}
			if row := fieldsStored(elem, 0); len(row) > 0 {
				out = append(out, row)
			}
		}
	}
	return out
}

// fieldsStored returns the values stored into the fields of the struct at addr, directly or through a composite
// literal copied into it (*addr = *complit).
func fieldsStored(addr ssa.Value, depth int) map[int]ssa.Value {
	row := map[int]ssa.Value{}
	if depth > 2 {
		return row
	}
	for _, r := range *addr.Referrers() {
		switch r := r.(type) {
		case *ssa.FieldAddr:
			for _, st := range *r.Referrers() {
				if s, ok := st.(*ssa.Store); ok && s.Addr == r {
					row[r.Field] = s.Val
				}
			}
		case *ssa.Store:
			if u, ok := r.Val.(*ssa.UnOp); ok && r.Addr == addr && u.Op == token.MUL {
				maps.Copy(row, fieldsStored(u.X, depth+1))
			}
		}
	}
	return row
}

// arrays returns the array allocations a slice value can hold: a literal, or what was stored into the variable
// it was loaded from.
func (f *Finder) arrays(v ssa.Value, depth int) []*ssa.Alloc {
	if depth > 4 {
		return nil
	}
	switch v := v.(type) {
	case *ssa.Alloc:
		return []*ssa.Alloc{v}
	case *ssa.Slice:
		return f.arrays(v.X, depth+1)
	case *ssa.Call:
		// A function that returns the table (func (s *Server) routes() []route).
		var out []*ssa.Alloc
		if fn := v.Common().StaticCallee(); fn != nil {
			for _, b := range fn.Blocks {
				if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && len(ret.Results) == 1 {
					out = append(out, f.arrays(ret.Results[0], depth+1)...)
				}
			}
		}
		return out
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return nil
		}
		var stored []ssa.Value
		switch a := v.X.(type) {
		case *ssa.Global:
			stored = f.idx.GlobalStores(a)
		case *ssa.FieldAddr:
			stored = f.idx.FieldStores(a.X.Type(), a.Field)
		case *ssa.Alloc:
			for _, r := range *a.Referrers() {
				if s, ok := r.(*ssa.Store); ok && s.Addr == a {
					stored = append(stored, s.Val)
				}
			}
		}
		var out []*ssa.Alloc
		for _, s := range stored {
			out = append(out, f.arrays(s, depth+1)...)
		}
		return out
	}
	return nil
}

// registerPair registers a handler under its pattern (nil when the registration has none).
func (f *Finder) registerPair(in ssa.CallInstruction, reg rules.Registration, recv ssa.Value, p pair, add func(Root)) {
	c := in.Common()
	_, as := args(c)
	hv := p.handler
	own := scope{method: reg.Method}
	if p.pattern != nil {
		own.prefix = f.patternOf(p.pattern)
	}
	if reg.MethodArg != nil && *reg.MethodArg < len(as) {
		own.method = strings.Join(constStrings(as[*reg.MethodArg]), ",")
	}
	if m, p, ok := strings.Cut(own.prefix, " "); ok && m != "" && strings.ToUpper(m) == m {
		own.method, own.prefix = m, strings.TrimSpace(p)
	}
	if v, ok := in.(ssa.Value); ok {
		if m := f.laterMethods(v); m != "" {
			own.method = m
		}
	}
	bases := []scope{{}}
	if recv != nil && reg.Handler != -1 {
		bases = f.scopes(recv)
	}
	var only []string
	if reg.Service {
		only = interfaceMethods(hv)
	}
	for _, h := range elements(hv) {
		for _, t := range f.idx.TargetsWith(h, p.subst) {
			for _, base := range bases {
				f.rootsOf(t, reg, base.join(own), only, in.Pos(), add)
			}
		}
	}
}

// elements returns the values stored into a slice literal (a variadic argument: r.Use(a, b)), or v itself.
func elements(v ssa.Value) []ssa.Value {
	sl, ok := v.(*ssa.Slice)
	if !ok {
		if k, ok := v.(*ssa.Const); ok && k.IsNil() {
			return nil
		}
		return []ssa.Value{v}
	}
	a, ok := sl.X.(*ssa.Alloc)
	if !ok {
		return []ssa.Value{v}
	}
	var out []ssa.Value
	for _, r := range *a.Referrers() {
		if ia, ok := r.(*ssa.IndexAddr); ok {
			for _, rr := range *ia.Referrers() {
				if s, ok := rr.(*ssa.Store); ok && s.Addr == ia {
					out = append(out, s.Val)
				}
			}
		}
	}
	return out
}

// rootsOf turns a traced handler value into roots.
func (f *Finder) rootsOf(t flow.Target, reg rules.Registration, sc scope, only []string, pos token.Pos, add func(Root)) {
	mk := func(fn *ssa.Function) Root {
		return Root{Fn: fn, Method: sc.method, Pattern: sc.prefix, Server: reg.Server, Pos: pos}
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
	for _, b := range fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		for _, t := range f.idx.Targets(ret.Results[0]) {
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

// patternOf returns the route pattern an argument holds: a string constant, or the service name of a
// descriptor variable (gRPC's &Greeter_ServiceDesc, whose first string field is the service's full name).
func (f *Finder) patternOf(v ssa.Value) string {
	if s := constStrings(v); len(s) > 0 {
		return s[0]
	}
	g, ok := v.(*ssa.Global)
	if !ok {
		return ""
	}
	init := g.Pkg.Func("init")
	if init == nil {
		return ""
	}
	// The variable's fields are stored into it directly, or into a temporary copied into it.
	bases := []ssa.Value{g}
	for _, b := range init.Blocks {
		for _, instr := range b.Instrs {
			if st, ok := instr.(*ssa.Store); ok && st.Addr == g {
				if u, ok := st.Val.(*ssa.UnOp); ok && u.Op == token.MUL {
					bases = append(bases, u.X)
				}
			}
		}
	}
	best, field := "", -1
	for _, b := range init.Blocks {
		for _, instr := range b.Instrs {
			st, ok := instr.(*ssa.Store)
			if !ok {
				continue
			}
			fa, ok := st.Addr.(*ssa.FieldAddr)
			if !ok || !slices.Contains(bases, fa.X) || field >= 0 && fa.Field > field {
				continue
			}
			if k, ok := st.Val.(*ssa.Const); ok && k.Value != nil && k.Value.Kind() == constant.String {
				best, field = constant.StringVal(k.Value), fa.Field
			}
		}
	}
	return best
}

// constStrings returns the string constants v holds: a constant, or the constant elements of a slice literal
// (a variadic argument, gorilla's Methods("GET", "HEAD")).
func constStrings(v ssa.Value) []string {
	if mi, ok := v.(*ssa.MakeInterface); ok {
		v = mi.X
	}
	if k, ok := v.(*ssa.Const); ok {
		if k.Value != nil && k.Value.Kind() == constant.String {
			return []string{constant.StringVal(k.Value)}
		}
		return nil
	}
	sl, ok := v.(*ssa.Slice)
	if !ok {
		return nil
	}
	a, ok := sl.X.(*ssa.Alloc)
	if !ok {
		return nil
	}
	var out []string
	for _, r := range *a.Referrers() {
		ia, ok := r.(*ssa.IndexAddr)
		if !ok {
			continue
		}
		for _, rr := range *ia.Referrers() {
			if s, ok := rr.(*ssa.Store); ok && s.Addr == ia {
				out = append(out, constStrings(s.Val)...)
			}
		}
	}
	return out
}
