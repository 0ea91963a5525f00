// Package dispatch registers one handler on "/" that chooses the route itself, by comparing the request's method
// and path (as ntfy does): each finding behind a guarded branch names the route of that branch, in both engines.
// Look-alikes keep the registered route: a comparison of some other string, and a branch that does not guard the
// call. A dispatching function no handler reaches makes no routes.
package dispatch

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var (
	topicRegex  = regexp.MustCompile(`^/[-_a-z0-9]{1,64}$`)
	docsRegex   = regexp.MustCompile(`^/docs(|/.*)$`)
	accountPath = "/v1/account" // a variable, as ntfy keeps its paths
)

const healthPath = "/v1/health"

var errNotFound = errors.New("not found")

type user struct{ name string }

type handleFunc func(http.ResponseWriter, *http.Request, *user) error

type Server struct {
	mode string
}

func Register(mux *http.ServeMux, s *Server) {
	mux.HandleFunc("/", s.handle)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	u := &user{name: r.Header.Get("X-User")}
	if err := s.handleInternal(w, r, u); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
	}
}

// handleInternal dispatches: every call in a guarded branch is a route's handler.
func (s *Server) handleInternal(w http.ResponseWriter, r *http.Request, u *user) error {
	if r.Method == http.MethodGet && r.URL.Path == healthPath {
		return s.health(w, r, u)
	} else if (r.Method == http.MethodPut || r.Method == http.MethodPost) && topicRegex.MatchString(r.URL.Path) {
		return s.withAuth(s.publish)(w, r, u)
	} else if r.Method == http.MethodGet && (docsRegex.MatchString(r.URL.Path) || r.URL.Path == "/manual") {
		return s.docs(w, r, u)
	} else if r.Method == http.MethodDelete && accountPath == r.URL.Path {
		return s.withAuth(s.withSync(s.deleteAccount))(w, r, u)
	} else if r.Method == http.MethodGet && r.URL.Path == accountPath {
		return s.withAuth(s.getAccount)(w, r, u)
	} else if strings.HasPrefix(r.URL.Path, "/admin/") {
		return s.admin(w, r, u)
	}
	// Not a comparison of the request's path: the mode is the server's.
	if s.mode == "/v1/health" {
		s.modeSwitch(w, r)
	}
	// Not the request's path: a URL the client sent in a header.
	if ref, err := url.Parse(r.Header.Get("Referer")); err == nil && ref.Path == "/v1/stats" {
		s.referred(r)
	}
	// A branch that does not guard the call after it.
	if r.URL.Path == "/v1/ping" {
		w.Header().Set("X-Ping", "1")
	}
	s.audit(r)
	switch r.URL.Path {
	case "/v1/tiers", "/v1/prices":
		s.tiers(r)
	}
	if r.URL.Path != "/v1/stats" {
		return errNotFound
	}
	return s.stats(w, r, u)
}

// withAuth is the wrapper every route shares: each branch's closure calls only its own handler.
func (s *Server) withAuth(next handleFunc) handleFunc {
	return func(w http.ResponseWriter, r *http.Request, u *user) error {
		if u.name == "" {
			return errors.New("unauthorized")
		}
		return next(w, r, u)
	}
}

func (s *Server) withSync(next handleFunc) handleFunc {
	return func(w http.ResponseWriter, r *http.Request, u *user) error {
		err := next(w, r, u)
		time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from DELETE /v1/account \(withAuth.func1\); fix`
		return err
	}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request, u *user) error {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /v1/health \(Server.health\); fix`
	return nil
}

func (s *Server) publish(w http.ResponseWriter, r *http.Request, u *user) error {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from PUT \^/\[-_a-z0-9\]\{1,64\}\$ \(withAuth.func1\) and 1 other route; fix`
	return nil
}

func (s *Server) docs(w http.ResponseWriter, r *http.Request, u *user) error {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /manual \(Server.docs\) and 1 other route; fix`
	return nil
}

func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request, u *user) error {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from DELETE /v1/account \(withAuth.func1\); fix`
	return nil
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request, u *user) error {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /v1/account \(withAuth.func1\); fix`
	return nil
}

// admin dispatches again, under the prefix its caller matched.
func (s *Server) admin(w http.ResponseWriter, r *http.Request, u *user) error {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from /admin/\* \(Server.admin\); fix`
	if r.URL.Path == "/admin/reindex" {
		s.reindex(w, r)
	}
	// A handler that checks the path to vary what it does, as one registered on two routes may: the helper it
	// calls is given no request, and is no route's handler.
	if r.URL.Path == "/admin/purge" {
		s.purge()
	}
	return nil
}

func (s *Server) reindex(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from /admin/reindex \(Server.reindex\); fix`
}

func (s *Server) stats(w http.ResponseWriter, r *http.Request, u *user) error {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from /v1/stats \(Server.stats\); fix`
	return nil
}

func (s *Server) tiers(r *http.Request) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from /v1/prices \(Server.tiers\) and 1 other route; fix`
}

func (s *Server) purge() {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from /admin/\* \(Server.admin\); fix`
}

func (s *Server) modeSwitch(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from / \(Server.handle\); fix`
}

func (s *Server) referred(r *http.Request) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from / \(Server.handle\); fix`
}

func (s *Server) audit(r *http.Request) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from / \(Server.handle\); fix`
}

// unreached compares the request's path too, but no handler calls it: its branch is no route.
func unreached(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ghost" {
		ghost(w, r)
	}
}

func ghost(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Millisecond)
}

var _ = unreached
