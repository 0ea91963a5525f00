package whole

import (
	"cmp"
	"go/token"
	"math/bits"
	"slices"
	"strings"

	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/handlers"
	"github.com/blockcheck/blockcheck/internal/report"
)

// This file builds the route inventory (Result.Routes) and says, for each finding, which routes reach it and by
// which calls (report.Finding's Routes and Graph). It hooks into the engine at emit (annotate) and at the end of
// analyze (inventory).

// Status of a route in the inventory.
const (
	Analyzed   = "analyzed"   // the handler was found and followed
	Unresolved = "unresolved" // a registration whose handler value could not be traced
	Library    = "library"    // a handler of the standard library (http.FileServer): not analyzed
)

// A Route is an entry of the route inventory: a handler registration and what its handler reaches.
type Route struct {
	// Method and Pattern are the route, with the prefixes of the groups and mounts it is under, where they are
	// known statically.
	Method, Pattern string
	// Server marks a handler that serves every route (under Pattern): middleware, a server's root handler.
	Server bool
	// Handler is the handler function, package-qualified ("example.com/app.Server.getUser"), or for an
	// unresolved registration "".
	Handler   string
	Framework string    // "net/http", "chi", "gin", ...; a custom router's package path
	Rule      string    // the registration rule that found it
	Status    string    // Analyzed, Unresolved or Library
	Reg       token.Pos // where it is registered
	Def       token.Pos // where the handler is defined (NoPos when unresolved)
	// Counts are the findings the route reaches, by analyzer; Findings their indices in Result.Findings.
	Counts   map[string]int
	Findings []int
}

// Name describes the route: "GET /users/{id}", "every route under /api", "" when it is not known statically.
func (r *Route) Name() string {
	root := handlers.Root{Method: r.Method, Pattern: r.Pattern, Server: r.Server}
	return root.Route()
}

// Total is the number of findings the route reaches.
func (r *Route) Total() int { return len(r.Findings) }

// frameworks maps the package of a registration rule to the framework's short name.
var frameworks = []struct{ prefix, name string }{
	{"net/http", "net/http"},
	{"github.com/go-chi/chi", "chi"},
	{"github.com/gorilla/mux", "gorilla/mux"},
	{"github.com/gin-gonic/gin", "gin"},
	{"github.com/labstack/echo", "echo"},
	{"github.com/gofiber/fiber", "fiber"},
	{"github.com/julienschmidt/httprouter", "httprouter"},
	{"google.golang.org/grpc", "grpc"},
	{"connectrpc.com/connect", "connect"},
}

// Framework names the router of a registration rule ("(*github.com/go-chi/chi/v5.Mux).Get" is chi). A rule of
// the user's own is named by its package path.
func Framework(rule string) string {
	pkg := strings.TrimLeft(rule, "(*")
	if i := strings.LastIndex(pkg, "/"); i >= 0 {
		if j := strings.Index(pkg[i:], "."); j >= 0 {
			pkg = pkg[:i+j]
		}
	} else if j := strings.Index(pkg, "."); j >= 0 {
		pkg = pkg[:j]
	}
	for _, f := range frameworks {
		if pkg == f.prefix || strings.HasPrefix(pkg, f.prefix+"/") || strings.HasPrefix(pkg, f.prefix+".") {
			return f.name
		}
	}
	if strings.HasPrefix(pkg, "connectrpc.com/") {
		return "connect"
	}
	return pkg
}

// QualifiedName names a function with its package path: "example.com/app.Server.getUser".
func QualifiedName(fn *ssa.Function) string {
	pkg := fn.Pkg
	if pkg == nil {
		if o := fn.Object(); o != nil && o.Pkg() != nil {
			return o.Pkg().Path() + "." + handlers.Name(fn)
		}
		return fn.String()
	}
	return pkg.Pkg.Path() + "." + handlers.Name(fn)
}

// annotate adds to a finding what the engine knows beyond its diagnostic.
func (r *reporter) annotate(f *finding, rf report.Finding) report.Finding {
	rf.Func = QualifiedName(f.fn)
	rf.Op = f.op.Name
	if f.root == nil {
		return rf
	}
	rf.Route = f.root.Route()
	rf.Handler = QualifiedName(f.root.Fn)
	set := f.walk[f.fn]
	for w, word := range set {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			rf.Routes = append(rf.Routes, w*64+b)
			word &^= 1 << b
		}
	}
	rf.Graph = r.trace(f, set)
	return rf
}

// Bounds of a finding's graph: beyond them the report says how many routes it leaves out.
const (
	maxGraphRoutes = 12
	maxGraphFuncs  = 4000
)

// walked reports whether the walk from the roots follows an edge (follow without the directives, which do not
// change which calls a route makes).
func (r *reporter) walked(e *callgraph.Edge) bool {
	if e.Site == nil {
		return false
	}
	if _, ok := e.Site.(*ssa.Go); ok {
		return false
	}
	fn := e.Callee.Func
	if fn.Blocks == nil || fn.Pkg == nil || r.a.isStd(fn.Pkg) {
		return false
	}
	return !r.a.cls.Named(e.Site.Common()) && !r.a.find.IsDispatch(e.Site.Common())
}

func intersects(a, b []uint64) bool {
	for i := range min(len(a), len(b)) {
		if a[i]&b[i] != 0 {
			return true
		}
	}
	return false
}

// trace draws the calls from the routes in set to the finding's operation: a walk backwards from the operation's
// function, through the calls the walk from the roots follows, among functions those routes reach, gives each
// function its distance to the operation and a next step on a shortest path. Each route's path takes, from each
// function, a call to a function closer to the operation that this route reaches, the shared next step when it
// does, so routes through a shared function share its steps; where there is none, the route's own shortest path
// from there (routeBack). A route's path does not pass through another route's handler behind a shared wrapper.
func (r *reporter) trace(f *finding, set []uint64) *report.Graph {
	if set == nil {
		return nil
	}
	next := map[*ssa.Function]*callgraph.Edge{f.fn: nil}
	dist := map[*ssa.Function]int{f.fn: 0}
	queue := []*ssa.Function{f.fn}
	for i := 0; i < len(queue) && len(queue) < maxGraphFuncs; i++ {
		n := r.a.graph.Nodes[queue[i]]
		if n == nil {
			continue
		}
		for _, e := range r.inOrder(n) {
			c := e.Caller.Func
			if _, ok := next[c]; ok || !intersects(f.walk[c], set) || !r.walked(e) {
				continue
			}
			next[c] = e
			dist[c] = dist[queue[i]] + 1
			queue = append(queue, c)
		}
	}
	g := &report.Graph{}
	ids := map[*ssa.Function]int{}
	node := func(fn *ssa.Function) int {
		if id, ok := ids[fn]; ok {
			return id
		}
		ids[fn] = len(g.Nodes)
		g.Nodes = append(g.Nodes, report.Node{Kind: "func", Label: handlers.Name(fn), Pos: fn.Pos(), Route: -1})
		return ids[fn]
	}
	edges := map[[2]int]bool{}
	edge := func(from, to int, pos token.Pos) {
		if !edges[[2]int{from, to}] {
			edges[[2]int{from, to}] = true
			g.Edges = append(g.Edges, report.Edge{From: from, To: to, Pos: pos})
		}
	}
	shown := 0
	for w, word := range set {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << b
			i := w*64 + b
			root := &r.a.roots[i]
			if _, ok := next[root.Fn]; !ok {
				continue
			}
			if shown == maxGraphRoutes {
				g.Omitted++
				continue
			}
			shown++
			label := root.Route()
			if label == "" {
				label = "handler " + handlers.Name(root.Fn)
			}
			rn := len(g.Nodes)
			g.Nodes = append(g.Nodes, report.Node{Kind: "route", Label: label, Pos: root.Pos, Route: i})
			edge(rn, node(root.Fn), root.Pos)
			var own map[*ssa.Function]*callgraph.Edge
			for fn := root.Fn; fn != f.fn; {
				e := own[fn]
				if e == nil {
					var ok bool
					if e, ok = r.ownStep(f, fn, i, next, dist); !ok {
						// No step closer to the operation stays within this route: its own shortest path
						// from here.
						own = r.routeBack(f, i)
						if oe := own[fn]; oe != nil {
							e = oe
						}
					}
				}
				edge(node(fn), node(e.Callee.Func), e.Pos())
				fn = e.Callee.Func
			}
		}
	}
	op := len(g.Nodes)
	g.Nodes = append(g.Nodes, report.Node{Kind: "op", Label: f.op.Name, Pos: f.op.Pos, Route: -1})
	edge(node(f.fn), op, f.op.Pos)
	return g
}

// reaches reports whether route i's walk reaches fn, or fn is the finding's own function.
func reaches(f *finding, fn *ssa.Function, i int) bool {
	s := f.walk[fn]
	return fn == f.fn || i/64 < len(s) && s[i/64]&(1<<(i%64)) != 0
}

// ownStep returns the call a route's path takes from fn: the shared next step when route i reaches its callee,
// else the call to the function closest to the operation among those route i reaches and closer than fn; false
// when there is none (the shared step is returned).
func (r *reporter) ownStep(f *finding, fn *ssa.Function, i int, next map[*ssa.Function]*callgraph.Edge, dist map[*ssa.Function]int) (*callgraph.Edge, bool) {
	e := next[fn]
	if reaches(f, e.Callee.Func, i) {
		return e, true
	}
	var best *callgraph.Edge
	for _, o := range r.out(fn) {
		d, ok := dist[o.Callee.Func]
		if ok && d < dist[fn] && reaches(f, o.Callee.Func, i) && r.walked(o) && (best == nil || d < dist[best.Callee.Func]) {
			best = o
		}
	}
	if best == nil {
		return e, false
	}
	return best, true
}

// inOrder returns the calls into a node in the order the backward walks take them: by position, then by the
// caller's memoized name (ssa.Function.String allocates a type string at every comparison). Each node's order is
// memoized: the walks of every finding take it again.
func (r *reporter) inOrder(n *callgraph.Node) []*callgraph.Edge {
	in, ok := r.a.sortedIn[n.Func]
	if !ok {
		in = r.a.sortEdges(n.In, func(e *callgraph.Edge) *ssa.Function { return e.Caller.Func }, false)
		if r.a.sortedIn == nil {
			r.a.sortedIn = map[*ssa.Function][]*callgraph.Edge{}
		}
		r.a.sortedIn[n.Func] = in
	}
	return in
}

// routeBack is trace's walk backwards from the operation's function among the functions route i reaches only.
func (r *reporter) routeBack(f *finding, i int) map[*ssa.Function]*callgraph.Edge {
	next := map[*ssa.Function]*callgraph.Edge{f.fn: nil}
	queue := []*ssa.Function{f.fn}
	for k := 0; k < len(queue) && len(queue) < maxGraphFuncs; k++ {
		n := r.a.graph.Nodes[queue[k]]
		if n == nil {
			continue
		}
		for _, e := range r.inOrder(n) {
			c := e.Caller.Func
			if _, ok := next[c]; ok || !reaches(f, c, i) || !r.walked(e) {
				continue
			}
			next[c] = e
			queue = append(queue, c)
		}
	}
	return next
}

// inventory fills Result.Routes: a route per root, with the findings it reaches, worst first, then the
// registrations that could not be resolved.
func (a *engine) inventory(roots []handlers.Root) {
	routes := make([]Route, len(roots))
	for i, root := range roots {
		routes[i] = Route{Method: root.Method, Pattern: root.Pattern, Server: root.Server, Handler: QualifiedName(root.Fn),
			Framework: Framework(root.Rule), Rule: root.Rule, Status: Analyzed, Reg: root.Pos, Def: root.Fn.Pos(),
			Counts: map[string]int{}}
	}
	for fi, f := range a.res.Findings {
		for _, ri := range f.Routes {
			routes[ri].Counts[f.Analyzer]++
			routes[ri].Findings = append(routes[ri].Findings, fi)
		}
	}
	order := make([]int, len(routes))
	for i := range order {
		order[i] = i
	}
	// Worst first; the roots are already in registration order.
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(routes[y].Total(), routes[x].Total()) })
	where := make([]int, len(routes))
	out := make([]Route, 0, len(routes)+len(a.find.Unresolved))
	for n, i := range order {
		where[i] = n
		out = append(out, routes[i])
	}
	for fi := range a.res.Findings {
		f := &a.res.Findings[fi]
		for k, ri := range f.Routes {
			f.Routes[k] = where[ri]
		}
		slices.Sort(f.Routes)
		if f.Graph != nil {
			for k := range f.Graph.Nodes {
				if f.Graph.Nodes[k].Kind == "route" {
					f.Graph.Nodes[k].Route = where[f.Graph.Nodes[k].Route]
				}
			}
		}
	}
	a.find.SortUnresolved()
	for _, u := range a.find.Unresolved {
		st := Unresolved
		if u.Handler != "" {
			st = Library
		}
		out = append(out, Route{Method: u.Method, Pattern: u.Pattern, Server: u.Server, Handler: u.Handler,
			Framework: Framework(u.Rule), Rule: u.Rule, Status: st, Reg: u.Pos, Counts: map[string]int{}})
	}
	a.res.Routes = out
}

// Filter keeps the findings for which keep returns true (given their index) and recounts the routes.
func (res *Result) Filter(keep func(i int) bool) {
	where := make([]int, len(res.Findings))
	var kept []report.Finding
	for i, f := range res.Findings {
		where[i] = -1
		if keep(i) {
			where[i] = len(kept)
			kept = append(kept, f)
		}
	}
	res.Findings = kept
	for i := range res.Routes {
		rt := &res.Routes[i]
		var fs []int
		counts := map[string]int{}
		for _, fi := range rt.Findings {
			if n := where[fi]; n >= 0 {
				fs = append(fs, n)
				counts[res.Findings[n].Analyzer]++
			}
		}
		rt.Findings, rt.Counts = fs, counts
	}
}
