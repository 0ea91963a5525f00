package whole_test

import (
	"testing"

	"github.com/blockcheck/blockcheck/internal/wanttest"
)

// TestShapes runs on shapes of real libraries (oauth2, echo, gin, gorilla/websocket) that are bounded or detached
// by design, beside the ones that are not.
func TestShapes(t *testing.T) {
	wanttest.Run(t, "../../testdata/shapes", nil, "./...")
}
