package whole

import (
	"cmp"
	"fmt"
	"go/types"
	"slices"

	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/ssa"
)

// An assumption is an interface call that VTA resolved to nothing, given edges to the implementations declared
// in the packages analyzed in full: implementations made by reflection (reflect.New(t).Interface().(Provider))
// or kept in a registry filled by init have no value flow VTA can see.
type assumption struct {
	method string // the interface method, Provider.Fetch
	n      int    // how many implementations are assumed
}

// assume adds the fallback edges to g for every interface call in a function the walks enter that has no callee
// in g. Interfaces of the standard library are left alone: nearly every program implements io.Reader or
// http.ResponseWriter somewhere, and a call VTA cannot resolve on one of those is rarely a call of the user's.
func (a *engine) assume(g *callgraph.Graph, slice map[*ssa.Function]bool) map[ssa.CallInstruction]assumption {
	var fns []*ssa.Function
	for fn := range slice {
		if a.walks(fn) {
			fns = append(fns, fn)
		}
	}
	// Instances of one generic function share its position: their names break the tie.
	slices.SortFunc(fns, func(x, y *ssa.Function) int {
		if x.Pos() != y.Pos() {
			return cmp.Compare(x.Pos(), y.Pos())
		}
		return cmp.Compare(a.name(x), a.name(y))
	})
	out := map[ssa.CallInstruction]assumption{}
	// Keyed by the interface too: a method of an embedded interface is one *types.Func for every interface that
	// embeds it, and each of them has its own implementations.
	type key struct {
		iface types.Type
		m     *types.Func
	}
	impls := map[key][]*ssa.Function{}
	for _, fn := range fns {
		resolved := map[ssa.CallInstruction]bool{}
		if n := g.Nodes[fn]; n != nil {
			for _, e := range n.Out {
				resolved[e.Site] = true
			}
		}
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				site, ok := instr.(ssa.CallInstruction)
				if !ok || !site.Common().IsInvoke() || resolved[site] {
					continue
				}
				m := site.Common().Method
				if m.Pkg() == nil || a.bodies.std[m.Pkg().Path()] {
					continue
				}
				k := key{site.Common().Value.Type(), m}
				callees, ok := impls[k]
				if !ok {
					callees = a.implementations(k.iface, m)
					impls[k] = callees
				}
				if len(callees) == 0 {
					continue
				}
				caller := g.CreateNode(fn)
				for _, c := range callees {
					callgraph.AddEdge(caller, site, g.CreateNode(c))
				}
				out[site] = assumption{method: ifaceMethod(site.Common().Value.Type(), m), n: len(callees)}
			}
		}
	}
	return out
}

// implementations returns the method m of the types declared in the packages analyzed in full that implement
// the interface t, in declaration order.
func (a *engine) implementations(t types.Type, m *types.Func) []*ssa.Function {
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	if a.withMethod == nil {
		a.indexMethods()
	}
	var out []*ssa.Function
	for _, named := range a.withMethod[m.Id()] {
		var recv types.Type
		switch {
		case types.Implements(named, iface):
			recv = named
		case types.Implements(types.NewPointer(named), iface):
			recv = types.NewPointer(named)
		default:
			continue
		}
		sel := a.prog.MethodSets.MethodSet(recv).Lookup(m.Pkg(), m.Name())
		if sel == nil {
			continue
		}
		if fn := a.prog.MethodValue(sel); fn != nil && fn.Blocks != nil {
			out = append(out, fn)
		}
	}
	return out
}

// indexMethods fills a.withMethod: the types that implementations considers, in the order it considers them,
// listed under the Id of every method of their pointer's method set (which holds the value's methods too), so
// that a query tests with types.Implements only the types that have the method at all. Without it, each method
// of each interface called tested every type of the user's code (on loki, most of assume's 8 CPU-s).
func (a *engine) indexMethods() {
	a.withMethod = map[string][]*types.Named{}
	for _, p := range a.good {
		scope := p.Types.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			named, ok := tn.Type().(*types.Named)
			if !ok || named.TypeParams().Len() > 0 || types.IsInterface(named) {
				continue
			}
			ms := a.prog.MethodSets.MethodSet(types.NewPointer(named))
			for i := range ms.Len() {
				id := ms.At(i).Obj().Id()
				a.withMethod[id] = append(a.withMethod[id], named)
			}
		}
	}
}

// ifaceMethod names an interface method as a path step does: Provider.Fetch.
func ifaceMethod(t types.Type, m *types.Func) string {
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name() + "." + m.Name()
	}
	return m.Name()
}

// note words an assumed call in the path.
func (s assumption) note() string {
	if s.n == 1 {
		return "no implementation reaches it here; assuming the 1 implementation in your module"
	}
	return fmt.Sprintf("no implementation reaches it here; assuming the %d implementations in your module", s.n)
}
