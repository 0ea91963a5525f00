package blocking

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/values"
)

// startGuarded reports whether g starts work that a guarded start let through: the goroutine is given what a call
// returned (go sess.Start(), sess from im.NewSession(opt)), g runs only when that call's error is nil, and the
// callee is a single-instance guard (GuardsStart), in this package or, through Options.Guard, in another one.
func (c *Classifier) startGuarded(g *ssa.Go) bool {
	for v := range givenTo(g) {
		x, ok := v.(*ssa.Extract)
		if !ok {
			continue
		}
		call, ok := x.Tuple.(*ssa.Call)
		if !ok || !returnsError(call.Common().Signature()) || !c.guards(call.Common().StaticCallee()) {
			continue
		}
		if onNoError(call, g.Block()) {
			return true
		}
	}
	return false
}

// guards reports whether fn is a single-instance guard, by its body, or by Options.Guard when only its
// declaration is in sight.
func (c *Classifier) guards(fn *ssa.Function) bool {
	if fn == nil {
		return false
	}
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if fn.Blocks != nil {
		return GuardsStart(fn) != ""
	}
	obj, ok := fn.Object().(*types.Func)
	return ok && c.opts.Guard != nil && c.opts.Guard(obj)
}

// returnsError reports whether a signature's last result is an error, after at least one other.
func returnsError(sig *types.Signature) bool {
	r := sig.Results()
	return r.Len() >= 2 && types.Identical(r.At(r.Len()-1).Type(), types.Universe.Lookup("error").Type())
}

// onNoError reports whether b runs only when call's error result is nil: a branch on err != nil (or == nil)
// dominates b on its nil side.
func onNoError(call *ssa.Call, b *ssa.BasicBlock) bool {
	last := call.Common().Signature().Results().Len() - 1
	for _, r := range *call.Referrers() {
		x, ok := r.(*ssa.Extract)
		if !ok || x.Index != last {
			continue
		}
		for _, rr := range *x.Referrers() {
			cmp, ok := rr.(*ssa.BinOp)
			if !ok || cmp.Op != token.NEQ && cmp.Op != token.EQL || !isNil(cmp.X) && !isNil(cmp.Y) {
				continue
			}
			for _, u := range *cmp.Referrers() {
				ifi, ok := u.(*ssa.If)
				if !ok {
					continue
				}
				ok2 := ifi.Block().Succs[1] // err != nil is false
				if cmp.Op == token.EQL {
					ok2 = ifi.Block().Succs[0]
				}
				if len(ok2.Preds) == 1 && ok2.Dominates(b) {
					return true
				}
			}
		}
	}
	return false
}

// GuardsStart returns the flag fn guards a start with, as the source names it ("im.status"), or "": fn starts
// something at most once at a time, as a session constructor that refuses while a session runs does (listmonk's
// importer: if !im.isDone() { return nil, errors.New("an import is already running") }; im.status = ...). It
// returns an error, it returns a non-nil one when a branch on a flag (a field or package variable, read directly
// or by a function it calls) says so, and it sets that flag itself.
func GuardsStart(fn *ssa.Function) string {
	if fn.Blocks == nil || !returnsError(fn.Signature) {
		return ""
	}
	for _, b := range fn.Blocks {
		ifi, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
		if !ok || !failsOn(b.Succs[0]) && !failsOn(b.Succs[1]) {
			continue
		}
		read := map[any]bool{}
		readKeys(ifi.Cond, 2, read, map[ssa.Value]bool{})
		if len(read) == 0 {
			continue
		}
		if flag := setsKey(fn, read, 1); flag != "" {
			return flag
		}
	}
	return ""
}

// failsOn reports whether b, through blocks with one successor, returns a new error as its last result: one made
// there (errors.New, fmt.Errorf) or a package's sentinel (ErrRunning). An error kept in a field (return rows,
// tx.Error) reports a past failure, not a refusal.
func failsOn(b *ssa.BasicBlock) bool {
	for range 8 {
		switch in := b.Instrs[len(b.Instrs)-1].(type) {
		case *ssa.Return:
			return len(in.Results) > 0 && newError(in.Results[len(in.Results)-1])
		case *ssa.Jump:
			b = b.Succs[0]
		default:
			return false
		}
	}
	return false
}

func newError(v ssa.Value) bool {
	switch v := v.(type) {
	case *ssa.Call:
		f := v.Common().StaticCallee()
		return f != nil && f.Pkg != nil && (f.Pkg.Pkg.Path() == "errors" || f.Pkg.Pkg.Path() == "fmt")
	case *ssa.UnOp:
		_, ok := v.X.(*ssa.Global)
		return ok && v.Op == token.MUL
	}
	return false
}

// readKeys collects the flags a value is computed from: fields and package variables it loads, directly or in
// the functions it calls (depth calls deep, all they load).
func readKeys(v ssa.Value, depth int, out map[any]bool, seen map[ssa.Value]bool) {
	if seen[v] {
		return
	}
	seen[v] = true
	switch v := v.(type) {
	case *ssa.UnOp:
		if v.Op == token.MUL {
			if a, ok := v.X.(*ssa.Alloc); ok {
				// A local, as a result kept across a defer: what is stored in it.
				for _, st := range values.Stored(a) {
					readKeys(st, depth, out, seen)
				}
				return
			}
			addrKeys(v.X, out)
			return
		}
		readKeys(v.X, depth, out, seen)
	case *ssa.BinOp:
		readKeys(v.X, depth, out, seen)
		readKeys(v.Y, depth, out, seen)
	case *ssa.Field:
		readKeys(v.X, depth, out, seen)
	case *ssa.Phi:
		for _, e := range v.Edges {
			readKeys(e, depth, out, seen)
		}
	case *ssa.Call:
		if callee := v.Common().StaticCallee(); callee != nil && depth > 0 {
			flagLoads(callee, depth-1, out, map[*ssa.Function]bool{})
		}
	}
}

// flagLoads collects the flags fn and the functions it calls (depth calls deep) load: what a predicate such as
// im.isDone() decides by, in its result or in the branches that choose it.
func flagLoads(fn *ssa.Function, depth int, out map[any]bool, seen map[*ssa.Function]bool) {
	if fn.Blocks == nil || seen[fn] {
		return
	}
	seen[fn] = true
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case *ssa.UnOp:
				if in.Op == token.MUL {
					addrKeys(in.X, out)
				}
			case *ssa.Call:
				if callee := in.Common().StaticCallee(); callee != nil && depth > 0 {
					flagLoads(callee, depth-1, out, seen)
				}
			}
		}
	}
}

// addrKeys adds the flags an address names: a package variable, or a field and the fields it is inside
// (im.status.Status names im.status too).
func addrKeys(addr ssa.Value, out map[any]bool) {
	for range 8 {
		switch a := addr.(type) {
		case *ssa.Global:
			out[a] = true
			return
		case *ssa.FieldAddr:
			out[lockKey(a)] = true
			addr = a.X
		default:
			return
		}
	}
}

// setsKey returns the flag, one of keys, that fn or a function it calls (depth calls deep) sets to a constant
// (im.running = true, im.status = Status{Status: StatusImporting, …}), as the source names it, or "".
func setsKey(fn *ssa.Function, keys map[any]bool, depth int) string {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case *ssa.Store:
				stored := map[any]bool{}
				addrKeys(in.Addr, stored)
				for k := range stored {
					if keys[k] && constantFlag(in.Val, keys) {
						return describe(in.Addr)
					}
				}
			case *ssa.Call:
				if callee := in.Common().StaticCallee(); callee != nil && callee.Blocks != nil && depth > 0 {
					if flag := setsKey(callee, keys, depth-1); flag != "" {
						return flag
					}
				}
			}
		}
	}
	return ""
}

// constantFlag reports whether v is a constant, or a struct literal that sets one of the flags to a constant.
func constantFlag(v ssa.Value, keys map[any]bool) bool {
	switch v := v.(type) {
	case *ssa.Const:
		return true
	case *ssa.UnOp:
		a, ok := v.X.(*ssa.Alloc)
		if !ok || v.Op != token.MUL {
			return false
		}
		for _, r := range *a.Referrers() {
			fa, ok := r.(*ssa.FieldAddr)
			if !ok || !keys[lockKey(fa)] {
				continue
			}
			for _, st := range values.Stored(fa) {
				if _, ok := st.(*ssa.Const); ok {
					return true
				}
			}
		}
	}
	return false
}
