package values

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// An Index holds what crosses functions, indexed over the functions a walk may enter: the static call sites of a
// function, the closures made of it, and the stores to struct fields, package variables and maps anywhere.
// flow.Index is the one in use.
type Index interface {
	CallSites(fn *ssa.Function) []*ssa.CallCommon
	Closures(fn *ssa.Function) []*ssa.MakeClosure
	FieldStores(t types.Type, field int) []ssa.Value
	GlobalStores(g *ssa.Global) []ssa.Value
	MapStores(m types.Type) []ssa.Value
}

// A Mode says what a walk asks of a value.
type Mode uint8

const (
	// Value asks where the value itself comes from.
	Value Mode = iota
	// Addr asks what a load from the address reads: the values stored at it.
	Addr
	// Elems asks what is stored in the variable or array at the address, directly or into its elements (a slice
	// or array that is indexed later).
	Elems
)

// A Node is a value met by a walk, in the mode it is asked about.
type Node struct {
	V    ssa.Value
	Mode Mode
}

// Sources returns where n comes from: the edges every backward walk follows, and the only place that says which
// instruction kinds lead where. A value without an edge (a constant, an allocation, a call without a body) is a
// leaf: nil.
//
// In Value mode: a conversion or phi leads to what it passes on (Through); a call to what its callee returns
// (Returns), an Extract to that result of its call; a parameter to the arguments of its function's call sites
// (Args); a free variable to what the closures made bind to it (Bindings); a load (*p) to the address p in Addr
// mode; a field of a struct value, or a map lookup, to what is stored into that field or map anywhere.
//
// In Addr mode: a field address or package variable leads to what is stored there anywhere, a local variable to
// what is stored in it (as in Elems mode), an element address to what is stored in the elements of its array or
// slice (Elems mode), a free variable to the variables the closures captured (Addr mode), and a parameter to the
// pointers passed for it (Value mode).
func Sources(n Node, x Index) []Node {
	switch n.Mode {
	case Addr:
		return addrSources(n.V, x)
	case Elems:
		return elemSources(n.V, x)
	}
	return valueSources(n.V, x)
}

func valueSources(v ssa.Value, x Index) []Node {
	if t := Through(v); t != nil {
		return nodes(t, Value)
	}
	switch v := v.(type) {
	case *ssa.Call:
		if fn := v.Common().StaticCallee(); fn != nil && fn.Signature.Results().Len() == 1 {
			return nodes(Returns(fn, 0), Value)
		}
	case *ssa.Extract:
		if c, ok := v.Tuple.(*ssa.Call); ok {
			if fn := c.Common().StaticCallee(); fn != nil {
				return nodes(Returns(fn, v.Index), Value)
			}
		}
	case *ssa.Parameter:
		return nodes(Args(v, x), Value)
	case *ssa.FreeVar:
		return nodes(Bindings(v, x), Value)
	case *ssa.UnOp:
		if v.Op == token.MUL {
			return []Node{{v.X, Addr}}
		}
	case *ssa.Field:
		return nodes(x.FieldStores(v.X.Type(), v.Field), Value)
	case *ssa.Lookup:
		return nodes(x.MapStores(v.X.Type()), Value)
	}
	return nil
}

func addrSources(a ssa.Value, x Index) []Node {
	switch a := a.(type) {
	case *ssa.FieldAddr:
		return nodes(x.FieldStores(a.X.Type(), a.Field), Value)
	case *ssa.Global:
		return nodes(x.GlobalStores(a), Value)
	case *ssa.Alloc:
		return elemSources(a, x)
	case *ssa.IndexAddr:
		return []Node{{a.X, Elems}}
	case *ssa.FreeVar:
		return nodes(Bindings(a, x), Addr)
	case *ssa.Parameter:
		return []Node{{a, Value}}
	}
	return nil
}

// elemSources returns what is stored into the variable or array that a (through slicing and loads) refers to.
func elemSources(a ssa.Value, x Index) []Node {
	a = Underlying(a)
	switch a := a.(type) {
	case *ssa.FieldAddr:
		// An element of a slice held in a field (p.steps[i]): the elements of the slices stored there.
		return nodes(x.FieldStores(a.X.Type(), a.Field), Elems)
	case *ssa.Global:
		// A package-level slice or array: the slices stored in it, their elements and themselves.
		var out []Node
		for _, s := range x.GlobalStores(a) {
			out = append(out, Node{s, Elems}, Node{s, Value})
		}
		return out
	}
	refs := a.Referrers()
	if refs == nil {
		return nil
	}
	var out []Node
	for _, r := range *refs {
		switch r := r.(type) {
		case *ssa.Store:
			if r.Addr == a {
				out = append(out, Node{r.Val, Value})
			}
		case *ssa.IndexAddr:
			out = append(out, nodes(Stored(r), Value)...)
		}
	}
	return out
}

// Elements returns the values stored into the elements of the array at a (a slice literal's), in instruction
// order.
func Elements(a ssa.Value) []ssa.Value {
	refs := a.Referrers()
	if refs == nil {
		return nil
	}
	var out []ssa.Value
	for _, r := range *refs {
		if ia, ok := r.(*ssa.IndexAddr); ok {
			out = append(out, Stored(ia)...)
		}
	}
	return out
}

// Underlying returns the variable or array a slice or a load refers to: a for a[i:j] and for *a.
func Underlying(v ssa.Value) ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.Slice:
			v = x.X
		case *ssa.UnOp:
			if x.Op != token.MUL {
				return v
			}
			v = x.X
		default:
			return v
		}
	}
}

// Args returns the arguments that the static call sites of p's function pass for p.
func Args(p *ssa.Parameter, x Index) []ssa.Value {
	fn := p.Parent()
	i := slices.Index(fn.Params, p)
	var out []ssa.Value
	for _, c := range x.CallSites(fn) {
		if i < len(c.Args) {
			out = append(out, c.Args[i])
		}
	}
	return out
}

// Bindings returns what the closures made of fv's function bind to fv.
func Bindings(fv *ssa.FreeVar, x Index) []ssa.Value {
	fn := fv.Parent()
	i := slices.Index(fn.FreeVars, fv)
	var out []ssa.Value
	for _, mc := range x.Closures(fn) {
		if i < len(mc.Bindings) {
			out = append(out, mc.Bindings[i])
		}
	}
	return out
}

func nodes(vs []ssa.Value, m Mode) []Node {
	if len(vs) == 0 {
		return nil
	}
	out := make([]Node, len(vs))
	for i, v := range vs {
		out[i] = Node{v, m}
	}
	return out
}
