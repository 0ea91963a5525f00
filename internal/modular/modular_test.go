package modular_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/blockcheck/blockcheck/internal/modular"
	"github.com/blockcheck/blockcheck/rules"
)

var testdata = filepath.Join("..", "..", "testdata", "modular")

// every returns an analyzer reporting the findings of every kind from a fresh engine for cfg, so that one
// analysistest run checks them all.
func every(cfg *modular.Config) *analysis.Analyzer {
	engine := modular.New(cfg)
	return &analysis.Analyzer{
		Name:     "every",
		Doc:      "report every kind of blockcheck finding",
		Requires: []*analysis.Analyzer{engine},
		Run: func(pass *analysis.Pass) (any, error) {
			res := pass.ResultOf[engine].(*modular.Result)
			for _, name := range rules.Analyzers {
				for _, d := range res.Findings[name] {
					pass.Report(d)
				}
			}
			return nil, nil
		},
	}
}

// TestFindings checks findings across packages (a handler in api reaching helpers in store, directly and through
// lib), interface calls with implementations in two packages, one finding per operation, servers without
// timeouts where they are made, directives, and that test files are left out.
func TestFindings(t *testing.T) {
	analysistest.Run(t, testdata, every(&modular.Config{}), "./api", "./store", "./lib")
}

// TestInterfaceFacts checks interface calls whose implementations are in packages the caller does not import and
// that no export data of its imports mentions: the package declaring the interface exports what its methods reach.
func TestInterfaceFacts(t *testing.T) {
	analysistest.Run(t, testdata, every(&modular.Config{}), "./web")
}

// TestFixes checks the suggested fixes against .golden files.
func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, testdata, every(&modular.Config{}), "./fixes")
}

// TestDirectives checks the engine's own reports (malformed and unused directives) and its facts.
func TestDirectives(t *testing.T) {
	analysistest.Run(t, testdata, modular.New(&modular.Config{UnusedIgnores: true}), "./ignores")
}

// TestSkip checks that SSA is built only for packages that can reach a rule.
func TestSkip(t *testing.T) {
	engine := modular.New(&modular.Config{})
	built := &analysis.Analyzer{
		Name:     "built",
		Doc:      "report whether the engine built SSA",
		Requires: []*analysis.Analyzer{engine},
		Run: func(pass *analysis.Pass) (any, error) {
			if pass.ResultOf[engine].(*modular.Result).SSA {
				pass.Reportf(pass.Files[0].Package, "built SSA")
			}
			return nil, nil
		},
	}
	analysistest.Run(t, testdata, built, "./skip/...")
}

// TestLocks checks lockio across packages: the wait is in package store, known here by its fact.
func TestLocks(t *testing.T) {
	analysistest.Run(t, testdata, every(&modular.Config{}), "./locks")
}

// TestCalls and TestRoutes run the modular engine on the whole-program engine's testdata for calls no package
// owns (generic instances, method values, wrappers) and for the routes findings name: both engines must agree.
func TestCalls(t *testing.T) {
	analysistest.Run(t, filepath.Join("..", "..", "testdata", "stdlib"), every(&modular.Config{}), "./calls")
}

func TestRoutes(t *testing.T) {
	analysistest.Run(t, filepath.Join("..", "..", "testdata", "stdlib"), every(&modular.Config{}), "./routes")
}

// TestNestedWrappers runs the modular engine on handlers behind two levels of shared wrappers, an adapter type
// and a wrapper held in a variable, with the want comments of the whole-program engine's TestNestedWrappers.
func TestNestedWrappers(t *testing.T) {
	analysistest.Run(t, filepath.Join("..", "..", "testdata", "stdlib"), every(&modular.Config{}), "./routes/nested")
}

// TestDrift runs the cases where the engines once disagreed, with the want comments the whole-program engine's
// TestDrift checks.
func TestDrift(t *testing.T) {
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	more, err := rules.Load(filepath.Join("..", "..", "testdata", "drift", "rules.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "testdata", "drift")
	analysistest.Run(t, dir, every(&modular.Config{Catalog: cat.Merge(more)}), "./userrule", "./table", "./funcfield", "./middleware", "./clientctx/api")
}

// TestCallback runs the modular engine on the callbacks of the standard library into the user's methods (rules'
// callbacks: io.Copy calling its source's Read), with the whole-program engine's want comments.
func TestCallback(t *testing.T) {
	analysistest.Run(t, filepath.Join("..", "..", "testdata", "stdlib"), every(&modular.Config{}), "./callback")
}

// TestUnknownCallee checks a goroutine per request that calls an interface whose implementation is in a package the
// caller does not import: what runs there cannot be seen, so the goroutine is reported (the whole-program engine
// follows the implementation main wires in, a disk write, and does not: an expected difference, internal/parity).
func TestUnknownCallee(t *testing.T) {
	analysistest.Run(t, testdata, every(&modular.Config{}), "./preview")
}
