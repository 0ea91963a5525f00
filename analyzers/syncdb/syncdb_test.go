package syncdb_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/blockcheck/blockcheck/analyzers/syncdb"
)

// Test runs the analyzer on its own testdata, as x/tools' passes do: findings on a request path, and look-alikes
// that must stay silent.
func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), syncdb.Analyzer, "example.com/a")
}
