package whole

import (
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/policy"
)

// waits answers the classifier's question for lockio, what a call waits on through its callees, from the call
// graph: the first wait met walking the callees depth first, in the order the walk sorts edges. Inside
// third-party code only calls named by rules count, as for the other analyzers.
type waits struct {
	a    *engine
	memo map[*ssa.Function]*blocking.Wait
	busy map[*ssa.Function]bool
}

func newWaits(a *engine) *waits {
	return &waits{a: a, memo: map[*ssa.Function]*blocking.Wait{}, busy: map[*ssa.Function]bool{}}
}

func (w *waits) Wait(site ssa.CallInstruction) (blocking.Wait, bool) {
	if w.a.graph == nil {
		return blocking.Wait{}, false
	}
	for _, e := range w.a.out(site.Parent()) {
		if e.Site != site || !w.follows(e.Site, e.Callee.Func) {
			continue
		}
		if found := w.of(e.Callee.Func); found != nil {
			return *found, true
		}
	}
	return blocking.Wait{}, false
}

// follows reports whether a wait inside callee counts for a call, by the policy of the walk from handlers.
func (w *waits) follows(site ssa.CallInstruction, callee *ssa.Function) bool {
	return callee.Blocks != nil && callee.Pkg != nil && !policy.Library(callee.Pkg.Pkg) && w.a.pol.Enters(site)
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
	ws := w.a.cls.CallWaits(fn)
	if w.a.ownCode(fn) {
		ws = w.a.cls.Waits(fn)
	}
	if len(ws) > 0 {
		found = &ws[0]
	} else {
		for _, e := range w.a.out(fn) {
			if w.follows(e.Site, e.Callee.Func) {
				if found = w.of(e.Callee.Func); found != nil {
					break
				}
			}
		}
	}
	w.memo[fn] = found
	return found
}
