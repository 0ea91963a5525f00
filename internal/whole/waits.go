package whole

import (
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/dfs"
	"github.com/blockcheck/blockcheck/internal/handlers"
)

// waits answers the classifier's questions about what calls reach, from the call graph: the first wait (for
// lockio) or unbounded operation (for goroutines judged by what they do) met walking the callees depth first, in
// the order the walk sorts edges. Inside third-party code only calls named by rules count, as for the analyzers.
type waits struct {
	a *engine
	// memo holds each mode's searches: whether a function reaches anything does not depend on which function of
	// a cycle was asked first (package dfs).
	memo [3]*dfs.Memo[*ssa.Function, *blocking.Wait]
}

func newWaits(a *engine) *waits {
	w := &waits{a: a}
	for i := range w.memo {
		w.memo[i] = dfs.New[*ssa.Function, *blocking.Wait]()
	}
	return w
}

const (
	anyWait   = 0
	unbounded = 1
	endless   = 2 // unbounded, but for operations that end on their own (blocking.Op.Finite)
)

func (w *waits) Wait(site ssa.CallInstruction) (blocking.Wait, bool) {
	if w.a.graph == nil {
		return blocking.Wait{}, false
	}
	for _, e := range w.a.out(site.Parent()) {
		if e.Site != site || !w.follows(e.Site, e.Callee.Func) {
			continue
		}
		if found := w.of(e.Callee.Func, anyWait); found != nil {
			return *found, true
		}
	}
	return blocking.Wait{}, false
}

func (w *waits) Unbounded(site ssa.CallInstruction) (blocking.Wait, bool) {
	return w.unboundedFrom(site, unbounded)
}

func (w *waits) Endless(site ssa.CallInstruction) (blocking.Wait, bool) {
	return w.unboundedFrom(site, endless)
}

func (w *waits) unboundedFrom(site ssa.CallInstruction, mode int) (blocking.Wait, bool) {
	if w.a.graph == nil {
		return blocking.Wait{Name: "an unknown function"}, true
	}
	callees := 0
	for _, e := range w.a.out(site.Parent()) {
		if e.Site != site {
			continue
		}
		callees++
		fn := e.Callee.Func
		if fn.Blocks == nil || generic(fn).Pkg == nil || w.a.isStd(generic(fn).Pkg) {
			return blocking.Wait{Name: handlers.Name(fn)}, true // not looked into: cannot tell
		}
		if found := w.given(site, fn, mode); found != nil {
			return *found, true
		}
	}
	if callees == 0 {
		return blocking.Wait{Name: "an unknown function"}, true
	}
	return blocking.Wait{}, false
}

func (w *waits) Callees(site ssa.CallInstruction) ([]*ssa.Function, bool) {
	if w.a.graph == nil {
		return nil, false
	}
	var out []*ssa.Function
	for _, e := range w.a.out(site.Parent()) {
		if e.Site != site {
			continue
		}
		fn := e.Callee.Func
		if fn.Blocks == nil || generic(fn).Pkg == nil || w.a.isStd(generic(fn).Pkg) {
			return nil, false
		}
		out = append(out, fn)
	}
	return out, len(out) > 0
}

// given returns the nearest unbounded operation fn reaches when site calls it: calls fn makes through a parameter
// that site gives a function (go safely(func() { ... })) reach only that function, not every function other
// callers give the same wrapper.
func (w *waits) given(site ssa.CallInstruction, fn *ssa.Function, mode int) *blocking.Wait {
	funcs := blocking.GivenFuncs(site.Common(), fn)
	if len(funcs) == 0 {
		return w.of(fn, mode)
	}
	if ws := w.ops(fn, mode, w.a.ownCode(generic(fn))); len(ws) > 0 {
		return &ws[0]
	}
	for _, e := range w.a.out(fn) {
		if p, ok := e.Site.Common().Value.(*ssa.Parameter); ok && funcs[p] != nil {
			continue // what callers give: this call's function is walked below
		}
		if w.follows(e.Site, e.Callee.Func) {
			if found := w.of(e.Callee.Func, mode); found != nil {
				return found
			}
		}
	}
	for _, p := range fn.Params {
		if f := funcs[p]; f != nil && f.Blocks != nil {
			if found := w.of(f, mode); found != nil {
				return found
			}
		}
	}
	return nil
}

// follows reports whether a wait inside callee counts for a call, by the policy of the walk from handlers.
func (w *waits) follows(site ssa.CallInstruction, callee *ssa.Function) bool {
	g := generic(callee)
	return callee.Blocks != nil && g.Pkg != nil && !w.a.isStd(g.Pkg) && w.a.pol.Enters(site, callee)
}

// generic returns the generic function an instantiation is of, which has the package the instance lacks.
func generic(fn *ssa.Function) *ssa.Function {
	if o := fn.Origin(); o != nil {
		return o
	}
	return fn
}

// ops returns fn's own operations that count in mode.
func (w *waits) ops(fn *ssa.Function, mode int, own bool) []blocking.Wait {
	switch {
	case mode == unbounded:
		return w.a.cls.Unbounded(fn, own)
	case mode == endless:
		return w.a.cls.Endless(fn, own)
	case own:
		return w.a.cls.Waits(fn)
	default:
		return w.a.cls.CallWaits(fn)
	}
}

func (w *waits) of(fn *ssa.Function, mode int) *blocking.Wait {
	return w.memo[mode].Find(fn, func(fn *ssa.Function) *blocking.Wait {
		if ws := w.ops(fn, mode, w.a.ownCode(generic(fn))); len(ws) > 0 {
			return &ws[0]
		}
		for _, e := range w.a.out(fn) {
			if w.follows(e.Site, e.Callee.Func) {
				if found := w.of(e.Callee.Func, mode); found != nil {
					return found
				}
			}
		}
		return nil
	})
}
