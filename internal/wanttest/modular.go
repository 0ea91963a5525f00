package wanttest

import (
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/blockcheck/blockcheck/internal/modular"
	"github.com/blockcheck/blockcheck/rules"
)

// RunModular is Run for the modular engine: it analyzes the packages matched by patterns one at a time, with facts
// from their dependencies, as go vet does, and checks the findings against the same want comments. For testdata
// whose handlers and operations are in one package, both engines report the same findings at the same lines.
func RunModular(t testing.TB, dir string, patterns ...string) {
	t.Helper()
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{
		Mode: packages.LoadAllSyntax | packages.NeedModule,
		Dir:  dir,
		Env:  append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for _, e := range p.Errors {
			t.Errorf("package error: %v", e)
		}
	}
	engine := modular.New(&modular.Config{})
	g, err := checker.Analyze([]*analysis.Analyzer{engine}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	wants, err := Expectations(dir)
	if err != nil {
		t.Fatal(err)
	}
	analyzed := map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.GoFiles {
			analyzed[f] = true
		}
	}
	for k := range wants {
		if !analyzed[k.file] {
			delete(wants, k)
		}
	}
	for _, act := range g.Roots {
		if act.Err != nil {
			t.Errorf("%s: %v", act.Package.PkgPath, act.Err)
			continue
		}
		res := act.Result.(*modular.Result)
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		for _, name := range rules.Analyzers {
			for _, d := range res.Findings[name] {
				posn := act.Package.Fset.Position(d.Pos)
				text := name + ": " + d.Message
				k := key{posn.Filename, posn.Line}
				matched := false
				for i, re := range wants[k] {
					if re != nil && re.MatchString(text) {
						wants[k][i] = nil
						matched = true
						break
					}
				}
				if !matched {
					t.Errorf("%s: unexpected finding: %s", rel(dir, posn), text)
				}
			}
		}
	}
	for k, res := range wants {
		for _, re := range res {
			if re != nil {
				t.Errorf("%s:%d: no finding matched %q", rel(dir, token.Position{Filename: k.file}), k.line, re)
			}
		}
	}
}
