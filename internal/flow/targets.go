package flow

import (
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"github.com/blockcheck/blockcheck/internal/extent"
	"github.com/blockcheck/blockcheck/internal/values"

	"golang.org/x/tools/go/ssa"
)

// Targets returns what v can be, in a deterministic order.
func (x *Index) Targets(v ssa.Value) []Target {
	return x.TargetsWith(v, nil)
}

// TargetsWith is Targets with some values replaced by others wherever the trace meets them: a route table's row
// in place of the loop variable it is read through.
func (x *Index) TargetsWith(v ssa.Value, subst map[ssa.Value]ssa.Value) []Target {
	t := &tracer{x: x}
	values.NewWalker(x, subst, t.visit).Walk(values.Node{V: v}, 0)
	fset := x.fset
	slices.SortStableFunc(t.out, func(a, b Target) int { return extent.Compare(fset, targetPos(a), targetPos(b)) })
	return t.out
}

func targetPos(t Target) token.Pos {
	if t.Fn != nil {
		return t.Fn.Pos()
	}
	if n, ok := types.Unalias(deref(t.Type)).(*types.Named); ok {
		return n.Obj().Pos()
	}
	return token.NoPos
}

type tracer struct {
	x    *Index
	out  []Target
	fns  map[*ssa.Function]bool
	typs map[string]bool
}

func (t *tracer) emit(tg Target) {
	if tg.Fn != nil {
		if t.fns == nil {
			t.fns = map[*ssa.Function]bool{}
		}
		if t.fns[tg.Fn] {
			return
		}
		t.fns[tg.Fn] = true
	} else {
		if t.typs == nil {
			t.typs = map[string]bool{}
		}
		k := types.TypeString(tg.Type, nil)
		if t.typs[k] {
			return
		}
		t.typs[k] = true
	}
	t.out = append(t.out, tg)
}

// visit emits the targets a value is and walks on from the others along values.Sources: the calls it follows
// into factories and middleware, and the interfaces it looks through, are its own.
func (t *tracer) visit(w *values.Walker, n values.Node, depth int) []values.Node {
	if n.Mode != values.Value {
		if fa, ok := n.V.(*ssa.FieldAddr); ok && n.Mode == values.Addr {
			if x := w.Bound(fa.X); x != fa.X {
				if vals := builtField(x, fa.X.Type(), fa.Field); len(vals) > 0 {
					return nodesOf(vals)
				}
			}
		}
		return w.Sources(n)
	}
	switch v := n.V.(type) {
	case *ssa.Function:
		t.emit(Target{Fn: v})
		return nil
	case *ssa.MakeClosure:
		t.closure(w, v, depth)
		return nil
	case *ssa.MakeInterface:
		switch v.X.Type().Underlying().(type) {
		case *types.Signature, *types.Interface:
			return w.Sources(n)
		}
		t.emit(t.typed(w, v.X.Type(), v.X))
		return nil
	case *ssa.Call:
		return t.call(w, v.Common(), -1, depth)
	case *ssa.Extract:
		if c, ok := v.Tuple.(*ssa.Call); ok {
			return t.call(w, c.Common(), v.Index, depth)
		}
		return nil
	case *ssa.Alloc:
		// A pointer to a value of a handler type (&myHandler{}).
		t.emit(t.typed(w, v.Type(), v))
		return nil
	case *ssa.Field:
		// A field of a struct this walk built (adapter{fn: fn}, bound as a method's receiver): what was stored
		// into that struct's field, not into the field of every struct of its type.
		if x := w.Bound(v.X); x != v.X {
			if vals := builtField(x, v.X.Type(), v.Field); len(vals) > 0 {
				return nodesOf(vals)
			}
		}
	}
	return w.Sources(n)
}

// typed returns the target of a value v of a handler type t, with the walk's substitution: the methods of t
// serve, and their receiver is v as this walk made it (a struct holding the handler an adapter was given).
func (t *tracer) typed(w *values.Walker, typ types.Type, v ssa.Value) Target {
	return Target{Type: typ, Recv: v, Bind: maps.Clone(w.Subst())}
}

// builtField returns the values stored into field i of the struct x was built as, when x is a struct built in
// place (a composite literal's local or heap allocation, or a load of one) of type t (or a pointer to it); nil
// otherwise.
func builtField(x ssa.Value, t types.Type, i int) []ssa.Value {
	if u, ok := x.(*ssa.UnOp); ok && u.Op == token.MUL {
		x = u.X
	}
	a, ok := x.(*ssa.Alloc)
	if !ok {
		return nil
	}
	st, ok := deref(t).Underlying().(*types.Struct)
	if !ok || i >= st.NumFields() || !types.Identical(deref(a.Type()), deref(t)) {
		return nil
	}
	return values.FieldStored(a, st.Field(i).Name())
}

func nodesOf(vs []ssa.Value) []values.Node {
	out := make([]values.Node, len(vs))
	for i, v := range vs {
		out[i] = values.Node{V: v}
	}
	return out
}

// closure emits a closure with what it binds, or for a method value of an interface (svc.Greet) the method of
// each type the interface can hold.
func (t *tracer) closure(w *values.Walker, v *ssa.MakeClosure, depth int) {
	fn := v.Fn.(*ssa.Function)
	if m := abstractMethod(fn); m != nil && len(v.Bindings) == 1 {
		t.boundMethods(w, fn.Prog, m, v.Bindings[0], depth)
		return
	}
	tg := Target{Fn: fn}
	if len(v.Bindings) > 0 {
		tg.Bind = maps.Clone(w.Subst())
		if tg.Bind == nil {
			tg.Bind = map[ssa.Value]ssa.Value{}
		}
		for i, b := range v.Bindings {
			tg.Bind[fn.FreeVars[i]] = b
		}
	}
	t.emit(tg)
}

// abstractMethod returns the interface method that a bound-method wrapper calls, or nil when fn is not the wrapper
// of an interface method value.
func abstractMethod(fn *ssa.Function) *types.Func {
	if fn.Pkg != nil || !strings.HasSuffix(fn.Name(), "$bound") {
		return nil
	}
	m, ok := fn.Object().(*types.Func)
	if !ok || m.Signature().Recv() == nil || !types.IsInterface(m.Signature().Recv().Type()) {
		return nil
	}
	return m
}

// boundMethods emits the method m of each concrete type that recv, an interface value, can hold.
func (t *tracer) boundMethods(w *values.Walker, prog *ssa.Program, m *types.Func, recv ssa.Value, depth int) {
	sub := &tracer{x: t.x}
	w.Sharing(sub.visit).Walk(values.Node{V: recv}, depth+1)
	for _, tg := range sub.out {
		if tg.Type == nil {
			continue
		}
		if sel := prog.MethodSets.MethodSet(tg.Type).Lookup(m.Pkg(), m.Name()); sel != nil {
			if fn := prog.MethodValue(sel); fn != nil {
				t.emit(Target{Fn: fn})
			}
		}
	}
}

// call walks on from the result (or result i of a tuple) of a call: into the handler a handler-passing call
// serves, or into what the callee returns with its parameters bound to this call's arguments, and then into the
// handlers a middleware is given.
func (t *tracer) call(w *values.Walker, c *ssa.CallCommon, i int, depth int) []values.Node {
	if h, ok := t.x.opts.Passes[CalleeName(c)]; ok {
		off := 0
		if c.Signature().Recv() != nil && !c.IsInvoke() {
			off = 1
		}
		if h+off < len(c.Args) {
			return []values.Node{{V: c.Args[h+off]}}
		}
		return nil
	}
	callees := []Target{{Fn: c.StaticCallee()}}
	if callees[0].Fn == nil && !c.IsInvoke() {
		// A factory called through a value (var withHashFile = func(fn h) h {...}, or the middleware a call
		// returned, makeCheck(false)(next)): each function the value can be, with what it captured.
		callees = t.callees(w, c.Value, depth)
	}
	entered := false
	for _, tg := range callees {
		fn := tg.Fn
		if fn == nil || fn.Blocks == nil {
			continue
		}
		entered = true
		// What a factory or middleware returns depends on what this call passes it: walk its returns with its
		// parameters bound to this call's arguments, in a walk of its own so that a second call of the same
		// factory is traced in its own right, not to every caller's.
		subst := bindParams(w, c, fn)
		for k, v := range tg.Bind {
			if _, ok := subst[k]; !ok {
				subst[k] = v
			}
		}
		inner := w.Scoped(subst)
		if i < 0 {
			if fn.Signature.Results().Len() == 1 {
				for _, r := range values.Returns(fn, 0) {
					inner.Walk(values.Node{V: r}, depth+1)
				}
			}
		} else {
			for _, r := range values.Returns(fn, i) {
				inner.Walk(values.Node{V: r}, depth+1)
			}
		}
	}
	if !entered {
		return nil
	}
	// A middleware serves what it wraps: the handlers passed to it are served too.
	var next []values.Node
	if t.x.opts.IsHandlerType != nil {
		for _, a := range c.Args {
			if t.x.opts.IsHandlerType(a.Type()) {
				next = append(next, values.Node{V: a})
			}
		}
	}
	return next
}

// callees returns the functions a called value can be, with what they captured.
func (t *tracer) callees(w *values.Walker, v ssa.Value, depth int) []Target {
	sub := &tracer{x: t.x}
	values.NewWalker(t.x, w.Subst(), sub.visit).Walk(values.Node{V: v}, depth+1)
	return sub.out
}

// bindParams returns the walker's substitution with fn's parameters bound to what the call c passes.
func bindParams(w *values.Walker, c *ssa.CallCommon, fn *ssa.Function) map[ssa.Value]ssa.Value {
	subst := maps.Clone(w.Subst())
	if subst == nil {
		subst = map[ssa.Value]ssa.Value{}
	}
	args := c.Args
	if _, ok := c.Value.(*ssa.MakeClosure); ok || c.IsInvoke() {
		args = args[:min(len(args), len(fn.Params))]
	}
	for j, p := range fn.Params {
		if j < len(args) {
			subst[p] = w.Bound(args[j])
		}
	}
	return subst
}
