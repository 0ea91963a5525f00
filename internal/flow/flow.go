// Package flow answers "which functions, or which handler types, can this SSA value be?" for the values that
// register handlers. It is a small flow-insensitive points-to analysis over function values: it follows closures,
// method values, conversions, phis, returns of factories, parameters of helpers (through their static call sites),
// struct fields (route tables), slice and array elements, maps and package variables.
//
// The walk is a values.Walker (targets.go): values.Sources gives the edges, and flow's visit keeps what is its own
// (the targets it emits, the calls it enters with their arguments bound, interface method values). Index (index.go)
// is the values.Index every walk of blockcheck crosses functions with.
package flow

import (
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// FuncName returns the name a rule uses for fn: "time.Sleep", "(*net/http.Client).Do". Instances of generic
// functions are named by their origin.
func FuncName(fn *ssa.Function) string {
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if fn.Object() != nil {
		if f, ok := fn.Object().(*types.Func); ok {
			return fullName(f)
		}
	}
	return fn.String()
}

// fullName is f.FullName(), built with one allocation for the common shapes (a package-level function, a
// method of a plain named type or of a pointer to one) rather than through a type printer: the classifier asks
// for the name of every call it scans, on every run.
func fullName(f *types.Func) string {
	if f.Pkg() == nil {
		return f.FullName()
	}
	recv := f.Signature().Recv()
	if recv == nil {
		return f.Pkg().Path() + "." + f.Name()
	}
	t, star := recv.Type(), ""
	if p, ok := t.(*types.Pointer); ok {
		t, star = p.Elem(), "*"
	}
	n, ok := t.(*types.Named)
	if !ok || n.TypeParams() != nil || n.TypeArgs() != nil || n.Obj().Pkg() == nil {
		return f.FullName()
	}
	return "(" + star + n.Obj().Pkg().Path() + "." + n.Obj().Name() + ")." + f.Name()
}

// CalleeName returns the rule name of a call's target, for static calls and interface invocations, or "".
func CalleeName(c *ssa.CallCommon) string {
	if c.IsInvoke() {
		return fullName(c.Method)
	}
	if fn := c.StaticCallee(); fn != nil {
		return FuncName(fn)
	}
	return ""
}

// IsStd reports whether the package path belongs to the standard library.
func IsStd(path string) bool {
	if path == "command-line-arguments" { // files named on the command line (blockcheck main.go)
		return false
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// A Target is what a handler value can be: a function, or a non-function type whose methods serve.
type Target struct {
	Fn   *ssa.Function
	Type types.Type
	// Bind, for a closure, maps its free variables to what this closure captured, and the parameters of the
	// factories the trace went through to this call's arguments: withUser(h.list) and withUser(h.show) make
	// one function with two bindings, and a walk from each should call only its own handler.
	Bind map[ssa.Value]ssa.Value
	// Recv, for a type, is the value of it the trace met (adapter{fn: fn}): a method of it serving a route is
	// walked with its receiver bound to Recv, under Bind.
	Recv ssa.Value
}
