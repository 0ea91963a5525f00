// Package sleep defines an Analyzer that reports sleeps and timer waits on a request path.
//
// # Analyzer sleep
//
// sleep: report sleeps and timer waits on a request path
//
// The sleep analyzer reports time.Sleep, and waits on time.After, time.Tick or a time.Timer's or
// time.Ticker's channel, in code that an HTTP handler reaches, where the wait is not in a select that
// also waits on the request's context (a case <-ctx.Done()).
//
// A sleeping handler holds its goroutine, its connection and everything it has allocated for the whole
// duration, and keeps holding them after the client has gone away. Sleeps in retry loops multiply this
// under exactly the conditions (a slow dependency) where the service can least afford it.
//
// Fix: wait on the context too,
//
//	select {
//	case <-time.After(d):
//	case <-ctx.Done():
//		return ctx.Err()
//	}
//
// or call shim/wait.Sleep(ctx, d). The suggested fix rewrites time.Sleep(d) into such a select when a
// request context is in scope.
//
// See https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/sleep.md.
package sleep
