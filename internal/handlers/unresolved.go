package handlers

import (
	"cmp"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/extent"
	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/rules"
)

// An Unresolved registration is one the finder saw but found no handler function of its own for: a handler
// value whose origin is unknown (a parameter nobody passes, a map lookup), or a handler of the standard library
// (http.FileServer), which is not analyzed. The route inventory lists them, so that a missed route is visible
// rather than silent.
type Unresolved struct {
	Method, Pattern string
	Server          bool
	Pos             token.Pos // the registration
	Rule            string    // the registration rule's func or field
	// Handler names the standard-library handler; "" when the handler is unknown.
	Handler string
}

// Route describes the route as Root.Route does.
func (u *Unresolved) Route() string {
	r := Root{Method: u.Method, Pattern: u.Pattern, Server: u.Server}
	return r.Route()
}

func (f *Finder) unresolved(reg rules.Registration, sc scope, v ssa.Value, pos token.Pos) {
	u := Unresolved{Method: sc.method, Pattern: sc.prefix, Server: reg.Server, Pos: pos, Rule: reg.Func + reg.Field}
	// A handler made by the standard library (http.FileServer(dir), http.StripPrefix(p, h)) has no body to trace.
	if call, ok := unconvert(v).(*ssa.Call); ok {
		if fn := call.Common().StaticCallee(); fn != nil && fn.Pkg != nil && flow.IsStd(fn.Pkg.Pkg.Path()) {
			u.Handler = fn.Pkg.Pkg.Path() + "." + Name(fn) + "(...)"
		}
	}
	f.addUnresolved(u)
}

// library records a root of the standard library (a synthetic wrapper of a dependency's method is not one: the
// finder drops those as it always has).
func (f *Finder) library(r Root) {
	if r.Fn == nil || r.Fn.Pkg == nil || !flow.IsStd(r.Fn.Pkg.Pkg.Path()) {
		return
	}
	f.addUnresolved(Unresolved{Method: r.Method, Pattern: r.Pattern, Server: r.Server, Pos: r.Pos, Rule: r.Rule,
		Handler: r.Fn.Pkg.Pkg.Path() + "." + Name(r.Fn)})
}

func (f *Finder) addUnresolved(u Unresolved) {
	if !u.Pos.IsValid() || slices.Contains(f.Unresolved, u) {
		return
	}
	f.Unresolved = append(f.Unresolved, u)
}

// SortUnresolved orders the unresolved registrations by position, then route.
func (f *Finder) SortUnresolved() {
	slices.SortStableFunc(f.Unresolved, func(a, b Unresolved) int {
		if c := extent.Compare(f.prog.Fset, a.Pos, b.Pos); c != 0 {
			return c
		}
		return cmp.Or(strings.Compare(a.Pattern, b.Pattern), strings.Compare(a.Method, b.Method))
	})
}
