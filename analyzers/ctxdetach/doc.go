// Package ctxdetach defines an Analyzer that reports context.Background and context.TODO on a request path.
//
// # Analyzer ctxdetach
//
// ctxdetach: report context.Background and context.TODO on a request path
//
// The ctxdetach analyzer reports context.Background() and context.TODO() evaluated in code that a
// handler reaches. Work started under such a context is cut off from the request: it has no deadline
// and goes on after the client has gone away, holding connections and goroutines.
//
// context.WithoutCancel(r.Context()) is the deliberate way to detach work that must outlive the
// request, keeping the request's values; it is not reported. The suggested fix replaces the call with
// the request's context where one is in scope (ctx, or r.Context()).
//
// See https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/ctxdetach.md.
package ctxdetach
