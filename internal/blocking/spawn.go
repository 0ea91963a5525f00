package blocking

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
)

// spawnBounded reports whether the goroutine started by g is bounded: joined before fn returns (a WaitGroup or
// errgroup Wait, or a receive from a channel the goroutine is given), or started under a semaphore.
func spawnBounded(fn *ssa.Function, g *ssa.Go) bool {
	given := map[ssa.Value]bool{}
	for _, a := range g.Call.Args {
		given[a] = true
	}
	if mc, ok := g.Call.Value.(*ssa.MakeClosure); ok {
		for _, b := range mc.Bindings {
			given[b] = true
			// A captured variable is an Alloc; what it holds is stored into it.
			if a, ok := b.(*ssa.Alloc); ok {
				for _, v := range values.Stored(a) {
					given[v] = true
				}
			}
		}
	}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case ssa.CallInstruction:
				switch flow.CalleeName(in.Common()) {
				case "(*sync.WaitGroup).Wait", "(*golang.org/x/sync/errgroup.Group).Wait",
					"(*golang.org/x/sync/semaphore.Weighted).Acquire", "(*golang.org/x/sync/semaphore.Weighted).TryAcquire":
					return true
				}
			case *ssa.UnOp:
				if in.Op == token.ARROW && given[chanOf(in.X)] {
					return true
				}
			case *ssa.Select:
				for _, st := range in.States {
					if st.Dir == types.RecvOnly && given[chanOf(st.Chan)] {
						return true
					}
					// select { case sem <- struct{}{}: ... } before the go statement: a semaphore.
					if st.Dir == types.SendOnly && before(in, g) {
						return true
					}
				}
			case *ssa.Send:
				// sem <- struct{}{} before the go statement: a counting semaphore.
				if before(in, g) {
					return true
				}
			}
		}
	}
	return false
}

// before reports whether instruction a runs before g on every path to g.
func before(a ssa.Instruction, g *ssa.Go) bool {
	if a.Block() == g.Block() {
		return a.Pos() < g.Pos()
	}
	return a.Block().Dominates(g.Block())
}
