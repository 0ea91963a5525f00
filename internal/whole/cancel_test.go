package whole_test

import (
	"context"
	"errors"
	"testing"

	"github.com/blockcheck/blockcheck/internal/whole"
	"github.com/blockcheck/blockcheck/rules"
)

// TestCancel checks that a cancelled context stops the run with the context's error, before it loads anything
// and while it loads.
func TestCancel(t *testing.T) {
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := whole.Run(ctx, &whole.Config{Dir: "../../testdata/service", Catalog: cat, Enabled: map[string]bool{"sleep": true}})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("Run with a cancelled context = %v, %v; want nil, context.Canceled", res, err)
	}
}
