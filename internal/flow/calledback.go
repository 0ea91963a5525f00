package flow

import (
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/values"
)

// CalledBack returns the methods named name that a callback rule's argument v can run (io.Copy(w, src) calls
// src.Read): the method of the concrete type v was converted from at the call (values.CalledBack), or, when v is
// an interface value already (a reader returned by a function, kept in a field), the methods of the concrete
// types traced to it (Targets), in order. traced says which: an engine keeps traced methods to the user's code.
func (x *Index) CalledBack(prog *ssa.Program, v ssa.Value, name string) (fns []*ssa.Function, traced bool) {
	if m := values.CalledBack(prog, v, name); m != nil {
		return []*ssa.Function{m}, false
	}
	if _, ok := v.(*ssa.MakeInterface); ok {
		return nil, false // converted from a type without the method, or from another interface: nothing to add
	}
	for _, t := range x.Targets(v) {
		if t.Type == nil || types.IsInterface(t.Type) {
			continue
		}
		sel := prog.MethodSets.MethodSet(t.Type).Lookup(nil, name)
		if sel == nil {
			continue
		}
		if m := prog.MethodValue(sel); m != nil {
			fns = append(fns, m)
		}
	}
	return fns, true
}
