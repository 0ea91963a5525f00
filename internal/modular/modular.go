// Package modular is blockcheck's modular engine, for drivers that analyze one package at a time (go vet,
// golangci-lint, nogo). See docs/modular.md.
//
// Each package gets a summary per function: the blocking operations it reaches (by blocking.Classifier), each with
// the call path to it. Summaries of package-level functions and methods are exported as analysis facts (*Summary)
// and imported by the packages that call them, directly or through interfaces whose implementations the calling
// package can see. A package that registers handlers reports every operation its handlers reach: at the operation
// when it is in the package, otherwise at the call in the package that leads to it. Servers without read timeouts
// are reported wherever they are made.
package modular

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/rules"
)

// Result holds a package's findings by analyzer.
type Result struct {
	Findings map[string][]analysis.Diagnostic
	// SSA says whether the package needed SSA: one that can reach no rule is skipped before it is built.
	SSA bool
	// Err is a configuration error (a bad rules file). The engine returns it in its result rather than failing, so
	// that each analyzer reporting from it fails with it: drivers print a dependent analyzer's failure as "failed
	// prerequisites", which would hide the cause.
	Err error
}

// Config configures an engine. Its fields are bound to the engine analyzer's flags.
type Config struct {
	// Rules is a rules file that extends the default catalog.
	Rules string
	// Tests includes findings in _test.go files.
	Tests bool
	// UnusedIgnores reports //blockcheck:ignore directives that silence nothing.
	UnusedIgnores bool
	// Catalog, when set, is used instead of the default catalog and Rules.
	Catalog *rules.Catalog
	// NoRelated leaves out the related information (the registration and the path): for drivers that show each
	// related location as a finding of its own, as golangci-lint does.
	NoRelated bool

	mu     sync.Mutex
	loaded string // the Rules file cat was loaded with
	cat    *rules.Catalog
	err    error
}

// Check loads the catalog, so that a bad rules file is reported before any package is analyzed.
func (c *Config) Check() error {
	_, err := c.catalog()
	return err
}

// RulesEnv names the environment variable that gives the rules file when -blockcheck.rules does not. Under go
// vet it is the way to make a change to the file invalidate vet's cached results: vet keys its cache on the
// tool's identity (its -V=full output, which hashes the file named here) and the flags, not on files the tool
// reads (docs/vet.md). It must be an absolute path, since the tool runs in each package's directory.
const RulesEnv = "BLOCKCHECK_RULES"

func (c *Config) catalog() (*rules.Catalog, error) {
	if c.Catalog != nil {
		return c.Catalog, nil
	}
	file, flag := c.Rules, "-blockcheck.rules"
	if file == "" {
		file, flag = os.Getenv(RulesEnv), RulesEnv
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cat != nil && c.loaded == file || c.err != nil && c.loaded == file {
		return c.cat, c.err
	}
	c.loaded = file
	c.cat, c.err = rules.Default()
	if c.err == nil && file != "" {
		if flag == RulesEnv && !filepath.IsAbs(file) {
			c.cat, c.err = nil, fmt.Errorf("%s: %q is not an absolute path", RulesEnv, file)
			return c.cat, c.err
		}
		more, err := rules.Load(file)
		if err != nil {
			c.cat, c.err = nil, fmt.Errorf("%s: %w", flag, err)
		} else {
			c.cat = c.cat.Merge(more)
		}
	}
	return c.cat, c.err
}

const doc = `compute blockcheck's per-package findings and function summaries

The blockcheck analyzer is the engine the other blockcheck analyzers report from. It computes, for each
function, the blocking operations it reaches, exports them as facts for the packages that call it, and
reports what the handlers a package registers reach. By itself it reports only problems with
//blockcheck:ignore directives: a directive without a reason or naming an unknown analyzer, and, with
-blockcheck.unused-ignores, directives that silence nothing.`

// New returns an engine analyzer for cfg, with flags -rules, -test and -unused-ignores bound to it.
func New(cfg *Config) *analysis.Analyzer {
	a := &analysis.Analyzer{
		Name:       "blockcheck",
		Doc:        doc,
		URL:        "https://github.com/blockcheck/blockcheck/blob/main/docs/modular.md",
		Run:        func(pass *analysis.Pass) (any, error) { return run(cfg, pass) },
		ResultType: reflect.TypeFor[*Result](),
		FactTypes:  []analysis.Fact{new(Summary), new(RootVar), new(StartGuard)},
	}
	// The flags' defaults are cfg's fields as given.
	a.Flags.StringVar(&cfg.Rules, "rules", cfg.Rules, "a rules `file` that extends the default catalog (see docs/rules.md)")
	a.Flags.BoolVar(&cfg.Tests, "test", cfg.Tests, "also report findings in _test.go files")
	a.Flags.BoolVar(&cfg.UnusedIgnores, "unused-ignores", cfg.UnusedIgnores, "report //blockcheck:ignore directives that silence nothing")
	return a
}

// Analyzer computes the findings of all kinds for a package. Its flags are -blockcheck.rules,
// -blockcheck.test and -blockcheck.unused-ignores.
var Analyzer = New(&Config{})

// Reporter returns the Run function of the analyzer for one kind of finding, reporting from Analyzer.
func Reporter(name string) func(*analysis.Pass) (any, error) {
	return ReporterOf(Analyzer, name)
}

// ReporterOf returns the Run function of the analyzer for one kind of finding, reporting from the engine analyzer
// engine.
func ReporterOf(engine *analysis.Analyzer, name string) func(*analysis.Pass) (any, error) {
	return func(pass *analysis.Pass) (any, error) {
		res := pass.ResultOf[engine].(*Result)
		if res.Err != nil {
			return nil, res.Err
		}
		for _, d := range res.Findings[name] {
			pass.Report(d)
		}
		return nil, nil
	}
}

// Suite returns a new engine analyzer for cfg followed by copies of the given analyzers (each one kind of finding,
// as in package analyzers) that report from it. Drivers that configure blockcheck by other means than flags
// (golangci-lint's settings) use it.
func Suite(cfg *Config, kinds []*analysis.Analyzer) []*analysis.Analyzer {
	engine := New(cfg)
	out := []*analysis.Analyzer{engine}
	for _, k := range kinds {
		c := &analysis.Analyzer{
			Name:     k.Name,
			Doc:      k.Doc,
			URL:      k.URL,
			Requires: []*analysis.Analyzer{engine},
			Run:      ReporterOf(engine, k.Name),
		}
		out = append(out, c)
	}
	return out
}
