package whole

import (
	"cmp"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
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
// all is the program's functions, as ssautil.AllFunctions gives them, indexed (nil: compute them), with the
// method wrappers among them possibly not made yet: only those an interface call reaches are made.
func chaSlice(prog *ssa.Program, seeds []*ssa.Function, all *funcIndex) map[*ssa.Function]bool {
	if all == nil {
		all = newFuncIndex(prog, nil, ssautil.AllFunctions(prog), nil)
	}
	type imethod struct {
		iface *types.Interface
		id    string
	}
	impls := map[imethod][]*ssa.Function{} // memo: the methods an interface method call may reach
	made := map[*ssa.Function]bool{}       // the wrappers made
	imp := newImplementsMemo(prog, all.countID)
	callees := func(call *ssa.CallCommon) []*ssa.Function {
		if call.IsInvoke() {
			iface := call.Value.Type().Underlying().(*types.Interface)
			key := imethod{iface, call.Method.Id()}
			fns, ok := impls[key]
			if !ok {
				for _, m := range all.withID(key.id) {
					if imp.implements(m, iface) {
						fn := m.fn
						if fn == nil {
							fn = prog.MethodValue(m.sel)
							made[fn] = true
						}
						fns = append(fns, fn)
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
		return all.withSig(call.Signature())
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
		if !all.has(fn) && !made[fn] {
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

// A recvMethod is a method with its receiver's type, and the named type that is or that it points to (nil for
// a receiver of another shape). A wrapper not made yet has no fn but its selection.
type recvMethod struct {
	fn    *ssa.Function
	sel   *types.Selection
	recv  types.Type
	named *types.Named
	ptr   bool
}

// newRecvMethod returns the method fn, or the wrapper for sel to be made.
func newRecvMethod(fn *ssa.Function, sel *types.Selection) recvMethod {
	m := recvMethod{fn: fn, sel: sel}
	if fn != nil {
		m.recv = fn.Signature.Recv().Type()
	} else {
		m.recv = sel.Recv()
	}
	t := types.Unalias(m.recv)
	if p, ok := t.(*types.Pointer); ok {
		t, m.ptr = types.Unalias(p.Elem()), true
	}
	m.named, _ = t.(*types.Named)
	return m
}

// implementsMemo answers types.Implements for the receivers of methods, remembered by interface and receiver: an
// interface of n methods asks about the same receivers for each of its methods called. On loki the slice asks
// 9 million times about 900 thousand pairs, 80% of which lack a method.
type implementsMemo struct {
	prog *ssa.Program
	// memo holds, per interface and named type, which of the value (bit 0) and the pointer (bit 2) were asked
	// about, and whether each implements the interface (bits 1 and 3).
	memo map[*types.Interface]map[*types.Named]uint8
	// methods holds each interface's methods, those fewest receivers have first (by rarity), for hasMethods.
	methods map[*types.Interface][]*types.Func
	rarity  func(id string) int
}

// newImplementsMemo returns a memo whose hasMethods looks a method up first when rarity gives it a lower count
// (nil: in the interface's order).
func newImplementsMemo(prog *ssa.Program, rarity func(id string) int) *implementsMemo {
	return &implementsMemo{prog: prog, memo: map[*types.Interface]map[*types.Named]uint8{},
		methods: map[*types.Interface][]*types.Func{}, rarity: rarity}
}

func (im *implementsMemo) implements(m recvMethod, iface *types.Interface) bool {
	if m.named == nil {
		return types.Implements(m.recv, iface)
	}
	byNamed := im.memo[iface]
	if byNamed == nil {
		byNamed = map[*types.Named]uint8{}
		im.memo[iface] = byNamed
	}
	known, yes := uint8(1), uint8(2)
	if m.ptr {
		known, yes = 4, 8
	}
	state := byNamed[m.named]
	if state&known == 0 {
		state |= known
		if im.hasMethods(m.recv, iface) && types.Implements(m.recv, iface) {
			state |= yes
		}
		byNamed[m.named] = state
	}
	return state&yes != 0
}

// hasMethods reports whether the method set of the concrete type t holds a method of each name of iface's, as it
// must if t implements iface. Most receivers asked about lack one, and finding that in the program's memoized
// method sets costs far less than types.Implements, which looks every method up through t's embedded fields and,
// missing one, looks again ignoring case for its error message. The rarest method is looked up first: it is the
// one most likely missing.
func (im *implementsMemo) hasMethods(t types.Type, iface *types.Interface) bool {
	if types.IsInterface(t) {
		return true // types.Implements decides
	}
	methods, ok := im.methods[iface]
	if !ok {
		for m := range iface.Methods() {
			methods = append(methods, m)
		}
		if im.rarity != nil {
			slices.SortStableFunc(methods, func(x, y *types.Func) int { return cmp.Compare(im.rarity(x.Id()), im.rarity(y.Id())) })
		}
		im.methods[iface] = methods
	}
	ms := im.prog.MethodSets.MethodSet(t)
	for _, m := range methods {
		if ms.Lookup(m.Pkg(), m.Name()) == nil {
			return false
		}
	}
	return true
}
