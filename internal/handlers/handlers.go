// Package handlers finds the request handlers a program registers, as the roots of its request paths. What
// registers a handler, what a handler looks like and which calls pass one through are rules (package rules).
package handlers

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/rules"
)

// A Root is a function a server calls for a request.
type Root struct {
	Fn *ssa.Function
	// Method and Pattern are the route, where they are known statically.
	Method, Pattern string
	// Server marks a handler that serves every route: a server's root handler or middleware.
	Server bool
	// Pos is the registration.
	Pos token.Pos
}

// Route describes the root for a message: "GET /users/{id}", "every route" for middleware, or "" when the route
// is not known statically.
func (r *Root) Route() string {
	switch {
	case r.Server:
		return "every route"
	case r.Method != "" && r.Pattern != "":
		return r.Method + " " + r.Pattern
	case r.Pattern != "":
		return r.Pattern
	}
	return ""
}

// Name returns a short name of a function for messages: "Server.getUser", "main.func1".
func Name(fn *ssa.Function) string {
	name := fn.Name()
	recv := fn.Signature.Recv()
	if strings.HasSuffix(name, "$bound") {
		if o, ok := fn.Object().(*types.Func); ok {
			name, recv = o.Name(), o.Signature().Recv()
		}
	}
	if recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	return strings.ReplaceAll(name, "$", ".func")
}

// Finder finds roots with a catalog's rules.
type Finder struct {
	prog  *ssa.Program
	idx   *flow.Index
	regs  map[string]rules.Registration
	field map[string]rules.Registration // "net/http.Server.Handler"
	cat   *rules.Catalog
}

// NewFinder prepares a finder. It sets idx's handler-passing rules.
func NewFinder(prog *ssa.Program, idx *flow.Index, cat *rules.Catalog) *Finder {
	f := &Finder{prog: prog, idx: idx, regs: map[string]rules.Registration{}, field: map[string]rules.Registration{}, cat: cat}
	for _, r := range cat.Registrations {
		if r.Field != "" {
			f.field[r.Field] = r
		} else {
			f.regs[r.Func] = r
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

// IsDispatch reports whether a call hands the request on to another handler (next.ServeHTTP(w, r), next(w, r)).
// Every handler is a root of its own, so the engines do not follow these calls.
func (f *Finder) IsDispatch(c *ssa.CallCommon) bool {
	if c.IsInvoke() {
		recv := types.TypeString(c.Value.Type(), nil)
		for _, h := range f.cat.Handlers {
			if h.Method != "" && h.Type == recv && c.Method.Name() == h.Method {
				return true
			}
		}
		return false
	}
	if c.StaticCallee() == nil {
		return f.IsHandlerType(c.Value.Type())
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
		if r.Fn == nil || r.Fn.Pkg == nil || flow.IsStd(r.Fn.Pkg.Pkg.Path()) {
			return
		}
		k := rootKey{r.Fn, r.Method, r.Pattern, r.Server}
		if seen[k] {
			return
		}
		seen[k] = true
		roots = append(roots, r)
	}
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case ssa.CallInstruction:
					c := in.Common()
					reg, ok := f.regs[flow.CalleeName(c)]
					if !ok {
						continue
					}
					f.register(c, reg, in.Pos(), add)
				case *ssa.Store:
					fa, ok := in.Addr.(*ssa.FieldAddr)
					if !ok {
						continue
					}
					st, ok := fa.X.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
					if !ok {
						continue
					}
					name := types.TypeString(fa.X.Type().Underlying().(*types.Pointer).Elem(), nil) + "." + st.Field(fa.Field).Name()
					if reg, ok := f.field[name]; ok {
						for _, t := range f.idx.Targets(in.Val) {
							f.rootsOf(t, reg, "", in.Pos(), add)
						}
					}
				}
			}
		}
	}
	slices.SortStableFunc(roots, func(a, b Root) int {
		if a.Pos != b.Pos {
			return int(a.Pos - b.Pos)
		}
		return int(a.Fn.Pos() - b.Fn.Pos())
	})
	return roots
}

type rootKey struct {
	fn      *ssa.Function
	method  string
	pattern string
	server  bool
}

func (f *Finder) register(c *ssa.CallCommon, reg rules.Registration, pos token.Pos, add func(Root)) {
	off := 0
	if !c.IsInvoke() && c.Signature().Recv() != nil {
		off = 1
	}
	pattern := ""
	if reg.Pattern >= 0 && reg.Pattern+off < len(c.Args) {
		if k, ok := c.Args[reg.Pattern+off].(*ssa.Const); ok && k.Value != nil && k.Value.Kind() == constant.String {
			pattern = constant.StringVal(k.Value)
		}
	}
	var hv ssa.Value
	switch {
	case reg.Handler == -1 && !c.IsInvoke() && len(c.Args) > 0:
		hv = c.Args[0]
	case reg.Handler == -1:
		hv = c.Value
	case reg.Handler+off < len(c.Args):
		hv = c.Args[reg.Handler+off]
	}
	if hv == nil {
		return
	}
	for _, t := range f.idx.Targets(hv) {
		f.rootsOf(t, reg, pattern, pos, add)
	}
}

// rootsOf turns a traced handler value into roots.
func (f *Finder) rootsOf(t flow.Target, reg rules.Registration, pattern string, pos token.Pos, add func(Root)) {
	method := reg.Method
	if m, p, ok := strings.Cut(pattern, " "); ok && m != "" && strings.ToUpper(m) == m {
		method, pattern = m, strings.TrimSpace(p)
	}
	mk := func(fn *ssa.Function) Root {
		return Root{Fn: fn, Method: method, Pattern: pattern, Server: reg.Server, Pos: pos}
	}
	if t.Fn != nil {
		add(mk(t.Fn))
		return
	}
	if reg.Service {
		for _, fn := range f.exportedMethods(t.Type) {
			r := mk(fn)
			r.Pattern = fn.Name()
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
