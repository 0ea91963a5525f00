package modular_test

import (
	"testing"

	"github.com/blockcheck/blockcheck/internal/wanttest"
)

// TestAnalyzersModular runs the modular engine on the testdata of the analyzers whose cases are in one package
// each, with the want comments the whole-program engine is checked against: both engines must agree there.
func TestAnalyzersModular(t *testing.T) {
	for _, name := range []string{"ctxdetach", "chanwait", "gospawn", "lockio", "servertimeout", "clienttimeout", "sleep"} {
		t.Run(name, func(t *testing.T) {
			wanttest.RunModular(t, "../../testdata/stdlib", "./"+name)
		})
	}
}

// TestShapesModular is TestShapes (internal/whole) for the modular engine: oauth2, echo, gin and gorilla/websocket.
func TestShapesModular(t *testing.T) {
	wanttest.RunModular(t, "../../testdata/shapes", "./...")
}
