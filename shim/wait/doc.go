// Package wait provides context-aware waits: the fixes blockcheck recommends
// for its sleep and chanwait findings.
//
// A handler that calls time.Sleep, sends or receives on a channel, or waits on
// a sync.WaitGroup keeps its goroutine (and the client's connection) for as
// long as the wait lasts, even after the client has gone away. Each helper here
// waits for the same thing or for the context to end, whichever comes first:
//
//	if err := wait.Sleep(ctx, backoff); err != nil {
//		return err // ctx ended: stop, do not retry
//	}
//	v, err := wait.Recv(ctx, results)
//	if errors.Is(err, wait.ErrClosed) {
//		// the producer closed the channel
//	}
//
// When the context has already ended, every helper returns its error without
// waiting at all.
package wait
