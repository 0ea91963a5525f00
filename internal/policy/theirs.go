package policy

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// Theirs reports whether an operation of a kind fixed with the request's context (Kind.ByContext) that is inside
// third-party code is the dependency's own, not the user's to fix: cc is the user's last call on the path into the
// dependency, of callee (nil when not known). It is, when the call cannot give the operation the request's context:
//   - the call takes a context: the dependency drops it on the way (simplesessions' Acquire uses its context only
//     for values), and no context the user gives would reach the operation. A context.Background() given there is
//     still reported, where it is made, by ctxdetach: that is the user's part;
//   - the call takes no context and the dependency offers no form of it that does: no variant of the same name
//     with a context (GetContext, GetCtx, GetWithContext) and no WithContext method on the receiver or on a
//     receiver earlier in its chain of calls into the same package (gorm's db.Model(x).Association(y).Append(z)
//     can be db.WithContext(ctx).Model(x)...).
//
// Otherwise (sqlx.Get, which has sqlx.GetContext) the finding is the user's, reported at the call.
//
// Only context-less operations are judged so: an operation that uses the context the user gives (a query with
// the context passed down) is not syncdb's, and a root context given to it is ctxdetach's.
func Theirs(analyzer string, cc *ssa.CallCommon, callee *types.Func) bool {
	return KindOf(analyzer).ByContext && TheirsCall(cc, callee)
}

// TheirsCall reports whether the user's call cc of callee, into third-party code, cannot give what it leads to the
// request's context (see Theirs).
func TheirsCall(cc *ssa.CallCommon, callee *types.Func) bool {
	if cc == nil || callee == nil {
		return false
	}
	sig, ok := callee.Type().(*types.Signature)
	if !ok {
		return false
	}
	if ctxParam(sig) >= 0 {
		return true
	}
	return !contextForm(cc, callee)
}

// ctxParam returns the index of the first context.Context parameter of sig, or -1.
func ctxParam(sig *types.Signature) int {
	for i := range sig.Params().Len() {
		if isContext(sig.Params().At(i).Type()) {
			return i
		}
	}
	return -1
}

func isContext(t types.Type) bool { return types.TypeString(t, nil) == "context.Context" }

// maxChain bounds the calls walked back along a receiver's chain (db.Model(x).Omit(y).Association(z)).
const maxChain = 8

// contextForm reports whether the dependency offers a form of the call cc of callee that takes a context.
func contextForm(cc *ssa.CallCommon, callee *types.Func) bool {
	name := callee.Name()
	sig := callee.Type().(*types.Signature)
	if sig.Recv() == nil {
		if callee.Pkg() == nil {
			return false
		}
		scope := callee.Pkg().Scope()
		for _, v := range suffixed(name) {
			if f, ok := scope.Lookup(v).(*types.Func); ok && ctxParam(f.Type().(*types.Signature)) >= 0 {
				return true
			}
		}
		return false
	}
	if hasContextMethod(sig.Recv().Type(), append(suffixed(name), withContext...)...) {
		return true
	}
	// The receiver's chain: a receiver returned by a call into the same package, whose own receiver may be given a
	// context (WithContext) before the chain goes on.
	var recv ssa.Value
	switch {
	case cc.IsInvoke():
		recv = cc.Value
	case len(cc.Args) > 0:
		recv = cc.Args[0]
	}
	for range maxChain {
		call := chainCall(recv)
		if call == nil {
			return false
		}
		c := call.Common()
		f := c.StaticCallee()
		if f == nil || f.Pkg == nil || callee.Pkg() == nil || f.Pkg.Pkg != callee.Pkg() || f.Signature.Recv() == nil || len(c.Args) == 0 {
			return false
		}
		if hasContextMethod(f.Signature.Recv().Type(), withContext...) {
			return true
		}
		recv = c.Args[0]
	}
	return false
}

// chainCall returns the call that v is the result of, through an extraction of its first result.
func chainCall(v ssa.Value) *ssa.Call {
	if x, ok := v.(*ssa.Extract); ok && x.Index == 0 {
		v = x.Tuple
	}
	call, _ := v.(*ssa.Call)
	return call
}

// withContext names the methods that give a receiver a context for the calls made through it.
var withContext = []string{"WithContext", "WithCtx"}

// suffixed returns the names of the context-taking variants of a function or method named name.
func suffixed(name string) []string {
	return []string{name + "Context", name + "Ctx", name + "WithContext"}
}

// hasContextMethod reports whether values of type t (or pointers to them) have a method of one of the names that
// takes a context.
func hasContextMethod(t types.Type, names ...string) bool {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	for _, typ := range []types.Type{t, types.NewPointer(t)} {
		if types.IsInterface(t) && typ != t {
			break
		}
		ms := types.NewMethodSet(typ)
		for _, n := range names {
			for i := range ms.Len() {
				if f, ok := ms.At(i).Obj().(*types.Func); ok && f.Name() == n && ctxParam(f.Type().(*types.Signature)) >= 0 {
					return true
				}
			}
		}
	}
	return false
}
