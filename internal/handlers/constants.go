package handlers

import (
	"go/constant"
	"go/token"
	"go/types"
	"path"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/values"
)

// patternOf returns the route pattern an argument holds: a string constant, or the service name of a
// descriptor variable (gRPC's &Greeter_ServiceDesc, whose first string field is the service's full name).
func (f *Finder) patternOf(v ssa.Value) string {
	if s := constStrings(v); len(s) > 0 {
		return s[0]
	}
	if s, ok := joined(v); ok {
		return s
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

// joined returns the path a call of path.Join on constants makes (path.Join(uriAdmin, "stats"), as listmonk
// writes its routes).
func joined(v ssa.Value) (string, bool) {
	call, ok := v.(*ssa.Call)
	if !ok || len(call.Call.Args) != 1 {
		return "", false
	}
	fn := call.Call.StaticCallee()
	if fn == nil || fn.Pkg == nil || fn.Pkg.Pkg.Path() != "path" || fn.Name() != "Join" {
		return "", false
	}
	parts := constStrings(call.Call.Args[0])
	if n, ok := elems(call.Call.Args[0]); !ok || n != len(parts) {
		return "", false // an element that is no constant
	}
	return path.Join(parts...), true
}

// elems returns the number of elements of a variadic slice literal.
func elems(v ssa.Value) (int, bool) {
	sl, ok := v.(*ssa.Slice)
	if !ok {
		return 0, false
	}
	a, ok := sl.X.(*ssa.Alloc)
	if !ok {
		return 0, false
	}
	arr, ok := a.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Array)
	if !ok {
		return 0, false
	}
	return int(arr.Len()), true
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
	for _, e := range values.Elements(a) {
		out = append(out, constStrings(e)...)
	}
	return out
}
