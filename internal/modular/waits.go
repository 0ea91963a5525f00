package modular

import (
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
)

// waits answers the classifier's question for lockio, what a call waits on through its callees: the package's
// own functions, walked depth first in edge order, and other packages' functions through their facts.
type waits struct {
	e    *engine
	memo map[*ssa.Function]*blocking.Wait
	busy map[*ssa.Function]bool
}

func (w *waits) Wait(site ssa.CallInstruction) (blocking.Wait, bool) {
	for _, ed := range w.e.edgesOf(site.Parent()) {
		if ed.pos != site.Pos() {
			continue
		}
		if found := w.edge(ed); found != nil {
			return *found, true
		}
	}
	return blocking.Wait{}, false
}

func (w *waits) edge(ed *edge) *blocking.Wait {
	if ed.callee != nil {
		return w.of(ed.callee)
	}
	return w.e.fact(ed.remote).Wait
}

func (w *waits) of(fn *ssa.Function) *blocking.Wait {
	if found, ok := w.memo[fn]; ok {
		return found
	}
	if w.busy[fn] {
		return nil // recursion: what the cycle waits on is found from its first function
	}
	w.busy[fn] = true
	defer delete(w.busy, fn)
	var found *blocking.Wait
	if ws := w.e.ownWaits(fn); len(ws) > 0 {
		found = &ws[0]
	} else {
		for _, ed := range w.e.edgesOf(fn) {
			if found = w.edge(ed); found != nil {
				break
			}
		}
	}
	w.memo[fn] = found
	return found
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
	return e.waits.of(fn)
}
