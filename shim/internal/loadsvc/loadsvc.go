// Package loadsvc is a small example service built with the shim, used by its
// load test: a deadline on every request, a concurrency limit on the slow
// route, a per-client rate limit on the search route, background work on a
// bounded pool and on a task queue, monitoring and the watchdog.
package loadsvc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/deadline"
	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/pool"
	"github.com/blockcheck/blockcheck/shim/ratelimit"
	"github.com/blockcheck/blockcheck/shim/shed"
	"github.com/blockcheck/blockcheck/shim/taskq"
	"github.com/blockcheck/blockcheck/shim/watchdog"
)

// Config sets the service's limits.
type Config struct {
	Timeout       time.Duration // deadline of every request
	MaxInFlight   int           // concurrent requests on GET /slow
	SlowLatency   time.Duration // what GET /slow's dependency takes
	RatePerClient rate.Limit    // GET /search, per client address
	Burst         int
	PoolWorkers   int           // POST /events: pool workers
	PoolQueue     int           // and queue
	QueueWorkers  int           // POST /orders: task queue workers
	QueueSize     int           // and queue
	TaskTime      time.Duration // what a background task takes
}

// DefaultConfig returns limits small enough for a load test to exceed.
func DefaultConfig() Config {
	return Config{
		Timeout:       300 * time.Millisecond,
		MaxInFlight:   20,
		SlowLatency:   20 * time.Millisecond,
		RatePerClient: 200,
		Burst:         20,
		PoolWorkers:   4,
		PoolQueue:     32,
		QueueWorkers:  2,
		QueueSize:     50,
		TaskTime:      10 * time.Millisecond,
	}
}

// Server is the service.
type Server struct {
	Handler  http.Handler
	Memory   *monitor.Memory
	Watchdog *watchdog.Watchdog
	Pool     *pool.Pool
	Queue    *taskq.Queue

	events atomic.Uint64 // accepted by POST /events
	orders atomic.Uint64 // accepted by POST /orders

	slowNow, slowPeak atomic.Int64 // GET /slow handlers running, and their most at once
}

// SlowPeak returns the most GET /slow handlers that ran at once: never more
// than Config.MaxInFlight.
func (s *Server) SlowPeak() int64 { return s.slowPeak.Load() }

// Counts says what became of the background work accepted: at shutdown every
// accepted task is completed or handed back.
type Counts struct {
	Events     uint64 // accepted by POST /events, on the pool
	EventsRun  uint64 // completed by the pool
	EventsDrop uint64 // dropped by a pool shutdown that gave up
	Orders     uint64 // accepted by POST /orders, on the task queue
	OrdersDone uint64 // done or failed for good
	HandedBack []taskq.Task
}

// wait waits d or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NewServer builds and starts the service. Call Shutdown to stop its
// background workers.
func NewServer(cfg Config) (*Server, error) {
	s := &Server{
		Memory: monitor.NewMemory(),
		Pool:   pool.New(cfg.PoolWorkers, cfg.PoolQueue),
		Queue: taskq.New(taskq.WithWorkers(cfg.QueueWorkers), taskq.WithQueueSize(cfg.QueueSize),
			taskq.WithMaxAttempts(3), taskq.WithBackoff(time.Millisecond, 5*time.Millisecond)),
	}
	// Every seventh order fails its first attempt, to exercise retries.
	var failedOnce sync.Map
	err := s.Queue.Register("order", func(ctx context.Context, payload []byte) error {
		if err := wait(ctx, cfg.TaskTime); err != nil {
			return err
		}
		if n, _ := strconv.Atoi(string(payload)); n%7 == 0 {
			if _, again := failedOnce.LoadOrStore(n, true); !again {
				return errors.New("transient")
			}
			failedOnce.Delete(n)
		}
		return nil
	})
	if err == nil {
		err = s.Queue.Start()
	}
	if err != nil {
		_ = s.Pool.Shutdown(context.Background())
		return nil, fmt.Errorf("loadsvc: task queue: %w", err)
	}

	mux := http.NewServeMux()
	route := monitor.MuxPattern(mux)
	s.Watchdog = watchdog.New(watchdog.WithRoute(route), watchdog.WithThreshold(cfg.Timeout))

	mux.HandleFunc("GET /fast", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})

	slow := shed.New(cfg.MaxInFlight, shed.WithWait(time.Millisecond), shed.WithObserver(s.Memory))
	mux.Handle("GET /slow", slow.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.slowNow.Add(1)
		defer s.slowNow.Add(-1)
		for p := s.slowPeak.Load(); n > p && !s.slowPeak.CompareAndSwap(p, n); p = s.slowPeak.Load() {
		}
		d := cfg.SlowLatency
		if v, err := time.ParseDuration(r.URL.Query().Get("d")); err == nil {
			d = v
		}
		if wait(r.Context(), d) == nil { // else the deadline middleware answers
			fmt.Fprintln(w, "slow ok")
		}
	})))

	search := ratelimit.New(cfg.RatePerClient, cfg.Burst,
		ratelimit.WithKey(ratelimit.ClientIP()), ratelimit.WithObserver(s.Memory))
	mux.Handle("GET /search", search.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "results")
	})))

	mux.HandleFunc("POST /events", func(w http.ResponseWriter, r *http.Request) {
		if !s.Pool.TryGo(func(ctx context.Context) error { return wait(ctx, cfg.TaskTime) }) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		s.events.Add(1)
		w.WriteHeader(http.StatusAccepted)
	})

	var orderSeq atomic.Uint64
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		n := orderSeq.Add(1)
		_, err := s.Queue.Enqueue(r.Context(), "order", []byte(strconv.FormatUint(n, 10)))
		if err != nil {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		s.orders.Add(1)
		w.WriteHeader(http.StatusAccepted)
	})

	mux.Handle("GET /debug/shim", s.Memory.Handler())
	mux.Handle("GET /debug/watchdog", s.Watchdog.Handler())

	h := deadline.Middleware(cfg.Timeout, mux, deadline.WithObserver(s.Memory), deadline.WithRoute(route))
	h = s.Watchdog.Middleware(h)
	s.Handler = monitor.Middleware(s.Memory, h, monitor.WithRoute(route))
	return s, nil
}

// Shutdown stops both background workers, giving them until ctx ends to
// finish what they accepted, and returns what became of it. Tasks the queue
// could not finish are handed back; the pool's unstarted tasks are dropped
// and counted. It waits for the pool's workers to exit, so the counts are
// final.
func (s *Server) Shutdown(ctx context.Context) (Counts, error) {
	back, qerr := s.Queue.Shutdown(ctx)
	perr := s.Pool.Shutdown(ctx)
	var se *pool.ShutdownError
	if errors.As(perr, &se) {
		// Gave up: running tasks see their context cancelled and return.
		perr = s.Pool.Shutdown(context.Background())
	}
	ps, qs := s.Pool.Stats(), s.Queue.Stats()
	c := Counts{
		Events:     s.events.Load(),
		EventsRun:  ps.Completed,
		EventsDrop: ps.Dropped,
		Orders:     s.orders.Load(),
		OrdersDone: qs.Done + qs.Failed,
		HandedBack: back,
	}
	if qerr != nil && !errors.Is(qerr, context.DeadlineExceeded) && !errors.Is(qerr, context.Canceled) {
		return c, fmt.Errorf("loadsvc: shutdown: %w", qerr)
	}
	if perr != nil {
		return c, fmt.Errorf("loadsvc: shutdown: %w", perr)
	}
	return c, nil
}
