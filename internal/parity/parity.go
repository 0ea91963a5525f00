// Package parity runs both of blockcheck's engines on the same module and reduces their findings to what they
// must agree on: which operations are found, by which analyzer. Where a finding is reported (the modular engine
// reports in the package that registers the route) and how many routes it counts are the engines' own business.
package parity

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/blockcheck/blockcheck/internal/modular"
	"github.com/blockcheck/blockcheck/internal/policy"
	"github.com/blockcheck/blockcheck/internal/whole"
	"github.com/blockcheck/blockcheck/rules"
)

// An Op is an operation found by an analyzer: "sleep store/store.go:12".
type Op string

func opOf(fset *token.FileSet, dir, analyzer string, d analysis.Diagnostic) Op {
	pos := d.Pos
	if n := len(d.Related); n > 0 && strings.HasPrefix(d.Message, policy.ReachesPrefix) {
		pos = d.Related[n-1].Pos // the operation itself, in another package
	}
	p := fset.Position(pos)
	return Op(fmt.Sprintf("%s %s:%d", analyzer, short(dir, p.Filename), p.Line))
}

// short names a file by its path in dir, or by its package directory and name when it is elsewhere (a module in
// the module cache).
//
// The modular engine's facts name files as go build -trimpath does ("example.com/dep@v1.0.0/sub/x.go"), so that
// they do not depend on the checkout: such a name is looked up under dir (a dependency replaced by a directory of
// the testdata module) by its trailing elements.
func short(dir, file string) string {
	if !filepath.IsAbs(file) {
		elems := strings.Split(filepath.ToSlash(file), "/")
		for i, e := range elems {
			elems[i], _, _ = strings.Cut(e, "@")
		}
		for i := 1; i < len(elems)-1; i++ {
			suffix := filepath.Join(elems[i:]...)
			if _, err := os.Stat(filepath.Join(dir, suffix)); err == nil {
				return filepath.ToSlash(suffix)
			}
		}
		file = filepath.Join(elems...)
	}
	if rel, err := filepath.Rel(dir, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	d, _, _ := strings.Cut(filepath.Base(filepath.Dir(file)), "@") // a module's root in the module cache
	return d + "/" + filepath.Base(file)
}

// env is the environment of both engines: the testdata modules' dependencies come from the module cache only.
func env() []string {
	return append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
}

// Whole returns the operations the whole-program engine finds in the module at dir.
func Whole(ctx context.Context, dir string, cat *rules.Catalog) ([]Op, error) {
	enabled := map[string]bool{}
	for _, a := range rules.Analyzers {
		enabled[a] = true
	}
	res, err := whole.Run(ctx, &whole.Config{Dir: dir, Catalog: cat, Enabled: enabled, Env: env()})
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("%s: %v", dir, res.Errors[0])
	}
	var ops []Op
	for _, f := range res.Findings {
		if f.Analyzer == "blockcheck" {
			continue // the engine's own reports (directives)
		}
		ops = append(ops, opOf(res.Fset, dir, f.Analyzer, f.Diag))
	}
	return sorted(ops), nil
}

// Modular returns the operations the modular engine finds in the module at dir, analyzing its packages one at a
// time with facts from their dependencies, as go vet does.
func Modular(dir string, cat *rules.Catalog) ([]Op, error) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	std := filepath.Join(strings.TrimSpace(string(goroot)), "src") + string(filepath.Separator)
	// The engine skips the standard library (policy.Library), so its function bodies are not parsed: loading
	// takes a fraction of the time. The type errors that leaves (unused imports) are dropped below.
	parse := func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
		f, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
		if f != nil && strings.HasPrefix(filename, std) {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					fd.Body = nil
				}
			}
		}
		return f, err
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax | packages.NeedModule, Dir: dir, Env: env(),
		ParseFile: parse}, "./...")
	if err != nil {
		return nil, err
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if p.Module == nil && len(p.GoFiles) > 0 && strings.HasPrefix(p.GoFiles[0], std) {
			p.Errors = nil
		}
		p.IllTyped = len(p.Errors) > 0
		for _, imp := range p.Imports {
			p.IllTyped = p.IllTyped || imp.IllTyped
		}
	})
	if n := packages.PrintErrors(pkgs); n > 0 {
		return nil, fmt.Errorf("%s: %d errors loading packages", dir, n)
	}
	engine := modular.New(&modular.Config{Catalog: cat})
	every := &analysis.Analyzer{
		Name:     "every",
		Doc:      "report every kind of blockcheck finding",
		Requires: []*analysis.Analyzer{engine},
		Run: func(pass *analysis.Pass) (any, error) {
			res := pass.ResultOf[engine].(*modular.Result)
			if res.Err != nil {
				return nil, res.Err
			}
			for _, name := range rules.Analyzers {
				for _, d := range res.Findings[name] {
					d.Category = name
					pass.Report(d)
				}
			}
			return nil, nil
		},
	}
	g, err := checker.Analyze([]*analysis.Analyzer{every}, pkgs, nil)
	if err != nil {
		return nil, err
	}
	var ops []Op
	for act := range g.All() {
		if act.Analyzer != every || !act.IsRoot {
			continue
		}
		if act.Err != nil {
			return nil, act.Err
		}
		for _, d := range act.Diagnostics {
			ops = append(ops, opOf(act.Package.Fset, dir, d.Category, d))
		}
	}
	return sorted(ops), nil
}

func sorted(ops []Op) []Op {
	slices.Sort(ops)
	return slices.Compact(ops)
}
