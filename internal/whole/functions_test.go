package whole

import (
	"context"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

// functionsByMethodSets is what functions computed before declaredMethods: every method of the method sets of
// each type member and its pointer, through prog.MethodValue, keeping those declared in the package.
func functionsByMethodSets(prog *ssa.Program, keep func(*ssa.Package) bool) []*ssa.Function {
	var out []*ssa.Function
	var add func(fn *ssa.Function)
	add = func(fn *ssa.Function) {
		if fn.Blocks == nil {
			return
		}
		out = append(out, fn)
		for _, anon := range fn.AnonFuncs {
			add(anon)
		}
	}
	pkgs := prog.AllPackages()
	slices.SortFunc(pkgs, func(x, y *ssa.Package) int { return strings.Compare(x.Pkg.Path(), y.Pkg.Path()) })
	for _, p := range pkgs {
		if !keep(p) {
			continue
		}
		var names []string
		for name := range p.Members {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			switch m := p.Members[name].(type) {
			case *ssa.Function:
				add(m)
			case *ssa.Type:
				for _, t := range []types.Type{m.Type(), types.NewPointer(m.Type())} {
					ms := prog.MethodSets.MethodSet(t)
					for i := range ms.Len() {
						if fn := prog.MethodValue(ms.At(i)); fn != nil && fn.Pkg == p && fn.Synthetic == "" {
							if t == m.Type() || !types.IsInterface(m.Type()) {
								add(fn)
							}
						}
					}
				}
			}
		}
	}
	seen := map[*ssa.Function]bool{}
	return slices.DeleteFunc(out, func(fn *ssa.Function) bool {
		if seen[fn] {
			return true
		}
		seen[fn] = true
		return false
	})
}

// TestFunctions checks that functions lists the functions and methods the method sets of the package's types
// give, in the same order, on a package of the shapes that could tell them apart (aliases of a type and of its
// pointer that sort before it, promoted methods, generic and interface types, unexported methods) and on several
// modules.
func TestFunctions(t *testing.T) {
	const src = `package p

import "io"

type A = T   // sorts before T: T's methods are listed here
type B = *U  // an alias of a pointer: U's pointer methods only
type C = io.Reader

type T struct{ Embedded }
type Embedded struct{}
type U struct{ *Embedded }
type G[E any] struct{ e E }
type I interface{ M() }
type GI = G[int]

func (Embedded) Promoted()      {}
func (*Embedded) PromotedPtr()  {}
func (T) Z()                    {}
func (T) a()                    {}
func (*T) M()                   {}
func (*T) b()                   {}
func (U) V()                    {}
func (*U) W()                   {}
func (*U) c()                   {}
func (g G[E]) Get() E           { return g.e }
func F()                        { func() {}() }
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg := types.NewPackage("example.com/p", "p")
	sp, _, err := ssautil.BuildPackage(&types.Config{Importer: importer.Default()}, fset, pkg, []*ast.File{f}, ssa.InstantiateGenerics)
	if err != nil {
		t.Fatal(err)
	}
	progs := map[string]*ssa.Program{"shapes": sp.Prog}
	for _, d := range []string{"service", "routers", "stdlib"} {
		s := NewSession(sessionConfig(t, filepath.Join("../../testdata", d)))
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		progs[d] = s.cache.progs.prog
	}
	for name, prog := range progs {
		all := func(*ssa.Package) bool { return true }
		of := func(p *ssa.Package) []*ssa.Function { return pkgFunctions(prog, p) }
		got := functions(prog, all, of)
		want := functionsByMethodSets(prog, all)
		if !slices.Equal(got, want) {
			names := func(fns []*ssa.Function) string {
				var out []string
				for _, fn := range fns {
					out = append(out, fn.String())
				}
				return strings.Join(out, "\n")
			}
			t.Errorf("%s: functions differs from the method sets' functions (-want +got):\n%s", name, lineDiff(names(want), names(got)))
		}
		if name == "shapes" {
			var got []string
			for _, fn := range functions(prog, all, of) {
				got = append(got, fn.String())
			}
			t.Logf("%s", strings.Join(got, "\n"))
		}
	}
}
