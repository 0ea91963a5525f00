// Package owner says which package's source a function of an SSA program comes from. go/ssa leaves Function.Pkg
// nil for instances of generic functions (and the closures inside them) and for synthetic wrappers (bound method
// values, method expressions' thunks, pointer-receiver wrappers of value methods); the engines must still follow
// calls into them and judge them as code of the package that declares them.
package owner

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// Package returns the package that declares fn: its own package, the origin's for an instance of a generic
// function, the method's for a wrapper. It returns nil for functions of no package (error.Error, wrappers of
// interface methods of types declared nowhere).
func Package(fn *ssa.Function) *ssa.Package {
	if fn == nil {
		return nil
	}
	if fn.Pkg != nil {
		return fn.Pkg
	}
	if o := fn.Origin(); o != nil && o.Pkg != nil {
		return o.Pkg
	}
	if f, ok := fn.Object().(*types.Func); ok && f.Pkg() != nil {
		return fn.Prog.Package(f.Pkg())
	}
	return nil
}

// Path returns the path of the package that declares fn, or "".
func Path(fn *ssa.Function) string {
	if p := Package(fn); p != nil {
		return p.Pkg.Path()
	}
	return ""
}

// Wrapper reports whether fn is a synthetic wrapper around a method (a bound method value, a thunk, a pointer
// wrapper), whose only work is to call the method: a path shows the method, not the wrapper.
func Wrapper(fn *ssa.Function) bool {
	return fn.Pkg == nil && fn.Synthetic != "" && fn.Origin() == nil
}
