package otelmonitor_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/goleak"
	"golang.org/x/time/rate"

	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/monitor/otelmonitor"
	"github.com/blockcheck/blockcheck/shim/ratelimit"
	"github.com/blockcheck/blockcheck/shim/shed"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// reader returns an SDK MeterProvider read by hand, for tests.
func reader(t *testing.T) (*sdkmetric.MeterProvider, *sdkmetric.ManualReader) {
	t.Helper()
	r := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	return mp, r
}

// collect returns every data point as "name{k=v,...} value", sorted; a
// histogram's value is its count.
func collect(t *testing.T, r *sdkmetric.ManualReader) []string {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Collect(context.Background(), &rm))
	var out []string
	line := func(name string, set attribute.Set, v any) {
		var kv []string
		for _, a := range set.ToSlice() {
			kv = append(kv, fmt.Sprintf("%s=%s", a.Key, a.Value.Emit()))
		}
		out = append(out, fmt.Sprintf("%s{%s} %v", name, strings.Join(kv, ","), v))
	}
	for _, sm := range rm.ScopeMetrics {
		require.Equal(t, otelmonitor.ScopeName, sm.Scope.Name)
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					line(m.Name, p.Attributes, p.Value)
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					line(m.Name, p.Attributes, p.Value)
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					line(m.Name, p.Attributes, p.Count)
				}
			default:
				t.Fatalf("%s: unexpected data %T", m.Name, m.Data)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestWithShimMiddlewares serves requests on loopback through the shim's own
// middlewares, reporting to an otelmonitor.Observer over the real SDK.
func TestWithShimMiddlewares(t *testing.T) {
	mp, r := reader(t)
	obs, err := otelmonitor.New(mp)
	require.NoError(t, err)

	br := breaker.New(gobreaker.Settings{Name: "db", ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 2 }},
		breaker.WithObserver(obs))
	sh := shed.New(1, shed.WithObserver(obs))
	rl := ratelimit.New(rate.Every(time.Hour), 1, ratelimit.WithObserver(obs))
	hold, entered := make(chan struct{}), make(chan struct{})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "item") })
	mux.Handle("GET /db", br.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})))
	mux.Handle("GET /slow", sh.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-hold
	})))
	mux.Handle("/search", rl.Middleware(http.NotFoundHandler()))
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
	assert.Equal(t, 500, get("/db"))
	assert.Equal(t, 503, get("/db"))
	assert.Equal(t, 404, get("/search"))
	assert.Equal(t, 429, get("/search"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		get("/slow")
	}()
	<-entered
	assert.Contains(t, collect(t, r), "http.server.active_requests{} 1")
	assert.Equal(t, 503, get("/slow"))
	close(hold)
	<-done

	assert.Equal(t, []string{
		"http.server.active_requests{} 0",
		"http.server.request.duration{http.request.method=GET,http.response.status_code=200,http.route=/items/{id}} 2",
		"http.server.request.duration{http.request.method=GET,http.response.status_code=200,http.route=/slow} 1",
		"http.server.request.duration{http.request.method=GET,http.response.status_code=500,http.route=/db} 2",
		"http.server.request.duration{http.request.method=GET,http.response.status_code=503,http.route=/db} 1",
		"http.server.request.duration{http.request.method=GET,http.response.status_code=503,http.route=/slow} 1",
		"http.server.request.duration{http.response.status_code=404,http.route=/search} 1",
		"http.server.request.duration{http.response.status_code=404} 1",
		"http.server.request.duration{http.response.status_code=429,http.route=/search} 1",
		"shim.breaker.state{shim.breaker.name=db,shim.breaker.state=closed} 0",
		"shim.breaker.state{shim.breaker.name=db,shim.breaker.state=half-open} 0",
		"shim.breaker.state{shim.breaker.name=db,shim.breaker.state=open} 1",
		"shim.breaker.transitions{shim.breaker.from=closed,shim.breaker.name=db,shim.breaker.to=open} 1",
		"shim.http.limited{http.route=/search} 1",
		"shim.http.shed{http.request.method=GET,http.route=/slow} 1",
	}, collect(t, r))
}

func TestDurationBucketsAndUnit(t *testing.T) {
	mp, r := reader(t)
	obs, err := otelmonitor.New(mp)
	require.NoError(t, err)
	obs.RequestStarted()
	obs.RequestDone("GET /", 200, 30*time.Millisecond)
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Collect(context.Background(), &rm))
	var found bool
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if m.Name != "http.server.request.duration" {
			continue
		}
		found = true
		assert.Equal(t, "s", m.Unit)
		p := m.Data.(metricdata.Histogram[float64]).DataPoints[0]
		assert.Equal(t, []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}, p.Bounds,
			"the semantic conventions' advised boundaries")
		assert.InDelta(t, 0.03, p.Sum, 1e-9)
	}
	assert.True(t, found)
}

func TestErrorsAndAttributes(t *testing.T) {
	mp, r := reader(t)
	obs, err := otelmonitor.New(mp, otelmonitor.WithAttributes(attribute.String("listener", "admin")), otelmonitor.WithMaxRoutes(2))
	require.NoError(t, err)
	obs.Error("GET /a", fmt.Errorf("deadline: %w", http.ErrHandlerTimeout))
	obs.Error("GET /a", errors.New("boom"))
	obs.Shed("example.com/b") // a pattern with a host and no method
	obs.Shed("GET /c")        // beyond the bound
	obs.Shed("GET /d")
	assert.Equal(t, []string{
		"shim.errors{error.type=other,http.request.method=GET,http.route=/a,listener=admin} 1",
		"shim.errors{error.type=timeout,http.request.method=GET,http.route=/a,listener=admin} 1",
		"shim.http.shed{http.route=(other),listener=admin} 2",
		"shim.http.shed{http.route=example.com/b,listener=admin} 1",
	}, collect(t, r))
}

func TestNilProvider(t *testing.T) {
	_, err := otelmonitor.New(nil)
	require.Error(t, err)
}
