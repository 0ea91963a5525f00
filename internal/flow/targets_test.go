package flow_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"testing"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
)

const src = `package p

func h1() {}
func h2() {}

func factory(h func()) func() { return h }
func viaFactory() func() { return factory(h1) }
func other() func() { return factory(h2) }

func wrap(h func()) func() { return func() { h() } }
func wrapped() func() { return wrap(h1) }
func wrapped2() func() { return wrap(h2) }

var table []func()
func init() { table = []func(){h1, h2} }
func fromGlobal(i int) func() { return table[i] }

type S struct{ steps []func() }
func (s *S) set() { s.steps = []func(){h2} }
func (s *S) step(i int) func() { return s.steps[i] }

type iface interface{ M() }
type T struct{}
func (T) M() {}
type U struct{}
func (*U) M() {}
func method(b bool) func() { var x iface = T{}; if b { x = &U{} }; return x.M }

func handler(b bool) any { if b { return T{} }; return &U{} }
`

func build(t *testing.T) (*ssa.Package, *flow.Index) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
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

// names returns the names of the functions among targets, and the types of the others.
func names(ts []flow.Target) []string {
	var out []string
	for _, t := range ts {
		if t.Fn != nil {
			out = append(out, t.Fn.String())
		} else {
			out = append(out, types.TypeString(t.Type, nil))
		}
	}
	return out
}

func TestTargets(t *testing.T) {
	pkg, x := build(t)
	for _, tc := range []struct {
		fn   string
		want []string
	}{
		// A factory's parameter is bound to this call's argument: h1, not h2 passed by other().
		{"viaFactory", []string{"p.h1"}},
		{"other", []string{"p.h2"}},
		// A closure is a target with what it captured.
		{"wrapped", []string{"p.wrap$1"}},
		// An element of a package-level slice: its elements (and the array itself, a pointer type without a
		// position, which sorts first).
		{"fromGlobal", []string{"*[2]func()", "p.h1", "p.h2"}},
		// An element of a slice held in a field: the elements of the slices stored there.
		{"step", []string{"p.h2"}},
		// A method value of an interface: the method of each type the interface can hold.
		{"method", []string{"(p.T).M", "(*p.U).M"}},
		// Values of types whose methods serve.
		{"handler", []string{"p.T", "*p.U"}},
	} {
		fn := pkg.Func(tc.fn)
		if fn == nil {
			fn = pkg.Prog.FuncValue(pkg.Type("S").Type().(*types.Named).Method(1))
		}
		rets := values.Returns(fn, 0)
		if len(rets) == 0 {
			t.Fatalf("%s returns nothing", tc.fn)
		}
		var got []string
		for _, r := range rets {
			got = append(got, names(x.Targets(r))...)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Targets(%s) = %q, want %q", tc.fn, got, tc.want)
		}
	}
}

// TestTargetsBind checks that a closure's target carries what it captured, so that the call in its body calls
// only the handler this closure was made with, not every handler wrap is given.
func TestTargetsBind(t *testing.T) {
	pkg, x := build(t)
	ts := x.Targets(values.Returns(pkg.Func("wrapped"), 0)[0])
	if len(ts) != 1 || ts[0].Fn == nil || ts[0].Bind == nil {
		t.Fatalf("Targets(wrapped) = %v, want the closure wrap$1 with its bindings", names(ts))
	}
	var call *ssa.Call
	for _, b := range ts[0].Fn.Blocks {
		for _, instr := range b.Instrs {
			if c, ok := instr.(*ssa.Call); ok {
				call = c
			}
		}
	}
	if call == nil {
		t.Fatal("wrap$1 calls nothing")
	}
	callee := call.Common().Value
	if got := names(x.TargetsWith(callee, ts[0].Bind)); !slices.Equal(got, []string{"p.h1"}) {
		t.Errorf("with the closure's bindings, h() calls %q, want p.h1", got)
	}
	if got := names(x.Targets(callee)); !slices.Equal(got, []string{"p.h1", "p.h2"}) {
		t.Errorf("without them, h() calls %q, want p.h1 and p.h2", got)
	}
}
