// Package chanwait defines an Analyzer that reports channel and WaitGroup waits that never look at the request's context.
//
// # Analyzer chanwait
//
// chanwait: report channel and WaitGroup waits that never look at the request's context
//
// The chanwait analyzer reports channel sends and receives, selects without a ctx.Done() case or a
// default, sync.WaitGroup.Wait and sync.Cond.Wait in code that a handler reaches.
//
// Each of these waits for another goroutine; if that goroutine is slow or gone, the request waits
// forever, after its client has left. Wait in a select with a case <-ctx.Done(), or use shim/wait's
// Recv, Send and Wait. A receive from ctx.Done() itself, and sends on a buffered channel made in the
// same function, are not reported.
//
// See https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/chanwait.md.
package chanwait
