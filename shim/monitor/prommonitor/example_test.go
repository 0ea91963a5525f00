package prommonitor_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/blockcheck/blockcheck/shim/monitor"
	"github.com/blockcheck/blockcheck/shim/monitor/prommonitor"
	"github.com/blockcheck/blockcheck/shim/shed"
)

// show prints the counters and gauges gathered from reg whose names start
// with prefix, and the sample count of its histograms.
func show(reg prometheus.Gatherer, prefix string) {
	mfs, err := reg.Gather()
	if err != nil {
		fmt.Println(err)
		return
	}
	var lines []string
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), prefix) {
			continue
		}
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", lp.GetName(), lp.GetValue()))
			}
			var v float64
			switch {
			case m.Counter != nil:
				v = m.GetCounter().GetValue()
			case m.Gauge != nil:
				v = m.GetGauge().GetValue()
			case m.Histogram != nil:
				v = float64(m.GetHistogram().GetSampleCount())
			}
			lines = append(lines, fmt.Sprintf("%s{%s} %g", mf.GetName(), strings.Join(labels, ","), v))
		}
	}
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
}

func ExampleNew() {
	reg := prometheus.NewRegistry() // or your service's registry; never the global one here
	obs, err := prommonitor.New(reg)
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	h := monitor.Middleware(obs, mux)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/7", nil))
	show(reg, "shim_http_request_duration")
	// Output: shim_http_request_duration_seconds{code="200",route="GET /items/{id}"} 1
}

func ExampleObserver() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg)
	// The shim's middlewares take the same observer.
	s := shed.New(1, shed.WithObserver(obs))
	release, _ := s.Acquire(context.Background()) // the only slot
	defer release()
	rec := httptest.NewRecorder()
	s.Middleware(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/export", nil))
	show(reg, "shim_http_requests_shed")
	// Output: shim_http_requests_shed_total{route="(unmatched)"} 1
}

func ExampleOption() {
	reg := prometheus.NewRegistry()
	_, err := prommonitor.New(reg,
		prommonitor.WithNamespace("shop"),
		prommonitor.WithBuckets([]float64{0.01, 0.1, 1}),
		prommonitor.WithConstLabels(prometheus.Labels{"region": "eu"}),
		prommonitor.WithMaxRoutes(200))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleWithNamespace() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg, prommonitor.WithNamespace("shop"))
	obs.Limited("GET /search")
	show(reg, "shop_http_requests_limited")
	// Output: shop_http_requests_limited_total{route="GET /search"} 1
}

func ExampleWithBuckets() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg, prommonitor.WithBuckets([]float64{0.05, 0.5}))
	obs.RequestStarted()
	obs.RequestDone("GET /", 200, 30*time.Millisecond)
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "shim_http_request_duration_seconds" {
			for _, b := range mf.GetMetric()[0].GetHistogram().GetBucket() {
				fmt.Println(b.GetUpperBound(), b.GetCumulativeCount())
			}
		}
	}
	// Output:
	// 0.05 1
	// 0.5 1
}

func ExampleWithConstLabels() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg, prommonitor.WithConstLabels(prometheus.Labels{"service": "cart"}))
	obs.Shed("POST /checkout")
	show(reg, "shim_http_requests_shed")
	// Output: shim_http_requests_shed_total{route="POST /checkout",service="cart"} 1
}

func ExampleWithMaxRoutes() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg, prommonitor.WithMaxRoutes(1))
	obs.Shed("GET /a")
	obs.Shed("GET /b") // beyond the bound
	show(reg, "shim_http_requests_shed")
	// Output:
	// shim_http_requests_shed_total{route="(other)"} 1
	// shim_http_requests_shed_total{route="GET /a"} 1
}

func ExampleObserver_RequestStarted() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg)
	obs.RequestStarted()
	show(reg, "shim_http_requests_in_flight")
	// Output: shim_http_requests_in_flight{} 1
}

func ExampleObserver_RequestDone() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg)
	obs.RequestStarted()
	obs.RequestDone("GET /items/{id}", 404, 2*time.Millisecond)
	show(reg, "shim_http_request")
	// Output:
	// shim_http_request_duration_seconds{code="404",route="GET /items/{id}"} 1
	// shim_http_requests_in_flight{} 0
}

func ExampleObserver_Shed() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg)
	obs.Shed("GET /report")
	show(reg, "shim_http_requests_shed")
	// Output: shim_http_requests_shed_total{route="GET /report"} 1
}

func ExampleObserver_Limited() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg)
	obs.Limited("")
	show(reg, "shim_http_requests_limited")
	// Output: shim_http_requests_limited_total{route="(unmatched)"} 1
}

func ExampleObserver_Error() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg)
	obs.Error("GET /slow", http.ErrHandlerTimeout)
	obs.Error("GET /slow", errors.New("handler panicked after its deadline"))
	show(reg, "shim_errors")
	// Output:
	// shim_errors_total{kind="other",route="GET /slow"} 1
	// shim_errors_total{kind="timeout",route="GET /slow"} 1
}

func ExampleObserver_BreakerStateChanged() {
	reg := prometheus.NewRegistry()
	obs, _ := prommonitor.New(reg)
	obs.BreakerStateChanged("payments", "closed", "open")
	show(reg, "shim_breaker")
	// Output:
	// shim_breaker_state{name="payments",state="closed"} 0
	// shim_breaker_state{name="payments",state="half-open"} 0
	// shim_breaker_state{name="payments",state="open"} 1
	// shim_breaker_transitions_total{from="closed",name="payments",to="open"} 1
}
