package main_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/analyzers"
	"github.com/blockcheck/blockcheck/internal/fix"
	"github.com/blockcheck/blockcheck/internal/whole"
	"github.com/blockcheck/blockcheck/rules"
)

// buildTool builds blockcheck into a temporary directory.
func buildTool(t *testing.T) string {
	t.Helper()
	tool := filepath.Join(t.TempDir(), "blockcheck")
	build := exec.Command("go", "build", "-o", tool, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return tool
}

// moduleEnv is the environment the testdata modules build in: their dependencies come from the module cache.
func moduleEnv() []string {
	return append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOFLAGS=-mod=mod")
}

// run runs a command in dir and returns its stdout, stderr and exit status.
func run(t *testing.T, dir string, name string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = moduleEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// requireShim makes a copied testdata module require the shim from this checkout, as a user's module requires it
// from the proxy, so that fixes that import the shim type-check.
func requireShim(t *testing.T, dir string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mod, target := "github.com/blockcheck/blockcheck", root
	if _, err := os.Stat(filepath.Join(root, "shim", "go.mod")); err == nil {
		mod, target = "github.com/blockcheck/blockcheck/shim", filepath.Join(root, "shim") // its own module
	}
	if _, stderr, code := run(t, dir, "go", "mod", "edit", "-require="+mod+"@v0.0.0", "-replace="+mod+"="+target); code != 0 {
		t.Fatalf("go mod edit: %s", stderr)
	}
	// The shim's own requirements are checked against this checkout's go.sum.
	for _, sums := range []string{filepath.Join(root, "go.sum"), filepath.Join(target, "go.sum")} {
		data, err := os.ReadFile(sums)
		if err != nil {
			continue
		}
		f, err := os.OpenFile(filepath.Join(dir, "go.sum"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// fixModules are the testdata modules with findings that have fixes, and whether some of their packages do not
// type-check on purpose.
var fixModules = []struct {
	name   string
	broken bool
}{
	{"cli", true},
	{"drivers", false},
	{"golangci", false},
	{"inventory", false},
	{"modular", false},
	{"routers", false},
	{"service", false},
	{"stdlib", false},
	{"suppress", false},
	{"vet", false},
}

// buildAndVet runs go build and go vet on the packages of dir that have a Go file that differs from the original
// module in src. Fixes never change a signature, so the packages that import them are not affected.
func buildAndVet(t *testing.T, src, dir string) {
	t.Helper()
	changed := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		now, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if was, err := os.ReadFile(filepath.Join(src, rel)); err != nil || !bytes.Equal(was, now) {
			changed["./"+filepath.ToSlash(filepath.Dir(rel))] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) == 0 {
		t.Fatal("no file was fixed")
	}
	pkgs := slices.Sorted(maps.Keys(changed))
	for _, tool := range []string{"build", "vet"} {
		if _, stderr, code := run(t, dir, "go", append([]string{tool}, pkgs...)...); code != 0 {
			t.Errorf("go %s %s after the fixes:\n%s", tool, strings.Join(pkgs, " "), stderr)
		}
	}
}

// TestFixesCompile copies each testdata module, applies every fix with blockcheck -fix, and checks that the
// packages fixed build and pass go vet, and that a second -fix finds nothing left to fix. Then it applies each
// finding's alternative fixes (shim/wait.Sleep, which adds an import) to a fresh copy and checks that again.
func TestFixesCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds blockcheck and every testdata module")
	}
	tool := buildTool(t)
	for _, m := range fixModules {
		t.Run(m.name, func(t *testing.T) {
			src := filepath.Join("..", "..", "testdata", m.name)
			dir := copyDir(t, src)
			requireShim(t, dir)
			_, stderr, code := run(t, dir, tool, "-fix", "./...")
			wantCode := 3
			if m.broken {
				wantCode = 1 // the packages that do not type-check
			}
			if code != wantCode && code != 0 {
				t.Fatalf("blockcheck -fix: exit %d, want %d or 0\n%s", code, wantCode, stderr)
			}
			if strings.Contains(stderr, "fix skipped") || strings.Contains(stderr, "not fixed") {
				t.Errorf("blockcheck -fix left fixes out:\n%s", stderr)
			}
			buildAndVet(t, src, dir)
			// Everything fixable was fixed: nothing more to do.
			diff, stderr, _ := run(t, dir, tool, "-diff", "./...")
			if diff != "" {
				t.Errorf("blockcheck -diff after -fix is not empty:\n%s\n%s", diff, stderr)
			}

			alt := copyDir(t, src)
			requireShim(t, alt)
			if n := applyAlternatives(t, alt); n > 0 {
				buildAndVet(t, src, alt)
			}
		})
	}
}

// applyAlternatives applies, for each finding with more than one fix, its second fix, and returns how many it
// applied.
func applyAlternatives(t *testing.T, dir string) int {
	t.Helper()
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	enabled := map[string]bool{}
	for _, a := range analyzers.All {
		enabled[a.Name] = true
	}
	res, err := whole.Run(context.Background(), &whole.Config{Dir: dir, Catalog: cat, Enabled: enabled, Env: moduleEnv()})
	if err != nil {
		t.Fatal(err)
	}
	var set fix.Set
	n := 0
	for _, f := range res.Findings {
		if len(f.Diag.SuggestedFixes) < 2 {
			continue
		}
		edits := map[string][]fix.TextEdit{}
		for _, e := range f.Diag.SuggestedFixes[1].TextEdits {
			tf := res.Fset.File(e.Pos)
			edits[tf.Name()] = append(edits[tf.Name()], fix.TextEdit{Start: tf.Offset(e.Pos), End: tf.Offset(e.End), New: string(e.NewText)})
		}
		if !set.Add(edits) {
			t.Errorf("%s: alternative fix overlaps another", res.Fset.Position(f.Diag.Pos))
			continue
		}
		n++
	}
	for _, name := range set.Files() {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out, err := fix.Apply(src, set.Edits(name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := os.WriteFile(name, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// TestFixAndDiff checks -diff (a unified diff, nothing written, the exit status saying findings are left) and
// -fix (the files written as the golden file shows) on the fixes testdata.
func TestFixAndDiff(t *testing.T) {
	if testing.Short() {
		t.Skip("builds blockcheck")
	}
	tool := buildTool(t)
	dir := copyDir(t, filepath.Join("..", "..", "testdata", "stdlib"))
	file := filepath.Join(dir, "fixes", "fixes.go")
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	diff, stderr, code := run(t, dir, tool, "-diff", "./fixes")
	if code != 3 {
		t.Errorf("-diff: exit %d, want 3: noContext's sleep has no fix\n%s", code, stderr)
	}
	for _, want := range []string{
		"--- fixes/fixes.go (old)\n+++ fixes/fixes.go (new)\n@@ -14,27 +14,31 @@\n",
		"-\ttime.Sleep(time.Second)                     // want `sleep: time.Sleep`\n",
		"+\tselect {\n+\tcase <-time.After(time.Second):\n+\tcase <-r.Context().Done():\n+\t\treturn\n+\t} // want `sleep: time.Sleep`\n",
		"+\t_, _ = db.ExecContext(ctx, \"delete from t\") // want `syncdb: \\(\\*sql.DB\\).Exec`\n",
	} {
		if !strings.Contains(diff, want) {
			t.Errorf("-diff output lacks\n%s\ngot:\n%s", want, diff)
		}
	}
	if !strings.Contains(stderr, "fixes/fixes.go:43:2: sleep: no fix offered") {
		t.Errorf("-diff does not say which finding has no fix:\n%s", stderr)
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(before, after) {
		t.Error("-diff changed the file")
	}

	_, stderr, code = run(t, dir, tool, "-fix", "./fixes")
	if code != 3 {
		t.Errorf("-fix: exit %d, want 3\n%s", code, stderr)
	}
	got, _ := os.ReadFile(file)
	want, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "stdlib", "fixes", "fixes.go.golden"))
	if !bytes.Equal(got, want) {
		t.Errorf("-fix wrote\n%s\nwant (fixes.go.golden)\n%s", got, want)
	}
	// What is left has no fix: a clean -fix run changes nothing and says so.
	diff, _, code = run(t, dir, tool, "-diff", "./fixes")
	if diff != "" || code != 3 {
		t.Errorf("second -diff: exit %d, output %q; want 3 and nothing", code, diff)
	}
	// A package whose findings are all fixed exits 0.
	_, stderr, code = run(t, dir, tool, "-fix", "./syncdb")
	if code != 0 {
		t.Errorf("-fix ./syncdb: exit %d, want 0\n%s", code, stderr)
	}
}

// TestGoFixTool runs the real go fix with blockcheck as its fix tool: -diff shows the fix, and without it the
// file is fixed and still builds.
func TestGoFixTool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds blockcheck and runs go fix")
	}
	tool := buildTool(t)
	dir := copyDir(t, filepath.Join("..", "..", "testdata", "vet"))
	diff, stderr, code := run(t, dir, "go", "fix", "-fixtool="+tool, "-diff", "./...")
	if code != 0 && code != 1 {
		t.Fatalf("go fix -diff: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(diff, "+\t\tcase <-r.Context().Done():\n+\t\t\treturn\n") {
		t.Errorf("go fix -diff does not show the sleep fix:\n%s\n%s", diff, stderr)
	}
	if _, stderr, code := run(t, dir, "go", "fix", "-fixtool="+tool, "./..."); code != 0 && code != 1 {
		t.Fatalf("go fix: exit %d\n%s", code, stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "app", "app.go"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(got), "\t\ttime.Sleep(time.Second)\n") || !strings.Contains(string(got), "case <-r.Context().Done():\n\t\t\treturn\n") {
		t.Errorf("go fix did not fix the sleep:\n%s", got)
	}
	if _, stderr, code := run(t, dir, "go", "build", "./..."); code != 0 {
		t.Errorf("go build after go fix:\n%s", stderr)
	}
}
