package whole_test

import (
	"testing"

	"github.com/blockcheck/blockcheck/internal/wanttest"
	"github.com/blockcheck/blockcheck/rules"
)

// TestAnalyzers runs every analyzer on each analyzer's testdata package: the lines to report carry want
// comments, and the look-alikes beside them must stay silent.
func TestAnalyzers(t *testing.T) {
	for _, name := range rules.Analyzers {
		t.Run(name, func(t *testing.T) {
			wanttest.Run(t, stdlib, nil, "./"+name)
		})
	}
}

// TestDefaultMux: a package that imports net/http/pprof and also puts its own handlers on the default mux serves
// the application there (servertimeout's PprofPort is the look-alike that stays silent).
func TestDefaultMux(t *testing.T) {
	wanttest.Run(t, stdlib, nil, "./defaultmux")
}
