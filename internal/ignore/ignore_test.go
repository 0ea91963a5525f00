package ignore_test

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/blockcheck/blockcheck/analyzers"
	"github.com/blockcheck/blockcheck/internal/cli"
	"github.com/blockcheck/blockcheck/internal/ignore"
	"github.com/blockcheck/blockcheck/internal/modular"
	"github.com/blockcheck/blockcheck/internal/wanttest"
	"github.com/blockcheck/blockcheck/internal/whole"
	"github.com/blockcheck/blockcheck/rules"
)

var suppress = filepath.Join("..", "..", "testdata", "suppress")

// TestWhole checks every form of directive with the whole-program engine: the same want comments as TestModular.
func TestWhole(t *testing.T) {
	wanttest.Run(t, suppress, nil, "./...")
}

// TestModular checks the same directives with the modular engine.
func TestModular(t *testing.T) {
	engine := modular.New(&modular.Config{})
	every := &analysis.Analyzer{
		Name:     "every",
		Doc:      "report every kind of blockcheck finding",
		Requires: []*analysis.Analyzer{engine},
		Run: func(pass *analysis.Pass) (any, error) {
			for _, name := range rules.Analyzers {
				for _, d := range pass.ResultOf[engine].(*modular.Result).Findings[name] {
					pass.Report(d)
				}
			}
			return nil, nil
		},
	}
	analysistest.Run(t, suppress, every, "./...")
}

// TestWholeUnused checks that the whole-program engine reports the directive that silenced nothing, and only it.
func TestWholeUnused(t *testing.T) {
	dir, _ := filepath.Abs(suppress)
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	enabled := map[string]bool{}
	for _, a := range rules.Analyzers {
		enabled[a] = true
	}
	res, err := whole.Run(context.Background(), &whole.Config{Dir: dir, Catalog: cat, Enabled: enabled, UnusedIgnores: true,
		Env: append(os.Environ(), "GOPROXY=off", "GOWORK=off")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Analyzer == "blockcheck" {
			p := res.Fset.Position(f.Diag.Pos)
			got = append(got, filepath.Base(p.Filename)+": "+f.Diag.Message)
		}
	}
	want := []string{
		"svc.go: unused //blockcheck:ignore directive: it silences no finding for syncdb (remove it, or run without -unused-ignores)",
		"svc.go: unused //blockcheck:ignore directive: it silences nothing reached through unused for chanwait (remove it, or run without -unused-ignores)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("directive findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCLIUnused checks the command's -unused-ignores flag.
func TestCLIUnused(t *testing.T) {
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOWORK", "off")
	for _, tc := range []struct {
		args   []string
		unused bool
	}{
		{[]string{"-C", suppress, "./..."}, false},
		{[]string{"-C", suppress, "-unused-ignores", "./..."}, true},
	} {
		var stdout, stderr bytes.Buffer
		code := cli.Run(tc.args, analyzers.All, &stdout, &stderr)
		if code != cli.ExitFindings {
			t.Errorf("blockcheck %s: exit %d, want %d; stderr:\n%s", strings.Join(tc.args, " "), code, cli.ExitFindings, &stderr)
		}
		if got := strings.Contains(stdout.String(), "blockcheck: unused //blockcheck:ignore directive"); got != tc.unused {
			t.Errorf("blockcheck %s: reports an unused directive = %v, want %v; output:\n%s", strings.Join(tc.args, " "), got, tc.unused, &stdout)
		}
	}
}

// TestParse checks the directive syntax.
func TestParse(t *testing.T) {
	src := `package p

//blockcheck:ignore sleep,syncdb a reason
var a = 1

//blockcheck:ignore sleep
var b = 1

//blockcheck:ignore
var c = 1

//blockcheck:ignore bogus because
var d = 1

//blockcheck:ignorefoo not a directive
var e = 1

// f is deliberately blocking.
//
//blockcheck:ignore all // startup only
func f() {}
`
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	s := ignore.New(fset)
	s.Add(file)
	if d := s.LineAt("syncdb", "p.go", 4); d == nil || d.Reason != "a reason" {
		t.Errorf("line 4 syncdb: got %+v, want the directive with reason %q", d, "a reason")
	}
	if d := s.LineAt("nocancel", "p.go", 4); d != nil {
		t.Errorf("line 4 nocancel: got %+v, want none", d)
	}
	if d := s.LineAt("sleep", "p.go", 7); d != nil {
		t.Errorf("a directive without a reason silences: %+v", d)
	}
	fd := file.Decls[len(file.Decls)-1].(*ast.FuncDecl)
	if d := s.Func("chanwait", fd.Name.Pos()); d == nil || d.Reason != "startup only" {
		t.Errorf("function directive: got %+v, want all with reason %q", d, "startup only")
	}
	var msgs []string
	for _, p := range s.Problems(true, nil) {
		msgs = append(msgs, fmt.Sprintf("%d: %s", fset.Position(p.Pos).Line, p.Message))
	}
	want := []string{
		"6: //blockcheck:ignore needs a reason: write //blockcheck:ignore sleep <why this wait is acceptable>",
		"9: //blockcheck:ignore names no analyzer and gives no reason: write //blockcheck:ignore <analyzer>[,<analyzer>] <reason>",
		`12: //blockcheck:ignore unknown analyzer "bogus" (want sleep, nocancel, syncdb, ctxdetach, clienttimeout, servertimeout, gospawn, chanwait, lockio, or all)`,
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
}
