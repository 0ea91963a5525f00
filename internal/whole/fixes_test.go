package whole_test

import (
	"testing"

	"github.com/blockcheck/blockcheck/internal/wanttest"
)

// TestFixes applies the suggested fixes and compares the result with fixes.go.golden: fixes use the context in
// scope (ctx, or r.Context()), edit the call that made a value without a context, and are not offered where no
// context is in scope.
func TestFixes(t *testing.T) {
	wanttest.RunWithFixes(t, stdlib, nil, "./fixes")
}
