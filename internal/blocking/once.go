package blocking

import (
	"go/constant"
	"go/token"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
)

// OnceOnly reports whether instr runs only while a package variable, or a field of a long-lived object, still
// holds its zero value, on the branch that sets it: lazy initialisation (if cache == nil { cache = load() }, or
// if !initialized { Initialize() } where Initialize sets initialized, or if o.provider == nil { o.init() } where
// init sets o.provider) runs once per process, not per request, so what it does is not per-request blocking. The
// value is compared with its zero value (nil, "", 0, false) or is a bool tested as it is (if !ready, or
// if ready { return } before the work). A field of a package variable is shared by definition; another field
// counts when its object comes from outside the function (a receiver, a parameter, a captured variable) and is
// locked before the check (o.Lock(), o.mu.Lock()), the only sign within one function that the object outlives the
// request. In both cases the function must store the value nowhere but on that branch: an object made per call, or
// a value the function resets on every call, is initialised per request. sync.Once.Do, sync.OnceFunc and
// sync.OnceValue are the standard library calling back, which the walks do not enter.
func OnceOnly(instr ssa.Instruction) bool {
	b := instr.Block()
	if b == nil {
		return false
	}
	for d := b.Idom(); d != nil; d = d.Idom() {
		if v, then := zeroGuard(d); v != nil && then.Dominates(b) && (v.shared() || lockedBefore(d, v.root)) && setsOnlyIn(then, v) {
			return true
		}
	}
	return false
}

// OnceOnlyAt is OnceOnly memoized by the instruction's block, on which alone it depends: a walk asks it about a
// call each time it meets the call (policy.Enters).
func (c *Classifier) OnceOnlyAt(instr ssa.Instruction) bool {
	b := instr.Block()
	if b == nil {
		return false
	}
	once, ok := c.once[b]
	if !ok {
		once = OnceOnly(instr)
		if c.once == nil {
			c.once = map[*ssa.BasicBlock]bool{}
		}
		c.once[b] = once
	}
	return once
}

// lockedBefore reports whether the object root is locked (root.Lock(), root.mu.Lock()) on every path to d: a
// field checked under its object's lock is shared state, where a field of a per-call value (a query builder's
// Error) is not.
func lockedBefore(d *ssa.BasicBlock, root ssa.Value) bool {
	for _, b := range d.Parent().Blocks {
		if !b.Dominates(d) {
			continue
		}
		for _, instr := range b.Instrs {
			call, ok := instr.(*ssa.Call)
			if !ok || len(call.Call.Args) == 0 {
				continue
			}
			switch flow.CalleeName(call.Common()) {
			case "(*sync.Mutex).Lock", "(*sync.RWMutex).Lock", "(*sync.RWMutex).RLock":
				if r, _ := fieldPath(call.Call.Args[0]); r == root {
					return true
				}
			}
		}
	}
	return false
}

// A lazy is what a lazy initialisation checks: a package variable, or a path of fields of an object.
type lazy struct {
	root ssa.Value
	path []int
}

// shared reports whether v is a package variable or a field of one, shared by every request whether or not a lock
// guards it.
func (v *lazy) shared() bool {
	return global(v.root) != nil
}

// global returns the package variable root is, or holds a pointer loaded from.
func global(root ssa.Value) *ssa.Global {
	if g, ok := root.(*ssa.Global); ok {
		return g
	}
	return loadedGlobal(root)
}

// zeroGuard returns what a block's If tests for its zero value, and the successor taken when it is zero.
func zeroGuard(d *ssa.BasicBlock) (*lazy, *ssa.BasicBlock) {
	if len(d.Instrs) == 0 || len(d.Succs) != 2 {
		return nil, nil
	}
	ifi, ok := d.Instrs[len(d.Instrs)-1].(*ssa.If)
	if !ok {
		return nil, nil
	}
	v, zeroIfTrue := zeroTest(ifi.Cond)
	if v == nil {
		return nil, nil
	}
	then := d.Succs[1]
	if zeroIfTrue {
		then = d.Succs[0]
	}
	if len(then.Preds) != 1 {
		return nil, nil // also reached when the value is set (if x == nil || stale(x)): not once only
	}
	return v, then
}

// zeroTest returns what cond tests for its zero value, and whether cond holds when it is zero: x == nil,
// x != "", x == false, !x, or a bool x itself.
func zeroTest(cond ssa.Value) (*lazy, bool) {
	switch c := cond.(type) {
	case *ssa.UnOp:
		if c.Op == token.NOT {
			v, zeroIfTrue := zeroTest(c.X)
			return v, !zeroIfTrue
		}
		if v := loadedLazy(c); v != nil { // a bool: an If's condition
			return v, false
		}
	case *ssa.BinOp:
		if c.Op != token.EQL && c.Op != token.NEQ {
			return nil, false
		}
		x, k := c.X, c.Y
		if _, ok := x.(*ssa.Const); ok {
			x, k = k, x
		}
		v := loadedLazy(x)
		if v == nil {
			return nil, false
		}
		if isTrue(k) { // x == true holds when x is set
			return v, c.Op == token.NEQ
		}
		if isZero(k) {
			return v, c.Op == token.EQL
		}
	}
	return nil, false
}

func isTrue(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	return ok && k.Value != nil && k.Value.Kind() == constant.Bool && constant.BoolVal(k.Value)
}

// loadedLazy returns the package variable or the field of a long-lived object that v loads.
func loadedLazy(v ssa.Value) *lazy {
	u, ok := v.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return nil
	}
	if g, ok := u.X.(*ssa.Global); ok {
		return &lazy{root: g}
	}
	root, path := fieldPath(u.X)
	if len(path) == 0 {
		return nil
	}
	switch r := root.(type) {
	case *ssa.Parameter, *ssa.FreeVar, *ssa.Global:
	case *ssa.UnOp: // a pointer held in a package variable
		if _, ok := r.X.(*ssa.Global); !ok || r.Op != token.MUL {
			return nil
		}
	default:
		return nil // made in the function: per call
	}
	return &lazy{root: root, path: path}
}

// fieldPath returns the object an address of nested fields starts from, and the fields' indices outermost first.
func fieldPath(addr ssa.Value) (ssa.Value, []int) {
	var path []int
	for {
		fa, ok := addr.(*ssa.FieldAddr)
		if !ok {
			slices.Reverse(path)
			return addr, path
		}
		path = append(path, fa.Field)
		addr = fa.X
	}
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

// isZero reports whether v is nil, "", 0 or false.
func isZero(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	if !ok {
		return false
	}
	switch {
	case k.Value == nil:
		return true
	case k.Value.Kind() == constant.String:
		return constant.StringVal(k.Value) == ""
	case k.Value.Kind() == constant.Int || k.Value.Kind() == constant.Float:
		return constant.Sign(k.Value) == 0
	case k.Value.Kind() == constant.Bool:
		return !constant.BoolVal(k.Value)
	}
	return false
}

// setsOnlyIn reports whether blocks dominated by then set v, themselves or through a call (given v's object, or
// reaching the package variable itself), and whether the function stores v nowhere else.
func setsOnlyIn(then *ssa.BasicBlock, v *lazy) bool {
	set := false
	for _, b := range then.Parent().Blocks {
		inside := then.Dominates(b)
		for _, instr := range b.Instrs {
			hit := false
			switch in := instr.(type) {
			case *ssa.Store:
				hit = v.covers(in.Addr)
			case ssa.CallInstruction:
				hit = inside && !set && v.setBy(in.Common(), 2)
			}
			switch {
			case hit && inside:
				set = true
			case hit:
				return false // reset outside the guarded branch: initialised again on every call
			}
		}
	}
	return set
}

// covers reports whether storing to addr sets v: the variable itself, the field, or a field that holds it.
func (v *lazy) covers(addr ssa.Value) bool {
	if v.path == nil {
		return addr == v.root
	}
	root, path := fieldPath(addr)
	return sameRoot(root, v.root) && len(path) > 0 && len(path) <= len(v.path) && slices.Equal(path, v.path[:len(path)])
}

// sameRoot reports whether a and b are the same object: the same value, or pointers loaded from one package
// variable.
func sameRoot(a, b ssa.Value) bool {
	if a == b {
		return true
	}
	g := loadedGlobal(a)
	return g != nil && g == loadedGlobal(b)
}

// setBy reports whether a call sets v in the function it calls, depth calls deep: a package variable, or a field
// of one, wherever the callee reaches it; another object's field when the call is given the object.
func (v *lazy) setBy(cc *ssa.CallCommon, depth int) bool {
	callee := cc.StaticCallee()
	if callee == nil || callee.Blocks == nil || depth == 0 {
		return false
	}
	if v.shared() && v.setIn(callee, depth) {
		return true
	}
	for i, a := range cc.Args {
		if a == v.root && i < len(callee.Params) && (&lazy{root: callee.Params[i], path: v.path}).setIn(callee, depth) {
			return true
		}
	}
	return false
}

// setIn reports whether fn sets v, itself or through its calls, depth calls deep.
func (v *lazy) setIn(fn *ssa.Function, depth int) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch x := instr.(type) {
			case *ssa.Store:
				if v.covers(x.Addr) {
					return true
				}
			case ssa.CallInstruction:
				if v.setBy(x.Common(), depth-1) {
					return true
				}
			}
		}
	}
	return false
}
