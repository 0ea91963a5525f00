package whole_test

import (
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/internal/wanttest"
	"github.com/blockcheck/blockcheck/rules"
)

const stdlib = "../../testdata/stdlib"

// TestDiscovery checks that every way of registering a net/http handler yields a root with its route.
func TestDiscovery(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./discovery")
}

// TestPaths checks interface resolution by VTA, paths through packages, and reporting at the last call in the
// analyzed packages when the operation is in a dependency.
func TestPaths(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./paths/...")
}

// TestService runs on a small bookstore service of a dozen handlers written the way services are: what it reports
// is what a reviewer would flag, once per root cause, and nothing else.
func TestService(t *testing.T) {
	wanttest.Run(t, "../../testdata/service", nil, "./...")
}

// TestDrivers runs on services written with the real sqlx, gorm, bun, xorm, squirrel and x/sync modules.
func TestDrivers(t *testing.T) {
	wanttest.Run(t, "../../testdata/drivers", nil, "./...")
}

// TestCalls checks calls into functions no package owns: generic instances, method values and wrappers.
func TestCalls(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./calls")
}

// TestRoutes checks that each finding names exactly the routes that reach it: 32 routes behind one shared
// wrapper, closures made per row of a route table, and route tables in maps.
func TestRoutes(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./routes")
}

// TestDispatch checks that a handler registered on "/" which dispatches by comparing the request's method and
// path names, for what each branch reaches, the route of the branch; look-alikes keep "/".
func TestDispatch(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./dispatch")
}

// TestDrift runs the cases where the engines once disagreed (testdata/drift); internal/modular runs the same
// files with the same want comments.
func TestDrift(t *testing.T) {
	cat, err := rules.Load("../../testdata/drift/rules.json")
	if err != nil {
		t.Fatal(err)
	}
	wanttest.Run(t, "../../testdata/drift", &wanttest.Options{Rules: cat}, driftPatterns...)
}

// driftPatterns leave out clientctx/pay, so that the finding behind api's call is reported at the call, where
// the modular engine reports it.
var driftPatterns = []string{"./userrule", "./table", "./funcfield", "./middleware", "./clientctx/api"}

// TestGenericDependency checks calls into a dependency's generic code, whose syntax and type information SSA
// keeps after the dependency is built to build its instances (trim.go keeps those, and drops the rest): a generic
// type's method instantiated only when VTA asks for a method value through an interface, a generic function
// instantiated by the user's code, and a plain function of the same package whose body was dropped once built.
func TestGenericDependency(t *testing.T) {
	wanttest.Run(t, "../../testdata/vendored", nil, "./...")
}

// TestNoDotModule checks that a module whose path has no dot is analyzed as the user's code: whether a package is
// the standard library comes from the build system, not from the shape of its path.
func TestNoDotModule(t *testing.T) {
	res := wanttest.Run(t, "../../testdata/nodot", nil, "./...")
	if len(res.Findings) == 0 {
		t.Fatal("no findings in a module without a dot in its path")
	}
}

// TestRegistry checks the fallback for interface calls VTA resolves to nothing (implementations made by
// reflection, kept in a registry filled by init): the implementations in the user's module are assumed, and the
// path says so; a call VTA resolves is not widened, and a dependency's implementation is never assumed.
func TestRegistry(t *testing.T) {
	res := wanttest.Run(t, stdlib, nil, "./registry")
	const note = "no implementation reaches it here; assuming the 2 implementations in your module"
	var fallback, resolved bool
	for _, f := range res.Findings {
		var msgs []string
		for _, rel := range f.Diag.Related {
			msgs = append(msgs, rel.Message)
		}
		all := strings.Join(msgs, "\n")
		switch {
		case strings.Contains(f.Diag.Message, "/fetch/"):
			fallback = true
			if !strings.Contains(all, "fetch calls Provider.Fetch ("+note+")") {
				t.Errorf("path of %q does not say what it assumed:\n%s", f.Diag.Message, all)
			}
		case strings.Contains(f.Diag.Message, "/store"):
			resolved = true
			if strings.Contains(all, "assuming") {
				t.Errorf("a call VTA resolves got the fallback:\n%s", all)
			}
		}
	}
	if !fallback || !resolved {
		t.Errorf("missing findings: fallback %v, resolved %v", fallback, resolved)
	}
}

// TestCallback checks that a user's method the standard library calls back on the request goroutine (rules'
// callbacks: io.Copy calling its source's Read) is walked, with a path through the library's function.
func TestCallback(t *testing.T) {
	res := wanttest.Run(t, stdlib, nil, "./callback")
	found := false
	for _, f := range res.Findings {
		if !strings.Contains(f.Diag.Message, "GET /copy") {
			continue
		}
		found = true
		var msgs []string
		for _, rel := range f.Diag.Related {
			msgs = append(msgs, rel.Message)
		}
		if all := strings.Join(msgs, "\n"); !strings.Contains(all, "copySlow calls io.Copy (which calls slowReader.Read back on this goroutine)") {
			t.Errorf("path does not go through io.Copy:\n%s", all)
		}
	}
	if !found {
		t.Error("no finding reached from GET /copy")
	}
}

// TestNestedWrappers checks that each finding names its own routes when handlers are wrapped in two levels of
// shared helpers (an outer helper calling an inner one that returns a closure, or an adapter type, capturing the
// handler), and that a handler no route reaches is not attributed to any.
func TestNestedWrappers(t *testing.T) {
	res := wanttest.Run(t, stdlib, nil, "./routes/nested")
	// audit is reached by /list and /show through the same two wrappers: the graph draws each route's path
	// through its own handler (defined on the line of its var), not both through the first one met.
	found := false
	for _, f := range res.Findings {
		if f.Graph == nil || res.Fset.Position(f.Diag.Pos).Line != 69 {
			continue
		}
		found = true
		lines := map[int]bool{}
		for _, e := range f.Graph.Edges {
			lines[res.Fset.Position(f.Graph.Nodes[e.To].Pos).Line] = true
		}
		if !lines[55] || !lines[61] {
			t.Errorf("graph of %q does not go through both handlers (lines 55 and 61): %v", f.Diag.Message, f.Graph)
		}
	}
	if !found {
		t.Error("no finding in audit reached from /list")
	}
}

// TestAssumedPerInterface checks that the implementations assumed for an unresolved interface call are those of
// the call's interface, not those of another interface naming the same method (one embedding the other) whose
// call was met first.
func TestAssumedPerInterface(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./assumed")
}

// TestWaitCycle checks that what a goroutine's function reaches does not depend on the order in which functions
// calling each other were asked about (testdata/stdlib/waitcycle).
func TestWaitCycle(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./waitcycle")
}

// TestLazyInit checks once-only initialisation behind a bool flag (blocking.OnceOnly) and its per-request
// look-alikes.
func TestLazyInit(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./lazyinit")
}

// TestIfaceDB checks database calls through an interface: judged by the rule of the *sql.DB method behind it, and
// not when only the user's own type flows into it.
func TestIfaceDB(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./ifacedb")
}
