package whole

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
	"golang.org/x/tools/go/types/typeutil"
)

// chaSlice returns the functions that the seeds reach in the class-hierarchy call graph of the whole program (a
// dynamic call may reach every function of its signature, an interface call every method of that name whose
// receiver implements the interface), without building that graph: only the call sites of the functions reached
// are resolved. It is the slice cha.CallGraph followed by a forward walk gives, at a fraction of the cost on a large
// program, where most functions are never reached and the graph's edges of polymorphic calls run into millions.
//
// The slice is closed under these callees, so VTA can resolve its call sites with its own lazy CHA over the slice
// alone (vta.CallGraph with no initial graph): every callee the whole program offers a call of the slice is in it.
//
// all is the program's functions, as ssautil.AllFunctions gives them (nil: compute them).
func chaSlice(prog *ssa.Program, seeds []*ssa.Function, all map[*ssa.Function]bool) map[*ssa.Function]bool {
	if all == nil {
		all = ssautil.AllFunctions(prog)
	}
	var bySig typeutil.Map               // functions that are not methods, by signature: []*ssa.Function
	byID := map[string][]*ssa.Function{} // methods, by their types.Func Id (name and, unexported, package)
	type imethod struct {
		iface *types.Interface
		id    string
	}
	impls := map[imethod][]*ssa.Function{} // memo: the methods an interface method call may reach
	// implements memoizes types.Implements by interface and receiver type: an interface of n methods asks about
	// the same receivers for each of its methods.
	type impl struct {
		iface *types.Interface
		t     types.Type // the receiver's type, or the type it points to
		ptr   bool
	}
	implMemo := map[impl]bool{}
	implements := func(recv types.Type, iface *types.Interface) bool {
		k := impl{iface: iface, t: recv}
		if p, ok := recv.(*types.Pointer); ok {
			k.t, k.ptr = p.Elem(), true
		}
		ok, done := implMemo[k]
		if !done {
			ok = types.Implements(recv, iface)
			implMemo[k] = ok
		}
		return ok
	}
	for fn := range all {
		switch {
		case fn.Signature.Recv() != nil:
			if obj, ok := fn.Object().(*types.Func); ok {
				byID[obj.Id()] = append(byID[obj.Id()], fn)
			}
		case fn.Synthetic == "package initializer" && fn.Name() == "init":
			// Never a value: no dynamic call reaches it.
		default:
			fns, _ := bySig.At(fn.Signature).([]*ssa.Function)
			bySig.Set(fn.Signature, append(fns, fn))
		}
	}
	callees := func(call *ssa.CallCommon) []*ssa.Function {
		if call.IsInvoke() {
			iface := call.Value.Type().Underlying().(*types.Interface)
			key := imethod{iface, call.Method.Id()}
			fns, ok := impls[key]
			if !ok {
				for _, m := range byID[key.id] {
					if implements(m.Signature.Recv().Type(), iface) {
						fns = append(fns, m)
					}
				}
				impls[key] = fns
			}
			return fns
		}
		if g := call.StaticCallee(); g != nil {
			return []*ssa.Function{g}
		}
		if _, ok := call.Value.(*ssa.Builtin); ok {
			return nil
		}
		fns, _ := bySig.At(call.Signature()).([]*ssa.Function)
		return fns
	}

	seen := map[*ssa.Function]bool{}
	var queue []*ssa.Function
	visit := func(fn *ssa.Function) {
		if !seen[fn] {
			seen[fn] = true
			queue = append(queue, fn)
		}
	}
	for _, fn := range seeds {
		visit(fn)
	}
	for len(queue) > 0 {
		fn := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if !all[fn] {
			// A function the program's enumeration does not know (an unexported method never converted to an
			// interface, named by the seeds) has no node in the class-hierarchy graph: it is in the slice but
			// nothing is followed from it, as before.
			continue
		}
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if site, ok := instr.(ssa.CallInstruction); ok {
					for _, g := range callees(site.Common()) {
						visit(g)
					}
				}
			}
		}
	}
	return seen
}
