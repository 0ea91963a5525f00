// Package taskq is an in-process background task queue: named handlers, a
// bounded queue, a fixed number of workers, retries with exponential backoff
// and full jitter, task status, and a shutdown that hands back every task it
// could not finish. It fixes blockcheck's gospawn finding where the work is
// better described by a name and a payload than by a closure, and should be
// retried.
//
//	q := taskq.New(taskq.WithWorkers(4), taskq.WithQueueSize(1000), taskq.WithMaxAttempts(5))
//	_ = q.Register("email", sendEmail) // func(ctx context.Context, payload []byte) error
//	_ = q.Start()
//
//	// In a handler: never blocks; a full queue is an error to report.
//	id, err := q.Enqueue(r.Context(), "email", payload)
//	if errors.Is(err, taskq.ErrFull) {
//		http.Error(w, "busy", http.StatusServiceUnavailable)
//	}
//
//	// At exit: tasks not done in time come back, to persist or log.
//	left, err := q.Shutdown(ctx)
//
// Delivery is at least once within the process: a task handed back by a
// Shutdown that gave up may have been running (see [Task.Interrupted]), so
// handlers should be idempotent. Nothing is persisted; the queue lives in
// memory.
package taskq
