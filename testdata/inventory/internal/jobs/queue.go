// Package jobs runs the slow work (reindexing, imports, reports, supplier syncs) on a fixed pool of workers fed
// by an in-memory queue.
package jobs

import (
	"context"
	"errors"
)

type Kind string

const (
	KindReindex      Kind = "reindex"
	KindImport       Kind = "import"
	KindReport       Kind = "report"
	KindSupplierSync Kind = "supplier-sync"
)

type Job struct {
	Kind   Kind
	Ref    string // a file path, a supplier id
	Report *Report
}

var ErrQueueFull = errors.New("jobs: queue full")

type Queue struct {
	ch chan Job
}

func NewQueue(size int) *Queue { return &Queue{ch: make(chan Job, size)} }

// Enqueue adds a job, waiting for room if the queue is full.
func (q *Queue) Enqueue(j Job) {
	q.ch <- j // want `chanwait: channel send .*reached from POST /admin/\S+ \(Server\.\w+\) and 1 other route;`
}

// TryEnqueue adds a job unless ctx ends first.
func (q *Queue) TryEnqueue(ctx context.Context, j Job) error {
	select {
	case q.ch <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Offer adds a job if there is room right now.
func (q *Queue) Offer(j Job) error {
	select {
	case q.ch <- j:
		return nil
	default:
		return ErrQueueFull
	}
}

// Len is the number of waiting jobs, for the metrics page.
func (q *Queue) Len() int { return len(q.ch) }
