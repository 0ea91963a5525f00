package handlers

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/extent"
	"github.com/blockcheck/blockcheck/internal/flow"
)

// This file finds the routes a handler dispatches to itself. A service may register one handler on "/" and
// choose the route inside, by comparing the request's path:
//
//	if r.Method == http.MethodGet && r.URL.Path == "/v1/health" {
//		return s.handleHealth(w, r)
//	} else if r.Method == http.MethodPut && topicRegex.MatchString(r.URL.Path) {
//		return s.withAuth(s.publish)(w, r)
//	}
//
// A call made only in a branch that such a comparison guards (the branch's first block is entered only when the
// comparison holds, and dominates the call) is the route's handler: it becomes a root of its own, named by the
// comparison ("GET /v1/health", "PUT ^/[-_A-Za-z0-9]{1,64}$"), and the walk from the dispatching handler does not
// follow it, as it does not follow next.ServeHTTP(w, r).

// maxDispatchRoutes bounds the routes one branch names (methods times patterns); beyond it the methods are left
// out.
const maxDispatchRoutes = 16

// A guard is what the comparisons that guard a block say of the request: the methods and paths it has.
type guard struct {
	methods, patterns []string
}

// Dispatch adds to roots the routes their handlers dispatch to (see above): it walks from the roots by callees
// (the functions a walk from a function goes on to, which the engine gives and in which the calls found here are
// no longer followed), finds the guarded calls of the functions it meets, and walks on from the roots they make,
// so that a dispatch under a dispatch (a prefix, then a path under it) is found too. It returns all the roots, in
// the order Find gives them.
func (f *Finder) Dispatch(roots []Root, callees func(*ssa.Function) []*ssa.Function) []Root {
	seen := map[rootKey]bool{}
	for _, r := range roots {
		seen[rootKey{r.Fn, r.Method, r.Pattern, r.Server}] = true
	}
	met := map[*ssa.Function]bool{}
	var queue []*ssa.Function
	rule := map[*ssa.Function]string{} // the rule of the root a function was first met from
	meet := func(fn *ssa.Function, r string) {
		if !met[fn] {
			met[fn] = true
			rule[fn] = r
			queue = append(queue, fn)
		}
	}
	for _, r := range roots {
		meet(r.Fn, r.Rule)
	}
	added := false
	for i := 0; i < len(queue); i++ {
		fn := queue[i]
		if f.own[fn] {
			for _, r := range f.dispatched(fn) {
				r.Rule = rule[fn]
				if k := (rootKey{r.Fn, r.Method, r.Pattern, r.Server}); !seen[k] {
					seen[k] = true
					roots = append(roots, r)
					added = true
				}
				meet(r.Fn, r.Rule)
			}
		}
		for _, c := range callees(fn) {
			meet(c, rule[fn])
		}
	}
	if added {
		f.sortRoots(roots)
	}
	return roots
}

// IsDispatched reports whether a call is one a handler dispatches a route to (Dispatch): its callees are roots.
func (f *Finder) IsDispatched(c *ssa.CallCommon) bool { return f.sites[c] }

func (f *Finder) sortRoots(roots []Root) {
	slices.SortStableFunc(roots, func(a, b Root) int {
		if a.Pos != b.Pos {
			return extent.Compare(f.prog.Fset, a.Pos, b.Pos)
		}
		if a.Fn.Pos() != b.Fn.Pos() {
			return extent.Compare(f.prog.Fset, a.Fn.Pos(), b.Fn.Pos())
		}
		return strings.Compare(a.Pattern, b.Pattern)
	})
}

// dispatched returns the roots of fn's guarded calls and records the calls as dispatches.
func (f *Finder) dispatched(fn *ssa.Function) []Root {
	var out []Root
	for _, b := range fn.Blocks {
		var g *guard
		for _, instr := range b.Instrs {
			call, ok := instr.(*ssa.Call)
			if !ok {
				continue
			}
			if g == nil {
				g = f.guardOf(b)
			}
			if len(g.patterns) == 0 {
				break
			}
			targets := f.handlersCalled(&call.Call)
			if len(targets) == 0 {
				continue
			}
			if f.sites == nil {
				f.sites = map[*ssa.CallCommon]bool{}
			}
			f.sites[&call.Call] = true
			for _, t := range targets {
				for _, rt := range g.routes() {
					r := Root{Fn: t.Fn, Bind: t.Bind, Method: rt[0], Pattern: rt[1], Pos: call.Pos()}
					if m := f.Method(r.Fn); m != r.Fn {
						r.Fn, r.Bind = m, nil
					}
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// routes returns the method and pattern of each route a guard names.
func (g *guard) routes() [][2]string {
	methods := g.methods
	if len(methods) == 0 || len(methods)*len(g.patterns) > maxDispatchRoutes {
		methods = []string{""}
	}
	var out [][2]string
	for _, p := range g.patterns {
		for _, m := range methods {
			out = append(out, [2]string{m, p})
		}
	}
	return out
}

// handlersCalled returns the functions of the user's own code a guarded call goes to: its static callee, or what
// its function value can be (s.withAuth(s.publish), with what that closure captured). Only a call given the
// request is a route's handler: a handler that checks the path to vary what it does (isCreate := r.URL.Path ==
// "/", then store.Create()) calls helpers, not routes. A call that makes a handler (s.withAuth(s.publish) itself)
// is no handler, nor is a call of a method of an interface, which only the call graph resolves; a call whose
// function value is not known in full is left to the walk.
func (f *Finder) handlersCalled(c *ssa.CallCommon) []flow.Target {
	if c.IsInvoke() || !f.passesRequest(c) {
		return nil
	}
	if res := c.Signature().Results(); res.Len() == 1 {
		if _, ok := res.At(0).Type().Underlying().(*types.Signature); ok {
			return nil
		}
	}
	if fn := c.StaticCallee(); fn != nil {
		if !f.own[f.Method(fn)] {
			return nil
		}
		return []flow.Target{{Fn: fn}}
	}
	ts := f.idx.Targets(c.Value)
	if len(ts) == 0 || slices.ContainsFunc(ts, func(t flow.Target) bool { return t.Fn == nil || !f.own[f.Method(t.Fn)] }) {
		return nil
	}
	return ts
}

// passesRequest reports whether a call is given the request: a *net/http.Request, or a value of a parameter type
// of the catalog's handlers (*gin.Context, echo.Context).
func (f *Finder) passesRequest(c *ssa.CallCommon) bool {
	for _, a := range c.Args {
		t := types.TypeString(a.Type(), nil)
		if t == "*net/http.Request" {
			return true
		}
		for _, h := range f.cat.Handlers {
			if slices.Contains(h.Params, t) && t != "net/http.ResponseWriter" {
				return true
			}
		}
	}
	return false
}

// guardOf returns what the comparisons guarding block b say: the nearest guard of the path among the blocks that
// dominate b, and the nearest guard of the method.
func (f *Finder) guardOf(b *ssa.BasicBlock) *guard {
	g := &guard{}
	for d := b; d != nil && (g.patterns == nil || g.methods == nil); d = d.Idom() {
		kind, vals := f.entered(d)
		switch {
		case kind == pathCmp && g.patterns == nil:
			g.patterns = vals
		case kind == methodCmp && g.methods == nil:
			g.methods = vals
		}
	}
	return g
}

const (
	noCmp = iota
	pathCmp
	methodCmp
)

// entered says whether block d is entered only when a comparison of the request's path (or method) holds: each of
// its predecessors ends by branching to it on such a comparison (a == b, or the else of a != b; several for a
// || of them), and which paths (methods) those comparisons accept.
func (f *Finder) entered(d *ssa.BasicBlock) (int, []string) {
	if len(d.Preds) == 0 {
		return noCmp, nil
	}
	kind := noCmp
	var vals []string
	for _, p := range d.Preds {
		if len(p.Instrs) == 0 {
			return noCmp, nil
		}
		br, ok := p.Instrs[len(p.Instrs)-1].(*ssa.If)
		if !ok || p.Succs[0] == p.Succs[1] {
			return noCmp, nil
		}
		k, v := f.comparison(br.Cond, p.Succs[0] == d)
		if k == noCmp || kind != noCmp && k != kind {
			return noCmp, nil
		}
		kind = k
		if !slices.Contains(vals, v) {
			vals = append(vals, v)
		}
	}
	return kind, vals
}

// comparison recognizes a condition that, being holds (or not, with !holds), says the request's path or method
// is a known value: r.URL.Path == "/x" (!= when it does not hold), re.MatchString(r.URL.Path) for a package
// variable re = regexp.MustCompile("..."), strings.HasPrefix(r.URL.Path, "/x/") ("/x/*"), r.Method == "GET".
func (f *Finder) comparison(cond ssa.Value, holds bool) (int, string) {
	switch c := cond.(type) {
	case *ssa.BinOp:
		if c.Op != token.EQL && c.Op != token.NEQ || (c.Op == token.EQL) != holds {
			return noCmp, ""
		}
		x, y := c.X, c.Y
		if _, ok := stringValue(x); ok {
			x, y = y, x
		}
		s, ok := stringValue(y)
		if !ok {
			return noCmp, ""
		}
		switch {
		case requestField(x, "URL", "Path"):
			return pathCmp, s
		case requestField(x, "Method"):
			return methodCmp, s
		}
	case *ssa.Call:
		if !holds {
			return noCmp, ""
		}
		args := c.Call.Args
		switch flow.CalleeName(&c.Call) {
		case "(*regexp.Regexp).MatchString":
			if len(args) == 2 && requestField(args[1], "URL", "Path") {
				if re, ok := regexpLiteral(args[0]); ok {
					return pathCmp, re
				}
			}
		case "regexp.MatchString":
			if len(args) == 2 && requestField(args[1], "URL", "Path") {
				if re, ok := stringValue(args[0]); ok {
					return pathCmp, re
				}
			}
		case "strings.HasPrefix":
			if len(args) == 2 && requestField(args[0], "URL", "Path") {
				if p, ok := stringValue(args[1]); ok {
					return pathCmp, p + "*"
				}
			}
		}
	}
	return noCmp, ""
}

func stringConst(v ssa.Value) (string, bool) {
	k, ok := v.(*ssa.Const)
	if !ok || k.Value == nil || k.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(k.Value), true
}

// requestField reports whether v is a field of the request a server handles, through the named fields:
// r.URL.Path for ("URL", "Path"), with r a *net/http.Request.
func requestField(v ssa.Value, fields ...string) bool {
	for i := len(fields) - 1; i >= 0; i-- {
		load, ok := v.(*ssa.UnOp)
		if !ok || load.Op != token.MUL {
			return false
		}
		fa, ok := load.X.(*ssa.FieldAddr)
		if !ok {
			return false
		}
		st, ok := fa.X.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
		if !ok || st.Field(fa.Field).Name() != fields[i] {
			return false
		}
		v = fa.X
	}
	return types.TypeString(v.Type(), nil) == "*net/http.Request"
}

// regexpLiteral returns the expression of a regular expression held by a package variable compiled from a
// constant (var re = regexp.MustCompile(`^/[a-z]+$`)).
func regexpLiteral(v ssa.Value) (string, bool) {
	call, ok := initialValue(v).(*ssa.Call)
	if !ok || len(call.Call.Args) != 1 {
		return "", false
	}
	switch flow.CalleeName(&call.Call) {
	case "regexp.MustCompile", "regexp.MustCompilePOSIX":
		return stringConst(call.Call.Args[0])
	}
	return "", false
}

// stringValue returns the string a value holds: a constant, or a package variable initialized with one
// (var healthPath = "/v1/health").
func stringValue(v ssa.Value) (string, bool) {
	if s, ok := stringConst(v); ok {
		return s, true
	}
	return stringConst(initialValue(v))
}

// initialValue returns, for a load of a package variable of the same package as its use that the package's
// initializer stores once, the value stored; nil otherwise. A variable also assigned elsewhere is taken for
// what it is initialized with, as a route table's patterns are.
func initialValue(v ssa.Value) ssa.Value {
	load, ok := v.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return nil
	}
	g, ok := load.X.(*ssa.Global)
	if !ok || g.Pkg == nil || g.Pkg != load.Parent().Pkg {
		return nil
	}
	init := g.Pkg.Func("init")
	if init == nil {
		return nil
	}
	var val ssa.Value
	n := 0
	for _, b := range init.Blocks {
		for _, instr := range b.Instrs {
			if st, ok := instr.(*ssa.Store); ok && st.Addr == g {
				val = st.Val
				n++
			}
		}
	}
	if n != 1 {
		return nil
	}
	return val
}
