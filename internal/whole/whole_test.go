package whole_test

import (
	"testing"

	"github.com/blockcheck/blockcheck/internal/wanttest"
)

const stdlib = "../../testdata/stdlib"

// TestDiscovery checks that every way of registering a net/http handler yields a root with its route.
func TestDiscovery(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./discovery")
}

// TestPaths checks interface resolution by VTA, paths through packages, and reporting at the last call in the
// analyzed packages when the operation is in a dependency.
func TestPaths(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./paths/...")
}

// TestService runs on a small bookstore service of a dozen handlers written the way services are: what it reports
// is what a reviewer would flag, once per root cause, and nothing else.
func TestService(t *testing.T) {
	wanttest.Run(t, "../../testdata/service", nil, "./...")
}

// TestDrivers runs on services written with the real sqlx, gorm, bun and x/sync modules.
func TestDrivers(t *testing.T) {
	wanttest.Run(t, "../../testdata/drivers", nil, "./...")
}

// TestNoDotModule checks that a module whose path has no dot is analyzed as the user's code: whether a package is
// the standard library comes from the build system, not from the shape of its path.
func TestNoDotModule(t *testing.T) {
	res := wanttest.Run(t, "../../testdata/nodot", nil, "./...")
	if len(res.Findings) == 0 {
		t.Fatal("no findings in a module without a dot in its path")
	}
}
