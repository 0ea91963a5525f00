package otelmonitor_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/monitor/otelmonitor"
	"github.com/blockcheck/blockcheck/shim/shed"
)

// provider returns an SDK MeterProvider and its reader. A service would
// configure an exporter instead (OTLP, Prometheus).
func provider() (*sdkmetric.MeterProvider, *sdkmetric.ManualReader) {
	r := sdkmetric.NewManualReader()
	return sdkmetric.NewMeterProvider(sdkmetric.WithReader(r)), r
}

// show prints the data points whose metric name starts with prefix; a
// histogram's value is its count.
func show(r *sdkmetric.ManualReader, prefix string) {
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		fmt.Println(err)
		return
	}
	var out []string
	line := func(name string, set attribute.Set, v any) {
		var kv []string
		for _, a := range set.ToSlice() {
			kv = append(kv, fmt.Sprintf("%s=%s", a.Key, a.Value.Emit()))
		}
		out = append(out, fmt.Sprintf("%s{%s} %v", name, strings.Join(kv, ","), v))
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if !strings.HasPrefix(m.Name, prefix) {
				continue
			}
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
			}
		}
	}
	sort.Strings(out)
	fmt.Println(strings.Join(out, "\n"))
}

func ExampleNew() {
	mp, r := provider() // the service's MeterProvider; never otel.GetMeterProvider() behind its back
	defer mp.Shutdown(context.Background())
	obs, err := otelmonitor.New(mp)
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	monitor.Middleware(obs, mux).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/7", nil))
	show(r, "http.server.request")
	// Output: http.server.request.duration{http.request.method=GET,http.response.status_code=200,http.route=/items/{id}} 1
}

func ExampleObserver() {
	mp, r := provider()
	defer mp.Shutdown(context.Background())
	obs, _ := otelmonitor.New(mp)
	// The shim's middlewares take the same observer.
	s := shed.New(1, shed.WithObserver(obs))
	release, _ := s.Acquire(context.Background()) // the only slot
	defer release()
	mux := http.NewServeMux()
	mux.Handle("POST /export", s.Middleware(http.NotFoundHandler()))
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/export", nil))
	show(r, "shim.http.shed")
	// Output: shim.http.shed{http.request.method=POST,http.route=/export} 1
}

func ExampleOption() {
	mp, _ := provider()
	defer mp.Shutdown(context.Background())
	_, err := otelmonitor.New(mp,
		otelmonitor.WithMaxRoutes(200),
		otelmonitor.WithAttributes(attribute.String("listener", "public")))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleWithMaxRoutes() {
	mp, r := provider()
	defer mp.Shutdown(context.Background())
	obs, _ := otelmonitor.New(mp, otelmonitor.WithMaxRoutes(1))
	obs.Limited("GET /a")
	obs.Limited("GET /b") // beyond the bound
	show(r, "shim.http.limited")
	// Output:
	// shim.http.limited{http.request.method=GET,http.route=/a} 1
	// shim.http.limited{http.route=(other)} 1
}

func ExampleWithAttributes() {
	mp, r := provider()
	defer mp.Shutdown(context.Background())
	obs, _ := otelmonitor.New(mp, otelmonitor.WithAttributes(attribute.String("listener", "admin")))
	obs.RequestStarted()
	show(r, "http.server.active")
	// Output: http.server.active_requests{listener=admin} 1
}

func ExampleObserver_RequestStarted() {
	mp, r := provider()
	defer mp.Shutdown(context.Background())
	obs, _ := otelmonitor.New(mp)
	obs.RequestStarted()
	obs.RequestStarted()
	show(r, "http.server.active")
	// Output: http.server.active_requests{} 2
}

func ExampleObserver_RequestDone() {
	mp, r := provider()
	defer mp.Shutdown(context.Background())
	obs, _ := otelmonitor.New(mp)
	obs.RequestStarted()
	obs.RequestDone("DELETE /items/{id}", 204, 3*time.Millisecond)
	show(r, "http.server")
	// Output:
	// http.server.active_requests{} 0
	// http.server.request.duration{http.request.method=DELETE,http.response.status_code=204,http.route=/items/{id}} 1
}

func ExampleObserver_Shed() {
	mp, r := provider()
	defer mp.Shutdown(context.Background())
	obs, _ := otelmonitor.New(mp)
	obs.Shed("GET /report")
	show(r, "shim.http.shed")
	// Output: shim.http.shed{http.request.method=GET,http.route=/report} 1
}

func ExampleObserver_Limited() {
	mp, r := provider()
	defer mp.Shutdown(context.Background())
	obs, _ := otelmonitor.New(mp)
	obs.Limited("") // not routed yet: no http.route
	show(r, "shim.http.limited")
	// Output: shim.http.limited{} 1
}

func ExampleObserver_Error() {
	mp, r := provider()
	defer mp.Shutdown(context.Background())
	obs, _ := otelmonitor.New(mp)
	obs.Error("GET /slow", http.ErrHandlerTimeout)
	obs.Error("GET /slow", errors.New("handler panicked after its deadline"))
	show(r, "shim.errors")
	// Output:
	// shim.errors{error.type=other,http.request.method=GET,http.route=/slow} 1
	// shim.errors{error.type=timeout,http.request.method=GET,http.route=/slow} 1
}

func ExampleObserver_BreakerStateChanged() {
	mp, r := provider()
	defer mp.Shutdown(context.Background())
	obs, _ := otelmonitor.New(mp)
	obs.BreakerStateChanged("payments", "closed", "open")
	show(r, "shim.breaker")
	// Output:
	// shim.breaker.state{shim.breaker.name=payments,shim.breaker.state=closed} 0
	// shim.breaker.state{shim.breaker.name=payments,shim.breaker.state=half-open} 0
	// shim.breaker.state{shim.breaker.name=payments,shim.breaker.state=open} 1
	// shim.breaker.transitions{shim.breaker.from=closed,shim.breaker.name=payments,shim.breaker.to=open} 1
}
