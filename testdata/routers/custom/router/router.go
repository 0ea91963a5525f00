// Package router is a team's own small router: the kind of code blockcheck knows nothing about until a rules file
// describes it (testdata/rules/custom-router.json).
package router

import (
	"net/http"
	"strings"
)

// Context carries one request.
type Context struct {
	W   http.ResponseWriter
	Req *http.Request
}

// HandlerFunc serves a request.
type HandlerFunc func(c *Context) error

// Router routes requests by method and path.
type Router struct {
	prefix string
	routes map[string]HandlerFunc
	around []func(HandlerFunc) HandlerFunc
}

// New returns an empty router.
func New() *Router { return &Router{routes: map[string]HandlerFunc{}} }

// On registers h for method and path.
func (r *Router) On(method, path string, h HandlerFunc) {
	for _, mw := range r.around {
		h = mw(h)
	}
	r.routes[method+" "+r.prefix+path] = h
}

// Sub returns a router for the routes under prefix.
func (r *Router) Sub(prefix string) *Router {
	return &Router{prefix: r.prefix + prefix, routes: r.routes, around: r.around}
}

// Around installs middleware on the routes registered after it.
func (r *Router) Around(mw func(HandlerFunc) HandlerFunc) { r.around = append(r.around, mw) }

// ServeHTTP dispatches.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	h, ok := r.routes[req.Method+" "+strings.TrimSuffix(req.URL.Path, "/")]
	if !ok {
		http.NotFound(w, req)
		return
	}
	h(&Context{W: w, Req: req})
}
