// Command chi is a service routed with github.com/go-chi/chi/v5.
package main

import (
	"database/sql"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/routers/chi/admin"
	"example.com/routers/store"
)

type server struct {
	db *sql.DB
	st store.Store
}

func direct(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET /direct \(direct\)`
}

func (s *server) getUser(w http.ResponseWriter, r *http.Request) {
	s.db.QueryRow("SELECT 1") // want `syncdb: \(\*sql.DB\).QueryRow .*reached from GET /api/users/\{id\} \(server.getUser\)`
}

func (s *server) lookup(w http.ResponseWriter, r *http.Request) {
	s.st.Lookup(chi.URLParam(r, "id")) // want `syncdb: this call reaches \(\*sql.DB\).Query in example.com/routers/store .*reached from GET /api/v2/lookup/\{id\} \(server.lookup\)`
}

// v2 receives the /api/v2 sub-router.
func (s *server) v2(r chi.Router) {
	r.Get("/lookup/{id}", s.lookup)
}

// logging is the router's middleware: it is on every request.
func logging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // want `sleep: time.Sleep .*reached from every route \(logging.func1\)`
		next.ServeHTTP(w, r)
	})
}

// audit is middleware of the /api group only.
func audit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Get("http://audit.internal/log") // want `nocancel: http.Get .*reached from every route under /api \(audit.func1\)`
		next.ServeHTTP(w, r)
	})
}

// timing is middleware given to one route with r.With.
func timing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		go func() { time.Sleep(time.Minute) }() // want `gospawn: go statement .*reached from GET /report \(timing.func1\);`
		go func() {}()                          // ends on its own: not reported
		next.ServeHTTP(w, r)
	})
}

// report is built by a factory.
func report(db *sql.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		db.Exec("REFRESH MATERIALIZED VIEW report") // want `syncdb: \(\*sql.DB\).Exec .*reached from GET /report \(report.func1\)`
	}
}

// slow is registered with r.With(throttle).Get("/x", slow): its route is /x, not the middleware's closure.
func slow(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET /x \(slow\);`
}

// fast shares throttle's With with /x, on another route.
func fast(w http.ResponseWriter, r *http.Request) {
	_ = r.Context()
}

// throttle wraps the routes its With registers, /x and /y, and no other.
func throttle(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Get("http://quota.internal/") // want `nocancel: http.Get .*reached from GET /x \(throttle.func1\) and 1 other route;`
		next.ServeHTTP(w, r)
	})
}

// guard is middleware given to a sub-router and a group with r.With.
func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // want `sleep: time.Sleep .*reached from (GET /billing/invoice|POST /refund) \(guard.func1\) and 1 other route;`
		next.ServeHTTP(w, r)
	})
}

// invoice is under r.With(guard).Route("/billing", ...): its route is /billing/invoice.
func invoice(w http.ResponseWriter, r *http.Request) {
	http.Get("http://billing.internal/") // want `nocancel: http.Get .*reached from GET /billing/invoice \(invoice\);`
}

// refund is under r.With(guard).Group(...).
func refund(w http.ResponseWriter, r *http.Request) {
	http.Get("http://billing.internal/refund") // want `nocancel: http.Get .*reached from POST /refund \(refund\);`
}

// unregistered has a handler's shape but is registered nowhere.
func unregistered(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second)
}

func main() {
	db, _ := sql.Open("postgres", "")
	time.Sleep(time.Second) // startup, not a request path
	s := &server{db: db, st: store.NewSQL(db)}

	r := chi.NewRouter()
	r.Use(logging)
	r.Get("/direct", direct)
	r.Route("/api", func(r chi.Router) {
		r.Use(audit)
		r.Get("/users/{id}", s.getUser)
		r.Route("/v2", s.v2)
		r.Group(func(r chi.Router) {
			r.Post("/jobs", func(w http.ResponseWriter, r *http.Request) {
				done := make(chan struct{})
				<-done // want `chanwait: channel receive .*reached from POST /api/jobs \(main.func1.func1.func1\)`
			})
		})
	})
	r.Mount("/admin", admin.Router())
	r.With(timing).Get("/report", report(db))
	r.With(throttle).Get("/x", slow)
	limited := r.With(throttle)
	limited.Post("/y", fast)
	r.With(guard).Route("/billing", func(r chi.Router) {
		r.Get("/invoice", invoice)
	})
	r.With(guard).Group(func(r chi.Router) {
		r.Post("/refund", refund)
	})
	_ = unregistered
	srv := &http.Server{Addr: ":8080", Handler: r, ReadHeaderTimeout: 5 * time.Second}
	srv.ListenAndServe()
}
