// Package blocking classifies SSA instructions as operations that block a request without bound: calls named by
// the rule catalog, channel operations and selects that do not watch a context, timer waits, and go statements
// that nothing bounds. Both engines use it: the whole-program engine on every function a handler reaches, the
// modular engine on each package's functions.
package blocking

import (
	"go/constant"
	"go/token"
	"go/types"
	"net"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/rules"
)

// An Op is one blocking operation.
type Op struct {
	Analyzer string
	// Pos is where the finding stands: the call that waits, the channel operation, the go statement, or where a
	// server without timeouts is made.
	Pos token.Pos
	// Name names the operation: "time.Sleep", "(*database/sql.DB).Query", "channel receive".
	Name string
	Why  string
	Fix  string
	// Edit, when set, is a suggested fix.
	Edit *Edit
	// Call is true for operations that are calls named by a rule; only these are reported when they occur inside
	// a dependency, since a dependency's own channels and goroutines are its business.
	Call bool
}

// An Edit rewrites the call expression whose opening parenthesis is at Lparen, by a rules.Call.Edit template.
// Fn is the function whose context the template's {ctx} refers to.
type Edit struct {
	Lparen   token.Pos
	Template string
	Fn       *ssa.Function
}

// Classifier classifies the instructions of functions by a catalog.
type Classifier struct {
	idx    *flow.Index
	byFunc map[string][]*rules.Call
	cache  map[*ssa.Function][]Op
	det    *detachedTypes
}

// NewClassifier returns a classifier for the catalog; idx is used to trace values across functions (clients stored
// in fields, contexts passed as parameters).
func NewClassifier(cat *rules.Catalog, idx *flow.Index) *Classifier {
	c := &Classifier{idx: idx, byFunc: map[string][]*rules.Call{}, cache: map[*ssa.Function][]Op{}, det: newDetachedTypes(cat, idx)}
	for i := range cat.Blocking {
		r := &cat.Blocking[i]
		c.byFunc[r.Func] = append(c.byFunc[r.Func], r)
	}
	return c
}

// Here describes an operation at its own position, for the last step of a path: "time.Sleep blocks here".
func Here(analyzer, name string) string {
	if analyzer == "ctxdetach" {
		return name + " detaches from the request here"
	}
	return name + " blocks here"
}

// Named reports whether a rule names the target of the call.
func (c *Classifier) Named(cc *ssa.CallCommon) bool {
	return len(c.byFunc[flow.CalleeName(cc)]) > 0
}

// Ops returns the blocking operations in fn, in instruction order. Results are cached.
func (c *Classifier) Ops(fn *ssa.Function) []Op {
	if ops, ok := c.cache[fn]; ok {
		return ops
	}
	var ops []Op
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			ops = c.instr(fn, instr, ops)
		}
	}
	c.cache[fn] = ops
	return ops
}

func (c *Classifier) instr(fn *ssa.Function, instr ssa.Instruction, ops []Op) []Op {
	switch in := instr.(type) {
	case *ssa.Go:
		// go srv.ListenAndServe(): the server is made without timeouts whichever goroutine serves it.
		for _, r := range c.byFunc[flow.CalleeName(in.Common())] {
			if r.Check == "server-timeout" {
				if op, ok := c.call(fn, in, in.Common(), r); ok {
					ops = append(ops, op)
				}
			}
		}
		if !spawnBounded(fn, in) {
			ops = append(ops, Op{Analyzer: "gospawn", Pos: in.Pos(), Name: "go statement",
				Why: "starts a goroutine for each request that nothing waits for or bounds: under load they pile up without limit and outlive the request",
				Fix: "hand the work to a bounded pool or background queue (shim/pool, shim/taskq), or wait for it before returning (sync.WaitGroup, errgroup) with the request's context"})
		}
	case ssa.CallInstruction:
		cc := in.Common()
		for _, r := range c.byFunc[flow.CalleeName(cc)] {
			if op, ok := c.call(fn, in, cc, r); ok {
				ops = append(ops, op)
			}
		}
	case *ssa.MakeInterface, *ssa.ChangeInterface:
		ops = c.detached(fn, in, ops)
	case *ssa.UnOp:
		if in.Op != token.ARROW || c.isDone(in.X) || in.Pos() == token.NoPos || c.releases(fn, in.X) {
			return ops
		}
		if timer(in.X) != "" {
			ops = append(ops, Op{Analyzer: "sleep", Pos: in.Pos(), Name: "receive from " + timer(in.X),
				Why: "waits for a timer and cannot be cancelled when the client goes away",
				Fix: "wait in a select that also has a case <-ctx.Done(), or use shim/wait.Sleep(ctx, d)"})
			return ops
		}
		ops = append(ops, Op{Analyzer: "chanwait", Pos: in.Pos(), Name: "channel receive",
			Why: "waits on a channel without looking at the request's context: if the sender never comes, the request hangs",
			Fix: "select on the channel and ctx.Done(), or use shim/wait.Recv(ctx, ch)"})
	case *ssa.Send:
		if bufferedLocal(in.Chan) {
			return ops
		}
		ops = append(ops, Op{Analyzer: "chanwait", Pos: in.Pos(), Name: "channel send",
			Why: "waits for a receiver without looking at the request's context: if no one receives, the request hangs",
			Fix: "select on the send and ctx.Done(), or use shim/wait.Send(ctx, ch, v)"})
	case *ssa.Select:
		if !in.Blocking {
			return ops
		}
		var timers []string
		for _, st := range in.States {
			if st.Dir == types.RecvOnly && c.isDone(st.Chan) {
				return ops
			}
			if t := timer(st.Chan); t != "" && st.Dir == types.RecvOnly {
				timers = append(timers, t)
			}
		}
		if len(timers) > 0 {
			ops = append(ops, Op{Analyzer: "sleep", Pos: in.Pos(), Name: "select on " + timers[0],
				Why: "waits for a timer in a select with no ctx.Done() case, so it cannot be cancelled when the client goes away",
				Fix: "add a case <-ctx.Done() to the select"})
			return ops
		}
		ops = append(ops, Op{Analyzer: "chanwait", Pos: in.Pos(), Name: "select",
			Why: "waits on channels without a ctx.Done() case or a default: if none is ready, the request hangs",
			Fix: "add a case <-ctx.Done() to the select"})
	}
	return ops
}

func (c *Classifier) call(fn *ssa.Function, in ssa.CallInstruction, cc *ssa.CallCommon, r *rules.Call) (Op, bool) {
	op := Op{Analyzer: r.Analyzer, Pos: in.Pos(), Name: shortName(r.Func), Why: r.Why, Fix: r.Fix, Call: true}
	if r.Edit != "" {
		op.Edit = &Edit{Lparen: cc.Pos(), Template: r.Edit, Fn: fn}
	}
	if r.Origin != nil {
		if r.Origin.Arg >= len(cc.Args) {
			return Op{}, false
		}
		v, maker := c.origin(cc.Args[r.Origin.Arg], r.Origin, 0)
		if v != bad {
			return Op{}, false
		}
		op.Edit = nil
		if maker != nil && maker.rule.Edit != "" {
			op.Edit = &Edit{Lparen: maker.call.Pos(), Template: maker.rule.Edit, Fn: maker.fn}
		}
	}
	if r.Analyzer == "ctxdetach" && bounded(in) {
		// Bounded, but still deaf to the request: say so rather than "no deadline".
		op.Why = "starts a context that ignores the request's cancellation: the work goes on after the client has gone, bounded only by its own timeout"
	}
	switch r.Check {
	case "client-timeout":
		if !c.clientUnbounded(cc) {
			return Op{}, false
		}
	case "server-timeout":
		pos, ok := c.serverUnbounded(cc)
		if !ok {
			return Op{}, false
		}
		if pos.IsValid() {
			op.Pos = pos
		}
	}
	return op, true
}

// bounded reports whether a new root context is only ever the parent of a deadline
// (context.WithTimeout(context.Background(), d)): the work is cut off from the request, but bounded.
func bounded(in ssa.CallInstruction) bool {
	v, ok := in.(*ssa.Call)
	if !ok || v.Referrers() == nil || len(*v.Referrers()) == 0 {
		return false
	}
	for _, r := range *v.Referrers() {
		call, ok := r.(*ssa.Call)
		if !ok || len(call.Common().Args) == 0 || call.Common().Args[0] != v {
			return false
		}
		switch flow.CalleeName(call.Common()) {
		case "context.WithTimeout", "context.WithDeadline", "context.WithTimeoutCause", "context.WithDeadlineCause":
		default:
			return false
		}
	}
	return true
}

// shortName drops the directories of a package path: "(*database/sql.DB).Query" becomes "(*sql.DB).Query".
func shortName(name string) string {
	prefix, rest := "", name
	if strings.HasPrefix(rest, "(") {
		i := strings.IndexFunc(rest, func(r rune) bool { return r != '(' && r != '*' })
		prefix, rest = rest[:i], rest[i:]
	}
	if slash := strings.LastIndex(rest, "/"); slash >= 0 {
		rest = rest[slash+1:]
	}
	return prefix + rest
}

type verdict int

const (
	unknown verdict = iota
	good
	bad
)

type maker struct {
	call *ssa.CallCommon
	rule rules.Maker
	fn   *ssa.Function
}

const maxDepth = 32

// origin decides whether v was made without a context by the origin rule o.
func (c *Classifier) origin(v ssa.Value, o *rules.Origin, depth int) (verdict, *maker) {
	if depth > maxDepth {
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
	var vals []ssa.Value
	for _, r := range *a.Referrers() {
		if s, ok := r.(*ssa.Store); ok && s.Addr == a {
			vals = append(vals, s.Val)
		}
	}
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
	if fn := cc.StaticCallee(); fn != nil && fn.Blocks != nil && fn.Pkg != nil && !c.idx.StdPkg(fn.Pkg.Pkg) {
		var rets []ssa.Value
		for _, b := range fn.Blocks {
			if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && len(ret.Results) > 0 {
				rets = append(rets, ret.Results[0])
			}
		}
		if len(rets) == 1 {
			return c.origin(rets[0], o, depth+1)
		}
	}
	return unknown, nil
}

// isDone reports whether ch is a context's (or similar) Done channel: the result of a Done() method call, or a
// receive-only struct{} channel passed in from elsewhere, which cannot be judged. The Done of a detached type
// (*gin.Context) never fires, so it is no such channel.
func (c *Classifier) isDone(ch ssa.Value) bool {
	return c.isDoneSeen(ch, map[*ssa.Phi]bool{})
}

func (c *Classifier) isDoneSeen(ch ssa.Value, seen map[*ssa.Phi]bool) bool {
	switch v := ch.(type) {
	case *ssa.Call:
		if c.detachedDone(v.Common(), v.Parent().Prog) {
			return false
		}
		// Only a context's Done: a report's or a job's Done channel is just another channel to wait on.
		cc := v.Common()
		if cc.IsInvoke() {
			return cc.Method.Name() == "Done" && implementsContext(cc.Value.Type())
		}
		if fn := cc.StaticCallee(); fn != nil && fn.Name() == "Done" && fn.Signature.Recv() != nil {
			return implementsContext(fn.Signature.Recv().Type())
		}
	case *ssa.Phi:
		// A loop's phi can be its own edge.
		if seen[v] {
			return false
		}
		seen[v] = true
		for _, e := range v.Edges {
			if c.isDoneSeen(e, seen) {
				return true
			}
		}
	case *ssa.Parameter, *ssa.FreeVar:
		if c, ok := v.Type().Underlying().(*types.Chan); ok && c.Dir() == types.RecvOnly && isEmptyStruct(c.Elem()) {
			return true
		}
	}
	return false
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
				for _, r := range *a.Referrers() {
					if s, ok := r.(*ssa.Store); ok && s.Addr == a {
						given[s.Val] = true
					}
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

func chanOf(v ssa.Value) ssa.Value {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		if a, ok := u.X.(*ssa.Alloc); ok {
			for _, r := range *a.Referrers() {
				if s, ok := r.(*ssa.Store); ok && s.Addr == a {
					return s.Val
				}
			}
		}
	}
	return v
}

// clientUnbounded reports whether an HTTP client call goes through a client without Timeout with a request whose
// context has no deadline, as far as can be known; anything unknown is bounded, for precision.
func (c *Classifier) clientUnbounded(cc *ssa.CallCommon) bool {
	if len(cc.Args) < 2 {
		return false
	}
	if c.clientHasTimeout(cc.Args[0], 0) != bad {
		return false
	}
	return c.requestDeadline(cc.Args[1], 0) == bad
}

// clientHasTimeout is good when the client has a Timeout, bad when it definitely has none.
func (c *Classifier) clientHasTimeout(v ssa.Value, depth int) verdict {
	if depth > maxDepth {
		return unknown
	}
	switch v := v.(type) {
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return unknown
		}
		switch a := v.X.(type) {
		case *ssa.Global:
			if a.Pkg != nil && a.Pkg.Pkg.Path() == "net/http" && a.Name() == "DefaultClient" {
				return bad
			}
		case *ssa.FieldAddr:
			return c.all(c.idx.FieldStores(a.X.Type(), a.Field), depth, c.clientHasTimeout)
		}
	case *ssa.Field:
		return c.all(c.idx.FieldStores(v.X.Type(), v.Field), depth, c.clientHasTimeout)
	case *ssa.Alloc:
		if types.TypeString(v.Type(), nil) != "*net/http.Client" {
			return unknown
		}
		if fieldStored(v, "Timeout") {
			return good
		}
		return bad
	case *ssa.Call:
		if fn := v.Common().StaticCallee(); fn != nil && fn.Blocks != nil {
			var rets []ssa.Value
			for _, b := range fn.Blocks {
				if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && len(ret.Results) > 0 {
					rets = append(rets, ret.Results[0])
				}
			}
			return c.all(rets, depth, c.clientHasTimeout)
		}
	case *ssa.Phi:
		return c.all(v.Edges, depth, c.clientHasTimeout)
	}
	return unknown
}

// all is bad when every value is bad, good when any is good, and unknown otherwise.
func (c *Classifier) all(vals []ssa.Value, depth int, f func(ssa.Value, int) verdict) verdict {
	if len(vals) == 0 {
		return unknown
	}
	result := bad
	for _, v := range vals {
		switch f(v, depth+1) {
		case good:
			return good
		case unknown:
			result = unknown
		}
	}
	return result
}

// fieldStored reports whether a store to the named field of the struct at a is made.
func fieldStored(a ssa.Value, field string) bool {
	st, ok := a.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for _, r := range *a.Referrers() {
		if fa, ok := r.(*ssa.FieldAddr); ok && st.Field(fa.Field).Name() == field {
			for _, rr := range *fa.Referrers() {
				if s, ok := rr.(*ssa.Store); ok && s.Addr == fa {
					return true
				}
			}
		}
	}
	return false
}

// requestDeadline is bad when the request's context definitely has no deadline.
func (c *Classifier) requestDeadline(req ssa.Value, depth int) verdict {
	if depth > maxDepth {
		return unknown
	}
	switch v := req.(type) {
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok {
			return c.requestDeadline(call, depth+1)
		}
	case *ssa.Call:
		cc := v.Common()
		switch flow.CalleeName(cc) {
		case "net/http.NewRequestWithContext":
			return c.ctxDeadline(cc.Args[0], depth+1)
		case "(*net/http.Request).WithContext", "(*net/http.Request).Clone":
			return c.ctxDeadline(cc.Args[1], depth+1)
		}
	case *ssa.Phi:
		return c.all(v.Edges, depth, c.requestDeadline)
	case *ssa.Parameter:
		// A client wrapper (func do(req *http.Request)): judge the requests its callers pass.
		return c.all(c.paramArgs(v), depth, c.requestDeadline)
	}
	return unknown
}

// paramArgs returns the arguments the static callers of p's function pass for p.
func (c *Classifier) paramArgs(p *ssa.Parameter) []ssa.Value {
	fn := p.Parent()
	i := indexOf(fn.Params, p)
	var args []ssa.Value
	for _, s := range c.idx.CallSites(fn) {
		if i < len(s.Args) {
			args = append(args, s.Args[i])
		}
	}
	return args
}

// ctxDeadline is good when the context has a deadline and bad when it definitely has none.
func (c *Classifier) ctxDeadline(ctx ssa.Value, depth int) verdict {
	if depth > maxDepth {
		return unknown
	}
	switch v := ctx.(type) {
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok {
			return c.ctxDeadline(call, depth+1)
		}
	case *ssa.Call:
		cc := v.Common()
		switch flow.CalleeName(cc) {
		case "context.WithTimeout", "context.WithDeadline", "context.WithTimeoutCause", "context.WithDeadlineCause":
			return good
		case "context.WithCancel", "context.WithCancelCause", "context.WithValue", "context.WithoutCancel":
			return c.ctxDeadline(cc.Args[0], depth+1)
		case "context.Background", "context.TODO", "(*net/http.Request).Context":
			return bad
		}
	case *ssa.Phi:
		return c.all(v.Edges, depth, c.ctxDeadline)
	case *ssa.Parameter:
		return c.all(c.paramArgs(v), depth, c.ctxDeadline)
	}
	return unknown
}

func indexOf(params []*ssa.Parameter, p *ssa.Parameter) int {
	for i, q := range params {
		if q == p {
			return i
		}
	}
	return -1
}

// serverUnbounded reports whether a serve call serves with no read timeouts, and where that server was made
// (NoPos for the package-level functions, which have no server value to configure).
func (c *Classifier) serverUnbounded(cc *ssa.CallCommon) (token.Pos, bool) {
	fn := cc.StaticCallee()
	if fn == nil {
		return token.NoPos, false
	}
	if fn.Signature.Recv() == nil {
		// http.ListenAndServe(addr, h): the one exception is a listener bound to loopback (a pprof port).
		if strings.HasPrefix(fn.Name(), "ListenAndServe") && len(cc.Args) > 0 && loopback(cc.Args[0]) {
			return token.NoPos, false
		}
		return token.NoPos, true
	}
	srv := cc.Args[0]
	a, ok := srv.(*ssa.Alloc)
	if !ok {
		if u, ok := srv.(*ssa.UnOp); ok && u.Op == token.MUL {
			// srv is a variable holding *http.Server: find what was stored.
			if al, ok := u.X.(*ssa.Alloc); ok {
				for _, r := range *al.Referrers() {
					if s, ok := r.(*ssa.Store); ok && s.Addr == al {
						a, _ = s.Val.(*ssa.Alloc)
					}
				}
			}
		}
	}
	if a == nil || types.TypeString(a.Type(), nil) != "*net/http.Server" {
		return token.NoPos, false
	}
	if fieldStored(a, "ReadHeaderTimeout") || fieldStored(a, "ReadTimeout") {
		return token.NoPos, false
	}
	// Handed to another function that may configure it: cannot tell.
	for _, r := range *a.Referrers() {
		if call, ok := r.(ssa.CallInstruction); ok && call.Common().StaticCallee() != fn {
			if callee := call.Common().StaticCallee(); callee == nil || callee.Pkg == nil || callee.Pkg.Pkg.Path() != "net/http" {
				return token.NoPos, false
			}
		}
	}
	if addr := fieldValue(a, "Addr"); addr != nil && loopback(addr) {
		return token.NoPos, false
	}
	return a.Pos(), true
}

func fieldValue(a ssa.Value, field string) ssa.Value {
	st := a.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
	for _, r := range *a.Referrers() {
		if fa, ok := r.(*ssa.FieldAddr); ok && st.Field(fa.Field).Name() == field {
			for _, rr := range *fa.Referrers() {
				if s, ok := rr.(*ssa.Store); ok && s.Addr == fa {
					return s.Val
				}
			}
		}
	}
	return nil
}

// loopback reports whether v is a constant address on the loopback interface ("localhost:6060", "127.0.0.1:6060").
func loopback(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	if !ok || k.Value == nil || k.Value.Kind() != constant.String {
		return false
	}
	host, _, err := net.SplitHostPort(constant.StringVal(k.Value))
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
