package whole_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/internal/wanttest"
)

// TestShapes runs on shapes of real libraries (oauth2, echo, gin, gorilla/websocket) that are bounded or detached
// by design, beside the ones that are not.
func TestShapes(t *testing.T) {
	wanttest.Run(t, "../../testdata/shapes", nil, "./...")
}

// TestGathered checks that the calls handing a *gin.Context on as a context, one cause, are reported once, with
// the other calls that wait on it as related information, and not the calls that only read a value.
func TestGathered(t *testing.T) {
	res := wanttest.Run(t, "../../testdata/shapes", nil, "./ginvalue")
	var also []string
	for _, f := range res.Findings {
		if f.Analyzer != "ctxdetach" {
			continue
		}
		for _, r := range f.Diag.Related {
			if strings.HasPrefix(r.Message, "the same cause here") {
				p := res.Fset.Position(r.Pos)
				also = append(also, fmt.Sprintf("%s:%d %s", filepath.Base(p.Filename), p.Line, r.Message))
			}
		}
	}
	want := []string{
		"ginvalue.go:63 the same cause here: *gin.Context passed as a context.Context; reached from GET /users (server.list)",
		"ginvalue.go:68 the same cause here: *gin.Context passed as a context.Context; reached from GET /count (server.count)",
	}
	if !slices.Equal(also, want) {
		t.Errorf("related calls of the same cause:\n got %q\nwant %q", also, want)
	}
}
