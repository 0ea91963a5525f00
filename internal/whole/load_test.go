package whole

import (
	"context"
	"os"
	"path/filepath"
	"testing"
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
