// Package values walks SSA values backwards to where they come from. Every backward walk of blockcheck (handler
// targets in internal/flow; router origins, route tables and carried middleware in internal/handlers; the origin,
// timeout, deadline and per-request checks of internal/blocking) is built on it, with one depth bound (MaxDepth)
// and one definition of which instruction kinds lead where.
//
// The edges are defined once, in edges.go. Sources gives them for a Node, a value asked about in a Mode: Value
// (where the value comes from), Addr (what a load from the address reads) or Elems (what is stored in a variable
// or array and its elements). It is composed of helpers a walk may also call by themselves:
//
//   - Through: the value a conversion, phi edge or copy passes on (ChangeType, ChangeInterface, MakeInterface,
//     Convert, TypeAssert, Slice; each edge of a Phi);
//   - Returns: what a function returns;
//   - Args: the arguments a parameter receives at its function's call sites;
//   - Bindings: what the closures made of a function bind to a free variable;
//   - Stored, Elements: what is stored at an address, into an array's elements.
//
// FieldStored and Local (what is stored into a named field of a struct being built, in a local variable) are
// for judges; Sources does not use them.
//
// What crosses functions (call sites, closures, the stores to a field, package variable or map anywhere) comes
// from an Index; flow.Index is the one in use.
//
// Two walks run on these edges, and a check picks the one that fits its question:
//
//   - A check that asks a yes/no/cannot-tell question of a value (was this command made without a context, has
//     this client a timeout, has this context a deadline, is this object made per request) is a Judge run by
//     Decide (judge.go): the judge keeps only the check's own decisions, a Verdict at a leaf or the values a value
//     comes from, and Decide owns the recursion, the all-of combination and the MaxDepth bound.
//   - A walk that collects many results (the functions a handler value can be, the calls a router was made by, a
//     table's arrays and maps) is a Visit run by a Walker (walk.go). The Walker walks depth first in the order the
//     visit returns nodes, visits each Node once (one visited set per walk, so a phi's cycle ends, and what is
//     met first decides what a later path finds already seen), visits no node more than MaxDepth steps from
//     where it began, and replaces a value by what its Subst binds it to before visiting it. The visit collects
//     what it wants and returns the nodes to walk on to: usually w.Sources(n), its own edges for the kinds where
//     it decides (the calls flow enters with their arguments bound), or nil to stop. Scoped starts a walk with
//     its own visited set and substitution inside a visit (a factory's returns for one call), Sharing one with
//     another visit over the same visited set.
//
// A new instruction kind to follow is taught to Sources (or the helper it composes), and every walk that follows
// the standard edges follows it.
package values

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// MaxDepth bounds every backward walk: beyond it a value's origin is unknown. A walk that meets a value it has
// already seen stops there too.
const MaxDepth = 32

// Through returns the values v passes on unchanged in what matters to a backward walk (a conversion's operand,
// a phi's edges), or nil when v is not such a value.
func Through(v ssa.Value) []ssa.Value {
	switch v := v.(type) {
	case *ssa.ChangeType:
		return []ssa.Value{v.X}
	case *ssa.ChangeInterface:
		return []ssa.Value{v.X}
	case *ssa.MakeInterface:
		return []ssa.Value{v.X}
	case *ssa.Convert:
		return []ssa.Value{v.X}
	case *ssa.TypeAssert:
		return []ssa.Value{v.X}
	case *ssa.Slice:
		return []ssa.Value{v.X}
	case *ssa.Phi:
		return v.Edges
	}
	return nil
}

// Returns returns result i of each return statement of fn, in block order; nil for a function without a body.
func Returns(fn *ssa.Function, i int) []ssa.Value {
	var out []ssa.Value
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && i < len(ret.Results) {
			out = append(out, ret.Results[i])
		}
	}
	return out
}

// Stored returns the values stored at addr by the instructions that refer to it, in instruction order.
func Stored(addr ssa.Value) []ssa.Value {
	refs := addr.Referrers()
	if refs == nil {
		return nil
	}
	var out []ssa.Value
	for _, r := range *refs {
		if s, ok := r.(*ssa.Store); ok && s.Addr == addr {
			out = append(out, s.Val)
		}
	}
	return out
}

// FieldStored returns the values stored into the field named field of the struct that addr points to, through
// the field addresses taken from addr itself.
func FieldStored(addr ssa.Value, field string) []ssa.Value {
	ptr, ok := addr.Type().Underlying().(*types.Pointer)
	if !ok {
		return nil
	}
	st, ok := ptr.Elem().Underlying().(*types.Struct)
	if !ok || addr.Referrers() == nil {
		return nil
	}
	var out []ssa.Value
	for _, r := range *addr.Referrers() {
		if fa, ok := r.(*ssa.FieldAddr); ok && st.Field(fa.Field).Name() == field {
			out = append(out, Stored(fa)...)
		}
	}
	return out
}

// Local returns what a load from a local variable (*a, a an Alloc) holds, the first value stored in it, and v
// itself when v is no such load or nothing is stored.
func Local(v ssa.Value) ssa.Value {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		if a, ok := u.X.(*ssa.Alloc); ok {
			if vals := Stored(a); len(vals) > 0 {
				return vals[0]
			}
		}
	}
	return v
}

// PassesOn reports whether the function value v, called in a helper whose parameters are bound to a call's
// arguments by bind, is a parameter of caller: a callback that caller received and passes on to the helper
// (evaluateOr401(ctx, fns...) calling evaluate(ctx, fns...)). Both engines resolve callbacks through it.
func PassesOn(v ssa.Value, bind map[ssa.Value]ssa.Value, caller *ssa.Function) bool {
	for range 8 {
		switch x := v.(type) {
		case *ssa.ChangeType:
			v = x.X
			continue
		case *ssa.Slice:
			v = x.X
			continue
		case *ssa.UnOp:
			if ia, ok := x.X.(*ssa.IndexAddr); ok && x.Op == token.MUL {
				v = ia.X
				continue
			}
		case *ssa.Parameter:
			if x.Parent() == caller {
				return true
			}
			if b, ok := bind[x]; ok && b != v {
				v = b
				continue
			}
		}
		return false
	}
	return false
}

// ParamIndex returns the index of the parameter of fn that v is, directly or as an element of a variadic
// parameter (for _, f := range fns { f(ctx) }), or -1.
func ParamIndex(v ssa.Value, fn *ssa.Function) int {
	for {
		switch x := v.(type) {
		case *ssa.ChangeType:
			v = x.X
			continue
		case *ssa.UnOp:
			if ia, ok := x.X.(*ssa.IndexAddr); ok && x.Op == token.MUL {
				v = ia.X
				continue
			}
		case *ssa.Parameter:
			if x.Parent() == fn {
				for i, p := range fn.Params {
					if p == x {
						return i
					}
				}
			}
		}
		return -1
	}
}

// CalledBack returns the method name of the concrete type that v, an interface argument, was converted from at
// the call (a *slowReader passed as an io.Reader), or nil when v is an interface already: both engines follow a
// rules.Callback into it.
func CalledBack(prog *ssa.Program, v ssa.Value, name string) *ssa.Function {
	for {
		switch x := v.(type) {
		case *ssa.ChangeInterface:
			v = x.X
			continue
		case *ssa.MakeInterface:
			t := x.X.Type()
			if types.IsInterface(t) {
				return nil
			}
			sel := prog.MethodSets.MethodSet(t).Lookup(nil, name)
			if sel == nil {
				return nil
			}
			return prog.MethodValue(sel)
		}
		return nil
	}
}
