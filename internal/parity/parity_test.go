package parity_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/internal/parity"
	"github.com/blockcheck/blockcheck/rules"
)

// A difference is an operation that one engine finds and the other does not, by design.
type difference struct {
	module string
	op     parity.Op
	only   string // the engine that finds it: "whole" or "modular"
}

// expected lists the differences between the engines that follow from what each can see. Every other difference
// is a drift and fails the test; so does an entry here that no longer happens. docs/modular.md explains each kind.
var expected = map[difference]string{
	// Interface calls. The whole-program engine resolves them by VTA, to the implementations the program creates;
	// the modular engine by CHA, to every implementation the calling package can see, created or not.
	{"stdlib", "sleep paths/store/store.go:23", "modular"}:     "CHA: store.Cache implements the interface, but no code creates one",
	{"stdlib", "sleep registry/registry.go:67", "modular"}:     "CHA: diskStore implements registry.Store, but only memStore flows to the call",
	{"stdlib", "nocancel thirdparty/fetcher.go:15", "modular"}: "CHA sees the dependency's own Fetcher; the whole-program fallback assumes only the user's implementations",
	{"modular", "nocancel api/api.go:18", "modular"}:           "CHA: execCache implements store.Cache, but no code creates one",
	{"modular", "syncdb store/store.go:58", "modular"}:         "CHA: DBCache implements store.Cache, but no code creates one",
	{"routers", "sleep store/store.go:36", "modular"}:          "CHA: store.Cache implements store.Store, but no service creates one",
	{"drivers", "syncdb squirrel/insert.go:208", "modular"}:    "CHA: squirrel's InsertBuilder implements RowScanner (its Scan runs QueryRow), but only a *sql.Row flows to the call",
	{"modular", "gospawn preview/preview.go:24", "modular"}:    "no implementation of preview.Cache is visible to preview: a goroutine calling what cannot be seen is judged unbounded (filebrowser http/preview.go:147)",
	{"routers", "sleep connect/main.go:25", "whole"}:           "the generated handler in genconnect sees only the service interface: the implementation is in main",
	{"routers", "sleep grpc/main.go:24", "whole"}:              "grpc_health_v1.RegisterHealthServer registers through the health module's generated code, which sees only the interface",
	{"routers", "syncdb grpc/main.go:34", "whole"}:             "as grpc/main.go:24",
	// A property of the whole program. gin's *gin.Context is a context whose Done never fires unless some code
	// sets ContextWithFallback; testdata/routers/ginfallback sets it, and the whole-program engine loads it with
	// gin/, so it does not call gin/'s uses detached. The modular engine judges the gin package by itself.
	{"routers", "ctxdetach gin/main.go:36", "modular"}: "ContextWithFallback is set elsewhere in the program",
	{"routers", "chanwait gin/main.go:41", "modular"}:  "ContextWithFallback is set elsewhere in the program",
	// A request judged at its callers. When a client wrapper takes the request itself (do(req *http.Request)),
	// whether its context has a deadline is decided at the callers; the modular engine carries that question to
	// callers in other packages for a context parameter (testdata/drift/clientctx), not for a request parameter.
	{"inventory", "clienttimeout internal/clients/shipping.go:85", "whole"}: "the request comes from callers in another package",
}

// modules are the testdata modules both engines run on, with the rules files they need.
var modules = []struct {
	dir   string
	rules string
	heavy bool // loads many third-party modules: left out with -short
}{
	{dir: "stdlib"},
	{dir: "service"},
	{dir: "inventory"},
	{dir: "drivers", heavy: true},
	{dir: "modular"},
	{dir: "suppress"},
	{dir: "drift", rules: "testdata/drift/rules.json"},
	{dir: "routers", rules: "testdata/rules/custom-router.json", heavy: true},
	{dir: "shapes", heavy: true},
}

// TestParity runs every testdata module through both engines and checks that they find the same operations, but
// for the expected differences.
func TestParity(t *testing.T) {
	if raceEnabled {
		t.Skip("loads every testdata module twice: run without -race (make test-parity)")
	}
	seen := map[difference]bool{}
	ran := map[string]bool{} // the modules compared in full
	for _, m := range modules {
		t.Run(m.dir, func(t *testing.T) {
			if m.heavy && testing.Short() {
				t.Skip("heavy module")
			}
			defer func() { ran[m.dir] = !t.Failed() && !t.Skipped() }()
			root := filepath.Join("..", "..")
			dir, err := filepath.Abs(filepath.Join(root, "testdata", m.dir))
			if err != nil {
				t.Fatal(err)
			}
			cat, err := rules.Default()
			if err != nil {
				t.Fatal(err)
			}
			if m.rules != "" {
				more, err := rules.Load(filepath.Join(root, m.rules))
				if err != nil {
					t.Fatal(err)
				}
				cat = cat.Merge(more)
			}
			w, err := parity.Whole(context.Background(), dir, cat)
			if err != nil {
				t.Fatal(err)
			}
			md, err := parity.Modular(dir, cat)
			if err != nil {
				t.Fatal(err)
			}
			if path := os.Getenv("PARITY_DUMP"); path != "" {
				dump(t, path+"-"+m.dir, w, md)
			}
			check := func(ops, other []parity.Op, only string) {
				for _, op := range ops {
					if slices.Contains(other, op) {
						continue
					}
					d := difference{m.dir, op, only}
					if _, ok := expected[d]; ok {
						seen[d] = true
						continue
					}
					t.Errorf("only the %s engine finds %s", only, op)
				}
			}
			check(w, md, "whole")
			check(md, w, "modular")
		})
	}
	for d := range expected {
		if ran[d.module] && !seen[d] {
			t.Errorf("expected difference no longer seen: only the %s engine finds %s in %s", d.only, d.op, d.module)
		}
	}
}

func dump(t *testing.T, path string, w, m []parity.Op) {
	for name, ops := range map[string][]parity.Op{"whole": w, "modular": m} {
		var b strings.Builder
		for _, op := range ops {
			b.WriteString(string(op) + "\n")
		}
		if err := os.WriteFile(path+"."+name, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
