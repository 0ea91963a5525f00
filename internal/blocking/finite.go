package blocking

import (
	"go/token"
	"go/types"
	"slices"
	"time"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
)

// maxDelay is the longest fixed delay that still counts as short: a goroutine that waits this long once per
// request is gone before many pile up.
const maxDelay = 5 * time.Second

// markFinite marks the operations an instruction gave that end on their own whatever the request does
// (Op.Finite): an HTTP client call through a client with a Timeout, a short fixed delay outside any loop, a
// signal sent on the process's own signal channel, a new root context that no work that waits runs under. They are still reported where a request waits on them (the
// request has no context to end them early); in a goroutine they end on their own.
func (c *Classifier) markFinite(instr ssa.Instruction, ops []Op) {
	for i := range ops {
		if c.finite(instr, ops[i].Analyzer) {
			ops[i].Finite = true
		}
	}
}

func (c *Classifier) finite(instr ssa.Instruction, analyzer string) bool {
	switch in := instr.(type) {
	case ssa.CallInstruction:
		if _, isGo := in.(*ssa.Go); isGo {
			return false
		}
		cc := in.Common()
		switch analyzer {
		case "sleep":
			return c.shortDelay(instr, cc)
		case "ctxdetach":
			call, ok := in.(*ssa.Call)
			return ok && c.idle(call)
		}
		return c.timedOut(cc)
	case *ssa.UnOp:
		// <-time.After(500 * time.Millisecond)
		if call, ok := in.X.(*ssa.Call); ok && in.Op == token.ARROW {
			return c.shortDelay(in, call.Common())
		}
	case *ssa.Send:
		return c.signalChan(in.Chan)
	}
	return false
}

// idle reports whether a new root context (context.Background()) is only passed to calls that wait on nothing and
// reach nothing unbounded, whose every target is known and outside the standard library: filebrowser's
// fileCache.Store(context.Background(), …) whose implementations write a local file. Detached from the request,
// but what runs under it ends on its own. A context stored, returned, or handed to the standard library (where it
// may reach a request, a query) is not idle.
func (c *Classifier) idle(v *ssa.Call) bool {
	refs := v.Referrers()
	if c.reach == nil || refs == nil || len(*refs) == 0 {
		return false
	}
	for _, r := range *refs {
		call, ok := r.(*ssa.Call)
		if !ok || len(c.byFunc[flow.CalleeName(call.Common())]) > 0 {
			return false
		}
		if f := call.Common().StaticCallee(); f != nil {
			if f.Blocks == nil || f.Pkg == nil || c.idx == nil || c.idx.StdPkg(f.Pkg.Pkg) {
				return false
			}
		} else if _, ok := c.callees(call); !ok {
			return false
		}
		if _, ok := c.reach.Wait(call); ok {
			return false
		}
		if _, ok := c.reach.Endless(call); ok {
			return false
		}
	}
	return true
}

// timedOut reports whether a call waits no longer than a deadline of its own: an HTTP client call (a function a
// client-timeout rule names) through a client with a Timeout.
func (c *Classifier) timedOut(cc *ssa.CallCommon) bool {
	for _, r := range c.byFunc[flow.CalleeName(cc)] {
		if r.Check == "client-timeout" && r.ContextClient == nil && len(cc.Args) > 0 {
			return values.Decide(cc.Args[0], c.clientHasTimeout) == values.Good
		}
	}
	return false
}

// timedBody reports whether cc calls a method of the Body of a response that a client call with a Timeout
// returned in the same function (defer resp.Body.Close(), resp.Body.Read(p)): net/http's Client.Timeout covers
// reading the response body, and its timer interrupts a read that outlives it, so the call ends with the Timeout.
// A body of a response from anywhere else (a parameter, a field, a client without Timeout) is not known to end.
func (c *Classifier) timedBody(cc *ssa.CallCommon) bool {
	if !cc.IsInvoke() {
		return false
	}
	load, ok := cc.Value.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return false
	}
	fa, ok := load.X.(*ssa.FieldAddr)
	if !ok || types.TypeString(fa.X.Type(), nil) != "*net/http.Response" {
		return false
	}
	st, ok := fa.X.Type().(*types.Pointer).Elem().Underlying().(*types.Struct)
	if !ok || st.Field(fa.Field).Name() != "Body" {
		return false
	}
	ex, ok := fa.X.(*ssa.Extract)
	if !ok || ex.Index != 0 {
		return false
	}
	call, ok := ex.Tuple.(*ssa.Call)
	return ok && c.timedOut(call.Common())
}

// shortDelay reports whether a delay call (rules: goroutines.delays, as time.Sleep(d), time.After(d)) waits a
// constant duration of at most maxDelay, once: not in a loop of its function.
func (c *Classifier) shortDelay(at ssa.Instruction, cc *ssa.CallCommon) bool {
	if len(cc.Args) == 0 || !slices.Contains(c.cat.Goroutines.Delays, flow.CalleeName(cc)) || inLoop(at.Block()) {
		return false
	}
	d, exact := constInt(cc.Args[0])
	return exact && d >= 0 && d <= int64(maxDelay)
}

// inLoop reports whether a block is part of a loop; a missing block counts as one, so nothing unknown is taken
// to end on its own.
func inLoop(b *ssa.BasicBlock) bool {
	return b == nil || reaches(b.Succs, b, nil)
}

// signalChan reports whether ch is the process's own signal channel (rules: goroutines.signals, a channel of
// os.Signal), which signal.Notify feeds and the program's signal loop drains. A send on it raises the signal (a
// reload, a shutdown) as a kill would; the loop handles it once for the process.
func (c *Classifier) signalChan(ch ssa.Value) bool {
	t, ok := ch.Type().Underlying().(*types.Chan)
	return ok && slices.Contains(c.cat.Goroutines.Signals, types.TypeString(t.Elem(), nil))
}

// goWait reports whether a rule names the call as keeping a goroutine waiting (rules: goroutines.waits), or as a
// delay that is not short (goroutines.delays).
func (c *Classifier) goWait(in ssa.CallInstruction, cc *ssa.CallCommon) bool {
	name := flow.CalleeName(cc)
	return slices.Contains(c.cat.Goroutines.Waits, name) || slices.Contains(c.cat.Goroutines.Delays, name) && !c.shortDelay(in, cc)
}

// reaps reports whether a call waits for a process started earlier (rules: goroutines.reapers), which is judged
// where the process starts.
func (c *Classifier) reaps(cc *ssa.CallCommon) bool {
	return slices.Contains(c.cat.Goroutines.Reapers, flow.CalleeName(cc))
}
