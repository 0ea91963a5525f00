package blocking

import (
	"go/constant"
	"go/token"
	"go/types"
	"net"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/values"
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
	if c.clientHasTimeout(cc.Args[0], 0) != bad {
		return false, 0
	}
	switch c.requestDeadline(cc.Args[1], 0) {
	case bad:
		return true, 0
	case unknown:
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
func (c *Classifier) NoDeadline(ctx ssa.Value) bool { return c.ctxDeadline(ctx, 0) == bad }

// clientHasTimeout is good when the client has a Timeout, bad when it definitely has none.
func (c *Classifier) clientHasTimeout(v ssa.Value, depth int) verdict {
	if depth > values.MaxDepth {
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
			return c.all(values.Returns(fn, 0), depth, c.clientHasTimeout)
		}
	case *ssa.Phi:
		return c.all(v.Edges, depth, c.clientHasTimeout)
	}
	return unknown
}

// fieldStored reports whether a store to the named field of the struct at a is made.
func fieldStored(a ssa.Value, field string) bool { return len(values.FieldStored(a, field)) > 0 }

// requestDeadline is bad when the request's context definitely has no deadline.
func (c *Classifier) requestDeadline(req ssa.Value, depth int) verdict {
	if depth > values.MaxDepth {
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
	if depth > values.MaxDepth {
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
				for _, v := range values.Stored(al) {
					a, _ = v.(*ssa.Alloc) // the last store
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
