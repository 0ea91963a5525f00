package modular_test

import (
	"testing"

	"github.com/blockcheck/blockcheck/internal/wanttest"
)

// TestAnalyzersModular runs the modular engine on the testdata of the analyzers whose cases are each in one
// package, with the want comments the whole-program engine is checked against: both engines must agree there.
func TestAnalyzersModular(t *testing.T) {
	wanttest.RunModular(t, "../../testdata/stdlib", "./ctxdetach", "./chanwait", "./gospawn", "./lockio", "./servertimeout",
		"./clienttimeout", "./sleep", "./dispatch", "./waitcycle", "./syncdb", "./lazyinit", "./nocancel", "./ifacedb",
		"./defaultmux")
}

// TestShapesModular is TestShapes (internal/whole) for the modular engine: oauth2, echo, gin and gorilla/websocket.
func TestShapesModular(t *testing.T) {
	wanttest.RunModular(t, "../../testdata/shapes", "./...")
}
