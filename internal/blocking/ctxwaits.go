package blocking

import (
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
)

// maxCtxDepth bounds how many calls deep argWaits follows a context before it assumes something waits on it.
const maxCtxDepth = 16

// argWaits reports whether the context passed as argument i of call may be waited on: something under the call
// selects on its Done, polls its Err, or hands it to a function that is not followed (the standard library's I/O,
// a dependency without a body, an interface method or a function value). It is false when the context is only
// read (ctx.Value, ctx.Deadline, a type assertion back to the framework's request object, whose methods read
// values), compared, handed to a carrier or to log/slog: a *gin.Context used that way loses no cancellation,
// since none is asked for. What is not known to be such a read counts as a wait.
func (c *Classifier) argWaits(call ssa.CallInstruction, i, depth int) bool {
	cc := call.Common()
	if cc.IsInvoke() {
		return true
	}
	if c.carrier(cc, i) {
		return false
	}
	fn := cc.StaticCallee()
	if fn == nil {
		return true
	}
	switch pkgPath(fn) {
	case "context":
		return c.derivedWaits(call, fn, depth)
	case "log/slog":
		return false
	}
	if fn.Blocks == nil || flow.IsStd(pkgPath(fn)) || i >= len(fn.Params) || depth >= maxCtxDepth {
		return true
	}
	return c.paramWaits(fn.Params[i], depth+1)
}

// derivedWaits judges a call of the context package given the context: a context derived from it (WithValue,
// WithTimeout, WithCancel) may be waited on where the derived one is; any other use (AfterFunc) waits.
func (c *Classifier) derivedWaits(call ssa.CallInstruction, fn *ssa.Function, depth int) bool {
	switch {
	case fn.Name() == "WithoutCancel":
		return false // cut off from cancellation on purpose
	case !strings.HasPrefix(fn.Name(), "With"):
		return true
	}
	v, ok := call.(*ssa.Call)
	if !ok {
		return true
	}
	if _, ok := v.Type().(*types.Tuple); !ok {
		return c.valueWaits(v, depth, map[ssa.Value]bool{})
	}
	for _, r := range *v.Referrers() {
		if ex, ok := r.(*ssa.Extract); ok && ex.Index == 0 && c.valueWaits(ex, depth, map[ssa.Value]bool{}) {
			return true // the derived context; the cancel function is not it
		}
	}
	return false
}

// paramWaits reports whether a function may wait on a context parameter, memoized by parameter.
func (c *Classifier) paramWaits(p *ssa.Parameter, depth int) bool {
	if w, ok := c.ctxWaits[p]; ok {
		return w
	}
	c.ctxWaits[p] = false // a recursive call adds nothing to what the first finds
	w := c.valueWaits(p, depth, map[ssa.Value]bool{})
	c.ctxWaits[p] = w
	return w
}

// valueWaits reports whether a context value may be waited on where it is used.
func (c *Classifier) valueWaits(v ssa.Value, depth int, seen map[ssa.Value]bool) bool {
	if seen[v] {
		return false
	}
	seen[v] = true
	refs := v.Referrers()
	if refs == nil {
		return false
	}
	for _, r := range *refs {
		switch r := r.(type) {
		case *ssa.DebugRef, *ssa.BinOp:
		case *ssa.TypeAssert:
			// Back to the framework's object, whose methods read values (c.Get); an assertion to another
			// interface keeps a context, followed as any other.
			if types.IsInterface(r.AssertedType) && c.valueWaits(r, depth, seen) {
				return true
			}
		case *ssa.Phi, *ssa.ChangeInterface:
			if c.valueWaits(r.(ssa.Value), depth, seen) {
				return true
			}
		case *ssa.MakeClosure:
			fn := r.Fn.(*ssa.Function)
			for k, b := range r.Bindings {
				if b == v && k < len(fn.FreeVars) && c.valueWaits(fn.FreeVars[k], depth+1, seen) {
					return true
				}
			}
		case *ssa.Call:
			if c.callWaits(r, v, depth) {
				return true
			}
		default:
			return true // stored, returned, sent, given to a goroutine: whoever gets it may wait on it
		}
	}
	return false
}

// callWaits judges one call that a context value v is used in.
func (c *Classifier) callWaits(call *ssa.Call, v ssa.Value, depth int) bool {
	cc := call.Common()
	if cc.IsInvoke() && cc.Value == v {
		switch cc.Method.Name() {
		case "Value", "Deadline":
		default:
			return true // Done, Err
		}
	}
	for i, a := range cc.Args {
		if a == v && c.argWaits(call, i, depth) {
			return true
		}
	}
	return false
}

// carrier reports whether argument i of call is a carrier rule's context: kept for its values only.
func (c *Classifier) carrier(call *ssa.CallCommon, i int) bool {
	for _, k := range c.carriers[flow.CalleeName(call)] {
		if k == i {
			return true
		}
	}
	return false
}

func pkgPath(fn *ssa.Function) string {
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if fn.Pkg != nil {
		return fn.Pkg.Pkg.Path()
	}
	if obj, ok := fn.Object().(*types.Func); ok && obj.Pkg() != nil {
		return obj.Pkg().Path()
	}
	return ""
}
