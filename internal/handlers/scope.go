package handlers

import (
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/values"
)

// A scope is where the routes of a router value are served: under a path prefix, and for a method if a route
// being built has one (gorilla's r.Methods("GET").Path("/x")).
type scope struct {
	prefix, method string
}

// join returns the scope of a route registered with pattern and method own on a router of scope s.
func (s scope) join(own scope) scope {
	out := scope{prefix: joinPath(s.prefix, own.prefix), method: own.method}
	if out.method == "" {
		out.method = s.method
	}
	return out
}

func joinPath(prefix, p string) string {
	switch {
	case prefix == "":
		return p
	case p == "":
		return prefix
	case strings.HasPrefix(p, "/"):
		return strings.TrimSuffix(prefix, "/") + p
	case strings.HasSuffix(prefix, "/"):
		return prefix + p
	}
	return prefix + "/" + p
}

// maxScopes bounds the prefixes a router value can have (a helper registering routes on routers of many groups).
const maxScopes = 16

// indexGroups records, before any route is resolved, the functions that receive a group as their first parameter
// (chi's r.Route("/api", func(r chi.Router) {...})) and the routers mounted under a prefix.
func (f *Finder) indexGroups(funcs []*ssa.Function) {
	f.groupArgs = map[*ssa.Function][]groupUse{}
	f.mounts = map[ssa.Value][]groupCall{}
	f.scopeMemo = map[ssa.Value][]scope{}
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				call, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				c := call.Common()
				for _, g := range f.groups[f.idx.CalleeName(c)] {
					_, as := args(c)
					gc := groupCall{c, g}
					if g.Router != nil && *g.Router < len(as) {
						for _, t := range f.idx.Targets(as[*g.Router]) {
							if fn, param := f.receiver(t.Fn); fn != nil {
								f.groupArgs[fn] = append(f.groupArgs[fn], groupUse{gc, param})
							}
						}
					}
					if g.Mount != nil && *g.Mount < len(as) {
						// The mounted router can be one of a variadic list (fiber v3's Use("/admin", sub)).
						for _, m := range elements(as[*g.Mount]) {
							for _, o := range f.origins(unconvert(m)) {
								f.mounts[o] = append(f.mounts[o], gc)
							}
						}
					}
				}
			}
		}
	}
}

// receiver returns the function a group is passed to and the index of the parameter that receives it: the first
// parameter, after the receiver for a method value (r.Route("/v2", s.v2)).
func (f *Finder) receiver(fn *ssa.Function) (*ssa.Function, int) {
	if fn == nil {
		return nil, 0
	}
	if fn.Pkg == nil && strings.HasSuffix(fn.Name(), "$bound") {
		if o, ok := fn.Object().(*types.Func); ok {
			if m := f.prog.FuncValue(o); m != nil && len(m.Params) > 1 {
				return m, 1
			}
		}
		return nil, 0
	}
	if len(fn.Params) == 0 {
		return nil, 0
	}
	return fn, 0
}

// scopes returns the scopes of the routes registered on router value v.
func (f *Finder) scopes(v ssa.Value) []scope {
	var out []scope
	for _, o := range f.origins(v) {
		for _, s := range f.originScopes(o) {
			if !slices.Contains(out, s) && len(out) < maxScopes {
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		return []scope{{}}
	}
	return out
}

// originScopes returns the scopes of a router's origin: the group call that made it, the group a function was
// given, or a router made elsewhere (mounted under a prefix, or at the root).
func (f *Finder) originScopes(o ssa.Value) []scope {
	if s, ok := f.scopeMemo[o]; ok {
		return s
	}
	f.scopeMemo[o] = []scope{{}} // a cycle resolves to the root
	var out []scope
	addGroup := func(gc groupCall) {
		recv, as := args(gc.c)
		own := scope{}
		if gc.g.Prefix != nil && *gc.g.Prefix < len(as) {
			own.prefix = f.patternOf(as[*gc.g.Prefix])
		}
		if gc.g.Methods != nil && *gc.g.Methods < len(as) {
			own.method = strings.Join(constStrings(as[*gc.g.Methods]), ",")
		}
		bases := []scope{{}}
		if recv != nil {
			bases = f.scopes(recv)
		}
		for _, b := range bases {
			out = append(out, b.join(own))
		}
	}
	switch o := o.(type) {
	case *ssa.Call:
		if gs := f.groups[f.idx.CalleeName(o.Common())]; len(gs) > 0 {
			for _, g := range gs {
				if g.Router == nil && g.Mount == nil {
					addGroup(groupCall{o.Common(), g})
				}
			}
			break
		}
		for _, gc := range f.mounts[o] {
			addGroup(gc)
		}
	case *ssa.Parameter:
		for _, gu := range f.groupArgs[o.Parent()] {
			if o.Parent().Params[gu.param] == o {
				addGroup(gu.groupCall)
			}
		}
	default:
		for _, gc := range f.mounts[o] {
			addGroup(gc)
		}
	}
	if len(out) == 0 {
		out = []scope{{}}
	}
	f.scopeMemo[o] = out
	return out
}

// laterMethods returns the HTTP methods set on a route after its handler is registered
// (gorilla's r.HandleFunc("/x", h).Methods("GET")), through calls chained on the route.
func (f *Finder) laterMethods(v ssa.Value) string {
	for depth := 0; depth <= values.MaxDepth && v != nil; depth++ {
		refs := v.Referrers()
		if refs == nil {
			return ""
		}
		var next ssa.Value
		for _, r := range *refs {
			call, ok := r.(*ssa.Call)
			if !ok {
				continue
			}
			c := call.Common()
			recv, as := args(c)
			if recv != v {
				continue
			}
			for _, g := range f.groups[f.idx.CalleeName(c)] {
				if g.Methods != nil && *g.Methods < len(as) {
					if m := constStrings(as[*g.Methods]); len(m) > 0 {
						return strings.Join(m, ",")
					}
				}
			}
			if types.Identical(call.Type(), v.Type()) {
				next = call
			}
		}
		v = next
	}
	return ""
}
