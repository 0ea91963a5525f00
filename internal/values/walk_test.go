package values_test

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
)

// walkSrc has one function per property of the walk; the leaves are the calls of leaf1..leaf5.
const walkSrc = `package p

func leaf1() int { return 1 }
func leaf2() int { return 2 }
func leaf3() int { return 3 }
func leaf4() int { return 4 }
func leaf5() int { return 5 }

func order(b bool) int { x := leaf1(); if b { x = leaf2() }; return x }

func pass(y int) int { return y }
func cycle(n int) int { x := leaf1(); for i := 0; i < n; i++ { x = pass(x) }; return x }

func captured() int { v := leaf3(); f := func() int { return v }; return f() }
func byRef() int { x := leaf1(); f := func() int { return x }; x = leaf2(); return f() }

var G int
func setG() { G = leaf4() }
func readG() int { return G }

type S struct{ f int }
func setF(s *S) { s.f = leaf5() }
func readF(s *S) int { return s.f }
func readFV(s S) int { return s.f }

func elems() int { xs := []int{leaf1(), leaf2()}; return xs[1] }

func id(x int) int { return x }
func first() int { return id(leaf1()) }
func second() int { return id(leaf2()) }
`

// chain returns the source of n functions c0..c(n-1), each returning the next, the last returning leaf1().
func chain(n int) string {
	var b strings.Builder
	for i := range n - 1 {
		fmt.Fprintf(&b, "func c%d() int { return c%d() }\n", i, i+1)
	}
	fmt.Fprintf(&b, "func c%d() int { return leaf1() }\n", n-1)
	return b.String()
}

func buildWalk(t *testing.T, extra string) (*ssa.Package, *flow.Index) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", walkSrc+extra, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, _, err := ssautil.BuildPackage(&types.Config{Importer: importer.Default()}, fset,
		types.NewPackage("p", "p"), []*ast.File{f}, ssa.SanityCheckFunctions)
	if err != nil {
		t.Fatal(err)
	}
	var funcs []*ssa.Function
	for fn := range ssautil.AllFunctions(pkg.Prog) {
		if fn.Pkg == pkg {
			funcs = append(funcs, fn)
		}
	}
	slices.SortFunc(funcs, func(a, b *ssa.Function) int { return int(a.Pos() - b.Pos()) })
	return pkg, flow.NewIndex(fset, funcs, flow.Options{})
}

// leaves collects the leaf calls met walking back from v along Sources, in the order met, and counts the visits
// of each node.
func leaves(x values.Index, v ssa.Value) ([]string, map[values.Node]int) {
	var out []string
	visits := map[values.Node]int{}
	visit := func(w *values.Walker, n values.Node, _ int) []values.Node {
		visits[n]++
		if c, ok := n.V.(*ssa.Call); ok && n.Mode == values.Value {
			if fn := c.Common().StaticCallee(); fn != nil && strings.HasPrefix(fn.Name(), "leaf") {
				out = append(out, fn.Name())
				return nil
			}
		}
		return w.Sources(n)
	}
	values.NewWalker(x, nil, visit).Walk(values.Node{V: v}, 0)
	return out, visits
}

func result(t *testing.T, pkg *ssa.Package, name string) ssa.Value {
	t.Helper()
	fn := pkg.Func(name)
	if fn == nil {
		t.Fatalf("no function %s", name)
	}
	rets := values.Returns(fn, 0)
	if len(rets) != 1 {
		t.Fatalf("%s: %d returns", name, len(rets))
	}
	return rets[0]
}

func TestWalkCollects(t *testing.T) {
	pkg, x := buildWalk(t, "")
	for _, tc := range []struct {
		fn   string
		want []string
	}{
		{"order", []string{"leaf1", "leaf2"}}, // a phi's edges, in order
		{"cycle", []string{"leaf1"}},          // the phi's cycle through pass ends at the phi
		{"captured", []string{"leaf3"}},       // a free variable: what the closure made binds
		{"byRef", []string{"leaf1", "leaf2"}}, // a variable captured by reference: every store to it
		{"readG", []string{"leaf4"}},          // a package variable: its stores anywhere
		{"readF", []string{"leaf5"}},          // a field read through a pointer: the field's stores
		{"readFV", []string{"leaf5"}},         // a field of a struct value: the same stores
		{"elems", []string{"leaf1", "leaf2"}}, // an element of a slice literal: what its elements hold
		{"first", []string{"leaf1", "leaf2"}}, // a parameter: the arguments of every call site
		{"setG", nil},                         // no result to walk: nothing
	} {
		var got []string
		if tc.fn == "setG" {
			if rets := values.Returns(pkg.Func(tc.fn), 0); len(rets) != 0 {
				t.Fatalf("setG returns %v", rets)
			}
		} else {
			got, _ = leaves(x, result(t, pkg, tc.fn))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: collected %v, want %v", tc.fn, got, tc.want)
		}
	}
}

// TestWalkVisitsOnce checks that no node is visited twice, though the cycle leads back to the phi.
func TestWalkVisitsOnce(t *testing.T) {
	pkg, x := buildWalk(t, "")
	_, visits := leaves(x, result(t, pkg, "cycle"))
	phis := 0
	for n, k := range visits {
		if k != 1 {
			t.Errorf("%v (%s) visited %d times", n.V, n.V.Name(), k)
		}
		if _, ok := n.V.(*ssa.Phi); ok {
			phis++
		}
	}
	if phis != 1 {
		t.Errorf("visited %d phis, want the loop's one", phis)
	}
}

// TestWalkDepth checks the MaxDepth bound: a chain of calls one step short of it is walked to its leaf, a longer
// one is not.
func TestWalkDepth(t *testing.T) {
	// From c0's result (the call c1()), each function adds one step: the leaf call of c(n-1) is n-1 steps away.
	short, long := values.MaxDepth+1, values.MaxDepth+2
	pkg, x := buildWalk(t, chain(long))
	for _, tc := range []struct {
		start string
		want  []string
	}{
		{fmt.Sprintf("c%d", long-short), []string{"leaf1"}},
		{"c0", nil},
	} {
		got, visits := leaves(x, result(t, pkg, tc.start))
		if !slices.Equal(got, tc.want) {
			t.Errorf("from %s: collected %v, want %v (%d nodes visited)", tc.start, got, tc.want, len(visits))
		}
	}
}

// TestWalkScoped checks that a visit binding a callee's parameters to a call's arguments, in a walk of its own,
// collects only what this call passes, and that the substitution is applied before a node is visited.
func TestWalkScoped(t *testing.T) {
	pkg, x := buildWalk(t, "")
	var out []string
	visit := func(w *values.Walker, n values.Node, depth int) []values.Node {
		c, ok := n.V.(*ssa.Call)
		if !ok || n.Mode != values.Value {
			return w.Sources(n)
		}
		fn := c.Common().StaticCallee()
		if strings.HasPrefix(fn.Name(), "leaf") {
			out = append(out, fn.Name())
			return nil
		}
		subst := maps.Clone(w.Subst())
		if subst == nil {
			subst = map[ssa.Value]ssa.Value{}
		}
		for i, p := range fn.Params {
			subst[p] = c.Common().Args[i]
		}
		inner := w.Scoped(subst)
		for _, r := range values.Returns(fn, 0) {
			inner.Walk(values.Node{V: r}, depth+1)
		}
		return nil
	}
	for name, want := range map[string][]string{"first": {"leaf1"}, "second": {"leaf2"}} {
		out = nil
		values.NewWalker(x, nil, visit).Walk(values.Node{V: result(t, pkg, name)}, 0)
		if !slices.Equal(out, want) {
			t.Errorf("%s: collected %v, want %v", name, out, want)
		}
	}
}

// TestWalkSharing checks that a walk sharing another's record of nodes seen does not visit them again, and that
// a scoped walk does.
func TestWalkSharing(t *testing.T) {
	pkg, x := buildWalk(t, "")
	v := result(t, pkg, "order")
	count := func(k *int) values.Visit {
		return func(w *values.Walker, n values.Node, _ int) []values.Node { *k++; return w.Sources(n) }
	}
	var first, shared int
	w := values.NewWalker(x, nil, count(&first))
	w.Walk(values.Node{V: v}, 0)
	once := first
	w.Sharing(count(&shared)).Walk(values.Node{V: v}, 0)
	if once == 0 || shared != 0 {
		t.Errorf("first walk visited %d nodes, the sharing walk %d, want > 0 and 0", once, shared)
	}
	// A scoped walk has the first walk's visit and a record of its own: it visits every node again.
	w.Scoped(nil).Walk(values.Node{V: v}, 0)
	if first != 2*once {
		t.Errorf("scoped walk visited %d nodes, want %d", first-once, once)
	}
}

// TestSourcesModes checks the address edges: a load leads to its address in Addr mode, an element address to its
// array in Elems mode.
func TestSourcesModes(t *testing.T) {
	pkg, x := buildWalk(t, "")
	load, ok := result(t, pkg, "readG").(*ssa.UnOp)
	if !ok {
		t.Fatalf("readG returns %T", result(t, pkg, "readG"))
	}
	got := values.Sources(values.Node{V: load}, x)
	if len(got) != 1 || got[0].V != load.X || got[0].Mode != values.Addr {
		t.Errorf("Sources(load) = %v, want the address in Addr mode", got)
	}
	elem := result(t, pkg, "elems").(*ssa.UnOp)
	got = values.Sources(values.Node{V: elem.X, Mode: values.Addr}, x)
	if len(got) != 1 || got[0].Mode != values.Elems {
		t.Errorf("Sources(element address) = %v, want its slice in Elems mode", got)
	}
}
