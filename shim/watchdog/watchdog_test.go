//go:build go1.25

package watchdog_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/watchdog"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func muxRoute(mux *http.ServeMux) func(*http.Request) string {
	return func(r *http.Request) string {
		_, p := mux.Handler(r)
		return p
	}
}

// TestClassification serves real handlers stuck in different ways and checks
// what the watchdog says about each.
func TestClassification(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	ch := make(chan struct{})
	release := make(chan struct{})
	entered := make(chan string, 16)

	// A peer that accepts and never writes: reads on it block in the poller.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var peers []net.Conn
	var peersMu sync.Mutex
	acceptDone := make(chan struct{})
	go func() {
		defer close(acceptDone)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			peersMu.Lock()
			peers = append(peers, c)
			peersMu.Unlock()
		}
	}()

	// An upstream that answers only when released.
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	upClient := upstream.Client()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /sleep", func(w http.ResponseWriter, r *http.Request) {
		entered <- "sleep"
		time.Sleep(time.Second)
	})
	mux.HandleFunc("GET /chan", func(w http.ResponseWriter, r *http.Request) {
		entered <- "chan"
		<-ch
	})
	mux.HandleFunc("GET /select", func(w http.ResponseWriter, r *http.Request) {
		entered <- "select"
		select {
		case <-ch:
		case <-release:
		}
	})
	mux.HandleFunc("GET /lock", func(w http.ResponseWriter, r *http.Request) {
		entered <- "lock"
		mu.Lock()
		defer mu.Unlock()
	})
	mux.HandleFunc("GET /net", func(w http.ResponseWriter, r *http.Request) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if !assert.NoError(t, err) {
			return
		}
		defer c.Close()
		entered <- "net"
		_, _ = c.Read(make([]byte, 1))
	})
	mux.HandleFunc("GET /http", func(w http.ResponseWriter, r *http.Request) {
		entered <- "http"
		resp, err := upClient.Get(upstream.URL)
		if err == nil {
			resp.Body.Close()
		}
	})

	var reports []watchdog.Report
	var repMu sync.Mutex
	wd := watchdog.New(
		watchdog.WithThreshold(time.Millisecond),
		watchdog.WithInterval(time.Millisecond), watchdog.WithMaxOverhead(1),
		watchdog.WithRoute(muxRoute(mux)),
		watchdog.WithReporter(watchdog.ReporterFunc(func(r []watchdog.Report) {
			repMu.Lock()
			reports = r
			repMu.Unlock()
		})),
	)
	srv := httptest.NewServer(wd.Middleware(mux))
	client := srv.Client()

	want := map[string]watchdog.Wait{
		"GET /sleep":  watchdog.WaitSleep,
		"GET /chan":   watchdog.WaitChannel,
		"GET /select": watchdog.WaitSelect,
		"GET /lock":   watchdog.WaitLock,
		"GET /net":    watchdog.WaitNetwork,
		"GET /http":   watchdog.WaitOutboundHTTP,
	}
	var wg sync.WaitGroup
	for route := range want {
		wg.Go(func() {
			resp, err := client.Get(srv.URL + route[len("GET "):])
			if assert.NoError(t, err) {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	for range want {
		<-entered
	}

	got := map[string]watchdog.Report{}
	require.Eventually(t, func() bool {
		clear(got)
		for _, r := range wd.Check() {
			got[r.Route] = r
		}
		for route, w := range want {
			if got[route].Wait != w {
				return false
			}
		}
		return true
	}, 10*time.Second, 5*time.Millisecond, "last: %v", got)

	assert.Len(t, got, len(want), "one report per request: readLoop/writeLoop are not attributed")
	assert.Equal(t, "time.Sleep", got["GET /sleep"].WaitFrame)
	assert.Equal(t, "sync.(*Mutex).Lock", got["GET /lock"].WaitFrame)
	assert.Contains(t, got["GET /sleep"].Frame.Function, "TestClassification")
	assert.Contains(t, got["GET /sleep"].Frame.File, "watchdog_test.go")
	assert.Positive(t, got["GET /sleep"].Frame.Line)
	assert.Equal(t, "/chan", got["GET /chan"].Path)
	assert.Equal(t, "GET", got["GET /chan"].Method)
	assert.NotEmpty(t, got["GET /http"].Stack)
	assert.Equal(t, 6, wd.InFlight())
	repMu.Lock()
	assert.Len(t, reports, 6)
	repMu.Unlock()

	// Served as JSON.
	rec := httptest.NewRecorder()
	wd.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/debug/watchdog", nil))
	var body struct {
		InFlight int `json:"in_flight"`
		Slow     []struct {
			Route   string `json:"route"`
			Wait    string `json:"wait"`
			Elapsed string `json:"elapsed"`
			Frame   struct {
				Function string `json:"function"`
			} `json:"frame"`
		} `json:"slow"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	assert.Equal(t, 6, body.InFlight)
	require.Len(t, body.Slow, 6)
	for _, s := range body.Slow {
		assert.Equal(t, string(want[s.Route]), s.Wait, s.Route)
		_, err := time.ParseDuration(s.Elapsed)
		assert.NoError(t, err)
	}

	// Unblock everything and clean up.
	mu.Unlock()
	close(ch)
	close(release)
	peersMu.Lock()
	for _, c := range peers {
		c.Close()
	}
	peersMu.Unlock()
	wg.Wait()
	ln.Close()
	<-acceptDone
	srv.Close()
	upstream.Close()
	assert.Equal(t, 0, wd.InFlight())
}

func TestNoProfileWhenNothingSlow(t *testing.T) {
	var calls int
	wd := watchdog.New(watchdog.WithThreshold(time.Hour), watchdog.WithInterval(time.Millisecond), watchdog.WithMaxOverhead(1),
		watchdog.WithReporter(watchdog.ReporterFunc(func([]watchdog.Report) { calls++ })))
	release := make(chan struct{})
	entered := make(chan struct{})
	h := wd.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(entered)
		<-release
	}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	}()
	<-entered
	assert.Nil(t, wd.Check())
	assert.Equal(t, 0, calls)
	assert.Equal(t, 1, wd.InFlight())
	close(release)
	<-done
}

func TestAtMostOneProfilePerInterval(t *testing.T) {
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithInterval(time.Hour))
	release := make(chan struct{})
	entered := make(chan struct{})
	h := wd.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(entered)
		<-release
	}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	}()
	<-entered
	first := wd.Check()
	require.Len(t, first, 1)
	assert.Equal(t, watchdog.WaitChannel, first[0].Wait)
	assert.Equal(t, "GET /x", first[0].Route)
	second := wd.Check() // within the interval: the same reports, no new profile
	assert.Equal(t, first, second)
	close(release)
	<-done
}

func TestSizeCap(t *testing.T) {
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithInterval(time.Millisecond), watchdog.WithMaxOverhead(1), watchdog.WithMaxProfileBytes(64))
	release := make(chan struct{})
	entered := make(chan struct{})
	h := wd.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(entered)
		<-release
	}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	}()
	<-entered
	r := wd.Check()
	require.Len(t, r, 1)
	assert.Equal(t, watchdog.WaitUnknown, r[0].Wait)
	close(release)
	<-done
}

func TestStartStops(t *testing.T) {
	got := make(chan []watchdog.Report, 1)
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithInterval(time.Millisecond), watchdog.WithMaxOverhead(1),
		watchdog.WithReporter(watchdog.ReporterFunc(func(r []watchdog.Report) {
			select {
			case got <- r:
			default:
			}
		})))
	release := make(chan struct{})
	entered := make(chan struct{})
	h := wd.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(entered)
		<-release
	}))
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/bg", nil))
	<-entered
	ctx, cancel := context.WithCancel(t.Context())
	done := wd.Start(ctx)
	r := <-got
	require.Len(t, r, 1)
	assert.Equal(t, "/bg", r[0].Path)
	cancel()
	<-done // the loop has stopped; goleak checks nothing else is left
	close(release)
	require.Eventually(t, func() bool { return wd.InFlight() == 0 }, 5*time.Second, time.Millisecond)
}

func TestLabelsRestoredAndPatternKept(t *testing.T) {
	wd := watchdog.New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /p/{id}", func(http.ResponseWriter, *http.Request) {})
	var pattern string
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wd.Middleware(mux).ServeHTTP(w, r)
		pattern = r.Pattern
	})
	outer.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/p/1", nil))
	assert.Equal(t, "GET /p/{id}", pattern)
}

func BenchmarkWatchdog(b *testing.B) {
	wd := watchdog.New()
	h := wd.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	r := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

// A goroutine the handler starts inherits its labels; only the handler's own
// goroutine, which holds the middleware's frame, is the request.
func TestChildGoroutineNotAttributed(t *testing.T) {
	wd := watchdog.New(watchdog.WithThreshold(0), watchdog.WithInterval(time.Millisecond), watchdog.WithMaxOverhead(1))
	var mu sync.Mutex
	mu.Lock()
	child := make(chan struct{})
	childDone := make(chan struct{})
	entered := make(chan struct{})
	h := wd.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		for range 3 {
			go func() {
				<-child
				childDone <- struct{}{}
			}()
		}
		close(entered)
		mu.Lock()
		defer mu.Unlock()
	}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/spawn", nil))
	}()
	<-entered
	require.Eventually(t, func() bool {
		r := wd.Check()
		return len(r) == 1 && r[0].Wait == watchdog.WaitLock
	}, 5*time.Second, 2*time.Millisecond)
	mu.Unlock()
	<-done
	close(child)
	for range 3 {
		<-childDone
	}
}
