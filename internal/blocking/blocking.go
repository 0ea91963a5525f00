// Package blocking classifies SSA instructions as operations that block a request without bound: calls named by
// the rule catalog, channel operations and selects that do not watch a context, timer waits, and go statements
// that nothing bounds. Both engines use it: the whole-program engine on every function a handler reaches, the
// modular engine on each package's functions.
package blocking

import (
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
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
	// Bounded marks an operation that waits, but under a bound that makes it no finding (a call through a client
	// with a Timeout, a short pad): Ops leaves it out, but it still waits while a lock is held (lockio) and keeps
	// a goroutine from ending on its own (Unbounded), as it did before it was judged bounded.
	Bounded bool
	// CtxParam, when positive, makes the operation conditional (Options.ParamConditions): it blocks only if the
	// context passed for parameter CtxParam-1 of its function has no deadline, which the function's callers, in
	// other packages, decide.
	CtxParam int
	// Finite is true for an operation that ends on its own whatever the request does (finite.go): still reported
	// where a request waits on it, but not one that keeps a goroutine going.
	Finite bool
	// Cause, when set, names a root cause that one fix removes at every operation having it (a *gin.Context
	// used as a context, fixed by the engine's ContextWithFallback; a rule's cause, such as a library with no
	// context API): the engines report such operations once (policy.Gather).
	Cause string
}

// Options configure a classifier.
type Options struct {
	// ParamConditions makes an HTTP client call whose request's context is a parameter of a function with no
	// callers in sight an operation conditional on that parameter (Op.CtxParam), for an engine that sees the
	// callers later (the modular engine), instead of no operation.
	ParamConditions bool
	// Reach, when set, tells which calls wait and what goroutines reach (lockio, and goroutines and channel
	// waits judged by what they do).
	Reach Reacher
	// RootVar, when set, names the call whose new root context a package variable the index does not hold keeps
	// (context.TODO for oauth2.NoContext), or "": for an engine that sees other packages through facts.
	RootVar func(*types.Var) string
	// Guard, when set, tells whether a function of another package, whose body is not in sight, is a
	// single-instance guard (GuardsStart), for an engine that sees other packages through facts.
	Guard func(*types.Func) bool
}

// An Edit rewrites the call expression whose opening parenthesis is at Lparen, by a rules.Call.Edit template.
// Fn is the function whose context the template's {ctx} refers to.
type Edit struct {
	Lparen   token.Pos
	Template string
	Fn       *ssa.Function
	// More are further templates for the same call (rules.Call.More).
	More []rules.Fix
	// Arg, when set, makes the template rewrite the call's argument naming this package variable instead of the
	// call (oauth2.NoContext becomes ctx).
	Arg string
}

// Classifier classifies the instructions of functions by a catalog.
type Classifier struct {
	idx    *flow.Index
	opts   Options
	cat    *rules.Catalog
	byFunc map[string][]*rules.Call
	cache  map[*ssa.Function][]Op
	det    *detachedTypes
	reach  Reacher
	scans  map[*ssa.Function]*scanned
	once   map[*ssa.BasicBlock]bool // see OnceOnly
	// streams holds the types of stream connections (rules: streams).
	streams map[string]bool
	// carriers gives, by rule name, the context arguments that only carry values into a long-lived object.
	carriers map[string][]int
	// clientKeys gives, by rule name, the context argument of a function returning an *http.Client that uses the
	// client the context carries, and the key it is carried under (carriers with a clientKey).
	clientKeys map[string]rules.ContextClient
	// roots caches RootVar.
	roots map[*ssa.Global]*rules.Call
	// ctxWaits caches, by parameter, whether a function may wait on the context it is given (argWaits).
	ctxWaits map[*ssa.Parameter]bool
	// invokes caches the standard-library methods an interface call can go to, and methodNames holds the names of
	// the methods rules name (invoke.go).
	invokes     map[*ssa.CallCommon][]string
	methodNames map[string]bool
	// defaultMux caches, by package, whether the package puts handlers on http.DefaultServeMux (debugMux).
	defaultMux map[*ssa.Package]bool
}

// NewClassifier returns a classifier for the catalog; idx is used to trace values across functions (clients stored
// in fields, contexts passed as parameters).
func NewClassifier(cat *rules.Catalog, idx *flow.Index, opts Options) *Classifier {
	c := &Classifier{idx: idx, opts: opts, cat: cat, byFunc: map[string][]*rules.Call{}, cache: map[*ssa.Function][]Op{}, det: newDetachedTypes(cat, idx),
		reach: opts.Reach, scans: map[*ssa.Function]*scanned{}, once: map[*ssa.BasicBlock]bool{}, roots: map[*ssa.Global]*rules.Call{}, ctxWaits: map[*ssa.Parameter]bool{}}
	for i := range cat.Blocking {
		r := &cat.Blocking[i]
		c.byFunc[r.Func] = append(c.byFunc[r.Func], r)
	}
	c.streams = map[string]bool{}
	for _, t := range cat.Streams {
		c.streams[t] = true
	}
	c.carriers = map[string][]int{}
	c.clientKeys = map[string]rules.ContextClient{}
	for _, r := range cat.Carriers {
		c.carriers[r.Func] = append(c.carriers[r.Func], r.Arg)
		if r.ClientKey != "" {
			c.clientKeys[r.Func] = rules.ContextClient{Arg: r.Arg, Key: r.ClientKey}
		}
	}
	return c
}

// Named reports whether a rule names the target of the call.
func (c *Classifier) Named(cc *ssa.CallCommon) bool {
	return len(c.byFunc[c.idx.CalleeName(cc)]) > 0
}

// typeString is types.TypeString(t, nil) remembered by type (detachedTypes.typeString): whether a value is a
// stream connection is asked of every value of a function that calls on one.
func (c *Classifier) typeString(t types.Type) string { return c.det.typeString(t) }

// Ops returns the blocking operations in fn that are findings, in instruction order (not the Bounded ones),
// followed by its lockio operations. Results are cached.
func (c *Classifier) Ops(fn *ssa.Function) []Op {
	if ops, ok := c.cache[fn]; ok {
		return ops
	}
	s := c.scan(fn)
	var ops []Op
	for _, op := range s.ops {
		if !op.Bounded {
			ops = append(ops, op)
		}
	}
	ops = append(ops, c.lockOps(fn, s.waits)...)
	c.cache[fn] = ops
	return ops
}

// scanned is what one pass over a function finds: its operations and its waits.
type scanned struct {
	ops   []Op
	waits []localWait
}

func (c *Classifier) scan(fn *ssa.Function) *scanned {
	if s, ok := c.scans[fn]; ok {
		return s
	}
	s := &scanned{}
	c.scans[fn] = s // what a recursive question about fn sees while it is scanned: nothing yet
	for _, b := range fn.Blocks {
		if len(b.Instrs) > 0 && c.OnceOnly(b.Instrs[0]) {
			continue
		}
		for _, instr := range b.Instrs {
			n := len(s.ops)
			s.ops = c.instr(fn, instr, s.ops)
			c.markFinite(instr, s.ops[n:])
			for _, op := range s.ops[n:] {
				// Cond.Wait releases its lock while it waits.
				if waiting[op.Analyzer] && op.Name != "(*sync.Cond).Wait" {
					s.waits = append(s.waits, localWait{Wait{op.Name, where(fn, op.Pos)}, instr, op.Call})
					break
				}
			}
			if call, ok := instr.(*ssa.Call); ok && len(s.ops) == n {
				for _, r := range c.byFunc[c.idx.CalleeName(call.Common())] {
					if r.Analyzer == "lockio" {
						s.waits = append(s.waits, localWait{Wait{shortName(r.Func), where(fn, call.Pos())}, instr, true})
						break
					}
				}
			}
		}
	}
	c.scans[fn] = s
	return s
}

func (c *Classifier) instr(fn *ssa.Function, instr ssa.Instruction, ops []Op) []Op {
	switch in := instr.(type) {
	case *ssa.Go:
		// go srv.ListenAndServe(): the server is made without timeouts whichever goroutine serves it.
		for _, r := range c.byFunc[c.idx.CalleeName(in.Common())] {
			if r.Check == "server-timeout" {
				if op, ok := c.call(fn, in, in.Common(), r); ok {
					ops = append(ops, op)
				}
			}
		}
		if !spawnBounded(fn, in) && !c.spawnTied(fn, in) {
			ops = c.lang(ops, "go", in.Pos(), "")
		}
	case ssa.CallInstruction:
		cc := in.Common()
		rs := c.byFunc[c.idx.CalleeName(cc)]
		for _, r := range rs {
			if r.Analyzer == "lockio" {
				continue // a wait only while a lock is held (lockOps)
			}
			if op, ok := c.call(fn, in, cc, r); ok {
				ops = append(ops, op)
			}
		}
		if len(rs) == 0 && cc.IsInvoke() {
			ops = c.invoked(fn, in, cc, ops) // an interface over a standard-library type (invoke.go)
		}
	case *ssa.MakeInterface, *ssa.ChangeInterface:
		ops = c.detached(fn, in, ops)
	case *ssa.UnOp:
		if isLoad(in) {
			return c.rootLoad(fn, in, ops)
		}
		if in.Op != token.ARROW || c.isDone(in.X) || in.Pos() == token.NoPos || c.releases(fn, in.X) || c.producedBounded(in.X, in.CommaOk) {
			return ops
		}
		if t := timer(in.X); t != "" {
			return c.lang(ops, "timer-receive", in.Pos(), t)
		}
		ops = c.lang(ops, "receive", in.Pos(), "")
	case *ssa.Send:
		if bufferedLocal(in.Chan) || resultSend(in) || c.queued(in.Chan) {
			return ops
		}
		ops = c.lang(ops, "send", in.Pos(), "")
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
			if len(timers) < len(in.States) {
				// A timeout on another wait (case <-time.After(d), case <-ticker.C): bounded, and not a sleep.
				return ops
			}
			return c.lang(ops, "timer-select", in.Pos(), timers[0])
		}
		ops = c.lang(ops, "select", in.Pos(), "")
	}
	return ops
}

// lang appends an operation of the language, worded by the catalog's rule for op; {timer} in its name stands for
// timer. Without a rule the operation is not reported: the catalog says what counts.
func (c *Classifier) lang(ops []Op, op string, pos token.Pos, timer string) []Op {
	o, ok := c.cat.Operation(op)
	if !ok {
		return ops
	}
	return append(ops, Op{Analyzer: o.Analyzer, Pos: pos, Name: strings.ReplaceAll(o.Name, "{timer}", timer), Why: o.Why, Fix: o.Fix})
}

func (c *Classifier) call(fn *ssa.Function, in ssa.CallInstruction, cc *ssa.CallCommon, r *rules.Call) (Op, bool) {
	if r.Func == "(*sync.WaitGroup).Wait" && c.joinedBounded(fn, cc) {
		return Op{}, false
	}
	op := Op{Analyzer: r.Analyzer, Pos: in.Pos(), Name: shortName(r.Func), Why: r.Why, Fix: r.Fix, Call: true, Cause: r.Cause}
	if r.Edit != "" {
		op.Edit = &Edit{Lparen: cc.Pos(), Template: r.Edit, Fn: fn, More: r.More}
	}
	if r.Origin != nil {
		if r.Origin.Arg >= len(cc.Args) {
			return Op{}, false
		}
		v, maker := c.origin(cc.Args[r.Origin.Arg], r.Origin)
		if v != values.Bad {
			return Op{}, false
		}
		op.Edit = nil
		if maker != nil && maker.rule.Edit != "" {
			op.Edit = &Edit{Lparen: maker.call.Pos(), Template: maker.rule.Edit, Fn: maker.fn}
		}
	}
	if r.Bound != nil && c.boundSet(cc, r.Bound) {
		return Op{}, false // a net.Dialer with a Timeout (bound.go)
	}
	v, isCall := in.(*ssa.Call)
	if r.Analyzer == "ctxdetach" && isCall && (c.inert(v) || bounded(v) || c.signalOnly(v) || c.connScoped(fn, v)) {
		return Op{}, false
	}
	switch r.Check {
	case "unless-pad":
		op.Bounded = len(cc.Args) > 0 && c.pad(in, cc.Args[0])
	case "unless-client-timeout":
		// The request's cancellation is ignored, but the client's Timeout bounds the wait.
		op.Bounded = len(cc.Args) > 0 && values.Decide(cc.Args[0], c.clientHasTimeout) == values.Good
	case "client-timeout":
		if r.ContextClient != nil {
			if !c.contextClientUnbounded(cc, *r.ContextClient) {
				return Op{}, false
			}
			break
		}
		ok, param := c.clientUnbounded(fn, cc)
		if !ok {
			return Op{}, false
		}
		op.CtxParam = param
	case "server-timeout":
		pos, ok := c.serverUnbounded(fn, cc, r)
		if !ok {
			return Op{}, false
		}
		if pos.IsValid() {
			op.Pos = pos
		}
	}
	return op, true
}

// inert reports whether a new root context starts no request work: it is only compared with
// (if ctx != context.Background(), as pgx does), or handed to a parameter that a long-lived object keeps for its
// values only (oauth2's Config.Client, a rule's carrier), directly or wrapped in context.WithValue.
func (c *Classifier) inert(v ssa.Value) bool {
	if v.Referrers() == nil || len(*v.Referrers()) == 0 {
		return false
	}
	for _, r := range *v.Referrers() {
		switch r := r.(type) {
		case *ssa.BinOp:
			if r.Op != token.EQL && r.Op != token.NEQ {
				return false
			}
		case *ssa.Call:
			cc := r.Common()
			if c.idx.CalleeName(cc) == "context.WithValue" && len(cc.Args) > 0 && cc.Args[0] == v {
				if !c.inert(r) {
					return false // a value added on the way (oauth2.HTTPClient) changes nothing: what it is given to decides
				}
				continue
			}
			if !slices.ContainsFunc(c.carriers[c.idx.CalleeName(cc)], func(i int) bool { return i < len(cc.Args) && cc.Args[i] == v }) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// signalOnly reports whether a new root context is only the parent of a WithCancel context whose one use is its
// Done channel, received in selects that also end on another context's Done (the request's): a cancellation
// signal of the handler's own (ntfy's subscriber dropped by its topic), not work detached from the request.
func (c *Classifier) signalOnly(v ssa.Value) bool {
	refs := v.Referrers()
	if refs == nil || len(*refs) != 1 {
		return false
	}
	call, ok := (*refs)[0].(*ssa.Call)
	if !ok || c.idx.CalleeName(call.Common()) != "context.WithCancel" {
		return false
	}
	used := false
	for _, r := range *call.Referrers() {
		ex, ok := r.(*ssa.Extract)
		if !ok || ex.Index != 0 {
			continue // the cancel function
		}
		for _, u := range *ex.Referrers() {
			done, ok := u.(*ssa.Call)
			if !ok || !done.Common().IsInvoke() || done.Common().Method.Name() != "Done" || done.Referrers() == nil {
				return false
			}
			for _, s := range *done.Referrers() {
				sel, ok := s.(*ssa.Select)
				if !ok || !slices.ContainsFunc(sel.States, func(st *ssa.SelectState) bool {
					return st.Dir == types.RecvOnly && st.Chan != done && c.isDone(st.Chan)
				}) {
					return false
				}
				used = true
			}
		}
	}
	return used
}

// bounded reports whether a new root context is only ever the parent of a deadline
// (context.WithTimeout(context.Background(), d)): the work is cut off from the request, but it ends by itself.
// Such a context is usually deliberate (a health probe, work that must finish after the client leaves) and is not
// reported: precision first.
func bounded(v ssa.Value) bool {
	if v.Referrers() == nil || len(*v.Referrers()) == 0 {
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
