package modular

import (
	"go/types"
	"strconv"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/dfs"
	"github.com/blockcheck/blockcheck/internal/handlers"
)

// waits answers the classifier's questions about what calls reach: the package's own functions, walked depth
// first in edge order, and other packages' functions through their facts. It finds the first wait (for lockio) or
// unbounded operation (for goroutines judged by what they do).
type waits struct {
	e *engine
	// memo holds each mode's searches: whether a function reaches anything does not depend on which function of
	// a cycle was asked first (package dfs).
	memo [3]*dfs.Memo[*ssa.Function, *blocking.Wait]
}

func newWaits(e *engine) *waits {
	w := &waits{e: e}
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

// unboundedKinds are the analyzers whose operations keep a goroutine going without bound.
var unboundedKinds = map[string]bool{"sleep": true, "nocancel": true, "syncdb": true, "clienttimeout": true, "chanwait": true,
	"ctxdetach": true, "gospawn": true}

func (w *waits) Wait(site ssa.CallInstruction) (blocking.Wait, bool) {
	for _, ed := range w.e.edgesOf(site.Parent()) {
		if ed.pos != site.Pos() {
			continue
		}
		if found := w.edge(ed, anyWait); found != nil {
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
	if _, ok := site.(*ssa.Go); !ok {
		for _, ed := range w.e.edgesOf(site.Parent()) {
			if ed.pos == site.Pos() {
				if found := w.edge(ed, mode); found != nil {
					return *found, true
				}
			}
		}
		return blocking.Wait{}, false
	}
	fn := site.Common().StaticCallee()
	if fn == nil {
		return blocking.Wait{Name: "an unknown function"}, true
	}
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if fn.Blocks != nil && (fn.Pkg == w.e.pkg || fn.Pkg == nil) {
		if found := w.given(site, fn, mode); found != nil {
			return *found, true
		}
		return blocking.Wait{}, false
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok || w.e.std.is(obj.Pkg()) {
		return blocking.Wait{Name: handlers.Name(fn)}, true // not looked into: cannot tell
	}
	if w.e.fact(obj) == nil {
		return blocking.Wait{}, false // its package found nothing it reaches
	}
	if found := w.edge(&edge{pos: site.Pos(), caller: site.Parent(), remote: obj}, mode); found != nil {
		return *found, true
	}
	return blocking.Wait{}, false
}

// Callees knows the targets of a dynamic call when they are all functions of this package: what a function of
// another package does is known only by its summary.
func (w *waits) Callees(site ssa.CallInstruction) ([]*ssa.Function, bool) {
	var out []*ssa.Function
	for _, ed := range w.e.edgesOf(site.Parent()) {
		if ed.pos != site.Pos() {
			continue
		}
		if ed.callee == nil || ed.callee.Blocks == nil {
			return nil, false
		}
		out = append(out, ed.callee)
	}
	return out, len(out) > 0
}

// given returns the nearest unbounded operation fn reaches when the go statement site starts it: calls fn makes
// through a parameter that site gives a function (go safely(func() { ... })) reach that function only, not what
// other callers give the same wrapper.
func (w *waits) given(site ssa.CallInstruction, fn *ssa.Function, mode int) *blocking.Wait {
	funcs := blocking.GivenFuncs(site.Common(), fn)
	if len(funcs) == 0 {
		return w.of(fn, mode)
	}
	if ws := w.ownOps(fn, mode); len(ws) > 0 {
		return &ws[0]
	}
	for _, ed := range w.e.edgesOf(fn) {
		if ed.call != nil {
			if p, ok := ed.call.Value.(*ssa.Parameter); ok && funcs[p] != nil {
				continue // what callers give: this call's function is walked below
			}
		}
		if found := w.edge(ed, mode); found != nil {
			return found
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

func (w *waits) edge(ed *edge, mode int) *blocking.Wait {
	if ed.callee != nil {
		return w.of(ed.callee, mode)
	}
	s := w.e.fact(ed.remote)
	if mode == anyWait {
		return s.Wait
	}
	for _, r := range s.Ops {
		if unboundedKinds[r.Analyzer] && !(mode == endless && r.Finite) {
			return &blocking.Wait{Name: r.Name, Where: shortFile(r.Posn.File) + ":" + strconv.Itoa(r.Posn.Line)}
		}
	}
	return nil
}

func (w *waits) of(fn *ssa.Function, mode int) *blocking.Wait {
	return w.memo[mode].Find(fn, func(fn *ssa.Function) *blocking.Wait {
		ws := w.e.ownWaits(fn)
		if mode != anyWait {
			ws = w.ownOps(fn, mode)
		}
		if len(ws) > 0 {
			return &ws[0]
		}
		for _, ed := range w.e.edgesOf(fn) {
			if found := w.edge(ed, mode); found != nil {
				return found
			}
		}
		return nil
	})
}

// ownOps returns the operations of a function of this package that count in mode unbounded or endless.
func (w *waits) ownOps(fn *ssa.Function, mode int) []blocking.Wait {
	if fn.Pkg != w.e.pkg && fn.Pkg != nil {
		return nil
	}
	if mode == endless {
		return w.e.cls.Endless(fn, w.e.own)
	}
	return w.e.cls.Unbounded(fn, w.e.own)
}

// ownWaits returns the waits in a function of this package: every kind in the user's code, calls named by rules
// in dependencies.
func (e *engine) ownWaits(fn *ssa.Function) []blocking.Wait {
	if fn.Pkg != e.pkg && fn.Pkg != nil {
		return nil
	}
	if e.own {
		return e.cls.Waits(fn)
	}
	return e.cls.CallWaits(fn)
}

// waitOf returns the nearest wait fn reaches, for its summary.
func (e *engine) waitOf(fn *ssa.Function) *blocking.Wait {
	return e.waits.of(fn, anyWait)
}
