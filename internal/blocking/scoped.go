package blocking

import (
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
)

// connScoped reports whether a new root context v lives exactly as long as a hijacked connection's request: fn
// holds a stream connection (rules: streams; a websocket it upgraded) before v is made, and v is only the parent
// of a WithCancel whose cancel fn defers. Once a connection is hijacked, net/http no longer watches it and the
// request's context ends only when the handler returns, as this one does (ntfy's subscriber context).
func (c *Classifier) connScoped(fn *ssa.Function, v *ssa.Call) bool {
	refs := v.Referrers()
	if refs == nil || len(*refs) != 1 {
		return false
	}
	with, ok := (*refs)[0].(*ssa.Call)
	if !ok || len(with.Common().Args) == 0 || with.Common().Args[0] != v {
		return false
	}
	switch flow.CalleeName(with.Common()) {
	case "context.WithCancel", "context.WithCancelCause":
	default:
		return false
	}
	return c.streamBefore(fn, v) && deferredCancel(fn, with)
}

// deferredCancel reports whether fn defers the cancel function that the WithCancel call with returns.
func deferredCancel(fn *ssa.Function, with *ssa.Call) bool {
	for _, r := range *with.Referrers() {
		ex, ok := r.(*ssa.Extract)
		if !ok || ex.Index != 1 || ex.Referrers() == nil {
			continue
		}
		for _, u := range *ex.Referrers() {
			if d, ok := u.(*ssa.Defer); ok && d.Parent() == fn && d.Call.Value == ex && len(d.Call.Args) == 0 {
				return true
			}
		}
	}
	return false
}

// streamBefore reports whether fn holds a stream connection before the instruction at: a parameter of a stream
// type, or a value of one defined where it dominates at.
func (c *Classifier) streamBefore(fn *ssa.Function, at ssa.Instruction) bool {
	isStream := func(t types.Type) bool { return c.streams[c.typeString(t)] }
	for _, p := range fn.Params {
		if isStream(p.Type()) {
			return true
		}
	}
	for _, b := range fn.Blocks {
		for i, instr := range b.Instrs {
			v, ok := instr.(ssa.Value)
			if !ok || !isStream(v.Type()) {
				continue
			}
			if b == at.Block() {
				for _, later := range b.Instrs[i+1:] {
					if later == at {
						return true
					}
				}
				continue
			}
			if b.Dominates(at.Block()) {
				return true
			}
		}
	}
	return false
}
