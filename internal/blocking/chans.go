package blocking

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
)

// isDone reports whether ch is a context's (or similar) Done channel: the result of a Done() method call, or a
// receive-only struct{} channel passed in from elsewhere, which cannot be judged. The Done of a detached type
// (*gin.Context) never fires, so it is no such channel.
func (c *Classifier) isDone(ch ssa.Value) bool {
	return values.Decide(ch, c.doneJudge) == values.Good
}

// doneJudge judges a channel Good when it is a request context's Done (or a receive-only chan struct{} passed in,
// the shape of a Done handed down) and steps through phis; anything else is Bad.
func (c *Classifier) doneJudge(ch ssa.Value) values.Step {
	switch v := ch.(type) {
	case *ssa.Call:
		if c.detachedDone(v.Common(), v.Parent().Prog) {
			return values.Step{Verdict: values.Bad}
		}
		// Only a context's Done: a report's or a job's Done channel is just another channel to wait on.
		cc := v.Common()
		if cc.IsInvoke() {
			return verdict(cc.Method.Name() == "Done" && implementsContext(cc.Value.Type()))
		}
		if fn := cc.StaticCallee(); fn != nil && fn.Name() == "Done" && fn.Signature.Recv() != nil {
			return verdict(implementsContext(fn.Signature.Recv().Type()))
		}
	case *ssa.Phi:
		return values.Step{From: v.Edges}
	case *ssa.Parameter, *ssa.FreeVar:
		if c, ok := v.Type().Underlying().(*types.Chan); ok && c.Dir() == types.RecvOnly && isEmptyStruct(c.Elem()) {
			return values.Step{Verdict: values.Good}
		}
	}
	return values.Step{Verdict: values.Bad}
}

func verdict(good bool) values.Step {
	if good {
		return values.Step{Verdict: values.Good}
	}
	return values.Step{Verdict: values.Bad}
}

func isEmptyStruct(t types.Type) bool {
	s, ok := t.Underlying().(*types.Struct)
	return ok && s.NumFields() == 0
}

// implementsContext reports whether values of type t are contexts.
func implementsContext(t types.Type) bool {
	if types.TypeString(t, nil) == "context.Context" {
		return true
	}
	ms := types.NewMethodSet(t)
	for _, name := range []string{"Deadline", "Done", "Err", "Value"} {
		if ms.Lookup(nil, name) == nil {
			return false
		}
	}
	return true
}

// releases reports whether a receive from ch gives back a semaphore slot: the function, or one enclosing it (a
// deferred release closure), sends on the same channel, or the channel is a field or package variable that only
// ever holds buffered channels (a semaphore released by a method of its own). That receive cannot block, and
// making it give up on ctx.Done() would leak the slot.
func (c *Classifier) releases(fn *ssa.Function, ch ssa.Value) bool {
	// Semaphores carry no data: chan struct{}.
	if t, ok := ch.Type().Underlying().(*types.Chan); !ok || !isEmptyStruct(t.Elem()) {
		return false
	}
	k := chanKey(ch)
	if k == nil {
		return false
	}
	if c.semaphoreVar(ch) {
		return true
	}
	for f := fn; f != nil; f = f.Parent() {
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case *ssa.Send:
					if chanKey(in.Chan) == k {
						return true
					}
				case *ssa.Select:
					for _, st := range in.States {
						if st.Dir == types.SendOnly && chanKey(st.Chan) == k {
							return true
						}
					}
				}
			}
		}
	}
	return false
}

// queued reports whether a send on ch hands work to a queue: ch is loaded from a struct field or package variable
// into which only buffered channels are stored, and a worker somewhere in the program drains it (drains). Such a
// send waits only when the worker falls a whole buffer behind: the backpressure the queue was sized for, not a
// request waiting on nobody.
func (c *Classifier) queued(ch ssa.Value) bool {
	// A semaphore carries no data (chan struct{}): acquiring a slot waits on the other holders, and stays reported.
	if t, ok := ch.Type().Underlying().(*types.Chan); !ok || isEmptyStruct(t.Elem()) || !c.semaphoreVar(ch) {
		return false
	}
	return slices.ContainsFunc(c.idx.Receives(ch), drains)
}

// drains reports whether a receive is a worker's loop that waits on nothing else and leaves only when the channel
// is closed: for job := range q, or for { job := <-q }. A consumer that can stop while the queue is in use (a
// select that also returns on an error, a timer or another channel, a loop that returns when a job fails) leaves
// its senders waiting: gotify's per-connection writer, which a stuck client stops.
func drains(r ssa.Instruction) bool {
	if _, ok := r.(*ssa.UnOp); !ok {
		return false
	}
	b := r.Block()
	loop := cycle(b)
	if !loop[b] {
		return false
	}
	for blk := range loop {
		if blk == b {
			continue // the receive's own block leaves when the channel is closed
		}
		for _, s := range blk.Succs {
			if !loop[s] {
				return false
			}
		}
	}
	return true
}

// cycle returns the blocks on the cycles through b: those reachable from b that reach b.
func cycle(b *ssa.BasicBlock) map[*ssa.BasicBlock]bool {
	walk := func(next func(*ssa.BasicBlock) []*ssa.BasicBlock) map[*ssa.BasicBlock]bool {
		seen := map[*ssa.BasicBlock]bool{}
		stack := slices.Clone(next(b))
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if !seen[x] {
				seen[x] = true
				stack = append(stack, next(x)...)
			}
		}
		return seen
	}
	from := walk(func(x *ssa.BasicBlock) []*ssa.BasicBlock { return x.Succs })
	to := walk(func(x *ssa.BasicBlock) []*ssa.BasicBlock { return x.Preds })
	loop := map[*ssa.BasicBlock]bool{}
	for x := range from {
		if to[x] {
			loop[x] = true
		}
	}
	return loop
}

// semaphoreVar reports whether ch is loaded from a field or package variable into which only buffered channels
// are stored.
func (c *Classifier) semaphoreVar(ch ssa.Value) bool {
	u, ok := ch.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return false
	}
	var stored []ssa.Value
	switch a := u.X.(type) {
	case *ssa.FieldAddr:
		stored = c.idx.FieldStores(a.X.Type(), a.Field)
	case *ssa.Global:
		stored = c.idx.GlobalStores(a)
	}
	if len(stored) == 0 {
		return false
	}
	for _, v := range stored {
		mc, ok := v.(*ssa.MakeChan)
		if !ok || !bufferedLocal(mc) {
			return false
		}
	}
	return true
}

type fieldChan struct {
	t     string
	field int
}

// chanKey identifies the variable a channel is read from: a package variable, a struct field (by type), a local
// variable (through the closures that capture it), or the value itself.
func chanKey(v ssa.Value) any {
	switch x := v.(type) {
	case *ssa.UnOp:
		if x.Op != token.MUL {
			return nil
		}
		switch a := x.X.(type) {
		case *ssa.Global:
			return a
		case *ssa.FieldAddr:
			return fieldChan{types.TypeString(a.X.Type(), nil), a.Field}
		case *ssa.Alloc:
			return a
		case *ssa.FreeVar:
			return captured(a)
		}
	case *ssa.FreeVar:
		return captured(x)
	case *ssa.MakeChan, *ssa.Parameter:
		return x
	}
	return nil
}

// captured resolves a closure's free variable to what its one enclosing MakeClosure binds.
func captured(fv *ssa.FreeVar) any {
	fn := fv.Parent()
	i := slices.Index(fn.FreeVars, fv)
	parent := fn.Parent()
	if parent == nil || i < 0 {
		return nil
	}
	for _, b := range parent.Blocks {
		for _, instr := range b.Instrs {
			if mc, ok := instr.(*ssa.MakeClosure); ok && mc.Fn == fn && i < len(mc.Bindings) {
				if a, ok := mc.Bindings[i].(*ssa.Alloc); ok {
					return a
				}
				return chanKey(mc.Bindings[i])
			}
		}
	}
	return nil
}

// timer names the timer a channel belongs to, or returns "".
func timer(ch ssa.Value) string {
	switch v := ch.(type) {
	case *ssa.Call:
		switch flow.CalleeName(v.Common()) {
		case "time.After":
			return "time.After"
		case "time.Tick":
			return "time.Tick"
		}
	case *ssa.UnOp:
		if fa, ok := v.X.(*ssa.FieldAddr); ok && v.Op == token.MUL {
			switch types.TypeString(fa.X.Type(), nil) {
			case "*time.Timer":
				return "a time.Timer"
			case "*time.Ticker":
				return "a time.Ticker"
			}
		}
	}
	return ""
}

// bufferedLocal reports whether ch is a buffered channel made in the same function, whose sends the function
// itself sized for.
func bufferedLocal(ch ssa.Value) bool {
	mc, ok := chanOf(ch).(*ssa.MakeChan)
	if !ok {
		return false
	}
	k, ok := mc.Size.(*ssa.Const)
	return !ok || k.Value == nil || constant.Sign(k.Value) > 0
}

// resultSend reports whether a send in a closure hands over its one result on a buffered channel that the
// function making the closure made (errs := make(chan error, n); go func() { errs <- check(ctx) }()): the maker
// sized the channel for its closures' results, as for its own sends (bufferedLocal). A send in a loop of the
// closure is not one result: it fills the buffer and then waits.
func resultSend(s *ssa.Send) bool {
	// A semaphore's acquire waits on the other holders (queued); and only a goroutine's closure hands back a
	// result: a handler closure (a middleware's) runs once per request on the same channel.
	if t, ok := s.Chan.Type().Underlying().(*types.Chan); !ok || isEmptyStruct(t.Elem()) || !started(s.Parent()) {
		return false
	}
	ch, outer := s.Chan, false
	for range maxCapture {
		// A captured variable is a free variable holding its address (*fv), or the value itself.
		fv, ok := ch.(*ssa.FreeVar)
		if u, isLoad := ch.(*ssa.UnOp); isLoad && u.Op == token.MUL {
			fv, ok = u.X.(*ssa.FreeVar)
		}
		if !ok {
			break
		}
		b := binding(fv)
		if a, isAlloc := b.(*ssa.Alloc); isAlloc {
			stored := values.Stored(a)
			if len(stored) != 1 {
				return false // assigned more than once: which channel is sent on cannot be told
			}
			b = stored[0]
		}
		if b == nil {
			return false
		}
		ch, outer = b, true
	}
	if !outer || !bufferedLocal(ch) {
		return false
	}
	return !cycle(s.Block())[s.Block()]
}

// started reports whether the closure fn is started by a go statement of the function that makes it
// (go func() { ... }(), or save := func(k string) { ... }; go save(k)).
func started(fn *ssa.Function) bool {
	parent := fn.Parent()
	if parent == nil {
		return false
	}
	for _, b := range parent.Blocks {
		for _, instr := range b.Instrs {
			if g, ok := instr.(*ssa.Go); ok {
				if mc, ok := g.Call.Value.(*ssa.MakeClosure); ok && mc.Fn == fn {
					return true
				}
			}
		}
	}
	return false
}

// maxCapture bounds the closures walked out through, a closure inside a closure inside the maker.
const maxCapture = 4

// chanOf returns the channel a value holds: what was stored in the local variable it is loaded from.
func chanOf(v ssa.Value) ssa.Value { return values.Local(v) }

// producedBounded reports whether a receive from ch waits only on goroutines that end by themselves: ch is made
// here or returned by a function that makes it, every goroutine given it reaches nothing unbounded, and, for a
// receive that tests for a closed channel (a range), one of them closes it.
func (c *Classifier) producedBounded(ch ssa.Value, commaOk bool) bool {
	if commaOk && closedByMaker(ch) {
		return true
	}
	if c.reach == nil {
		return false
	}
	mc, ok := chanOf(ch).(*ssa.MakeChan)
	if !ok {
		call, isCall := ch.(*ssa.Call)
		if !isCall {
			return false
		}
		callee := call.Common().StaticCallee()
		if callee == nil || callee.Blocks == nil || callee.Pkg == nil || c.idx.StdPkg(callee.Pkg.Pkg) {
			return false
		}
		rets := values.Returns(callee, 0)
		if len(rets) != 1 || callee.Signature.Results().Len() != 1 {
			return false
		}
		ret := chanOf(rets[0])
		if through := values.Through(ret); len(through) == 1 {
			ret = chanOf(through[0]) // the conversion to a receive-only channel
		}
		if mc, ok = ret.(*ssa.MakeChan); !ok {
			return false
		}
	}
	return c.producersBounded(mc, commaOk)
}

// closedByMaker reports whether ch, received from in a closure (a worker ranging over its jobs), is a channel that
// the function making it closes itself (close(jobs) after queueing them): the range ends when it does.
func closedByMaker(ch ssa.Value) bool {
	fv, ok := ch.(*ssa.FreeVar)
	if !ok {
		if u, isLoad := ch.(*ssa.UnOp); isLoad && u.Op == token.MUL {
			fv, ok = u.X.(*ssa.FreeVar)
		}
	}
	if !ok {
		return false
	}
	mc, ok := bindingOf(fv.Parent(), ch).(*ssa.MakeChan)
	if !ok {
		return false
	}
	for _, b := range mc.Parent().Blocks {
		for _, instr := range b.Instrs {
			if call, ok := instr.(*ssa.Call); ok {
				if bi, ok := call.Common().Value.(*ssa.Builtin); ok && bi.Name() == "close" && len(call.Common().Args) == 1 && chanOf(call.Common().Args[0]) == mc {
					return true
				}
			}
		}
	}
	return false
}

func (c *Classifier) producersBounded(mc *ssa.MakeChan, commaOk bool) bool {
	fn := mc.Parent()
	producers, closes := 0, !commaOk
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			g, ok := instr.(*ssa.Go)
			if !ok || !givenTo(g)[mc] {
				continue
			}
			if _, ok := c.reach.Unbounded(g); ok {
				return false
			}
			producers++
			if body := g.Call.StaticCallee(); body != nil && closesChan(body) {
				closes = true
			}
		}
	}
	return producers > 0 && closes
}

func closesChan(fn *ssa.Function) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if call, ok := instr.(ssa.CallInstruction); ok {
				if bi, ok := call.Common().Value.(*ssa.Builtin); ok && bi.Name() == "close" {
					return true
				}
			}
		}
	}
	return false
}

// joinedBounded reports whether a WaitGroup.Wait joins goroutines that all end by themselves: the WaitGroup is a
// local variable, and every goroutine started here that is given it reaches nothing unbounded.
func (c *Classifier) joinedBounded(fn *ssa.Function, cc *ssa.CallCommon) bool {
	if c.reach == nil || len(cc.Args) == 0 {
		return false
	}
	wg, ok := cc.Args[0].(*ssa.Alloc)
	if !ok {
		return false
	}
	joined := 0
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case *ssa.Go:
				if !givenTo(in)[wg] {
					continue
				}
				if _, ok := c.reach.Unbounded(in); ok {
					return false
				}
				joined++
			case *ssa.Call:
				// wg.Go(f) (Go 1.25).
				if flow.CalleeName(in.Common()) == "(*sync.WaitGroup).Go" && len(in.Common().Args) == 2 && in.Common().Args[0] == wg {
					if _, ok := c.reach.Unbounded(in); ok {
						return false
					}
					joined++
				}
			}
		}
	}
	return joined > 0
}
