package handlers_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/internal/wanttest"
	"github.com/blockcheck/blockcheck/internal/whole"
	"github.com/blockcheck/blockcheck/rules"
)

// routers is a module that requires the real routers from the Go module proxy, one package per router.
const routers = "../../testdata/routers"

// TestRouters checks, for each router, that handlers registered in every way the router offers are found with
// their routes (groups, sub-routers, mounts, middleware), that look-alikes stay silent, and that the suggested
// fixes use the router's request context.
func TestRouters(t *testing.T) {
	for _, tc := range []struct {
		pkg  string
		fix  string   // the suggested fix of the first handler's time.Sleep
		more []string // other fixes expected
	}{
		{pkg: "chi", fix: "select { case <-time.After(time.Second): case <-r.Context().Done(): return }"},
		{pkg: "gorillamux", fix: "select { case <-time.After(time.Second): case <-r.Context().Done(): return }"},
		{pkg: "gin", fix: "select { case <-time.After(time.Second): case <-c.Request.Context().Done(): return }"},
		{pkg: "ginfallback", fix: ""},
		{pkg: "echo4", fix: "select { case <-time.After(time.Second): case <-c.Request().Context().Done(): return c.Request().Context().Err() }"},
		{pkg: "echo5", fix: "select { case <-time.After(time.Second): case <-c.Request().Context().Done(): return c.Request().Context().Err() }"},
		{pkg: "fiber2", fix: "select { case <-time.After(time.Second): case <-c.UserContext().Done(): return c.UserContext().Err() }"},
		{pkg: "fiber3", fix: "select { case <-time.After(time.Second): case <-c.Context().Done(): return c.Context().Err() }"},
		{pkg: "httprouter", fix: "select { case <-time.After(time.Second): case <-r.Context().Done(): return }"},
		{pkg: "grpc", fix: "select { case <-time.After(time.Second): case <-ctx.Done(): return nil, ctx.Err() }",
			// A streaming handler's context is its stream's, whose type is generic.
			more: []string{`h.db.ExecContext(stream.Context(), "LISTEN health")`}},
		{pkg: "connect", fix: "select { case <-time.After(time.Second): case <-ctx.Done(): return nil, ctx.Err() }"},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			t.Parallel()
			res := wanttest.Run(t, routers, nil, "./"+tc.pkg+"/...")
			if tc.fix == "" {
				return
			}
			fixes := fixTexts(res)
			for _, want := range append([]string{tc.fix}, tc.more...) {
				if !slices.Contains(fixes, want) {
					t.Errorf("no suggested fix %q; have:\n%s", want, strings.Join(fixes, "\n"))
				}
			}
		})
	}
}

func fixTexts(res *whole.Result) []string {
	var out []string
	for _, f := range res.Findings {
		for _, sf := range f.Diag.SuggestedFixes {
			for _, e := range sf.TextEdits {
				out = append(out, string(e.NewText))
			}
		}
	}
	return out
}

// TestCustomRouter loads the rules-file example of docs/rules.md, which teaches blockcheck a router of the user's
// own, and checks the findings on a service that uses that router.
func TestCustomRouter(t *testing.T) {
	t.Parallel()
	cat, err := rules.Load("../../testdata/rules/custom-router.json")
	if err != nil {
		t.Fatal(err)
	}
	res := wanttest.Run(t, routers, &wanttest.Options{Rules: cat}, "./custom/...")
	want := "select { case <-time.After(time.Second): case <-c.Req.Context().Done(): return c.Req.Context().Err() }"
	if fixes := fixTexts(res); !slices.Contains(fixes, want) {
		t.Errorf("no suggested fix %q; have:\n%s", want, strings.Join(fixes, "\n"))
	}
}

// TestGRPCGeneratedElsewhere registers a service through generated code in another module, which a rule names: only
// the methods of the service interface are roots.
func TestGRPCGeneratedElsewhere(t *testing.T) {
	t.Parallel()
	cat, err := rules.Parse([]byte(`{"registrations": [{"id": "route/grpc_health_v1.RegisterHealthServer", "func": "google.golang.org/grpc/health/grpc_health_v1.RegisterHealthServer", "handler": 1, "pattern": -1, "service": true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	wanttest.Run(t, routers, &wanttest.Options{Rules: cat}, "./grpcdep/...")
}
