//go:build go1.25

package deadline_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/deadline"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestTimeoutBeforeHeaders(t *testing.T) {
	lateWrite := make(chan error, 1)
	mem := monitor.NewMemory()
	h := deadline.Middleware(10*time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // a handler that honours its context
		w.Header().Set("X-Late", "1")
		_, err := w.Write([]byte("too late"))
		lateWrite <- err
	}), deadline.WithObserver(mem))
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))
	assert.Empty(t, resp.Header.Get("X-Late"))
	assert.Contains(t, string(body), "deadline exceeded")
	assert.ErrorIs(t, <-lateWrite, http.ErrHandlerTimeout)
	assert.Equal(t, uint64(1), mem.Snapshot().Routes[monitor.UnmatchedRoute].Errors)
}

func TestStatus504AndRetryAfter(t *testing.T) {
	h := deadline.Middleware(time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}), deadline.WithStatus(http.StatusGatewayTimeout), deadline.WithRetryAfter(1500*time.Millisecond))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	assert.Equal(t, http.StatusGatewayTimeout, rec.Code)
	assert.Equal(t, "2", rec.Header().Get("Retry-After"))
}

// The handler's status stands once it wrote headers: never a second status.
func TestNeverWritesAfterHandlerHeaders(t *testing.T) {
	lateWrite := make(chan error, 1)
	var deadlineOf *expiring
	h := deadline.Middleware(time.Hour, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Handler", "yes")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, "partial")
		w.(http.Flusher).Flush()
		deadlineOf.expire()  // the deadline passes, however slow the machine
		<-r.Context().Done() // blocked past the deadline
		w.WriteHeader(http.StatusTeapot)
		_, err := w.Write([]byte(" rest"))
		lateWrite <- err
	}))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		deadlineOf = newExpiring(r.Context())
		h.ServeHTTP(w, r.WithContext(deadlineOf))
	}))
	defer srv.Close()

	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	body, readErr := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "the client must get the handler's status, not 503")
	assert.Equal(t, "yes", resp.Header.Get("X-Handler"))
	assert.Empty(t, resp.Header.Get("Retry-After"))
	assert.Equal(t, "partial", string(body))
	assert.Error(t, readErr, "an unfinished response is aborted, not ended as if complete")
	assert.ErrorIs(t, <-lateWrite, http.ErrHandlerTimeout)
}

// A handler that ignores its context keeps running; the client is answered
// anyway and the late handler cannot touch the response.
func TestHandlerIgnoringContext(t *testing.T) {
	release := make(chan struct{})
	finished := make(chan error, 1)
	h := deadline.Middleware(10*time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // ignores ctx, like time.Sleep or a call without ctx
		w.Header().Set("X-After", "1")
		http.NewResponseController(w).Flush()
		_, err := w.Write([]byte("late"))
		finished <- err
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	close(release)
	assert.ErrorIs(t, <-finished, http.ErrHandlerTimeout)
}

func TestFastHandlerUnchanged(t *testing.T) {
	mem := monitor.NewMemory()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		dl, ok := r.Context().Deadline()
		assert.True(t, ok)
		assert.WithinDuration(t, time.Now().Add(time.Minute), dl, 5*time.Second)
		w.Header().Set("X-Id", r.PathValue("id"))
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("GET /empty", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Only-Header", "1")
	})
	h := monitor.Middleware(mem, deadline.Middleware(time.Minute, mux))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/items/7", nil))
	assert.Equal(t, http.StatusAccepted, rec.Code)
	assert.Equal(t, "7", rec.Header().Get("X-Id"))
	assert.Equal(t, "ok", rec.Body.String())

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/empty", nil))
	assert.Equal(t, 200, rec.Code)
	assert.Equal(t, "1", rec.Header().Get("X-Only-Header"))

	// The pattern ServeMux set inside reaches the monitor outside.
	assert.Equal(t, uint64(1), mem.Snapshot().Routes["GET /items/{id}"].Requests)
}

func TestStreamingAndTrailers(t *testing.T) {
	h := deadline.Middleware(time.Minute, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		rc := http.NewResponseController(w)
		for i := range 3 {
			fmt.Fprintf(w, "%d;", i)
			require.NoError(t, rc.Flush())
		}
		w.Header().Set("X-Sum", "3")
		w.Header().Set(http.TrailerPrefix+"X-Extra", "e")
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "0;1;2;", string(body))
	assert.Equal(t, "3", resp.Trailer.Get("X-Sum"))
	assert.Equal(t, "e", resp.Trailer.Get("X-Extra"))
}

func TestPanicRaisedAgain(t *testing.T) {
	h := deadline.Middleware(time.Minute, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	})
}

func TestPanicAfterDeadlineReported(t *testing.T) {
	mem := monitor.NewMemory()
	release := make(chan struct{})
	done := make(chan struct{})
	h := deadline.Middleware(time.Millisecond, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		defer close(done)
		<-release
		panic("late boom")
	}), deadline.WithObserver(mem))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	close(release)
	<-done
	require.Eventually(t, func() bool {
		return mem.Snapshot().Routes[monitor.UnmatchedRoute].Errors == 2
	}, 5*time.Second, time.Millisecond)
}

func TestClientGoneWritesNothing(t *testing.T) {
	h := deadline.Middleware(time.Hour, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	req := httptest.NewRequest("GET", "/", nil)
	ctx, cancel := contextWithCancel(req)
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req.WithContext(ctx))
	assert.Empty(t, rec.Header().Get("Retry-After"))
	assert.Empty(t, rec.Body.String())
}

func TestResponseControllerAfterDeadline(t *testing.T) {
	got := make(chan error, 2)
	h := deadline.Middleware(time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		for ctxDoneAndAnswered := false; !ctxDoneAndAnswered; {
			// Wait until the middleware has marked the deadline.
			_, err := w.Write(nil)
			ctxDoneAndAnswered = errors.Is(err, http.ErrHandlerTimeout)
		}
		rc := http.NewResponseController(w)
		got <- rc.SetWriteDeadline(time.Now())
		_, _, err := rc.Hijack()
		got <- err
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	assert.ErrorIs(t, <-got, http.ErrNotSupported)
	assert.ErrorIs(t, <-got, http.ErrHandlerTimeout)
	assert.Equal(t, strconv.Itoa(http.StatusServiceUnavailable), strconv.Itoa(rec.Code))
}

func BenchmarkDeadline(b *testing.B) {
	h := deadline.Middleware(time.Minute, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok"))
	}))
	r := httptest.NewRequest("GET", "/", nil)
	w := &discardWriter{h: make(http.Header)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// discardWriter is a ResponseWriter that costs nothing, so that the benchmark
// measures the middleware.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// A timeout that is not positive has passed already, as with
// context.WithTimeout; it is not a reason to panic.
func TestNonPositiveTimeout(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		h := deadline.Middleware(d, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	}
}
