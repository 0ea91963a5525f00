package blocking

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
)

// spawnBounded reports whether the goroutine started by g is bounded: joined before fn returns (a WaitGroup or
// errgroup Wait, or a receive from a channel the goroutine is given), or started under a semaphore.
func spawnBounded(fn *ssa.Function, g *ssa.Go) bool {
	given := map[ssa.Value]bool{}
	for _, a := range g.Call.Args {
		given[a] = true
	}
	if mc, ok := g.Call.Value.(*ssa.MakeClosure); ok {
		for _, b := range mc.Bindings {
			given[b] = true
			// A captured variable is an Alloc; what it holds is stored into it.
			if a, ok := b.(*ssa.Alloc); ok {
				for _, v := range values.Stored(a) {
					given[v] = true
				}
			}
		}
	}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case ssa.CallInstruction:
				switch flow.CalleeName(in.Common()) {
				case "(*sync.WaitGroup).Wait", "(*golang.org/x/sync/errgroup.Group).Wait",
					"(*golang.org/x/sync/semaphore.Weighted).Acquire", "(*golang.org/x/sync/semaphore.Weighted).TryAcquire":
					return true
				}
			case *ssa.UnOp:
				if in.Op == token.ARROW && given[chanOf(in.X)] {
					return true
				}
			case *ssa.Select:
				for _, st := range in.States {
					if st.Dir == types.RecvOnly && given[chanOf(st.Chan)] {
						return true
					}
					// select { case sem <- struct{}{}: ... } before the go statement: a semaphore.
					if st.Dir == types.SendOnly && before(in, g) {
						return true
					}
				}
			case *ssa.Send:
				// sem <- struct{}{} before the go statement: a counting semaphore.
				if before(in, g) {
					return true
				}
			}
		}
	}
	return false
}

// before reports whether instruction a runs before g on every path to g.
func before(a ssa.Instruction, g *ssa.Go) bool {
	if a.Block() == g.Block() {
		return a.Pos() < g.Pos()
	}
	return a.Block().Dominates(g.Block())
}

// spawnTied reports whether the goroutine g starts is tied to the request or to the process through what its
// callers do, beyond spawnBounded's joins and semaphores:
//   - it selects on a context's Done and reaches nothing unbounded: it ends with the request (a producer whose
//     channel the caller drains);
//   - it selects on a channel it is given that fn closes in a defer, or that a stop function fn returns closes:
//     it stops when fn returns, or when its caller calls stop;
//   - it starts under a single-instance guard: a flag set with CompareAndSwap, or a flag fn checks and sets, or a
//     call fn makes refused with an error while an instance runs (startGuarded);
//   - it starts under a rate limit: a check of the time since a recorded time, which fn then records again;
//   - it is given a stream connection (rules: streams) that fn goes on using after the go statement: the reader
//     or writer of a connection the handler waits on, which ends when the connection does;
//   - it reaches nothing that waits (endsAlone): it ends on its own;
//   - it reaps a process (go cmd.Wait()): one per started process;
//   - it loops on a stream connection and returns when an operation on it fails (endsWithConn): the reader or
//     writer of a connection kept in a wrapper, which ends with the connection.
func (c *Classifier) spawnTied(fn *ssa.Function, g *ssa.Go) bool {
	body := g.Call.StaticCallee()
	given := givenTo(g)
	if c.endsAlone(g) || c.reaps(g.Common()) {
		return true // reaping a started process: one per process, collecting its exit status
	}
	if body != nil && body.Blocks != nil {
		if selectsOn(body, c.isDone) && c.reach != nil {
			if _, ok := c.reach.Endless(g); !ok {
				return true
			}
		}
		closed := deferClosed(fn)
		for ch := range returnedClosers(fn) {
			closed[ch] = true
		}
		if selectsOn(body, func(ch ssa.Value) bool { return closed[bindingOf(body, ch)] && given[bindingOf(body, ch)] }) {
			return true
		}
	}
	if guarded(fn, g) || c.startGuarded(g) || rateLimited(fn, g) || body != nil && body.Blocks != nil && (selfGuarded(body) || c.endsWithConn(body)) {
		return true
	}
	for v := range given {
		if c.streams[types.TypeString(v.Type(), nil)] && usedAfter(fn, v, g) {
			return true
		}
		if pipeRead(fn, v, g) {
			return true
		}
	}
	return false
}

// pipeRead reports whether v is the writing end of an io.Pipe whose reading end fn hands to a call after the go
// statement g (pr, pw := io.Pipe(); go func() { write(pw) }(); req, _ := http.NewRequestWithContext(ctx, m, u, pr)):
// the goroutine produces what that call consumes, and its writes fail once the reader is closed, as an HTTP
// client does with a request body, even on errors. It ends with the consumer, which is judged at its own call.
func pipeRead(fn *ssa.Function, v ssa.Value, g *ssa.Go) bool {
	w, ok := v.(*ssa.Extract)
	if !ok || w.Index != 1 {
		return false
	}
	pipe, ok := w.Tuple.(*ssa.Call)
	if !ok || flow.CalleeName(pipe.Common()) != "io.Pipe" {
		return false
	}
	for _, r := range *pipe.Referrers() {
		if rd, ok := r.(*ssa.Extract); ok && rd.Index == 0 && handedAfter(fn, rd, g) {
			return true
		}
	}
	return false
}

// handedAfter reports whether fn passes v, or an interface holding it, to a call that g's go statement precedes on
// every path to it.
func handedAfter(fn *ssa.Function, v ssa.Value, g *ssa.Go) bool {
	vals := []ssa.Value{v}
	for i := 0; i < len(vals) && i < 8; i++ {
		for _, r := range *vals[i].Referrers() {
			switch r := r.(type) {
			case *ssa.MakeInterface:
				vals = append(vals, r)
			case ssa.CallInstruction:
				if r.Parent() == fn && (r.Block() == g.Block() && r.Pos() > g.Pos() || r.Block() != g.Block() && g.Block().Dominates(r.Block())) {
					return true
				}
			}
		}
	}
	return false
}

// endsAlone reports whether the goroutine g starts reaches, through its callees, no operation that waits (I/O,
// a subprocess, a sleep, a channel or WaitGroup wait, a call named by rules) and nothing unbounded: work such as a
// map insert under a mutex or a local file write, which ends on its own however many requests start it. A
// goroutine whose callees cannot be known is not one.
func (c *Classifier) endsAlone(g *ssa.Go) bool {
	if c.reach == nil {
		return false
	}
	if _, ok := c.reach.Endless(g); ok {
		return false
	}
	if _, ok := c.reach.Wait(g); ok {
		return false
	}
	body := g.Call.StaticCallee()
	if body == nil || body.Blocks == nil {
		return false
	}
	return !c.waitsHere(body, 3, true, map[*ssa.Function]bool{})
}

// waitsHere reports whether fn, or a function it calls statically (depth calls deep), waits in a way the
// analyzers do not report on their own but that can keep a goroutine alive: a channel operation or select, a call
// rules name as keeping a goroutine waiting (goroutines.waits: a ticker, a WaitGroup or Cond wait; a delay that is
// not short), an operation on a stream connection (rules: streams), a call that a rule says waits even where no
// analyzer reports it (namedWait; not in a function literal fn only makes, such as a client's dialer, which runs
// elsewhere), a call in a loop whose callees wait, or, in the goroutine's own code and the functions it calls
// directly, a call whose targets are not known. What ends on its own (finite.go) does not count: a short fixed
// delay outside a loop, a signal sent on the process's own signal channel. A call through an interface or a
// function value whose targets the engine knows (Reacher.Callees) is followed into them.
func (c *Classifier) waitsHere(fn *ssa.Function, depth int, called bool, seen map[*ssa.Function]bool) bool {
	if seen[fn] {
		return false
	}
	seen[fn] = true
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case *ssa.Select:
				return true
			case *ssa.Send:
				if !c.signalChan(in.Chan) {
					return true
				}
			case *ssa.UnOp:
				if in.Op == token.ARROW && !c.finite(in, "sleep") {
					return true
				}
			case ssa.CallInstruction:
				cc := in.Common()
				if c.goWait(in, cc) || c.onStream(cc) || called && c.namedWait(in, cc) {
					return true
				}
				// A loop that calls something that waits, however briefly, keeps going.
				if c.reach != nil && inLoop(in.Block()) {
					if _, ok := c.reach.Wait(in); ok {
						return true
					}
				}
				// A call through an interface or a function value in the goroutine or a function it calls:
				// what it reaches may not be in the call graph (a value kept in an atomic.Pointer), so it may
				// wait, unless the engine knows every target. Error and String are taken to be plain, and so is
				// reading or closing the body of a response whose client call ends on its own (timedBody).
				if depth >= 2 && fn.Pkg != nil && (c.idx == nil || !c.idx.StdPkg(fn.Pkg.Pkg)) && dynamic(cc) && !c.timedBody(cc) {
					callees, ok := c.callees(in)
					if !ok {
						return true
					}
					for _, f := range callees {
						if depth > 0 && c.waitsHere(f, depth-1, called, seen) {
							return true
						}
					}
				}
				if f := cc.StaticCallee(); f != nil && f.Blocks != nil && depth > 0 && c.waitsHere(f, depth-1, called, seen) {
					return true
				}
			}
		}
	}
	for _, a := range fn.AnonFuncs {
		if c.waitsHere(a, depth, false, seen) {
			return true
		}
	}
	return false
}

// namedWait reports whether a rule of a waiting kind (or lockio's, which wait even with a context) names the call
// and it does not end on its own (finite.go). The analyzers may not report it, when what would make it unbounded
// is not known (a gorm handle or a request whose origin is unknown, for precision), but it waits all the same.
func (c *Classifier) namedWait(in ssa.CallInstruction, cc *ssa.CallCommon) bool {
	if c.reaps(cc) {
		return false // reaping a started process: judged at its Start
	}
	for _, r := range c.byFunc[flow.CalleeName(cc)] {
		if waiting[r.Analyzer] || r.Analyzer == "lockio" {
			return !c.finite(in, r.Analyzer)
		}
	}
	return false
}

// callees returns the targets of a dynamic call when the engine knows them all (Reacher.Callees).
func (c *Classifier) callees(site ssa.CallInstruction) ([]*ssa.Function, bool) {
	if c.reach == nil {
		return nil, false
	}
	return c.reach.Callees(site)
}

// dynamic reports whether cc calls through an interface or a function value, other than Error and String, and
// the methods of sync.Locker: taking a lock through the interface is taking it, as with a sync.Mutex.
func dynamic(cc *ssa.CallCommon) bool {
	if cc.IsInvoke() {
		return cc.Method.Name() != "Error" && cc.Method.Name() != "String" && types.TypeString(cc.Value.Type(), nil) != "sync.Locker"
	}
	switch cc.Value.(type) {
	case *ssa.Function, *ssa.MakeClosure, *ssa.Builtin:
		return false
	}
	return true
}

// givenTo returns the values a go statement hands its goroutine: arguments and captured variables, and what the
// captured variables hold.
func givenTo(g *ssa.Go) map[ssa.Value]bool {
	given := map[ssa.Value]bool{}
	closures := []ssa.Value{g.Call.Value}
	for _, a := range g.Call.Args {
		given[a] = true
		closures = append(closures, a) // go run(func() { defer wg.Done(); ... })
	}
	for _, c := range closures {
		mc, ok := c.(*ssa.MakeClosure)
		if !ok {
			continue
		}
		for _, b := range mc.Bindings {
			given[b] = true
			if a, ok := b.(*ssa.Alloc); ok {
				for _, v := range values.Stored(a) {
					given[v] = true
				}
			}
		}
	}
	return given
}

// bindingOf resolves a channel in a goroutine's body to the value its creator bound: a free variable to the
// closure's binding (a captured variable's stored value), a parameter stays itself.
func bindingOf(body *ssa.Function, ch ssa.Value) ssa.Value {
	if u, ok := ch.(*ssa.UnOp); ok && u.Op == token.MUL {
		ch = u.X
	}
	fv, ok := ch.(*ssa.FreeVar)
	if !ok || fv.Parent() != body {
		return ch
	}
	b := binding(fv)
	if a, ok := b.(*ssa.Alloc); ok {
		return chanOf(&ssa.UnOp{Op: token.MUL, X: a})
	}
	return b
}

// selectsOn reports whether fn has a select with a receive case on a channel that ok accepts.
func selectsOn(fn *ssa.Function, ok func(ssa.Value) bool) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if sel, isSel := instr.(*ssa.Select); isSel {
				for _, st := range sel.States {
					if st.Dir == types.RecvOnly && ok(st.Chan) {
						return true
					}
				}
			}
		}
	}
	return false
}

// deferClosed returns the channels fn closes in a defer (defer close(stop)).
func deferClosed(fn *ssa.Function) map[ssa.Value]bool {
	out := map[ssa.Value]bool{}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if d, ok := instr.(*ssa.Defer); ok {
				if bi, ok := d.Call.Value.(*ssa.Builtin); ok && bi.Name() == "close" && len(d.Call.Args) == 1 {
					out[chanOf(d.Call.Args[0])] = true
				}
			}
		}
	}
	return out
}

// returnedClosers returns the channels that a function literal fn returns closes: a stop function, which the
// caller calls when it is done (stop := start(); defer stop()), as it would a context's cancel.
func returnedClosers(fn *ssa.Function) map[ssa.Value]bool {
	out := map[ssa.Value]bool{}
	for _, b := range fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		for _, r := range ret.Results {
			mc, ok := r.(*ssa.MakeClosure)
			if !ok {
				continue
			}
			lit := mc.Fn.(*ssa.Function)
			for _, lb := range lit.Blocks {
				for _, instr := range lb.Instrs {
					call, ok := instr.(*ssa.Call)
					if !ok {
						continue
					}
					if bi, ok := call.Call.Value.(*ssa.Builtin); ok && bi.Name() == "close" && len(call.Call.Args) == 1 {
						out[chanOf(bindingOf(lit, call.Call.Args[0]))] = true
					}
				}
			}
		}
	}
	return out
}

// guarded reports whether g runs only under a single-instance guard: a dominating branch on a CompareAndSwap, or
// on a boolean flag (a field or package variable) that fn sets to true.
func guarded(fn *ssa.Function, g *ssa.Go) bool {
	for d := g.Block().Idom(); d != nil; d = d.Idom() {
		ifi, ok := d.Instrs[len(d.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		cond := ifi.Cond
		if u, ok := cond.(*ssa.UnOp); ok && u.Op == token.NOT {
			cond = u.X
		}
		switch v := cond.(type) {
		case *ssa.Call:
			if strings.Contains(flow.CalleeName(v.Common()), "CompareAndSwap") {
				return true
			}
		case *ssa.UnOp:
			if k := lockKey(v.X); k != nil && v.Op == token.MUL && setsTrue(fn, k) {
				return true
			}
		}
	}
	return false
}

// rateLimited reports whether g runs only under a rate limit: a dominating branch on the time elapsed since
// something (time.Since(last) < interval, t.Before(...)), and fn records the time after the go statement, itself
// or through a function it calls (sess.MarkForceRefreshed()). Then at most one goroutine starts per interval.
func rateLimited(fn *ssa.Function, g *ssa.Go) bool {
	checked := false
	for d := g.Block().Idom(); d != nil && !checked; d = d.Idom() {
		if ifi, ok := d.Instrs[len(d.Instrs)-1].(*ssa.If); ok {
			checked = elapsed(ifi.Cond)
		}
	}
	if !checked {
		return false
	}
	for _, b := range fn.Blocks {
		if b != g.Block() && !g.Block().Dominates(b) {
			continue
		}
		for _, instr := range b.Instrs {
			call, ok := instr.(*ssa.Call)
			if !ok || b == g.Block() && call.Pos() < g.Pos() {
				continue
			}
			if callsNow(call.Common()) {
				return true
			}
			if callee := call.Common().StaticCallee(); callee != nil && callee.Blocks != nil {
				for _, cb := range callee.Blocks {
					for _, in := range cb.Instrs {
						if c, ok := in.(*ssa.Call); ok && callsNow(c.Common()) {
							return true
						}
					}
				}
			}
		}
	}
	return false
}

func callsNow(cc *ssa.CallCommon) bool { return flow.CalleeName(cc) == "time.Now" }

// elapsed reports whether a condition compares the time elapsed since (or until) a time.
func elapsed(cond ssa.Value) bool {
	if u, ok := cond.(*ssa.UnOp); ok && u.Op == token.NOT {
		cond = u.X
	}
	isElapsed := func(v ssa.Value) bool {
		call, ok := v.(*ssa.Call)
		if !ok {
			return false
		}
		switch flow.CalleeName(call.Common()) {
		case "time.Since", "time.Until", "(time.Time).Sub":
			return true
		}
		return false
	}
	switch c := cond.(type) {
	case *ssa.BinOp:
		switch c.Op {
		case token.LSS, token.LEQ, token.GTR, token.GEQ:
			return isElapsed(c.X) || isElapsed(c.Y)
		}
	case *ssa.Call:
		switch flow.CalleeName(c.Common()) {
		case "(time.Time).Before", "(time.Time).After":
			return true
		}
	}
	return false
}

// selfGuarded reports whether a goroutine's function starts with a single-instance guard of its own: it returns
// at once when a flag (a field or package variable) is set, and it sets that flag, itself or through a function it
// calls (func Run(a int) { mu.Lock(); if status[a].Running { mu.Unlock(); return }; setRunning(a, true); ... }).
func selfGuarded(body *ssa.Function) bool {
	for _, b := range body.Blocks {
		ifi, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		k := flagKey(ifi.Cond)
		if k == nil || !returnsAt(b.Succs[0]) {
			continue
		}
		if storesFlag(body, k) {
			return true
		}
		for _, cb := range body.Blocks {
			for _, instr := range cb.Instrs {
				if call, ok := instr.(*ssa.Call); ok {
					if callee := call.Common().StaticCallee(); callee != nil && callee.Blocks != nil && storesFlag(callee, k) {
						return true
					}
				}
			}
		}
	}
	return false
}

// returnsAt reports whether b returns, after calls to sync only (an Unlock).
func returnsAt(b *ssa.BasicBlock) bool {
	for _, instr := range b.Instrs {
		switch in := instr.(type) {
		case *ssa.Return:
			return true
		case *ssa.Call:
			if !isSync(in.Common()) {
				return false
			}
		case *ssa.Jump:
			return len(b.Succs) == 1 && returnsAt(b.Succs[0])
		}
	}
	return false
}

// flagKey identifies the flag a condition reads: a boolean field or package variable (s.running), or a field of
// the values of a package-level map (status[a].Running), by the map.
func flagKey(cond ssa.Value) any {
	switch v := cond.(type) {
	case *ssa.UnOp:
		if v.Op == token.MUL {
			return lockKey(v.X)
		}
	case *ssa.Field:
		if l, ok := v.X.(*ssa.Lookup); ok {
			return mapGlobal(l.X)
		}
	case *ssa.Lookup:
		return mapGlobal(v.X)
	}
	return nil
}

func mapGlobal(m ssa.Value) any {
	if g := loadedGlobal(m); g != nil {
		return g
	}
	return nil
}

// storesFlag reports whether fn stores into the flag k.
func storesFlag(fn *ssa.Function, k any) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case *ssa.Store:
				if lockKey(in.Addr) == k {
					return true
				}
			case *ssa.MapUpdate:
				if g := mapGlobal(in.Map); g != nil && g == k {
					return true
				}
			}
		}
	}
	return false
}

// setsTrue reports whether fn stores the constant true into the flag k.
func setsTrue(fn *ssa.Function, k any) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			s, ok := instr.(*ssa.Store)
			if !ok || lockKey(s.Addr) != k {
				continue
			}
			if c, ok := s.Val.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() == constant.Bool && constant.BoolVal(c.Value) {
				return true
			}
		}
	}
	return false
}

// usedAfter reports whether fn uses v in a call after the go statement g, directly or loaded from a variable it
// is stored in (a variable the goroutine captures).
func usedAfter(fn *ssa.Function, v ssa.Value, g *ssa.Go) bool {
	vals := []ssa.Value{v}
	for _, r := range *v.Referrers() {
		if s, ok := r.(*ssa.Store); ok {
			if a, ok := s.Addr.(*ssa.Alloc); ok {
				for _, rr := range *a.Referrers() {
					if u, ok := rr.(*ssa.UnOp); ok && u.Op == token.MUL {
						vals = append(vals, u)
					}
				}
			}
		}
	}
	for _, v := range vals {
		for _, r := range *v.Referrers() {
			call, ok := r.(*ssa.Call)
			if !ok || call.Parent() != fn {
				continue
			}
			if call.Block() == g.Block() && call.Pos() > g.Pos() || call.Block() != g.Block() && g.Block().Dominates(call.Block()) {
				return true
			}
		}
	}
	return false
}

// endsWithConn reports whether every loop in fn performs an operation on a stream connection (rules: streams)
// whose error makes fn leave the loop: the reader or writer of one connection, which ends when the connection
// closes or fails (for { if _, _, err := c.conn.NextReader(); err != nil { return } }). A loop that ignores the
// errors, or one that goes on without touching the connection, keeps the goroutine alive after the peer is gone.
func (c *Classifier) endsWithConn(fn *ssa.Function) bool {
	exits := map[*ssa.BasicBlock]bool{}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if call, ok := instr.(*ssa.Call); ok && c.onStream(call.Common()) && leavesOnError(call) {
				exits[b] = true
			}
		}
	}
	if len(exits) == 0 {
		return false
	}
	looped := false
	for b := range exits {
		if reaches(b.Succs, b, nil) {
			looped = true
		}
	}
	// With the blocks that leave on a connection error taken out, no loop is left.
	for _, b := range fn.Blocks {
		if !exits[b] && reaches(b.Succs, b, exits) {
			return false
		}
	}
	return looped
}

// onStream reports whether a call operates on a stream connection: its receiver or one of its arguments is one
// (conn.WriteMessage(...), writeJSON(conn, v)).
func (c *Classifier) onStream(cc *ssa.CallCommon) bool {
	if cc.IsInvoke() && c.streams[c.typeString(cc.Value.Type())] {
		return true
	}
	for _, a := range cc.Args {
		if c.streams[c.typeString(a.Type())] {
			return true
		}
	}
	return false
}

// leavesOnError reports whether the error a call returns (its last result) is tested against nil and the branch
// taken on an error does not come back to the call.
func leavesOnError(call *ssa.Call) bool {
	var errv ssa.Value = call
	if t, ok := call.Type().(*types.Tuple); ok {
		if t.Len() == 0 {
			return false
		}
		errv = nil
		for _, r := range *call.Referrers() {
			if e, ok := r.(*ssa.Extract); ok && e.Index == t.Len()-1 {
				errv = e
			}
		}
		if errv == nil {
			return false
		}
	}
	if !types.Identical(errv.Type(), types.Universe.Lookup("error").Type()) {
		return false
	}
	for _, r := range *errv.Referrers() {
		cmp, ok := r.(*ssa.BinOp)
		if !ok || cmp.Op != token.NEQ && cmp.Op != token.EQL || !isNil(cmp.X) && !isNil(cmp.Y) {
			continue
		}
		for _, rr := range *cmp.Referrers() {
			ifi, ok := rr.(*ssa.If)
			if !ok {
				continue
			}
			failed := ifi.Block().Succs[0]
			if cmp.Op == token.EQL {
				failed = ifi.Block().Succs[1]
			}
			if !reaches([]*ssa.BasicBlock{failed}, call.Block(), nil) {
				return true
			}
		}
	}
	return false
}

// reaches reports whether a path from the blocks from, avoiding the blocks in skip, arrives at to.
func reaches(from []*ssa.BasicBlock, to *ssa.BasicBlock, skip map[*ssa.BasicBlock]bool) bool {
	seen := map[*ssa.BasicBlock]bool{}
	stack := slices.Clone(from)
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if b == to {
			return true
		}
		if seen[b] || skip[b] {
			continue
		}
		seen[b] = true
		stack = append(stack, b.Succs...)
	}
	return false
}

// GivenFuncs maps the parameters of fn that a call gives a function literal or a named function to that function: a goroutine started through a wrapper (go safely(func() { ... })) runs that function where
// the wrapper calls the parameter, whatever other callers give it. The engines judge such a call by it.
func GivenFuncs(cc *ssa.CallCommon, fn *ssa.Function) map[*ssa.Parameter]*ssa.Function {
	if cc.IsInvoke() || len(cc.Args) != len(fn.Params) {
		return nil
	}
	var out map[*ssa.Parameter]*ssa.Function
	for i, a := range cc.Args {
		var f *ssa.Function
		switch a := a.(type) {
		case *ssa.MakeClosure:
			f, _ = a.Fn.(*ssa.Function)
		case *ssa.Function:
			f = a
		}
		if f == nil {
			continue
		}
		if out == nil {
			out = map[*ssa.Parameter]*ssa.Function{}
		}
		out[fn.Params[i]] = f
	}
	return out
}
