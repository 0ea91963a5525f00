package modular

import (
	"go/build"
	"go/types"
	"os"
	"path/filepath"
	"strings"

	"github.com/blockcheck/blockcheck/internal/flow"
)

// stdLib says which packages are the standard library, as the Go toolchain does rather than by the shape of their
// paths (a module "nodot" is the user's code): a package the driver gives module information for belongs to that
// module; any other package is the standard library when the toolchain's source tree holds it (GOROOT/src/PATH,
// as go/build decides Goroot; go vet gives its tools GOROOT). Drivers without module information or a GOROOT with
// sources (GOPATH mode, some Bazel setups) fall back to the path: standard library paths have no dot in their
// first element.
type stdLib struct {
	pkg    *types.Package // the package analyzed
	module string         // its module's path, or ""
	src    string         // GOROOT/src, or "" when it cannot be found
	memo   map[*types.Package]bool
}

func newStdLib(pkg *types.Package, module string) *stdLib {
	s := &stdLib{pkg: pkg, module: module, memo: map[*types.Package]bool{}}
	root := os.Getenv("GOROOT")
	if root == "" {
		root = build.Default.GOROOT
	}
	if root != "" {
		if fi, err := os.Stat(filepath.Join(root, "src", "runtime")); err == nil && fi.IsDir() {
			s.src = filepath.Join(root, "src")
		}
	}
	return s
}

// self reports whether the package analyzed is the standard library.
func (s *stdLib) self() bool {
	return s.module == "" && s.lookup(s.pkg)
}

// is reports whether pkg (nil for the universe's objects) is the standard library. The package analyzed and the
// packages of its module are not.
func (s *stdLib) is(pkg *types.Package) bool {
	switch {
	case pkg == nil:
		return true
	case pkg == s.pkg:
		return false
	case s.module != "" && (pkg.Path() == s.module || strings.HasPrefix(pkg.Path(), s.module+"/")):
		return false
	}
	return s.lookup(pkg)
}

func (s *stdLib) lookup(pkg *types.Package) bool {
	if v, ok := s.memo[pkg]; ok {
		return v
	}
	v := flow.IsStd(pkg.Path())
	if s.src != "" && pkg.Path() != "command-line-arguments" {
		fi, err := os.Stat(filepath.Join(s.src, filepath.FromSlash(pkg.Path())))
		v = err == nil && fi.IsDir()
	}
	s.memo[pkg] = v
	return v
}
