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
	"github.com/blockcheck/blockcheck/internal/values"
	"github.com/blockcheck/blockcheck/rules"
)

// clientUnbounded reports whether an HTTP client call goes through a client without Timeout with a request whose
// context has no deadline, as far as can be known; anything unknown is bounded, for precision. With
// Options.ParamConditions, a request whose context is a parameter of fn, which has no callers in sight, makes the
// call unbounded on the condition that the callers pass a context without deadline: param is the parameter's
// index plus one.
func (c *Classifier) clientUnbounded(fn *ssa.Function, cc *ssa.CallCommon) (ok bool, param int) {
	if len(cc.Args) < 2 {
		return false, 0
	}
	if values.Decide(cc.Args[0], c.clientHasTimeout) != values.Bad {
		return false, 0
	}
	switch values.Decide(cc.Args[1], c.requestDeadline) {
	case values.Bad:
		return true, 0
	case values.Unknown:
		if c.opts.ParamConditions {
			if p := c.ctxParam(fn, cc.Args[1]); p >= 0 {
				return true, p + 1
			}
		}
	}
	return false, 0
}

// ctxParam returns the index of the parameter of fn that a request's context is, when fn has no callers in sight,
// or -1.
func (c *Classifier) ctxParam(fn *ssa.Function, req ssa.Value) int {
	if len(c.idx.CallSites(fn)) > 0 {
		return -1
	}
	var ctx ssa.Value
	if x, ok := req.(*ssa.Extract); ok {
		req = x.Tuple
	}
	call, ok := req.(*ssa.Call)
	if !ok {
		return -1
	}
	switch cc := call.Common(); flow.CalleeName(cc) {
	case "net/http.NewRequestWithContext":
		ctx = cc.Args[0]
	case "(*net/http.Request).WithContext", "(*net/http.Request).Clone":
		ctx = cc.Args[1]
	}
	for range values.MaxDepth {
		switch v := ctx.(type) {
		case *ssa.Parameter:
			if v.Parent() == fn {
				return indexOf(fn.Params, v)
			}
			return -1
		case *ssa.Extract:
			ctx = v.Tuple
		case *ssa.Call:
			// A context derived without a deadline of its own passes the question on.
			switch cc := v.Common(); flow.CalleeName(cc) {
			case "context.WithCancel", "context.WithCancelCause", "context.WithValue", "context.WithoutCancel":
				ctx = cc.Args[0]
			default:
				return -1
			}
		default:
			return -1
		}
	}
	return -1
}

// NoDeadline reports whether a context definitely has no deadline, for deciding an Op.CtxParam at a call.
func (c *Classifier) NoDeadline(ctx ssa.Value) bool {
	return values.Decide(ctx, c.ctxDeadline) == values.Bad
}

// clientHasTimeout is good when the client has a Timeout, bad when it definitely has none.
func (c *Classifier) clientHasTimeout(v ssa.Value) values.Step {
	switch v := v.(type) {
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return values.Step{}
		}
		switch a := v.X.(type) {
		case *ssa.FreeVar:
			// A variable a closure captures: what is stored in it where it is declared.
			if cell, ok := outermost(a).(*ssa.Alloc); ok {
				return values.Step{From: values.Stored(cell)}
			}
		case *ssa.Global:
			if a.Pkg != nil && a.Pkg.Pkg.Path() == "net/http" && a.Name() == "DefaultClient" {
				return values.Step{Verdict: values.Bad}
			}
			// var client = &http.Client{...}: judge what is stored.
			return values.Step{From: c.idx.GlobalStores(a)}
		case *ssa.FieldAddr:
			return values.Step{From: c.idx.FieldStores(a.X.Type(), a.Field)}
		}
	case *ssa.Field:
		return values.Step{From: c.idx.FieldStores(v.X.Type(), v.Field)}
	case *ssa.Alloc:
		if types.TypeString(v.Type(), nil) != "*net/http.Client" {
			return values.Step{}
		}
		if fieldStored(v, "Timeout") {
			return values.Step{Verdict: values.Good}
		}
		return values.Step{Verdict: values.Bad}
	case *ssa.Call:
		// A library's client built on the one a context carries (oauth2's Config.Client): that client's Timeout.
		if k, ok := c.clientKeys[flow.CalleeName(v.Common())]; ok {
			if k.Arg < len(v.Common().Args) {
				return values.Step{From: []ssa.Value{v.Common().Args[k.Arg]}, Then: c.carriedClient(k.Key)}
			}
			return values.Step{}
		}
		if fn := v.Common().StaticCallee(); fn != nil && fn.Blocks != nil {
			return values.Step{From: values.Returns(fn, 0)}
		}
	case *ssa.Extract:
		// client, err := google.DefaultClient(ctx)
		if call, ok := v.Tuple.(*ssa.Call); ok && v.Index == 0 {
			return values.Step{From: []ssa.Value{call}}
		}
	case *ssa.MakeInterface:
		return values.Step{From: []ssa.Value{v.X}}
	case *ssa.Phi:
		return values.Step{From: v.Edges}
	case *ssa.Parameter:
		// A constructor storing the client it is given (func newAPI(c *http.Client) *api): judge its callers'.
		return values.Step{From: values.Args(v, c.idx)}
	case *ssa.FreeVar:
		// A value a closure captures (a client, or a constructor's parameter: a middleware built with the client
		// its caller gives).
		if b := binding(v); b != nil {
			return values.Step{From: []ssa.Value{b}}
		}
	}
	return values.Step{}
}

// contextClientUnbounded reports whether a call that sends a request under its context argument through the
// client that context carries (rules.ContextClient: oauth2's Exchange) uses a client with no Timeout, and the
// context definitely has no deadline.
func (c *Classifier) contextClientUnbounded(cc *ssa.CallCommon, k rules.ContextClient) bool {
	if k.Arg >= len(cc.Args) {
		return false
	}
	ctx := cc.Args[k.Arg]
	return values.Decide(ctx, c.carriedClient(k.Key)) == values.Bad && values.Decide(ctx, c.ctxDeadline) == values.Bad
}

// carriedClient judges a context by the *http.Client it carries under the package variable key
// (context.WithValue(ctx, oauth2.HTTPClient, c)): good when that client has a Timeout, bad when it has none or
// the context carries no client at all (a root context, or the request's), so the library uses
// http.DefaultClient.
func (c *Classifier) carriedClient(key string) values.Judge {
	var judge values.Judge
	judge = func(ctx ssa.Value) values.Step {
		switch v := ctx.(type) {
		case *ssa.Extract:
			if call, ok := v.Tuple.(*ssa.Call); ok {
				return values.Step{From: []ssa.Value{call}}
			}
		case *ssa.Call:
			cc := v.Common()
			switch flow.CalleeName(cc) {
			case "context.WithValue":
				if len(cc.Args) == 3 && isGlobal(cc.Args[1], key) {
					return values.Step{From: []ssa.Value{cc.Args[2]}, Then: c.clientHasTimeout}
				}
				return values.Step{From: []ssa.Value{cc.Args[0]}}
			case "context.WithCancel", "context.WithCancelCause", "context.WithTimeout", "context.WithDeadline",
				"context.WithTimeoutCause", "context.WithDeadlineCause", "context.WithoutCancel":
				return values.Step{From: []ssa.Value{cc.Args[0]}}
			case "context.Background", "context.TODO", "(*net/http.Request).Context":
				return values.Step{Verdict: values.Bad}
			}
			return returned(cc, judge)
		case *ssa.Phi:
			return values.Step{From: v.Edges}
		case *ssa.Parameter:
			return values.Step{From: values.Args(v, c.idx)}
		}
		return values.Step{}
	}
	return judge
}

// returned steps from a call of a function with a body to what it returns, judged with the call's arguments in
// place of the function's parameters (a helper wrapping context.WithValue(ctx, key, c), as go-oidc's
// ClientContext does): each call of the helper is judged by what it passes.
func returned(cc *ssa.CallCommon, judge values.Judge) values.Step {
	fn := cc.StaticCallee()
	if fn == nil || fn.Blocks == nil || len(cc.Args) != len(fn.Params) {
		return values.Step{}
	}
	bind := map[ssa.Value]ssa.Value{}
	for i, p := range fn.Params {
		bind[p] = cc.Args[i]
	}
	return values.Step{From: values.Returns(fn, 0), Then: bound(judge, bind)}
}

// bound is judge with the parameters in bind replaced by the values bound to them, in every judge it hands on.
func bound(judge values.Judge, bind map[ssa.Value]ssa.Value) values.Judge {
	return func(v ssa.Value) values.Step {
		if a, ok := bind[v]; ok {
			return values.Step{From: []ssa.Value{a}}
		}
		s := judge(v)
		if s.Then != nil {
			s.Then = bound(s.Then, bind)
		}
		return s
	}
}

// isGlobal reports whether v is the value of the package variable named name ("golang.org/x/oauth2.HTTPClient"),
// also converted to an interface.
func isGlobal(v ssa.Value, name string) bool {
	if mi, ok := v.(*ssa.MakeInterface); ok {
		v = mi.X
	}
	u, ok := v.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return false
	}
	g, ok := u.X.(*ssa.Global)
	return ok && g.Pkg != nil && g.Pkg.Pkg.Path()+"."+g.Name() == name
}

// fieldStored reports whether a store to the named field of the struct at a is made.
func fieldStored(a ssa.Value, field string) bool { return len(values.FieldStored(a, field)) > 0 }

// requestDeadline is bad when the request's context definitely has no deadline.
func (c *Classifier) requestDeadline(req ssa.Value) values.Step {
	switch v := req.(type) {
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok {
			return values.Step{From: []ssa.Value{call}}
		}
	case *ssa.Call:
		cc := v.Common()
		switch flow.CalleeName(cc) {
		case "net/http.NewRequestWithContext":
			return values.Step{From: []ssa.Value{cc.Args[0]}, Then: c.ctxDeadline}
		case "(*net/http.Request).WithContext", "(*net/http.Request).Clone":
			return values.Step{From: []ssa.Value{cc.Args[1]}, Then: c.ctxDeadline}
		}
	case *ssa.Phi:
		return values.Step{From: v.Edges}
	case *ssa.Parameter:
		// A client wrapper (func do(req *http.Request)): judge the requests its callers pass.
		return values.Step{From: values.Args(v, c.idx)}
	}
	return values.Step{}
}

// ctxDeadline is good when the context has a deadline and bad when it definitely has none.
func (c *Classifier) ctxDeadline(ctx ssa.Value) values.Step {
	switch v := ctx.(type) {
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok {
			return values.Step{From: []ssa.Value{call}}
		}
	case *ssa.Call:
		cc := v.Common()
		switch flow.CalleeName(cc) {
		case "context.WithTimeout", "context.WithDeadline", "context.WithTimeoutCause", "context.WithDeadlineCause":
			return values.Step{Verdict: values.Good}
		case "context.WithCancel", "context.WithCancelCause", "context.WithValue", "context.WithoutCancel":
			return values.Step{From: []ssa.Value{cc.Args[0]}}
		case "context.Background", "context.TODO", "(*net/http.Request).Context":
			return values.Step{Verdict: values.Bad}
		}
		if types.TypeString(v.Type(), nil) == "context.Context" {
			return returned(cc, c.ctxDeadline) // a helper deriving the context (oidc.ClientContext(ctx, c))
		}
	case *ssa.Phi:
		return values.Step{From: v.Edges}
	case *ssa.Parameter:
		return values.Step{From: values.Args(v, c.idx)}
	}
	return values.Step{}
}

func indexOf(params []*ssa.Parameter, p *ssa.Parameter) int {
	for i, q := range params {
		if q == p {
			return i
		}
	}
	return -1
}

// serverUnbounded reports whether a serve call in fn serves with no read timeouts, and where that server was made
// (NoPos for the package-level functions and frameworks' start methods, which have no server value to configure
// at the call).
func (c *Classifier) serverUnbounded(fn *ssa.Function, cc *ssa.CallCommon, r *rules.Call) (token.Pos, bool) {
	callee := cc.StaticCallee()
	if callee == nil || c.localUI(fn) {
		return token.NoPos, false
	}
	if callee.Signature.Recv() == nil {
		// http.ListenAndServe(addr, h) and http.Serve(l, h): the one exception is a listener bound to loopback (a
		// pprof port).
		if len(cc.Args) > 0 && (strings.HasPrefix(callee.Name(), "ListenAndServe") && loopback(cc.Args[0]) ||
			strings.HasPrefix(callee.Name(), "Serve") && loopbackListener(cc.Args[0])) || c.debugMux(fn, cc, callee) {
			return token.NoPos, false
		}
		return token.NoPos, true
	}
	if strings.HasPrefix(callee.Name(), "Serve") && len(cc.Args) > 1 && loopbackListener(cc.Args[1]) {
		return token.NoPos, false
	}
	if r.ServerField != "" {
		return token.NoPos, frameworkUnbounded(fn, cc, r.ServerField)
	}
	if r.ConfigField != "" {
		return token.NoPos, configUnbounded(fn, cc, r.ConfigField)
	}
	a := c.serverAlloc(cc.Args[0])
	if a == nil || types.TypeString(a.Type(), nil) != "*net/http.Server" {
		return token.NoPos, false
	}
	// The server as the code refers to it: the literal, and the variables holding it (captured by a closure).
	for _, v := range aliases(a) {
		if fieldStored(v, "ReadHeaderTimeout") || fieldStored(v, "ReadTimeout") {
			return token.NoPos, false
		}
		// Handed to another function that may configure it: cannot tell.
		for _, r := range *v.Referrers() {
			if call, ok := r.(ssa.CallInstruction); ok && call.Common().StaticCallee() != callee {
				if f := call.Common().StaticCallee(); f == nil || f.Pkg == nil || f.Pkg.Pkg.Path() != "net/http" {
					return token.NoPos, false
				}
			}
		}
	}
	if addr := fieldValue(a, "Addr"); addr != nil && loopback(addr) {
		return token.NoPos, false
	}
	return a.Pos(), true
}

// aliases returns a and the loads of the local variables a is stored in, in every function that captures them.
func aliases(a *ssa.Alloc) []ssa.Value {
	out := []ssa.Value{a}
	for _, r := range *a.Referrers() {
		st, ok := r.(*ssa.Store)
		if !ok || st.Val != a {
			continue
		}
		v, ok := st.Addr.(*ssa.Alloc)
		if !ok {
			continue
		}
		out = append(out, loads(v)...)
		// Closures that capture the variable load it through a free variable.
		for _, rr := range *v.Referrers() {
			mc, ok := rr.(*ssa.MakeClosure)
			if !ok {
				continue
			}
			fn := mc.Fn.(*ssa.Function)
			for i, b := range mc.Bindings {
				if b == v && i < len(fn.FreeVars) {
					out = append(out, loads(fn.FreeVars[i])...)
				}
			}
		}
	}
	return out
}

func loads(addr ssa.Value) []ssa.Value {
	var out []ssa.Value
	for _, r := range *addr.Referrers() {
		if u, ok := r.(*ssa.UnOp); ok && u.Op == token.MUL {
			out = append(out, u)
		}
	}
	return out
}

// serverAlloc finds where the server v was made: a local variable, a variable captured by a closure
// (go func() { srv.Serve(l) }()), or a struct field or package variable into which a server is stored. Only
// those edges are followed, and only one allocation found counts.
func (c *Classifier) serverAlloc(v ssa.Value) *ssa.Alloc {
	var found []*ssa.Alloc
	visit := func(w *values.Walker, n values.Node, _ int) []values.Node {
		switch u := n.V.(type) {
		case *ssa.Alloc:
			if n.Mode == values.Value {
				found = append(found, u)
				return nil
			}
		case *ssa.UnOp:
			if u.Op != token.MUL {
				return nil
			}
		case *ssa.FreeVar, *ssa.FieldAddr, *ssa.Global:
		default:
			return nil
		}
		return w.Sources(n)
	}
	values.NewWalker(c.idx, nil, visit).Walk(values.Node{V: v}, 0)
	if len(found) != 1 {
		return nil
	}
	return found[0]
}

// outermost returns what fv is bound to where the captured variable is declared, through the closures that pass
// it on to closures of their own (a handler inside a middleware inside its constructor), or nil.
func outermost(fv *ssa.FreeVar) ssa.Value {
	for range maxCapture {
		b := binding(fv)
		next, ok := b.(*ssa.FreeVar)
		if !ok {
			return b
		}
		fv = next
	}
	return nil
}

// binding returns what the one closure that makes fv's function binds to fv.
func binding(fv *ssa.FreeVar) ssa.Value {
	fn := fv.Parent()
	i := slices.Index(fn.FreeVars, fv)
	if fn.Parent() == nil || i < 0 {
		return nil
	}
	var found ssa.Value
	for _, b := range fn.Parent().Blocks {
		for _, instr := range b.Instrs {
			if mc, ok := instr.(*ssa.MakeClosure); ok && mc.Fn == fn && i < len(mc.Bindings) {
				if found != nil {
					return nil
				}
				found = mc.Bindings[i]
			}
		}
	}
	return found
}

// frameworkUnbounded reports whether a framework's start method (echo's e.Start) serves the http.Server in its
// receiver's field without read timeouts: the receiver is made in fn (echo.New()), fn neither replaces that server
// nor sets its ReadHeaderTimeout or ReadTimeout, and hands the receiver to no function of another package that
// might.
//
// The receiver may be captured by the closure that serves it (go func() { e.Start(addr) }()): it is judged in the
// function that makes it. A function of fn's own package that it is handed to counts as not configuring the
// server when it never takes the address of that field, itself or through the functions of the package it hands
// the receiver on to.
func frameworkUnbounded(fn *ssa.Function, cc *ssa.CallCommon, field string) bool {
	recv := cc.Args[0]
	// Captured by the closure that serves it: *e, where e is the closure's free variable bound to a variable of
	// the function that makes the receiver.
	var cell *ssa.Alloc
	for {
		if u, ok := recv.(*ssa.UnOp); ok && u.Op == token.MUL {
			if fv, ok := u.X.(*ssa.FreeVar); ok {
				a, _ := binding(fv).(*ssa.Alloc)
				if a == nil {
					return false
				}
				stored := values.Stored(a)
				if len(stored) != 1 {
					return false
				}
				cell, recv, fn = a, stored[0], fn.Parent()
				continue
			}
		}
		fv, ok := recv.(*ssa.FreeVar)
		if !ok {
			break
		}
		if recv = binding(fv); recv == nil {
			return false
		}
		fn = fn.Parent()
	}
	made, ok := recv.(*ssa.Call)
	if !ok || made.Parent() != fn || made.Referrers() == nil {
		return false
	}
	// The receiver's uses: the value, and the loads of the variable that holds it.
	uses := []ssa.Value{made}
	if cell != nil {
		for _, r := range *cell.Referrers() {
			if u, ok := r.(*ssa.UnOp); ok && u.Op == token.MUL {
				uses = append(uses, u)
			}
		}
	}
	pkg := cc.StaticCallee().Pkg
	var refs []ssa.Instruction
	for _, u := range uses {
		refs = append(refs, *u.Referrers()...)
	}
	for _, r := range refs {
		switch r := r.(type) {
		case *ssa.FieldAddr:
			st, ok := r.X.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
			if !ok || st.Field(r.Field).Name() != field {
				continue
			}
			for _, rr := range *r.Referrers() {
				switch rr := rr.(type) {
				case *ssa.Store:
					return false // e.Server = &http.Server{...}
				case *ssa.UnOp:
					if fieldStored(rr, "ReadHeaderTimeout") || fieldStored(rr, "ReadTimeout") {
						return false
					}
				}
			}
		case ssa.CallInstruction:
			f := r.Common().StaticCallee()
			switch {
			case f == nil:
				return false
			case f.Pkg == pkg:
			case f.Pkg == fn.Pkg && f.Blocks != nil:
				if slices.ContainsFunc(r.Common().Args, func(a ssa.Value) bool {
					return slices.Contains(uses, a) && touchesField(f, a, r.Common(), pkg, field, 2)
				}) {
					return false
				}
			default:
				return false
			}
		}
	}
	return true
}

// touchesField reports whether f, called by cc with v among its arguments, might set the field of v: it takes
// the field's address, or hands v to a function it cannot follow (not the framework's, nor one of its own
// package within depth calls), or keeps it.
func touchesField(f *ssa.Function, v ssa.Value, cc *ssa.CallCommon, framework *ssa.Package, field string, depth int) bool {
	for i, a := range cc.Args {
		if a == v && i < len(f.Params) && usesTouch(f.Params[i], f.Pkg, framework, field, depth) {
			return true
		}
	}
	return false
}

// usesTouch reports whether the uses of v, a receiver handed to a function of pkg, might set its field: see
// touchesField. A closure that captures v (e.HTTPErrorHandler = func(…) { e.DefaultHTTPErrorHandler(…) }) is
// judged by its own uses of it.
func usesTouch(v ssa.Value, pkg, framework *ssa.Package, field string, depth int) bool {
	for _, r := range *v.Referrers() {
		switch r := r.(type) {
		case *ssa.FieldAddr:
			st, ok := r.X.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
			if ok && st.Field(r.Field).Name() == field {
				return true
			}
		case *ssa.MakeClosure:
			lit := r.Fn.(*ssa.Function)
			for j, b := range r.Bindings {
				if b == v && (depth == 0 || usesTouch(lit.FreeVars[j], pkg, framework, field, depth-1)) {
					return true
				}
			}
		case ssa.CallInstruction:
			g := r.Common().StaticCallee()
			switch {
			case g == nil:
				return true
			case g.Pkg == framework: // e.GET(...): the framework's own methods
			case g.Pkg == pkg && g.Blocks != nil && depth > 0:
				if touchesField(g, v, r.Common(), framework, field, depth-1) {
					return true
				}
			default:
				return true
			}
		case *ssa.Store:
			// Captured by a closure: v is spilled to a variable the closure's loads read.
			if a, ok := r.Addr.(*ssa.Alloc); !ok || r.Val != v || len(values.Stored(a)) != 1 || cellTouch(a, pkg, framework, field, depth) {
				return true
			}
		case *ssa.MakeInterface:
			return true // kept somewhere: cannot follow
		}
	}
	return false
}

// cellTouch reports whether the loads of a variable holding the receiver, in its function or in closures that
// capture it, might set its field (usesTouch).
func cellTouch(cell ssa.Value, pkg, framework *ssa.Package, field string, depth int) bool {
	for _, r := range *cell.Referrers() {
		switch r := r.(type) {
		case *ssa.Store:
		case *ssa.UnOp:
			if r.Op != token.MUL || usesTouch(r, pkg, framework, field, depth) {
				return true
			}
		case *ssa.MakeClosure:
			lit := r.Fn.(*ssa.Function)
			for j, b := range r.Bindings {
				if b == cell && (depth == 0 || cellTouch(lit.FreeVars[j], pkg, framework, field, depth-1)) {
					return true
				}
			}
		default:
			return true
		}
	}
	return false
}

// configUnbounded reports whether a framework's start method serves a receiver that fn makes with its package's
// constructor from configs none of which sets field (fiber.New(fiber.Config{...}) without ReadTimeout). Such a
// config cannot change once the receiver is made, so handing the receiver on does not matter; a receiver made
// elsewhere is not judged.
func configUnbounded(fn *ssa.Function, cc *ssa.CallCommon, field string) bool {
	made, ok := cc.Args[0].(*ssa.Call)
	if !ok || made.Parent() != fn {
		return false
	}
	ctor := made.Common().StaticCallee()
	if ctor == nil || ctor.Pkg != cc.StaticCallee().Pkg {
		return false
	}
	return !slices.ContainsFunc(made.Common().Args, func(v ssa.Value) bool { return configSets(v, field, 0) })
}

// configSets reports whether a config value, or a variadic list of them, sets field: in the literal, or on the
// variable it is loaded from.
func configSets(v ssa.Value, field string, depth int) bool {
	if depth > values.MaxDepth {
		return false
	}
	switch v := v.(type) {
	case *ssa.Slice: // New(Config{...}): the variadic array's elements
		if v.X.Referrers() == nil {
			return false
		}
		for _, r := range *v.X.Referrers() {
			ia, ok := r.(*ssa.IndexAddr)
			if !ok {
				continue
			}
			if fieldStored(ia, field) || slices.ContainsFunc(values.Stored(ia), func(e ssa.Value) bool { return configSets(e, field, depth+1) }) {
				return true
			}
		}
	case *ssa.UnOp:
		if a, ok := v.X.(*ssa.Alloc); ok && v.Op == token.MUL {
			return fieldStored(a, field)
		}
	}
	return false
}

func fieldValue(a ssa.Value, field string) ssa.Value {
	if vals := values.FieldStored(a, field); len(vals) > 0 {
		return vals[0]
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

// loopbackListener reports whether l is a listener made here on a constant loopback address
// (net.Listen("tcp", "127.0.0.1:0")).
func loopbackListener(l ssa.Value) bool {
	if e, ok := l.(*ssa.Extract); ok {
		l = e.Tuple
	}
	call, ok := l.(*ssa.Call)
	if !ok {
		return false
	}
	switch flow.CalleeName(call.Common()) {
	case "net.Listen", "(*net.ListenConfig).Listen":
		args := call.Common().Args
		return len(args) > 0 && loopback(args[len(args)-1])
	}
	return false
}

// localUI reports whether fn, a function that serves HTTP, also opens a URL in the user's browser, itself or
// through the closures it makes and the functions they call (rules: browsers): a command's local UI (shiori open,
// go tool pprof -http), which lives as long as the command and faces its user, not a service's clients.
func (c *Classifier) localUI(fn *ssa.Function) bool {
	seen := map[*ssa.Function]bool{}
	var opens func(f *ssa.Function, depth int) bool
	opens = func(f *ssa.Function, depth int) bool {
		if f == nil || f.Blocks == nil || seen[f] || f.Pkg == nil || flow.IsStd(f.Pkg.Pkg.Path()) {
			return false
		}
		seen[f] = true
		runs, command := false, false
		var next []*ssa.Function
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				if call, ok := instr.(ssa.CallInstruction); ok {
					name := flow.CalleeName(call.Common())
					if slices.Contains(c.cat.Browsers.Funcs, name) {
						return true
					}
					runs = runs || name == "os/exec.Command" || name == "os/exec.CommandContext"
					next = append(next, call.Common().StaticCallee())
				}
				if mc, ok := instr.(*ssa.MakeClosure); ok {
					next = append(next, mc.Fn.(*ssa.Function))
				}
				for _, op := range instr.Operands(nil) {
					if k, ok := (*op).(*ssa.Const); ok && k.Value != nil && k.Value.Kind() == constant.String &&
						slices.Contains(c.cat.Browsers.Commands, constant.StringVal(k.Value)) {
						command = true
					}
				}
			}
		}
		if runs && command {
			return true
		}
		if depth == 0 {
			return false
		}
		return slices.ContainsFunc(next, func(g *ssa.Function) bool { return opens(g, depth-1) })
	}
	return opens(fn, 2)
}
