package blocking

import (
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// OnceOnly reports whether instr runs only while a package variable is still nil, on the branch that sets it:
// lazy initialisation (if cache == nil { cache = load() }) runs once per process, not per request, so what it
// does is not per-request blocking. sync.Once.Do, sync.OnceFunc and sync.OnceValue are the standard library
// calling back, which the walks do not enter.
func OnceOnly(instr ssa.Instruction) bool {
	b := instr.Block()
	if b == nil {
		return false
	}
	for d := b.Idom(); d != nil; d = d.Idom() {
		if g, then := nilGuard(d); g != nil && then.Dominates(b) && stores(then, g) {
			return true
		}
	}
	return false
}

// nilGuard returns the package variable a block's If compares with nil, and the successor taken when it is nil.
func nilGuard(d *ssa.BasicBlock) (*ssa.Global, *ssa.BasicBlock) {
	if len(d.Instrs) == 0 || len(d.Succs) != 2 {
		return nil, nil
	}
	ifi, ok := d.Instrs[len(d.Instrs)-1].(*ssa.If)
	if !ok {
		return nil, nil
	}
	cmp, ok := ifi.Cond.(*ssa.BinOp)
	if !ok || cmp.Op != token.EQL && cmp.Op != token.NEQ {
		return nil, nil
	}
	g := loadedGlobal(cmp.X)
	if g == nil || !isNil(cmp.Y) {
		g = loadedGlobal(cmp.Y)
		if g == nil || !isNil(cmp.X) {
			return nil, nil
		}
	}
	if cmp.Op == token.EQL {
		return g, d.Succs[0]
	}
	return g, d.Succs[1]
}

func loadedGlobal(v ssa.Value) *ssa.Global {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		g, _ := u.X.(*ssa.Global)
		return g
	}
	return nil
}

func isNil(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	return ok && k.Value == nil
}

// stores reports whether a block dominated by then stores to g.
func stores(then *ssa.BasicBlock, g *ssa.Global) bool {
	for _, b := range then.Parent().Blocks {
		if !then.Dominates(b) {
			continue
		}
		for _, instr := range b.Instrs {
			if s, ok := instr.(*ssa.Store); ok && s.Addr == g {
				return true
			}
		}
	}
	return false
}
