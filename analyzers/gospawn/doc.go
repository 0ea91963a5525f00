// Package gospawn defines an Analyzer that reports goroutines started per request with nothing to bound them.
//
// # Analyzer gospawn
//
// gospawn: report goroutines started per request with nothing to bound them
//
// The gospawn analyzer reports go statements in code that a handler reaches when nothing bounds the
// goroutine: the handler does not wait for it (sync.WaitGroup.Wait, errgroup's Wait, a receive from a
// channel the goroutine is given) and it is not started under a semaphore (a channel send or a
// semaphore.Weighted Acquire before it).
//
// One goroutine per request is unbounded concurrency: when what it does slows down, goroutines and the
// memory and connections they hold pile up until the service falls over, and they outlive the request.
// Hand the work to a bounded pool or background queue (shim/pool, shim/taskq) or wait for it.
//
// What runs inside such a goroutine does not block the request, so it is not reported: the go statement
// is the finding.
//
// See https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/gospawn.md.
package gospawn
