package whole

import (
	"context"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/callgraph/cha"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

// TestChaSlice checks, on several modules, that chaSlice gives the functions a forward walk of cha.CallGraph
// reaches from the same seeds (the functions of the packages named), and that its memoized implements, which
// skips types.Implements for a receiver lacking a method of the interface, answers as types.Implements does for
// every interface called in the program and every method's receiver.
func TestChaSlice(t *testing.T) {
	var implemented, checked, skipped int // pairs that implement, that do not, and those of them hasMethods decides
	for _, d := range []string{"service", "routers", "drivers"} {
		t.Run(d, func(t *testing.T) {
			s := NewSession(sessionConfig(t, filepath.Join("../../testdata", d)))
			res, err := s.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			prog := s.cache.progs.prog
			named := map[string]bool{}
			for _, p := range res.Packages {
				named[p] = true
			}
			seeds := functions(prog, func(p *ssa.Package) bool { return named[p.Pkg.Path()] },
				func(p *ssa.Package) []*ssa.Function { return pkgFunctions(prog, p) })
			if len(seeds) == 0 {
				t.Fatal("no seeds")
			}

			// ssautil.AllFunctions may give another set from one call to the next (prog.RuntimeTypes ranges over a
			// map, and a type first met through an alias stops its walk), so the slice is taken over the very
			// functions cha.CallGraph enumerated: its nodes.
			cg := cha.CallGraph(prog)
			enumerated := map[*ssa.Function]bool{}
			for fn := range cg.Nodes {
				if fn != nil {
					enumerated[fn] = true
				}
			}
			got := chaSlice(prog, seeds, newFuncIndex(prog, nil, enumerated, nil))
			want := map[*ssa.Function]bool{}
			queue := slices.Clone(seeds)
			for _, fn := range seeds {
				want[fn] = true
			}
			for len(queue) > 0 {
				fn := queue[len(queue)-1]
				queue = queue[:len(queue)-1]
				if n := cg.Nodes[fn]; n != nil {
					for _, e := range n.Out {
						if g := e.Callee.Func; !want[g] {
							want[g] = true
							queue = append(queue, g)
						}
					}
				}
			}
			if diff := lineDiff(strings.Join(funcNames(want), "\n"), strings.Join(funcNames(got), "\n")); diff != "" {
				t.Fatalf("chaSlice differs from the walk of cha.CallGraph (-want +got):\n%s", diff)
			}
			all := ssautil.AllFunctions(prog)
			if len(got) <= len(seeds) || len(got) >= len(all) {
				t.Fatalf("slice of %d functions from %d seeds among %d: the test exercised nothing", len(got), len(seeds), len(all))
			}

			ifaces := map[*types.Interface]bool{}
			for fn := range all {
				for _, b := range fn.Blocks {
					for _, instr := range b.Instrs {
						if site, ok := instr.(ssa.CallInstruction); ok && site.Common().IsInvoke() {
							ifaces[site.Common().Value.Type().Underlying().(*types.Interface)] = true
						}
					}
				}
			}
			// Every pair chaSlice can ask about: an interface called and the receiver of a method named as one of
			// the interface's.
			byID := map[string][]recvMethod{}
			for fn := range all {
				if obj, ok := fn.Object().(*types.Func); ok && fn.Signature.Recv() != nil {
					byID[obj.Id()] = append(byID[obj.Id()], newRecvMethod(fn, nil))
				}
			}
			imp := newImplementsMemo(prog, func(id string) int { return len(byID[id]) })
			var yes, no int
			for iface := range ifaces {
				for i := range iface.NumMethods() {
					for _, m := range byID[iface.Method(i).Id()] {
						want := types.Implements(m.recv, iface)
						if !imp.hasMethods(m.recv, iface) {
							skipped++
							if want {
								t.Errorf("%v implements %v but hasMethods says it lacks a method", m.recv, iface)
							}
						}
						// Twice: the first answer is computed, the second remembered.
						for range 2 {
							if got := imp.implements(m, iface); got != want {
								t.Fatalf("implements(%v, %v) = %v, types.Implements says %v", m.recv, iface, got, want)
							}
						}
						if want {
							yes++
						} else {
							no++
						}
					}
				}
			}
			t.Logf("slice: %d of %d functions from %d seeds; implements: %d yes, %d no", len(got), len(all), len(seeds), yes, no)
			implemented += yes
			checked += no
		})
	}
	t.Logf("implements: %d yes, %d no, %d of them without types.Implements", implemented, checked, skipped)
	if implemented == 0 || skipped == 0 || skipped == checked {
		t.Fatal("the implements check exercised nothing")
	}
}

// TestChaSliceWrappers checks, on several modules ($BLOCKCHECK_BENCH_DIR too, when set), that chaSlice over the
// functions with the method wrappers left unmade (allFunctions) gives the slice it gives over every function made,
// and that what each wrapper calls is among the functions allFunctions lists.
func TestChaSliceWrappers(t *testing.T) {
	dirs := []string{"service", "routers", "drivers", "shapes"}
	if d := os.Getenv("BLOCKCHECK_BENCH_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	var listed, unmade int
	for _, d := range dirs {
		t.Run(filepath.Base(d), func(t *testing.T) {
			dir := d
			if !filepath.IsAbs(d) {
				dir = filepath.Join("../../testdata", d)
			}
			s := NewSession(sessionConfig(t, dir))
			res, err := s.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			c := &s.cache.progs
			named := map[string]bool{}
			for _, p := range res.Packages {
				named[p] = true
			}
			seeds := functions(c.prog, func(p *ssa.Package) bool { return named[p.Pkg.Path()] }, c.functions)
			lazy := c.allFunctions(c.prog, c.live)
			got := chaSlice(c.prog, seeds, lazy)
			var wrappers []*types.Selection
			for x := lazy; x != nil; x = x.base {
				wrappers = append(wrappers, x.wrappers...)
			}
			for _, sel := range wrappers {
				fn := c.prog.MethodValue(sel)
				if fn.Synthetic == "" {
					t.Errorf("%v: listed as a wrapper, but MethodValue gives the declared %v", sel, fn)
				}
				for _, g := range c.refs(fn) {
					if !lazy.has(g) {
						t.Errorf("wrapper %v calls %v, which allFunctions does not list", fn, g)
					}
				}
				if !got[fn] {
					unmade++
				}
			}
			listed += len(wrappers)
			want := chaSlice(c.prog, seeds, newFuncIndex(c.prog, nil, lazy.set(), nil))
			if diff := lineDiff(strings.Join(funcNames(want), "\n"), strings.Join(funcNames(got), "\n")); diff != "" {
				t.Fatalf("chaSlice with the wrappers unmade differs from chaSlice over them all (-want +got):\n%s", diff)
			}
		})
	}
	t.Logf("%d wrappers listed, %d of them left unmade by chaSlice", listed, unmade)
	if unmade == 0 || unmade == listed {
		t.Fatal("the test exercised nothing")
	}
}
