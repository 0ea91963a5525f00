// Package values walks SSA values backwards to where they come from. Every backward tracer of blockcheck (handler
// targets in internal/flow, router origins in internal/handlers, the origin, timeout, deadline and per-request
// checks of internal/blocking) is built on these helpers, with one depth bound and one set of instruction kinds:
//
//   - Through: the value a conversion, phi edge or copy passes on (ChangeType, ChangeInterface, MakeInterface,
//     Convert, TypeAssert, Slice; each edge of a Phi);
//   - Returns: what a function returns;
//   - Stored: what is stored at an address (a local variable, a field or element address);
//   - FieldStored: what is stored into a named field of a struct being built;
//   - Local: what a load from a local variable holds.
//
// A check that asks a yes/no/cannot-tell question of a value (was this command made without a context, has this
// client a timeout, has this context a deadline, is this object made per request) is a Judge run by Decide: the
// judge keeps only the check's own decisions, a Verdict at a leaf or the values a value comes from, and Decide
// owns the recursion, the all-of combination and the MaxDepth bound. The walks that collect many results rather
// than decide one (flow's handler targets, handlers' router origins) keep their own recursion over these helpers,
// with a visited set and MaxDepth, because they follow addresses and values in different modes.
//
// What crosses functions (the arguments of a parameter's call sites, a closure's bindings, the stores to a field
// or package variable anywhere) is indexed by flow.Index.
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
