// Package discovery registers handlers in every way a net/http service does. Each handler sleeps, so each
// registration that is found yields a sleep finding naming its route.
package discovery

import (
	"net/http"
	"time"
)

func plain(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `sleep: time.Sleep .*reached from /plain \(plain\)`
}

func pattern(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from GET /users/\{id\} \(pattern\)`
}

type Server struct{ name string }

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from GET /method \(Server.getUser\)`
}

func makeHandler(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(d) // want `reached from /factory \(makeHandler.func1\)`
	}
}

func converted(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /converted \(converted\)`
}

type apiHandler struct{}

func (*apiHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /api \(apiHandler.ServeHTTP\)`
}

type valueHandler struct{}

func (valueHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /value \(valueHandler.ServeHTTP\)`
}

func tableA(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /a \(tableA\)`
}

func tableB(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /b \(tableB\)`
}

var routes = []struct {
	pattern string
	handler http.HandlerFunc
}{
	{"/a", tableA},
	{"/b", tableB},
}

func viaHelper(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /helper \(viaHelper\)`
}

// register is how many services wrap registration.
func register(mux *http.ServeMux, p string, h http.HandlerFunc) {
	mux.HandleFunc(p, h)
}

func wrapped(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /wrapped \(wrapped\)`
}

// auth is middleware: what it does is on every request of what it wraps.
func auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // want `reached from /wrapped \(auth.func1\)`
		next.ServeHTTP(w, r)
	})
}

func logging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // want `reached from every route \(logging.func1\)`
		next.ServeHTTP(w, r)
	})
}

func timed(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /timed \(timed\)`
}

func static(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /static/ \(static\)`
}

func global(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /global \(global\)`
}

// neverRegistered has a handler's shape but no route serves it.
func neverRegistered(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond)
}

func init() {
	time.Sleep(time.Millisecond) // start-up code is not on a request path
	http.HandleFunc("/global", global)
}

func worker(jobs <-chan int) {
	for range jobs {
		time.Sleep(time.Millisecond) // a worker started from main is not on a request path
	}
}

func Main() {
	time.Sleep(time.Millisecond) // start-up
	go worker(make(chan int))
	s := &Server{name: "x"}
	mux := http.NewServeMux()
	mux.HandleFunc("/plain", plain)
	mux.HandleFunc("GET /users/{id}", pattern)
	mux.HandleFunc("GET /method", s.getUser)
	mux.Handle("/factory", makeHandler(time.Second))
	mux.Handle("/converted", http.HandlerFunc(converted))
	mux.Handle("/api", &apiHandler{})
	mux.Handle("/value", valueHandler{})
	for _, rt := range routes {
		mux.HandleFunc(rt.pattern, rt.handler)
	}
	register(mux, "/helper", viaHelper)
	mux.Handle("/wrapped", auth(http.HandlerFunc(wrapped)))
	mux.Handle("/timed", http.TimeoutHandler(http.HandlerFunc(timed), time.Second, "slow"))
	mux.Handle("/static/", http.StripPrefix("/static/", http.HandlerFunc(static)))
	srv := &http.Server{Addr: ":8080", Handler: logging(mux), ReadHeaderTimeout: time.Second}
	_ = srv.ListenAndServe()
}

// recoverer is middleware handed straight to ListenAndServe.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { _ = recover() }()
		time.Sleep(time.Millisecond) // want `reached from every route \(recoverer.func1\)`
		next.ServeHTTP(w, r)
	})
}

type health struct{}

func (health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from /healthz \(health.ServeHTTP\)`
}

func Admin() error {
	mux := http.NewServeMux()
	mux.Handle("/healthz", health{})
	return http.ListenAndServe(":9090", recoverer(mux)) // want `servertimeout: http.ListenAndServe`
}

func reportA(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from GET /reports/a \(reportA\);`
}

func reportB(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `reached from GET /reports/b \(reportB\);`
}

// Reports wraps each handler through a local helper: each handler keeps its own route.
func Reports(mux *http.ServeMux) {
	withAuth := func(h http.HandlerFunc) http.Handler { return auth(h) }
	mux.Handle("GET /reports/a", withAuth(reportA))
	mux.Handle("GET /reports/b", withAuth(reportB))
}
