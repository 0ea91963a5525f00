package whole_test

import (
	"testing"

	"github.com/blockcheck/blockcheck/internal/wanttest"
)

// TestInventory: a 30-odd handler service annotated by a reviewer before the tool ran.
func TestInventory(t *testing.T) { wanttest.Run(t, "../../testdata/inventory", nil, "./...") }
