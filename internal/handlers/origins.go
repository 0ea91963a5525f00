package handlers

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
)

// origins walks a router value back through variables, conversions, phis, helpers' parameters, captured
// variables, fields, globals and the user's own factories, to where it was made: a call of a group rule, the
// first parameter of a function given a group, or a value made elsewhere (chi.NewRouter()).
func (f *Finder) origins(v ssa.Value) []ssa.Value {
	o := &originWalk{f: f}
	values.NewWalker(f.idx, nil, o.visit).Walk(values.Node{V: v}, 0)
	return o.out
}

// An originWalk collects the origins of a router value.
type originWalk struct {
	f   *Finder
	out []ssa.Value
}

// visit follows a router value along values.Sources, but for the calls and parameters where groups are made
// and given; a value it does not follow is an origin.
func (o *originWalk) visit(w *values.Walker, n values.Node, _ int) []values.Node {
	if n.Mode != values.Value {
		// An address: what is stored there, or the variable itself when nothing is.
		if next := w.Sources(n); len(next) > 0 {
			return next
		}
		if _, ok := n.V.(*ssa.Alloc); ok {
			o.out = append(o.out, n.V)
		}
		return nil
	}
	if values.Through(n.V) != nil {
		return w.Sources(n)
	}
	switch x := n.V.(type) {
	case *ssa.Extract:
		if c, ok := x.Tuple.(*ssa.Call); ok {
			return o.call(w, c, x.Index)
		}
		return nil
	case *ssa.Call:
		return o.call(w, x, 0)
	case *ssa.Parameter:
		return o.param(w, x)
	case *ssa.FreeVar, *ssa.Field:
		return w.Sources(n)
	case *ssa.UnOp:
		if x.Op == token.MUL {
			switch x.X.(type) {
			case *ssa.Alloc, *ssa.Global, *ssa.FieldAddr, *ssa.FreeVar:
				return w.Sources(n)
			}
		}
	case *ssa.Alloc:
		// A captured variable: what is stored in it.
		if next := w.Sources(values.Node{V: x, Mode: values.Addr}); len(next) > 0 {
			return next
		}
	}
	o.out = append(o.out, n.V)
	return nil
}

// param ends at a parameter that receives a group, or of a function nobody calls; it walks on into the
// arguments of the function's call sites otherwise.
func (o *originWalk) param(w *values.Walker, p *ssa.Parameter) []values.Node {
	fn := p.Parent()
	i := slices.Index(fn.Params, p)
	for _, gu := range o.f.groupArgs[fn] {
		if gu.param == i {
			o.out = append(o.out, p)
			return nil
		}
	}
	if len(o.f.idx.CallSites(fn)) == 0 {
		o.out = append(o.out, p)
		return nil
	}
	return w.Sources(values.Node{V: p})
}

// call walks back from result i of a call: a group call is an origin; a registration that returns its router
// (gin's r.Use(mw).GET(...)) passes it on; the user's own factories pass on what they return.
func (o *originWalk) call(w *values.Walker, call *ssa.Call, i int) []values.Node {
	f := o.f
	c := call.Common()
	name := flow.CalleeName(c)
	if gs := f.groups[name]; len(gs) > 0 {
		for _, g := range gs {
			if g.Router == nil && g.Mount == nil {
				o.out = append(o.out, call)
				return nil
			}
		}
	}
	if _, ok := f.regs[name]; ok {
		if recv, _ := args(c); recv != nil && sameRouter(recv.Type(), call.Type()) {
			return []values.Node{{V: recv}}
		}
	}
	fn := c.StaticCallee()
	if fn == nil || !f.own[fn] {
		o.out = append(o.out, call)
		return nil
	}
	var next []values.Node
	for _, r := range values.Returns(fn, i) {
		next = append(next, values.Node{V: r})
	}
	return next
}

// sameRouter reports whether a call returning result on a router of type recv returns that router (an interface
// the router implements).
func sameRouter(recv, result types.Type) bool {
	if types.Identical(recv, result) {
		return true
	}
	it, ok := result.Underlying().(*types.Interface)
	return ok && it.NumMethods() > 0 && types.Implements(recv, it)
}
