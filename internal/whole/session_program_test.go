package whole

import (
	"context"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

// TestSessionProgram edits a service in the ways an editor does (a body, a new function, a signature used by
// another package, a handler deleted, a conversion to an interface added and removed, a type error) with the
// session keeping one SSA program throughout, and checks after each edit that the result is a fresh run's, byte
// for byte, and that the functions the call graph starts from are those of a fresh program: no stale function,
// and no method of a type only stale code converted to an interface.
func TestSessionProgram(t *testing.T) {
	dir, cfg := copyModule(t, "service")
	s := NewSession(cfg)
	s.staleLimit = 1000 // never start a new program: every step runs over the stale packages of all before it
	ctx := context.Background()
	files := map[string]string{}
	for _, name := range []string{"internal/store/store.go", "internal/api/api.go", "internal/payments/payments.go", "cmd/bookstore/main.go"} {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(src)
	}
	// edit replaces old by new in a file once, failing if old is not there.
	edit := func(name, old, new string) func() {
		return func() {
			t.Helper()
			if !strings.Contains(files[name], old) {
				t.Fatalf("%s has no %q", name, old)
			}
			files[name] = strings.Replace(files[name], old, new, 1)
			if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	const (
		store    = "internal/store/store.go"
		api      = "internal/api/api.go"
		payments = "internal/payments/payments.go"
	)
	steps := []struct {
		name  string
		edits []func()
		has   string // in the rendered result
		lacks string // not in it
	}{
		{name: "first run"},
		{name: "body changed", edits: []func(){edit(store, "return s.db.PingContext(ctx)", "return s.db.Ping()")},
			has: "(*sql.DB).Ping runs"},
		{name: "new function, not called", edits: []func(){edit(store, "// Migrate runs", "// Count counts the books.\nfunc (s *Store) Count() (n int) {\n\t_ = s.db.QueryRow(\"select count(*) from books\").Scan(&n)\n\treturn n\n}\n\n// Migrate runs")}},
		{name: "new function called by a handler", edits: []func(){
			edit(api, "\tCount() int\n", ""), // (not there yet: see below)
		}},
		{name: "signature used by another package changed", edits: []func(){
			edit(store, "func (s *Store) MarkPaid(id int64) error {", "func (s *Store) MarkPaid(_ context.Context, id int64) error {"),
			edit(api, "\tMarkPaid(id int64) error\n", "\tMarkPaid(ctx context.Context, id int64) error\n"),
			edit(api, "_ = s.books.MarkPaid(id)", "_ = s.books.MarkPaid(r.Context(), id)"),
		}, has: "ctxdetach"},
		{name: "handler deleted", edits: []func(){
			edit(api, "\tmux.HandleFunc(\"GET /search\", s.search)\n", ""),
			edit(api, "func (s *Server) search(w http.ResponseWriter, r *http.Request) {\n\tbooks, _ := s.books.Search(r.URL.Query().Get(\"q\"))\n\twriteJSON(w, books)\n}\n", ""),
		}, lacks: "GET /search"},
		{name: "unexported type added", edits: []func(){
			edit(payments, "type Client struct {", "type slowBody struct{}\n\nfunc (*slowBody) Close() error { time.Sleep(time.Second); return nil }\n\n// Body returns a body that is slow to close.\nfunc Body() *slowBody { return &slowBody{} }\n\ntype Client struct {"),
		}},
		{name: "converted to an interface and called in a handler", edits: []func(){
			edit(api, "\tid, _ := strconv.ParseInt(r.PathValue(\"id\"), 10, 64)\n", "\tid, _ := strconv.ParseInt(r.PathValue(\"id\"), 10, 64)\n\tvar c interface{ Close() error } = payments.Body()\n\t_ = c.Close()\n"),
		}, has: "payments.go:14:34"},
		{name: "conversion removed", edits: []func(){
			edit(api, "\tvar c interface{ Close() error } = payments.Body()\n\t_ = c.Close()\n", ""),
		}, lacks: "payments.go:14:34"},
		{name: "type error", edits: []func(){edit(store, "return s.db.Ping()", "return s.db.Pingx()")}, has: "Pingx"},
		{name: "fixed", edits: []func(){edit(store, "return s.db.Pingx()", "return s.db.Ping()")}, lacks: "Pingx"},
	}
	// The step "new function called by a handler" is made of two edits that need the Books interface to have
	// Count: put it there with the call.
	steps[3].edits = []func(){
		edit(api, "\tPing(ctx context.Context) error\n", "\tPing(ctx context.Context) error\n\tCount() int\n"),
		edit(api, "\tbooks, err := s.books.Search(\"\")\n", "\t_ = s.books.Count()\n\tbooks, err := s.books.Search(\"\")\n"),
	}
	steps[3].has = "(*sql.DB).QueryRow runs"
	var prog *ssa.Program
	for i, step := range steps {
		for _, e := range step.edits {
			e()
		}
		plan := s.plan
		res, err := s.Run(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if i > 0 && s.plan != plan {
			t.Fatalf("%s: planned again: the step must not change imports", step.name)
		}
		if i == 0 {
			prog = s.cache.progs.prog
		} else if s.cache.progs.prog != prog {
			t.Fatalf("%s: a new SSA program was made", step.name)
		}
		got := render(t, res)
		if step.has != "" && !strings.Contains(got, step.has) || step.lacks != "" && strings.Contains(got, step.lacks) {
			t.Errorf("%s: want %q in the result and %q not:\n%s", step.name, step.has, step.lacks, got)
		}
		fresh := NewSession(cfg)
		want, err := fresh.Run(ctx)
		if err != nil {
			t.Fatalf("%s: fresh run: %v", step.name, err)
		}
		if want := render(t, want); got != want {
			t.Errorf("%s: the session's result differs from a fresh run's:\n%s", step.name, lineDiff(want, got))
		}
		if fresh.cache.progs.prog == nil {
			continue // no package built (a type error in every root)
		}
		kept := &s.cache.progs
		gotFns := funcNames(kept.allFunctions(kept.prog, kept.live).set())
		wantFns := funcNames(ssautil.AllFunctions(fresh.cache.progs.prog))
		if !slices.Equal(gotFns, wantFns) {
			t.Errorf("%s: the kept program's live functions differ from a fresh program's:\n%s", step.name,
				lineDiff(strings.Join(wantFns, "\n"), strings.Join(gotFns, "\n")))
		}
	}
	if b := s.cache.progs.bases; b >= len(steps) {
		t.Errorf("allFunctions made a base %d times in %d runs: never kept from one run to the next", b, len(steps))
	}
	if len(s.cache.progs.prog.AllPackages()) <= len(s.cache.progs.live) {
		t.Error("no stale package in the program: the test exercised nothing")
	}
	// What is left of a stale package holds no instructions (releaseBody): its functions and closures have none.
	for _, p := range s.cache.progs.prog.AllPackages() {
		if !s.cache.progs.live[p] {
			for _, fn := range pkgFunctions(s.cache.progs.prog, p) {
				t.Errorf("stale %s keeps its body", fn)
			}
		}
	}
}

// TestAllFunctions checks, on each of several modules ($BLOCKCHECK_BENCH_DIR too, when set), that over a fresh
// program allFunctions with every package live holds every function ssautil.AllFunctions does, and gives the same
// functions each time: it may hold more (methods of types x/tools misses when it meets an alias first, which
// depends on a map's order), never fewer.
func TestAllFunctions(t *testing.T) {
	dirs := []string{"service", "routers", "shapes", "inventory"}
	if d := os.Getenv("BLOCKCHECK_BENCH_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		t.Run(filepath.Base(d), func(t *testing.T) {
			dir := d
			if !filepath.IsAbs(d) {
				dir = filepath.Join("../../testdata", d)
			}
			s := NewSession(sessionConfig(t, dir))
			if _, err := s.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			c := &s.cache.progs
			if c.prog == nil {
				t.Fatal("no program")
			}
			if len(c.live) != len(c.prog.AllPackages()) {
				t.Fatalf("%d packages live of %d", len(c.live), len(c.prog.AllPackages()))
			}
			want := ssautil.AllFunctions(c.prog)
			var first []string
			for i := range 5 {
				switch i {
				case 0, 1: // the third call uses what the one before memoized
					c.ifaces = map[*ssa.Package][]types.Type{}
					c.pkgRoots = map[*ssa.Package][]rootType{}
					c.funcRefs = map[*ssa.Function][]*ssa.Function{}
				case 3: // as if the run before had all the packages: the base holds them all
					c.fresh = nil
				case 4: // as if it had every other package: the base holds those, the rest is added to it
					c.fresh = map[*ssa.Package]bool{}
					for j, p := range c.prog.AllPackages() {
						if j%2 == 0 {
							c.fresh[p] = true
						}
					}
				}
				got := c.allFunctions(c.prog, c.live).set()
				var missing []string
				for fn := range want {
					if !got[fn] {
						missing = append(missing, fn.String())
					}
				}
				if len(missing) > 0 {
					slices.Sort(missing)
					t.Fatalf("allFunctions lacks %d of ssautil.AllFunctions' %d functions:\n%s", len(missing), len(want), strings.Join(missing, "\n"))
				}
				names := funcNames(got)
				if i == 0 {
					first = names
					t.Logf("%d functions, %d more than ssautil.AllFunctions", len(got), len(got)-len(want))
				} else if !slices.Equal(names, first) {
					t.Fatalf("allFunctions differs from one call to the next:\n%s", lineDiff(strings.Join(first, "\n"), strings.Join(names, "\n")))
				}
			}
		})
	}
}

// funcNames returns the names of the functions, with their packages' paths, sorted, once per function (two
// functions of the same name, one stale and one live, appear twice).
func funcNames(fns map[*ssa.Function]bool) []string {
	var out []string
	for fn := range fns {
		out = append(out, fn.String())
	}
	slices.Sort(out)
	return out
}
