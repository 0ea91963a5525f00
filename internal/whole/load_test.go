package whole

import (
	"context"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestPlanVendored checks that a vendored dependency is planned as a dependency, from its module and not from its
// directory: the package the user imports directly is parsed with bodies, the one reached only through another
// module for its declarations, the user's own code in full, and the standard library is known as such.
func TestPlanVendored(t *testing.T) {
	dir, err := filepath.Abs("../../testdata/vendored")
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOFLAGS=-mod=vendor", "GOPROXY=off", "GOWORK=off")
	b, err := planBodies(context.Background(), &Config{Dir: dir, Env: env}, []string{"./..."})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file string
		decl bool
	}{
		{"api/api.go", false},
		{"vendor/example.com/direct/direct.go", false},
		{"vendor/example.com/deep/deep.go", true},
		{"vendor/example.com/direct/wire/wire.go", false},
		{"vendor/example.com/over/over.go", true},
	} {
		if got := b.declarationsOnly(filepath.Join(dir, c.file)); got != c.decl {
			t.Errorf("declarationsOnly(%s) = %v, want %v", c.file, got, c.decl)
		}
	}
	for path, want := range map[string]bool{"net/http": true, "time": true, "example.com/direct": false, "example.com/vendored/api": false} {
		if b.std[path] != want {
			t.Errorf("std[%s] = %v, want %v", path, b.std[path], want)
		}
	}
	for path, want := range map[string]bool{"net/http": true, "example.com/deep": true, "example.com/direct": false, "example.com/vendored/api": false} {
		if b.ext[path] != want {
			t.Errorf("ext[%s] = %v, want %v", path, b.ext[path], want)
		}
	}
}

// TestOverExport checks that a dependency planned for its declarations only that imports a package parsed with
// bodies (example.com/over imports example.com/direct/wire) is read from export data, not checked from source,
// and that its types are the source package's: the type of over.Dial's result is wire's Conn, as the packages
// checked from source see it, and they check without error. A Session, which keeps what it checks for the next
// run, still checks it from source.
func TestOverExport(t *testing.T) {
	dir, err := filepath.Abs("../../testdata/vendored")
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOFLAGS=-mod=vendor", "GOPROXY=off", "GOWORK=off")
	cfg := &Config{Dir: dir, Env: env}
	b, err := planBodies(context.Background(), cfg, []string{"./..."})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		cache   *checkCache
		fromSrc bool // whether over is checked from source
	}{
		{"run", nil, false},
		{"session", newCheckCache(), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			fset := token.NewFileSet()
			if c.cache != nil {
				fset = c.cache.fset
			}
			initial, err := b.checkWith(context.Background(), cfg, fset, c.cache, nil)
			if err != nil {
				t.Fatal(err)
			}
			byPath := map[string]*packages.Package{}
			packages.Visit(initial, nil, func(p *packages.Package) {
				byPath[p.PkgPath] = p
				if len(p.Errors) > 0 && !b.external(p) {
					t.Errorf("%s: %v", p.PkgPath, p.Errors)
				}
			})
			over, wire := byPath["example.com/over"], byPath["example.com/direct/wire"]
			if over == nil || wire == nil || over.Types == nil || wire.Types == nil {
				t.Fatalf("over %v, wire %v: not loaded", over, wire)
			}
			if got := over.TypesInfo != nil; got != c.fromSrc {
				t.Errorf("over checked from source: %v, want %v", got, c.fromSrc)
			}
			if wire.TypesInfo == nil || len(wire.Syntax) == 0 {
				t.Error("wire was not checked from source")
			}
			res := over.Types.Scope().Lookup("Dial").Type().(*types.Signature).Results().At(0).Type()
			conn := wire.Types.Scope().Lookup("Conn")
			if named, ok := types.Unalias(res.(*types.Pointer).Elem()).(*types.Named); !ok || named.Obj() != conn {
				t.Errorf("over.Dial returns %v, not a pointer to the source package's %v", res, conn)
			}
			if imp := over.Imports["example.com/direct/wire"]; imp != wire {
				t.Errorf("over imports %v, not the package checked from source", imp)
			}
		})
	}
}

// TestExportListing checks that export data files are listed only for packages read over source ones: on a module
// with none (testdata/service), in a run and in a Session, no go list -export names packages without -deps. With
// no package named, go list lists the package in the directory and compiles it with every package it imports, the
// user's own: 13 CPU-s on miniflux, in every Session's first run.
func TestExportListing(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := t.TempDir()
	log := filepath.Join(bin, "log")
	script := "#!/bin/sh\necho \"$*\" >> " + log + "\nexec " + goBin + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.Abs("../../testdata/service")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH")) // go/packages looks the go command up here
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	cfg := &Config{Dir: dir, Env: env}
	b, err := planBodies(context.Background(), cfg, []string{"./..."})
	if err != nil {
		t.Fatal(err)
	}
	for _, cache := range []*checkCache{nil, newCheckCache()} {
		fset := token.NewFileSet()
		if cache != nil {
			fset = cache.fset
		}
		if _, err := b.checkWith(context.Background(), cfg, fset, cache, nil); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "list") {
		t.Fatalf("the go command was not run through the wrapper:\n%s", data)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "-export=true") && strings.Contains(line, "-deps=false") {
			t.Errorf("export data listed with no package read over source: go %s", line)
		}
	}
}
