package blocking

import (
	"go/token"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/owner"
	"github.com/blockcheck/blockcheck/internal/values"
	"github.com/blockcheck/blockcheck/rules"
)

// A verdict is what a backward walk decided about a value: bad (made without what the rule asks for), good, or
// unknown, which is never reported.
type verdict int

const (
	unknown verdict = iota
	good
	bad
)

// A maker is the call that made a bad value, with the rule whose edit gives it a context.
type maker struct {
	call *ssa.CallCommon
	rule rules.Maker
	fn   *ssa.Function
}

// origin decides whether v was made without a context by the origin rule o.
func (c *Classifier) origin(v ssa.Value, o *rules.Origin, depth int) (verdict, *maker) {
	if depth > values.MaxDepth {
		return unknown, nil
	}
	switch v := v.(type) {
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok {
			return c.originCall(call, o, depth)
		}
	case *ssa.Call:
		return c.originCall(v, o, depth)
	case *ssa.Phi:
		result, var_ := verdict(-1), (*maker)(nil)
		for _, e := range v.Edges {
			r, m := c.origin(e, o, depth+1)
			switch {
			case r == good || r == unknown:
				return r, nil
			case result == -1:
				result, var_ = r, m
			}
		}
		if result == -1 {
			return unknown, nil
		}
		return result, var_
	case *ssa.ChangeType:
		return c.origin(v.X, o, depth+1)
	case *ssa.MakeInterface:
		return c.origin(v.X, o, depth+1)
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return unknown, nil
		}
		switch a := v.X.(type) {
		case *ssa.FieldAddr, *ssa.Global:
			if o.Roots {
				return bad, nil
			}
		case *ssa.Alloc:
			return c.originStores(a, o, depth)
		}
	case *ssa.Field:
		if o.Roots {
			return bad, nil
		}
	}
	return unknown, nil
}

func (c *Classifier) originStores(a *ssa.Alloc, o *rules.Origin, depth int) (verdict, *maker) {
	vals := values.Stored(a)
	if len(vals) != 1 {
		return unknown, nil
	}
	return c.origin(vals[0], o, depth+1)
}

func (c *Classifier) originCall(call *ssa.Call, o *rules.Origin, depth int) (verdict, *maker) {
	cc := call.Common()
	name := flow.CalleeName(cc)
	for _, g := range o.Good {
		if g == name {
			return good, nil
		}
	}
	for _, m := range o.Bad {
		if m.Func == name {
			return bad, &maker{call: cc, rule: m, fn: call.Parent()}
		}
	}
	for _, ch := range o.Chain {
		if ch == name && len(cc.Args) > 0 {
			return c.origin(cc.Args[0], o, depth+1)
		}
	}
	// A helper that returns what it makes (func newCmd() *exec.Cmd { return exec.Command(...) }).
	if fn := cc.StaticCallee(); fn != nil && fn.Blocks != nil && owner.Package(fn) != nil && !c.idx.StdPkg(owner.Package(fn).Pkg) {
		if rets := values.Returns(fn, 0); len(rets) == 1 {
			return c.origin(rets[0], o, depth+1)
		}
	}
	return unknown, nil
}
