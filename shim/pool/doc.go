// Package pool runs tasks on a fixed number of worker goroutines fed by a
// bounded queue: the fix for blockcheck's gospawn finding, a goroutine started
// per request with nothing to bound it.
//
// Instead of
//
//	go sendReceipt(context.Background(), order) // one goroutine per request
//
// create one Pool at start-up and submit to it:
//
//	p := pool.New(8, 64, pool.WithErrorHandler(func(err error) { log.Print(err) }))
//	defer p.Shutdown(shutdownCtx)
//	...
//	if err := p.Submit(r.Context(), func(ctx context.Context) error {
//		return sendReceipt(ctx, order)
//	}); err != nil {
//		http.Error(w, "busy", http.StatusServiceUnavailable)
//		return
//	}
//
// At most size tasks run at once and at most queue more wait; Submit waits for
// room until its context ends, so a burst turns into back-pressure instead of
// an unbounded pile of goroutines. [Go] runs a task whose result the caller
// waits for.
//
// A panic in a task is recovered and reported as a [*PanicError]. [Pool.Shutdown]
// stops accepting work, runs everything already queued and waits for the
// workers; if its context ends first, it cancels the tasks' context, drops the
// tasks not yet started and reports how many did not finish.
package pool
