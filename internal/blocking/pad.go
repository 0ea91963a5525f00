package blocking

import (
	"go/constant"
	"go/token"
	"time"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
)

// MaxPad is the longest minimum duration a sleep may pad a response to and not be reported (rules' "unless-pad"
// check): a login that always takes 100 ms, whatever it found, so that its timing tells an attacker nothing.
const MaxPad = time.Second

// pad reports whether a sleep of duration d, at instr, pads the work before it to a constant minimum of at most
// MaxPad: d is that constant less the time elapsed since a time.Now() (time.Sleep(100*time.Millisecond -
// time.Since(start))), and the sleep is in no loop of its function. Such a sleep waits at most the constant, once,
// and waiting is its purpose; a sleep of a constant, or of anything else, is not a pad.
func (c *Classifier) pad(instr ssa.Instruction, d ssa.Value) bool {
	max, ok := c.padBound(d, 0)
	return ok && max <= int64(MaxPad) && !inLoop(instr.Block())
}

// padBound returns the most nanoseconds a duration can be, when it is a constant less an elapsed time, scaled by
// constants: (K - elapsed) * unit, or K*unit - elapsed. A value that cannot be bounded so gives false.
func (c *Classifier) padBound(v ssa.Value, depth int) (int64, bool) {
	if depth > values.MaxDepth {
		return 0, false
	}
	switch v := v.(type) {
	case *ssa.Convert:
		return c.padBound(v.X, depth+1)
	case *ssa.ChangeType:
		return c.padBound(v.X, depth+1)
	case *ssa.BinOp:
		switch v.Op {
		case token.SUB:
			if !c.elapsed(v.Y, depth+1) {
				return 0, false
			}
			if k, ok := constInt(v.X); ok {
				return k, true
			}
			return c.padBound(v.X, depth+1)
		case token.MUL:
			x, y := v.X, v.Y
			if _, ok := constInt(x); ok {
				x, y = y, x
			}
			unit, ok := constInt(y)
			if !ok || unit <= 0 {
				return 0, false
			}
			max, ok := c.padBound(x, depth+1)
			if !ok || max > int64(MaxPad) {
				return 0, false // and no overflow below
			}
			return max * unit, true
		}
	}
	return 0, false
}

// elapsed reports whether v is a time elapsed since a time.Now(), so never negative: time.Since(t) or
// time.Now().Sub(t) of a t that only ever holds a time.Now(), in any unit ((time.Duration).Milliseconds), and
// converted.
func (c *Classifier) elapsed(v ssa.Value, depth int) bool {
	if depth > values.MaxDepth {
		return false
	}
	switch v := v.(type) {
	case *ssa.Convert:
		return c.elapsed(v.X, depth+1)
	case *ssa.ChangeType:
		return c.elapsed(v.X, depth+1)
	case *ssa.Call:
		cc := v.Common()
		switch flow.CalleeName(cc) {
		case "time.Since":
			return len(cc.Args) == 1 && c.now(cc.Args[0])
		case "(time.Time).Sub":
			return len(cc.Args) == 2 && c.now(cc.Args[1]) && isNowCall(cc.Args[0])
		case "(time.Duration).Milliseconds", "(time.Duration).Microseconds", "(time.Duration).Nanoseconds",
			"(time.Duration).Seconds":
			return len(cc.Args) == 1 && c.elapsed(cc.Args[0], depth+1)
		}
	}
	return false
}

// now reports whether t only ever holds a time.Now(): every value it is traced back to, through local and
// captured variables, is one.
func (c *Classifier) now(t ssa.Value) bool {
	// The judge is inverted: Bad only when every source is a time.Now().
	return values.Decide(t, func(v ssa.Value) values.Step {
		switch v := v.(type) {
		case *ssa.Call:
			if isNowCall(v) {
				return values.Step{Verdict: values.Bad}
			}
		case *ssa.UnOp:
			if v.Op == token.MUL {
				return values.Step{From: []ssa.Value{v.X}}
			}
		case *ssa.Alloc:
			return values.Step{From: values.Stored(v)}
		case *ssa.FreeVar:
			return values.Step{From: values.Bindings(v, c.idx)}
		case *ssa.Phi:
			return values.Step{From: v.Edges}
		}
		return values.Step{Verdict: values.Good}
	}) == values.Bad
}

func isNowCall(v ssa.Value) bool {
	call, ok := v.(*ssa.Call)
	return ok && flow.CalleeName(call.Common()) == "time.Now"
}

// constInt returns the value of an integer constant.
func constInt(v ssa.Value) (int64, bool) {
	k, ok := v.(*ssa.Const)
	if !ok || k.Value == nil || k.Value.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(k.Value)
}
