package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// Report is a report being built by a worker.
type Report struct {
	ID      string
	Kind    string
	Started time.Time

	done chan struct{}
	path string
	err  error
}

// Done is closed when the report is ready or has failed.
func (r *Report) Done() <-chan struct{} { return r.done }

// Result is valid after Done is closed.
func (r *Report) Result() (string, error) { return r.path, r.err }

func (r *Report) finish(path string, err error) {
	r.path, r.err = path, err
	close(r.done)
}

// Reports keeps the reports of the last day.
type Reports struct {
	q  *Queue
	mu sync.Mutex
	m  map[string]*Report
}

func NewReports(q *Queue) *Reports { return &Reports{q: q, m: make(map[string]*Report)} }

// Start queues a report, giving up when ctx ends.
func (rs *Reports) Start(ctx context.Context, kind string) (*Report, error) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	rep := &Report{ID: hex.EncodeToString(b[:]), Kind: kind, Started: time.Now(), done: make(chan struct{})}
	if err := rs.q.TryEnqueue(ctx, Job{Kind: KindReport, Ref: kind, Report: rep}); err != nil {
		return nil, err
	}
	rs.mu.Lock()
	rs.m[rep.ID] = rep
	rs.mu.Unlock()
	return rep, nil
}

func (rs *Reports) Get(id string) (*Report, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rep, ok := rs.m[id]
	return rep, ok
}

// Prune drops reports older than a day. Called by the janitor started from main.
func (rs *Reports) Prune(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			rs.mu.Lock()
			for id, rep := range rs.m {
				if now.Sub(rep.Started) > 24*time.Hour {
					delete(rs.m, id)
				}
			}
			rs.mu.Unlock()
		}
	}
}
