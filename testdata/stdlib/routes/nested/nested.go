// Package nested checks that findings name their own routes when every handler is wrapped in two levels of
// shared helpers, as filebrowser does: an outer helper (monkey) calls an inner one (handle) that returns a closure
// capturing the handler, the closure is wrapped again (stripPrefix), and handlers are themselves made by a shared
// wrapper (withUser). An adapter type whose ServeHTTP calls the captured function is the other common shape.
package nested

import (
	"net/http"
	"strings"
	"time"
)

type data struct{ user string }

type handleFunc func(w http.ResponseWriter, r *http.Request, d *data) (int, error)

// handle is the inner helper: the closure it returns captures fn.
func handle(fn handleFunc, prefix string) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, err := fn(w, r, &data{})
		if status != 0 || err != nil {
			http.Error(w, http.StatusText(status), status)
		}
	})
	return stripPrefix(prefix, h)
}

// stripPrefix wraps the handler once more when there is a prefix to strip.
func stripPrefix(prefix string, h http.Handler) http.Handler {
	if prefix == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimPrefix(r.URL.Path, prefix)
		h.ServeHTTP(w, r2)
	})
}

// withUser is the shared wrapper handlers are made with.
func withUser(fn handleFunc) handleFunc {
	return func(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
		d.user = r.Header.Get("X-User")
		return fn(w, r, d)
	}
}

func login(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from /login \(handle.func1\); fix`
	return 0, nil
}

func status(w http.ResponseWriter, r *http.Request, d *data) (int, error) { return 0, nil }

var list = withUser(func(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
	time.Sleep(2 * time.Millisecond) // want `time.Sleep .*; reached from /list \(handle.func1\); fix`
	audit(r)
	return 0, nil
})

var show = withUser(func(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
	_ = d.user
	audit(r)
	return 0, nil
})

// audit is called by two handlers behind the same wrappers: each route's path goes through its own handler.
func audit(r *http.Request) {
	time.Sleep(7 * time.Millisecond) // want `time.Sleep .*; reached from /list \(handle.func1\) and 1 other route; fix`
}

var raw = withUser(func(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
	time.Sleep(3 * time.Millisecond) // want `time.Sleep .*; reached from /raw/ \(handle.func1\); fix`
	return 0, nil
})

// withLink is a wrapper held in a package variable: calls of it are calls through the variable.
var withLink = func(fn handleFunc) handleFunc {
	return func(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
		d.user = r.URL.Query().Get("link")
		return fn(w, r, d)
	}
}

var download = withLink(func(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
	time.Sleep(6 * time.Millisecond) // want `time.Sleep .*; reached from /dl \(handle.func1\); fix`
	return 0, nil
})

var preview = withLink(func(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
	_ = d.user
	return 0, nil
})

// orphan is wrapped like the others, but what it is wrapped in is never registered: no route reaches it.
var orphan = withUser(func(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
	time.Sleep(4 * time.Millisecond)
	return 0, nil
})

// chain applies middleware in a loop, as opengist does: the trace sees each middleware's closure capture its own.
type middleware func(handleFunc) handleFunc

func chain(h handleFunc, mws ...middleware) handleFunc {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

func requireLogin(next handleFunc) handleFunc {
	return func(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
		if d.user == "" {
			return http.StatusUnauthorized, nil
		}
		return next(w, r, d)
	}
}

func slowAuth(next handleFunc) handleFunc {
	return func(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
		time.Sleep(8 * time.Millisecond) // want `time.Sleep .*; reached from /admin \(handle.func1\) and 1 other route; fix`
		return next(w, r, d)
	}
}

func forks(w http.ResponseWriter, r *http.Request, d *data) (int, error) { return 0, nil }

func admin(w http.ResponseWriter, r *http.Request, d *data) (int, error) { return 0, nil }

// adapter is the other shape of an inner helper: a struct whose ServeHTTP calls the function it holds.
type adapter struct{ fn handleFunc }

func (a adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := a.fn(w, r, &data{}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func adapt(fn handleFunc) http.Handler { return adapter{fn: fn} }

// api is the outer helper over adapt.
func api(fn handleFunc) http.Handler { return adapt(fn) }

func export(w http.ResponseWriter, r *http.Request, d *data) (int, error) {
	time.Sleep(5 * time.Millisecond) // want `time.Sleep .*; reached from /export \(adapter.ServeHTTP\); fix`
	return 0, nil
}

func ping(w http.ResponseWriter, r *http.Request, d *data) (int, error) { return 0, nil }

// Register registers every route through the outer helpers.
func Register(mux *http.ServeMux) {
	monkey := func(fn handleFunc, prefix string) http.Handler {
		return handle(fn, prefix)
	}
	mux.Handle("/login", monkey(login, ""))
	mux.Handle("/status", monkey(status, ""))
	mux.Handle("/list", monkey(list, ""))
	mux.Handle("/show", monkey(show, ""))
	mux.Handle("/raw/", monkey(raw, "/raw"))
	mux.Handle("/dl", monkey(download, ""))
	mux.Handle("/preview", monkey(preview, ""))
	mux.Handle("/forks", monkey(chain(forks, requireLogin), ""))
	mux.Handle("/admin", monkey(chain(admin, slowAuth), ""))
	mux.Handle("/settings", monkey(chain(admin, requireLogin, slowAuth), ""))
	mux.Handle("/export", api(export))
	mux.Handle("/ping", api(ping))
	_ = monkey(orphan, "")
}
