package sleep

import (
	"context"
	"net/http"
	"time"
)

func sleepy(w http.ResponseWriter, r *http.Request) {
	time.Sleep(100 * time.Millisecond) // want `sleep: time.Sleep pauses the request .*reached from GET /sleep \(sleepy\)`
}

func after(w http.ResponseWriter, r *http.Request) {
	<-time.After(time.Second) // want `sleep: receive from time.After waits for a timer`
	<-time.Tick(time.Second)  // want `sleep: receive from time.Tick`
	t := time.NewTimer(time.Second)
	<-t.C // want `sleep: receive from a time.Timer`
	tk := time.NewTicker(time.Second)
	defer tk.Stop()
	<-tk.C // want `sleep: receive from a time.Ticker`
}

func selects(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	select { // ctx.Done() is watched: cancellable
	case <-time.After(time.Second):
	case <-ctx.Done():
		return
	}
	select { // a timeout on another wait: bounded, and not a sleep
	case <-time.After(time.Second):
	case <-events:
	}
	select { // a default: never waits
	case <-time.After(time.Second):
	default:
	}
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
	_ = pause(ctx, time.Second)
}

var events = make(chan struct{})

// pause is how a wait should look.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func retry(w http.ResponseWriter, r *http.Request) {
	for i := 0; i < 3; i++ {
		backoff(i)
	}
}

func backoff(i int) {
	time.Sleep(time.Duration(i) * time.Second) // want `sleep: time.Sleep .*reached from GET /retry \(retry\)`
}

func background(w http.ResponseWriter, r *http.Request) {
	go func() { // want `gospawn: go statement`
		time.Sleep(time.Minute) // inside a goroutine: the go statement is the finding
	}()
}

// unregistered has a handler's shape but serves nothing.
func unregistered(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second)
}

func Routes(mux *http.ServeMux) {
	time.Sleep(time.Millisecond) // start-up
	mux.HandleFunc("GET /sleep", sleepy)
	mux.HandleFunc("GET /after", after)
	mux.HandleFunc("GET /selects", selects)
	mux.HandleFunc("GET /retry", retry)
	mux.HandleFunc("GET /background", background)
}
