package prommonitor_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/monitor/prommonitor"
	"github.com/blockcheck/blockcheck/shim/ratelimit"
	"github.com/blockcheck/blockcheck/shim/shed"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestWithShimMiddlewares serves requests on loopback through the shim's own
// middlewares, reporting to a prommonitor.Observer, and gathers the registry.
func TestWithShimMiddlewares(t *testing.T) {
	reg := prometheus.NewRegistry()
	obs, err := prommonitor.New(reg, prommonitor.WithConstLabels(prometheus.Labels{"service": "shop"}))
	require.NoError(t, err)

	br := breaker.New(gobreaker.Settings{Name: "db", ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 2 }},
		breaker.WithObserver(obs))
	sh := shed.New(1, shed.WithObserver(obs))
	rl := ratelimit.New(rate.Every(time.Hour), 1, ratelimit.WithObserver(obs))
	hold := make(chan struct{})
	entered := make(chan struct{})

	mux := http.NewServeMux()
	mux.Handle("GET /items/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.PathValue("id"))
	}))
	mux.Handle("GET /db", br.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})))
	mux.Handle("GET /slow", sh.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-hold
	})))
	mux.Handle("GET /search", rl.Middleware(http.NotFoundHandler()))
	srv := httptest.NewServer(monitor.Middleware(obs, mux))
	defer srv.Close()
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	client := srv.Client()
	defer client.CloseIdleConnections()
	get := func(path string) int {
		resp, err := client.Get(srv.URL + path)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}

	assert.Equal(t, 200, get("/items/1"))
	assert.Equal(t, 200, get("/items/2"))
	assert.Equal(t, 404, get("/nowhere"))
	assert.Equal(t, 500, get("/db"))
	assert.Equal(t, 500, get("/db")) // the breaker opens
	assert.Equal(t, 503, get("/db"))
	assert.Equal(t, 404, get("/search"))
	assert.Equal(t, 429, get("/search"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		get("/slow")
	}()
	<-entered
	inFlight := `
# HELP shim_http_requests_in_flight Requests being served.
# TYPE shim_http_requests_in_flight gauge
shim_http_requests_in_flight{service="shop"} 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(inFlight), "shim_http_requests_in_flight"),
		"the slow request is in flight")
	assert.Equal(t, 503, get("/slow"))
	close(hold)
	<-done

	want := `
# HELP shim_http_requests_shed_total Requests refused for lack of capacity.
# TYPE shim_http_requests_shed_total counter
shim_http_requests_shed_total{route="GET /slow",service="shop"} 1
# HELP shim_http_requests_limited_total Requests refused by a rate limiter.
# TYPE shim_http_requests_limited_total counter
shim_http_requests_limited_total{route="GET /search",service="shop"} 1
# HELP shim_breaker_state 1 for the circuit breaker's current state, 0 for the others.
# TYPE shim_breaker_state gauge
shim_breaker_state{name="db",service="shop",state="closed"} 0
shim_breaker_state{name="db",service="shop",state="half-open"} 0
shim_breaker_state{name="db",service="shop",state="open"} 1
# HELP shim_breaker_transitions_total Circuit breaker state changes.
# TYPE shim_breaker_transitions_total counter
shim_breaker_transitions_total{from="closed",name="db",service="shop",to="open"} 1
# HELP shim_http_requests_in_flight Requests being served.
# TYPE shim_http_requests_in_flight gauge
shim_http_requests_in_flight{service="shop"} 0
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want),
		"shim_http_requests_shed_total", "shim_http_requests_limited_total", "shim_breaker_state",
		"shim_breaker_transitions_total", "shim_http_requests_in_flight"))

	counts := histogramCounts(t, reg, "shim_http_request_duration_seconds")
	assert.Equal(t, map[string]uint64{
		"GET /items/{id} 200": 2,
		"(unmatched) 404":     1,
		"GET /db 500":         2,
		"GET /db 503":         1,
		"GET /search 404":     1,
		"GET /search 429":     1,
		"GET /slow 200":       1,
		"GET /slow 503":       1,
	}, counts)
}

// histogramCounts returns the sample count of each series of a histogram,
// keyed by "route code".
func histogramCounts(t *testing.T, reg *prometheus.Registry, name string) map[string]uint64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	out := map[string]uint64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			out[labels["route"]+" "+labels["code"]] = m.GetHistogram().GetSampleCount()
		}
	}
	return out
}

func TestErrorsByKind(t *testing.T) {
	reg := prometheus.NewRegistry()
	obs, err := prommonitor.New(reg, prommonitor.WithNamespace("api"))
	require.NoError(t, err)
	obs.Error("GET /a", fmt.Errorf("deadline: %w", http.ErrHandlerTimeout))
	obs.Error("GET /a", errors.New("deadline: handler panicked after its deadline: boom"))
	obs.Error("", http.ErrHandlerTimeout)
	want := `
# HELP api_errors_total Errors a status does not show, such as handlers that ran past their deadline.
# TYPE api_errors_total counter
api_errors_total{kind="other",route="GET /a"} 1
api_errors_total{kind="timeout",route="(unmatched)"} 1
api_errors_total{kind="timeout",route="GET /a"} 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want), "api_errors_total"))
}

func TestRoutesBounded(t *testing.T) {
	reg := prometheus.NewRegistry()
	obs, err := prommonitor.New(reg, prommonitor.WithMaxRoutes(3), prommonitor.WithBuckets([]float64{0.1, 1}))
	require.NoError(t, err)
	for i := range 100 {
		obs.RequestStarted()
		obs.RequestDone(fmt.Sprintf("GET /r%d", i), 200, time.Millisecond)
	}
	counts := histogramCounts(t, reg, "shim_http_request_duration_seconds")
	assert.Equal(t, map[string]uint64{"GET /r0 200": 1, "GET /r1 200": 1, "GET /r2 200": 1, "(other) 200": 97}, counts)
}

func TestNewErrors(t *testing.T) {
	_, err := prommonitor.New(nil)
	require.Error(t, err)
	reg := prometheus.NewRegistry()
	_, err = prommonitor.New(reg)
	require.NoError(t, err)
	_, err = prommonitor.New(reg) // the same names again
	var are prometheus.AlreadyRegisteredError
	require.ErrorAs(t, err, &are)
	_, err = prommonitor.New(reg, prommonitor.WithNamespace("other"))
	require.NoError(t, err, "another namespace does not collide")
}

func TestNothingGlobal(t *testing.T) {
	before, err := prometheus.DefaultGatherer.Gather()
	require.NoError(t, err)
	obs, err := prommonitor.New(prometheus.NewRegistry())
	require.NoError(t, err)
	obs.RequestStarted()
	obs.RequestDone("GET /", 200, time.Millisecond)
	after, err := prometheus.DefaultGatherer.Gather()
	require.NoError(t, err)
	assert.Equal(t, len(before), len(after), "the default registry is untouched")
}
