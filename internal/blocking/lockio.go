package blocking

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
)

// A Reacher tells the classifier what a call reaches beyond the function it is in: the engines know the callees
// (the whole program's call graph; a package's own functions and its dependencies' facts).
type Reacher interface {
	// Wait returns the nearest wait that the callees of site reach, if any.
	Wait(site ssa.CallInstruction) (Wait, bool)
	// Unbounded returns the nearest operation reported as unbounded (Unbounded) that the callees of site reach,
	// the function a go statement starts included; it is true too when the callees cannot be known.
	Unbounded(site ssa.CallInstruction) (Wait, bool)
	// Endless is Unbounded without the operations that end on their own (Op.Finite): what keeps the goroutine a
	// go statement starts going, where Unbounded is what keeps whoever waits for it waiting.
	Endless(site ssa.CallInstruction) (Wait, bool)
	// Callees returns the functions a dynamic call (through an interface or a function value) can call, and true
	// when the engine knows them all and can look into each: none in the standard library or without a body.
	Callees(site ssa.CallInstruction) ([]*ssa.Function, bool)
}

// A Wait is an operation that waits on something the request does not control: I/O, a subprocess, a sleep,
// another goroutine. Blocking operations of the waiting kinds are waits, and so are the calls named by lockio
// rules, which wait even when they honour a context (a query with ctx still holds a lock for as long as it runs).
type Wait struct {
	Name string
	// Where is the file and line of the wait, "store.go:12".
	Where string
}

// waiting lists the analyzers whose operations wait.
var waiting = map[string]bool{"sleep": true, "nocancel": true, "syncdb": true, "clienttimeout": true, "chanwait": true}

// Waits returns the waits in fn, in instruction order. In dependencies (own is false) only calls count.
func (c *Classifier) Waits(fn *ssa.Function) []Wait {
	s := c.scan(fn)
	out := make([]Wait, 0, len(s.waits))
	for _, w := range s.waits {
		out = append(out, w.Wait)
	}
	return out
}

// CallWaits returns the waits in fn that are calls named by rules: what counts inside third-party code.
func (c *Classifier) CallWaits(fn *ssa.Function) []Wait {
	var out []Wait
	for _, w := range c.scan(fn).waits {
		if w.call {
			out = append(out, w.Wait)
		}
	}
	return out
}

// unbounded lists the kinds of operation that keep a goroutine going without bound: waits that ignore the
// request's context, work detached from it, and goroutines of its own that nothing bounds.
var unbounded = map[string]bool{"sleep": true, "nocancel": true, "syncdb": true, "clienttimeout": true, "chanwait": true,
	"ctxdetach": true, "gospawn": true}

// Unbounded returns fn's own operations of the unbounded kinds; in dependencies (own is false), only calls
// named by rules that wait on the world outside.
func (c *Classifier) Unbounded(fn *ssa.Function, own bool) []Wait {
	return c.unboundedOps(fn, own, false)
}

// Endless is Unbounded without the operations that end on their own (Op.Finite): what keeps a goroutine going.
func (c *Classifier) Endless(fn *ssa.Function, own bool) []Wait {
	return c.unboundedOps(fn, own, true)
}

func (c *Classifier) unboundedOps(fn *ssa.Function, own, endless bool) []Wait {
	var out []Wait
	for _, op := range c.scan(fn).ops {
		if unbounded[op.Analyzer] && !(endless && op.Finite) && (own || op.Call && op.Analyzer != "ctxdetach" && op.Analyzer != "chanwait") {
			out = append(out, Wait{op.Name, where(fn, op.Pos)})
		}
	}
	return out
}

type localWait struct {
	Wait
	instr ssa.Instruction
	call  bool
}

// where formats a position as "file.go:12".
func where(fn *ssa.Function, pos token.Pos) string {
	p := fn.Prog.Fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}

// lockMethods gives, for the sync methods that take or release a lock, whether they take it.
var lockMethods = map[string]bool{
	"(*sync.Mutex).Lock": true, "(*sync.RWMutex).Lock": true, "(*sync.RWMutex).RLock": true,
	"(*sync.Mutex).Unlock": false, "(*sync.RWMutex).Unlock": false, "(*sync.RWMutex).RUnlock": false,
}

type held struct {
	desc string
	pos  token.Pos
}

type heldSet map[any]held

// lockOps reports, for each section of fn that holds a lock shared across requests, the first wait in it: a
// wait of fn's own, or a call whose callees wait. A lock is held from Lock until an Unlock on every path (a
// deferred Unlock holds it to the end); it is shared unless the object it belongs to is made per request.
func (c *Classifier) lockOps(fn *ssa.Function, waits []localWait) []Op {
	if c.reach == nil && len(waits) == 0 {
		return nil
	}
	if !takesLock(fn) {
		return nil
	}
	at := map[ssa.Instruction]Wait{}
	for _, w := range waits {
		at[w.instr] = w.Wait
	}
	in := c.heldIn(fn)
	reported := map[token.Pos]bool{}
	var ops []Op
	for _, b := range fn.Blocks {
		h := in[b]
		for _, instr := range b.Instrs {
			h = c.transfer(fn, h, instr)
			if len(h) == 0 {
				continue
			}
			name, why := "", ""
			if w, ok := at[instr]; ok {
				name, why = w.Name, "runs while %s is held (locked at %s)"
			} else if call, ok := instr.(*ssa.Call); ok && c.reach != nil && !isSync(call.Common()) {
				if w, ok := c.reach.Wait(call); ok {
					name = "call of " + calleeShort(call.Common())
					why = "reaches " + w.Name + " (" + w.Where + ") while %s is held (locked at %s)"
				}
			}
			if name == "" {
				continue
			}
			for _, l := range sortedHeld(fn, h) {
				if reported[l.pos] {
					continue
				}
				reported[l.pos] = true
				ops = append(ops, Op{Analyzer: "lockio", Pos: instr.Pos(), Name: name,
					Why: fmt.Sprintf(why, l.desc, where(fn, l.pos)) + ": the lock is shared across requests, so every request that needs it queues behind this wait",
					Fix: "release the lock before the call: copy what the call needs under the lock, call without it, and lock again to store the result (or use singleflight so that only requests for the same key wait)"})
				break
			}
		}
	}
	return ops
}

func takesLock(fn *ssa.Function) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if call, ok := instr.(*ssa.Call); ok && lockMethods[flow.CalleeName(call.Common())] {
				return true
			}
		}
	}
	return false
}

func isSync(cc *ssa.CallCommon) bool {
	fn := cc.StaticCallee()
	return fn != nil && fn.Pkg != nil && (fn.Pkg.Pkg.Path() == "sync" || fn.Pkg.Pkg.Path() == "sync/atomic")
}

func calleeShort(cc *ssa.CallCommon) string {
	if cc.IsInvoke() {
		return cc.Method.Name()
	}
	if fn := cc.StaticCallee(); fn != nil {
		return shortName(flow.FuncName(fn))
	}
	return "a function value"
}

func sortedHeld(fn *ssa.Function, h heldSet) []held {
	out := make([]held, 0, len(h))
	for _, l := range h {
		out = append(out, l)
	}
	// The lock taken first is the one the section belongs to.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].pos < out[j-1].pos; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// heldIn computes the shared locks held on entry to each block on every path (a must analysis: the meet is
// intersection, so a lock released on one branch is not held where the branches join).
func (c *Classifier) heldIn(fn *ssa.Function) map[*ssa.BasicBlock]heldSet {
	in := map[*ssa.BasicBlock]heldSet{}
	out := map[*ssa.BasicBlock]heldSet{}
	for changed, round := true, 0; changed && round < 32; round++ {
		changed = false
		for _, b := range fn.Blocks {
			var h heldSet
			first := true
			for _, p := range b.Preds {
				o, ok := out[p]
				if !ok {
					continue // not yet visited: the top of the lattice
				}
				if first {
					h, first = clone(o), false
					continue
				}
				for k := range h {
					if _, ok := o[k]; !ok {
						delete(h, k)
					}
				}
			}
			in[b] = h
			cur := h
			for _, instr := range b.Instrs {
				cur = c.transfer(fn, cur, instr)
			}
			if old, ok := out[b]; !ok || !same(old, cur) {
				out[b] = cur
				changed = true
			}
		}
	}
	return in
}

func clone(h heldSet) heldSet {
	out := make(heldSet, len(h))
	for k, v := range h {
		out[k] = v
	}
	return out
}

func same(a, b heldSet) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

// transfer applies one instruction to the set of held locks, copying it when it changes.
func (c *Classifier) transfer(fn *ssa.Function, h heldSet, instr ssa.Instruction) heldSet {
	call, ok := instr.(*ssa.Call)
	if !ok {
		return h
	}
	takes, ok := lockMethods[flow.CalleeName(call.Common())]
	if !ok || len(call.Common().Args) == 0 {
		return h
	}
	mu := call.Common().Args[0]
	k := lockKey(mu)
	if k == nil {
		return h
	}
	if takes {
		if !c.shared(mu) {
			return h
		}
		h = clone(h)
		h[k] = held{desc: describe(mu), pos: call.Pos()}
		return h
	}
	if _, ok := h[k]; ok {
		h = clone(h)
		delete(h, k)
	}
	return h
}

type fieldLock struct {
	t     string
	field int
}

// lockKey identifies the mutex at address v: a package variable, or a field of a struct type.
func lockKey(v ssa.Value) any {
	switch v := v.(type) {
	case *ssa.Global:
		return v
	case *ssa.FieldAddr:
		return fieldLock{types.TypeString(v.X.Type(), nil), v.Field}
	case *ssa.Alloc:
		return v
	}
	return nil
}

// describe names the mutex at address v as the source does: "c.mu", "globalMu".
func describe(v ssa.Value) string {
	switch v := v.(type) {
	case *ssa.Global:
		return v.Name()
	case *ssa.FieldAddr:
		st := v.X.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
		return describe(v.X) + "." + st.Field(v.Field).Name()
	case *ssa.UnOp:
		return describe(v.X)
	case *ssa.Parameter:
		return v.Name()
	case *ssa.FreeVar:
		return v.Name()
	}
	return "the mutex"
}

// shared reports whether the mutex at address mu is shared across requests: a package variable, or a field of
// an object that is not made per request.
func (c *Classifier) shared(mu ssa.Value) bool {
	switch v := mu.(type) {
	case *ssa.Global:
		return true
	case *ssa.FieldAddr:
		return !c.perRequest(v.X)
	}
	return false
}

// perRequest reports whether the object v points to is made afresh each time the code runs: allocated here, by
// a constructor that allocates, or passed in by callers that all allocate it.
func (c *Classifier) perRequest(v ssa.Value) bool { return values.Decide(v, c.fresh) == values.Bad }

// fresh judges a value for perRequest. Decide's Bad is the all-of verdict ("every source is allocated afresh"),
// so a fresh allocation is Bad here; anything it cannot tell is Unknown.
func (c *Classifier) fresh(v ssa.Value) values.Step {
	switch v := v.(type) {
	case *ssa.Alloc:
		return values.Step{Verdict: values.Bad}
	case *ssa.FieldAddr:
		return values.Step{From: []ssa.Value{v.X}} // a struct embedded in one made per request
	case *ssa.FreeVar:
		if b := binding(v); b != nil {
			return values.Step{From: []ssa.Value{b}}
		}
	case *ssa.UnOp:
		if a, ok := v.X.(*ssa.Alloc); ok && v.Op == token.MUL {
			return values.Step{From: values.Stored(a)}
		}
	case *ssa.Call:
		if fn := v.Common().StaticCallee(); fn != nil && fn.Blocks != nil && fn.Pkg != nil && !c.idx.StdPkg(fn.Pkg.Pkg) {
			return values.Step{From: values.Returns(fn, 0)}
		}
	case *ssa.Parameter:
		return values.Step{From: values.Args(v, c.idx)}
	}
	return values.Step{}
}
