package handlers

import (
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/rules"
)

// IndexOptions returns the options of a flow.Index that carries handlers through the calls the catalog says pass
// them on (http.StripPrefix) and through middleware parameters of the catalog's handler types.
func IndexOptions(cat *rules.Catalog) flow.Options {
	opts := flow.Options{Passes: map[string]int{}, IsHandlerType: func(t types.Type) bool { return isHandlerType(cat, t) }}
	for _, p := range cat.Passes {
		opts.Passes[p.Func] = p.Handler
	}
	return opts
}

// IsHandlerType reports whether t is a handler type of a rule: one of its named types, a function type with its
// parameters, or a type implementing its interface.
func (f *Finder) IsHandlerType(t types.Type) bool { return isHandlerType(f.cat, t) }

func isHandlerType(cat *rules.Catalog, t types.Type) bool {
	ts := types.TypeString(t, nil)
	for _, h := range cat.Handlers {
		if ts == h.Type {
			return true
		}
		if sig, ok := t.Underlying().(*types.Signature); ok && len(h.Params) > 0 && paramsMatch(sig, h.Params) {
			return true
		}
	}
	return false
}

func paramsMatch(sig *types.Signature, want []string) bool {
	if sig.Params().Len() != len(want) {
		return false
	}
	for i, w := range want {
		if types.TypeString(sig.Params().At(i).Type(), nil) != w {
			return false
		}
	}
	return true
}

// isMiddleware reports whether sig is a middleware constructor: it takes a handler and returns one
// (func(next http.Handler) http.Handler, echo's func(next echo.HandlerFunc) echo.HandlerFunc). What it returns
// serves requests; the constructor itself runs once, when the route is set up.
func (f *Finder) isMiddleware(sig *types.Signature) bool {
	if sig.Results().Len() != 1 || !f.IsHandlerType(sig.Results().At(0).Type()) {
		return false
	}
	for p := range sig.Params().Variables() {
		if f.IsHandlerType(p.Type()) {
			return true
		}
	}
	return false
}

// accessor returns the rule name of the method a context rule calls on the request value ("{v}.UserContext()" on
// *fiber.Ctx), or "".
func accessor(c rules.Context) string {
	rest, ok := strings.CutPrefix(c.Expr, "{v}.")
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, "()")
	if !ok || strings.ContainsAny(name, ".({") {
		return ""
	}
	return "(" + c.Type + ")." + name
}

// IsDispatch reports whether a call hands the request on to another handler (next.ServeHTTP(w, r), next(w, r),
// gin's c.Next(), a call a handler dispatches a route to: Dispatch). Every handler is a root of its own, so the engines do not follow these calls. Nor do they
// follow a router's request-context accessor (fiber's c.UserContext()): it is the request's context by
// definition, and its fallbacks inside the router (context.Background()) are not the handler's doing.
func (f *Finder) IsDispatch(c *ssa.CallCommon) bool {
	if f.sites[c] || f.next[f.idx.CalleeName(c)] {
		return true
	}
	if c.IsInvoke() {
		recv := ""
		for _, h := range f.cat.Handlers {
			if h.Method == "" || c.Method.Name() != h.Method {
				continue
			}
			if recv == "" {
				recv = types.TypeString(c.Value.Type(), nil)
			}
			if h.Type == recv {
				return true
			}
		}
		return false
	}
	fn := c.StaticCallee()
	if fn == nil {
		return f.IsHandlerType(c.Value.Type())
	}
	// A dependency's handler served directly (connect's generated code calling (*connect.Handler).ServeHTTP).
	if recv := fn.Signature.Recv(); recv != nil && !f.own[fn] {
		recvType := ""
		for _, h := range f.cat.Handlers {
			if h.Method == "" || fn.Name() != h.Method {
				continue
			}
			if recvType == "" {
				recvType = types.TypeString(recv.Type(), nil)
			}
			if h.Type == recvType {
				return true
			}
		}
	}
	return false
}
