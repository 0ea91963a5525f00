package modular_test

import (
	"bytes"
	"encoding/gob"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/objectpath"

	"github.com/blockcheck/blockcheck/internal/modular"
)

// TestFactsPathIndependent analyzes the same module from two checkout paths and compares the bytes of every fact,
// encoded with gob as go vet's unitchecker encodes them: a shared build cache (GOCACHEPROG, a Bazel remote cache)
// can reuse facts across machines only if the same code gives the same bytes wherever it is checked out.
func TestFactsPathIndependent(t *testing.T) {
	a := factBytes(t, copyModule(t, filepath.Join(t.TempDir(), "one")))
	b := factBytes(t, copyModule(t, filepath.Join(t.TempDir(), "checkout", "two")))
	if len(a) == 0 {
		t.Fatal("no facts exported")
	}
	if !slices.Equal(keys(a), keys(b)) {
		t.Fatalf("facts on different objects: %v and %v", keys(a), keys(b))
	}
	for k, x := range a {
		if !bytes.Equal(x, b[k]) {
			t.Errorf("fact of %s differs between checkouts:\n%q\n%q", k, x, b[k])
		}
	}
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func copyModule(t *testing.T, dst string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-r", testdata, dst).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	return dst
}

// factBytes returns the gob encoding of every object fact the engine exports for the module's packages, by package
// and object path.
func factBytes(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	cfg := &packages.Config{
		Mode: packages.LoadSyntax | packages.NeedModule,
		Dir:  dir,
		Env:  append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, "./api", "./store", "./lib")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("packages failed to load")
	}
	engine := modular.New(&modular.Config{})
	g, err := checker.Analyze([]*analysis.Analyzer{engine}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for act := range g.All() {
		if act.Analyzer != engine || !act.IsRoot {
			continue
		}
		for _, f := range act.AllObjectFacts() {
			if f.Object.Pkg() != act.Package.Types {
				continue
			}
			path, err := objectpath.For(f.Object)
			if err != nil {
				continue
			}
			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(f.Fact); err != nil {
				t.Fatal(err)
			}
			out[act.Package.PkgPath+"."+string(path)] = buf.Bytes()
		}
	}
	return out
}
