package handlers

import (
	"go/token"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/values"
	"github.com/blockcheck/blockcheck/rules"
)

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
	if depth < values.MaxDepth {
		// A route table in a map, ranged over: for p, h := range routes { mux.HandleFunc(p, h) }.
		if m, ok := mapRange(pv, hv); ok {
			var out []pair
			for _, u := range f.mapUpdates(m) {
				out = append(out, pair{pattern: u.Key, handler: u.Value})
			}
			if out != nil {
				return out
			}
		}
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
			} else if _, ok := unconvert(hv).(*ssa.Call); ok {
				// A registration helper that wraps the handler it is passed (func (r *Router) GET(path string,
				// h Handler) { r.g.GET(path, chain(h).toEcho()) }): each call of the helper pairs its pattern
				// with the wrapper traced with the helper's parameters bound to that call's arguments.
				fn := pp.Parent()
				i := slices.Index(fn.Params, pp)
				var out []pair
				for _, c := range f.idx.CallSites(fn) {
					if c.IsInvoke() || i >= len(c.Args) || len(c.Args) != len(fn.Params) {
						continue
					}
					subst := map[ssa.Value]ssa.Value{}
					for k, p := range fn.Params {
						subst[p] = c.Args[k]
					}
					out = append(out, pair{pattern: c.Args[i], handler: hv, subst: subst})
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
			} else if call, ok := unconvert(hv).(*ssa.Call); ok {
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

// mapRange returns the map that a pattern and a handler are the key and the value of, when both come from one
// iteration of a range loop over it.
func mapRange(pv, hv ssa.Value) (ssa.Value, bool) {
	k, ok := pv.(*ssa.Extract)
	if !ok || k.Index != 1 {
		return nil, false
	}
	v, ok := unconvert(hv).(*ssa.Extract)
	if !ok || v.Index != 2 || v.Tuple != k.Tuple {
		return nil, false
	}
	next, ok := k.Tuple.(*ssa.Next)
	if !ok || next.IsString {
		return nil, false
	}
	rng, ok := next.Iter.(*ssa.Range)
	if !ok {
		return nil, false
	}
	return rng.X, true
}

// mapUpdates returns the entries stored into the maps a map value can be: a literal (make and updates), a local
// variable or a package variable holding one.
func (f *Finder) mapUpdates(m ssa.Value) []*ssa.MapUpdate {
	var out []*ssa.MapUpdate
	visit := func(w *values.Walker, n values.Node, _ int) []values.Node {
		switch v := n.V.(type) {
		case *ssa.MakeMap:
			if n.Mode == values.Value {
				for _, r := range *v.Referrers() {
					if u, ok := r.(*ssa.MapUpdate); ok && u.Map == v {
						out = append(out, u)
					}
				}
			}
			return nil
		case *ssa.ChangeType:
			return w.Sources(n)
		}
		return variableSources(w, n)
	}
	values.NewWalker(f.idx, nil, visit).Walk(values.Node{V: m}, 0)
	return out
}

// variableSources returns where a table read from a variable comes from: what is stored in the local variable,
// field or package variable it is loaded from.
func variableSources(w *values.Walker, n values.Node) []values.Node {
	switch n.V.(type) {
	case *ssa.UnOp:
		if n.Mode == values.Value {
			return w.Sources(n)
		}
	case *ssa.Global, *ssa.FieldAddr, *ssa.Alloc:
		if n.Mode == values.Addr {
			return w.Sources(n)
		}
	}
	return nil
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
	for _, arr := range f.arrays(ia.X) {
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
	if depth > values.MaxDepth {
		return row
	}
	for _, r := range *addr.Referrers() {
		switch r := r.(type) {
		case *ssa.FieldAddr:
			for _, v := range values.Stored(r) {
				row[r.Field] = v
			}
		case *ssa.Store:
			if u, ok := r.Val.(*ssa.UnOp); ok && r.Addr == addr && u.Op == token.MUL {
				maps.Copy(row, fieldsStored(u.X, depth+1))
			}
		}
	}
	return row
}

// arrays returns the array allocations a slice value can hold: a literal, what a function returns (func (s
// *Server) routes() []route), or what was stored into the variable it was loaded from.
func (f *Finder) arrays(v ssa.Value) []*ssa.Alloc {
	var out []*ssa.Alloc
	visit := func(w *values.Walker, n values.Node, _ int) []values.Node {
		switch v := n.V.(type) {
		case *ssa.Alloc:
			if n.Mode == values.Value {
				out = append(out, v)
				return nil
			}
		case *ssa.Slice, *ssa.Call:
			return w.Sources(n)
		}
		return variableSources(w, n)
	}
	values.NewWalker(f.idx, nil, visit).Walk(values.Node{V: v}, 0)
	return out
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
		ts := f.idx.TargetsWith(h, p.subst)
		for _, t := range ts {
			for _, base := range bases {
				f.rootsOf(t, reg, base.join(own), only, in.Pos(), add)
			}
		}
		if len(ts) == 0 {
			for _, base := range bases {
				f.unresolved(reg, base.join(own), h, in.Pos()) // unresolved.go
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
	return values.Elements(a)
}
