package blocking

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/rules"
)

// RootVar returns the rule of the new root context that package variable g holds (var NoContext = context.TODO(),
// as oauth2 declares it), or nil: every value stored into g among the indexed functions must be a call a ctxdetach
// rule names. A variable of another package that the index does not hold is asked of Options.RootVar.
func (c *Classifier) RootVar(g *ssa.Global) *rules.Call {
	if r, ok := c.roots[g]; ok {
		return r
	}
	var rule *rules.Call
	stored := c.idx.GlobalStores(g)
	for _, v := range stored {
		rule = c.rootCall(v)
		if rule == nil {
			break
		}
	}
	if len(stored) == 0 && c.opts.RootVar != nil {
		if v, ok := g.Object().(*types.Var); ok {
			if name := c.opts.RootVar(v); name != "" {
				rule = c.rootRule(name)
			}
		}
	}
	c.roots[g] = rule
	return rule
}

// rootCall returns the ctxdetach rule naming the call v, a new root context (context.Background()), or nil.
func (c *Classifier) rootCall(v ssa.Value) *rules.Call {
	call, ok := v.(*ssa.Call)
	if !ok {
		return nil
	}
	return c.rootRule(flow.CalleeName(call.Common()))
}

func (c *Classifier) rootRule(name string) *rules.Call {
	for _, r := range c.byFunc[name] {
		if r.Analyzer == "ctxdetach" && r.Origin == nil && r.Check == "" {
			return r
		}
	}
	return nil
}

// rootLoad reports a package variable holding a new root context (oauth2.NoContext) when request work is started
// under it: as the rule's own call would be, at the first call that is given it, with the same wording and fix.
// Loads that are only compared or handed to carriers are not.
func (c *Classifier) rootLoad(fn *ssa.Function, load *ssa.UnOp, ops []Op) []Op {
	g, ok := load.X.(*ssa.Global)
	if !ok || g.Pkg == nil {
		return ops
	}
	r := c.RootVar(g)
	if r == nil || c.inert(load) {
		return ops
	}
	var at ssa.CallInstruction
	for _, ref := range *load.Referrers() {
		if call, ok := ref.(ssa.CallInstruction); ok && call.Common().Pos().IsValid() && argOf(call.Common(), load) {
			if at == nil || call.Common().Pos() < at.Common().Pos() {
				at = call
			}
		}
	}
	if at == nil || bounded(load) {
		return ops
	}
	name := shortName(g.Pkg.Pkg.Path()+"."+g.Name()) + " (" + shortName(r.Func) + "())"
	op := Op{Analyzer: r.Analyzer, Pos: at.Common().Pos(), Name: name, Why: r.Why, Fix: r.Fix, Call: true}
	if r.Edit != "" {
		op.Edit = &Edit{Lparen: at.Common().Pos(), Template: r.Edit, Fn: fn, Arg: g.Name()}
	}
	return append(ops, op)
}

func argOf(cc *ssa.CallCommon, v ssa.Value) bool {
	for _, a := range cc.Args {
		if a == v {
			return true
		}
	}
	return cc.IsInvoke() && cc.Value == v
}

// isLoad reports whether u loads a package variable.
func isLoad(u *ssa.UnOp) bool {
	_, ok := u.X.(*ssa.Global)
	return ok && u.Op == token.MUL
}
