package modular

import (
	"go/types"
	"testing"
)

// TestStdLib checks how the engine tells the standard library: by module information and the toolchain's source
// tree, so that a module or package path without a dot is the user's code.
func TestStdLib(t *testing.T) {
	pkg := func(path string) *types.Package { return types.NewPackage(path, "p") }
	self := pkg("nodot/api")
	s := newStdLib(self, "nodot")
	if s.src == "" {
		t.Skip("no GOROOT with sources")
	}
	if s.self() {
		t.Error("a package with module information is the standard library")
	}
	for path, want := range map[string]bool{
		"net/http":                       true,
		"vendor/golang.org/x/net/idna":   true, // the standard library's vendored packages
		"nodot/store":                    false,
		"example.com/x":                  false,
		"tool":                           false, // no dot, not in GOROOT/src
		"command-line-arguments":         false,
		"golang.org/x/net/http/httpguts": false,
	} {
		if got := s.is(pkg(path)); got != want {
			t.Errorf("is(%q) = %v, want %v", path, got, want)
		}
	}
	if s.is(self) || !s.is(nil) {
		t.Error("the analyzed package is the standard library, or the universe is not")
	}
	// Without module information: a standard library package is skipped, the user's GOPATH package is not.
	if !newStdLib(pkg("fmt"), "").self() || newStdLib(pkg("example.com/a"), "").self() || newStdLib(pkg("nodot/a"), "").self() {
		t.Error("without module information, GOROOT/src should decide")
	}
}
