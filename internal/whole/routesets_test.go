package whole

import (
	"context"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blockcheck/blockcheck/internal/handlers"
	"github.com/blockcheck/blockcheck/rules"
	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/ssa"
)

// TestRouteSets checks that routeSets, which carries routes over the condensed shared call graph, gives every
// function exactly the routes a walk from each route on its own reaches, on the testdata services and on a
// handler that its own helper calls back, on handlers behind two levels of shared wrappers, and with every route
// walked on its own.
func TestRouteSets(t *testing.T) {
	rec := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/rec\n\ngo 1.22\n",
		"main.go": `package main

import (
	"net/http"
	"time"
)

func h(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		helper(w, r)
	}
	time.Sleep(time.Second)
}

func helper(w http.ResponseWriter, r *http.Request) { h(w, r); work() }

func work() { time.Sleep(time.Second) }

func other(w http.ResponseWriter, r *http.Request) { helper(w, r) }

func wrap(f func()) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { f(); helper(w, r) }
}

// again's closure calls itself, and slow calls it through loop: calls of a served handler's value are dispatches
// the walk does not enter, so each of its routes reaches only what its registration captured.
func again(f func()) http.HandlerFunc {
	var hf http.HandlerFunc
	hf = func(w http.ResponseWriter, r *http.Request) {
		f()
		if r.URL.Path != "/" {
			hf(w, r)
		}
	}
	return hf
}

var loop http.HandlerFunc

func slow() {
	time.Sleep(time.Second)
	loop(nil, nil)
}

func fast() {}

func main() {
	http.HandleFunc("/a", h)
	http.HandleFunc("/b", other)
	http.HandleFunc("/c", wrap(work))
	http.HandleFunc("/d", wrap(func() {}))
	http.HandleFunc("/e", again(slow))
	http.HandleFunc("/f", again(fast))
	loop = again(fast)
	http.ListenAndServe("127.0.0.1:8080", nil)
}
`,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(rec, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range []string{rec, "../../testdata/stdlib", "../../testdata/stdlib/routes/nested", "../../testdata/inventory", "../../testdata/service"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			a := testEngine(t, dir)
			if len(a.roots) == 0 {
				t.Fatal("no routes")
			}
			r := &reporter{a: a, byKey: map[findingKey]*finding{}}
			want := perRoute(r, a.roots)
			// alone: every route walked on its own, the path taken by a route whose walk comes back to its root.
			for _, alone := range []bool{false, true} {
				count := r.countRoutes(a.roots, alone)
				if len(r.walk) != len(want) {
					t.Errorf("alone=%v: %d functions reached, want %d", alone, len(r.walk), len(want))
				}
				for fn, w := range want {
					if got := r.walk[fn]; !slices.Equal(got, w) {
						t.Errorf("alone=%v: %s: routes %b, want %b", alone, fn, got, w)
					}
					if n := count(fn); n == 0 {
						t.Errorf("alone=%v: %s: counted no route", alone, fn)
					}
				}
			}
		})
	}
}

// perRoute is the walk once per route that routeSets replaces.
func perRoute(r *reporter, roots []handlers.Root) map[*ssa.Function][]uint64 {
	words := (len(roots) + 63) / 64
	sets := map[*ssa.Function][]uint64{}
	for i := range roots {
		seen := map[*ssa.Function]bool{}
		var stack []*ssa.Function
		bs := r.boundFns(&roots[i])
		for _, b := range bs {
			seen[b.fn] = true
			stack = append(stack, b.fn)
		}
		walks := map[*ssa.Function][]*callgraph.Edge{}
		for _, b := range bs {
			walks[b.fn] = b.edges
		}
		for len(stack) > 0 {
			fn := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if sets[fn] == nil {
				sets[fn] = make([]uint64, words)
			}
			sets[fn][i/64] |= 1 << (i % 64)
			edges, isBound := walks[fn]
			if !isBound {
				edges = r.out(fn)
			}
			push := func(e *callgraph.Edge) {
				if !seen[e.Callee.Func] && r.follow(e) {
					seen[e.Callee.Func] = true
					stack = append(stack, e.Callee.Func)
				}
			}
			for _, e := range edges {
				if !isBound && paramCall(e) || !r.follow(e) {
					continue
				}
				push(e)
				for _, e2 := range r.callbacks([]*callgraph.Edge{e}, !isBound) {
					push(e2)
				}
				if r.hasPassOn(e.Callee.Func) {
					for _, e1 := range r.out(e.Callee.Func) {
						if paramCall(e1) || !r.follow(e1) {
							continue
						}
						for _, e2 := range r.callbacks([]*callgraph.Edge{e, e1}, false) {
							push(e2)
						}
					}
				}
			}
		}
	}
	return sets
}

// testEngine analyzes dir as Run does and returns the engine.
func testEngine(t *testing.T, dir string) *engine {
	t.Helper()
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	enabled := map[string]bool{}
	for _, a := range rules.Analyzers {
		enabled[a] = true
	}
	ctx := context.Background()
	cfg := &Config{Dir: dir, Catalog: cat, Enabled: enabled, Env: append(os.Environ(), "GOWORK=off")}
	b, err := planBodies(ctx, cfg, patterns(cfg))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	pkgs, err := b.load(ctx, cfg, fset, patterns(cfg), nil)
	if err != nil {
		t.Fatal(err)
	}
	res := &Result{Fset: fset}
	a := &engine{
		ctx: ctx, cfg: cfg, res: res, fset: fset, bodies: b, stages: newStages(cfg),
		initial: map[*types.Package]bool{},
		own:     map[string]bool{},
		files:   map[*token.File]*ast.File{},
		sorted:  map[*ssa.Function][]*callgraph.Edge{},
		names:   map[*ssa.Function]string{},
	}
	a.load(pkgs)
	if err := a.analyze(); err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	return a
}
