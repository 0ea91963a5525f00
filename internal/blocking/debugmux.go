package blocking

import (
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// debugMux reports whether a package-level serve call (http.ListenAndServe(addr, nil)) serves the default mux of
// a package that imports net/http/pprof and registers nothing on that mux itself: the profiling port, whose only
// handlers are pprof's (athens' `http.ListenAndServe(conf.PprofPort, nil)`). Such a listener serves the operator,
// not the service's clients; gosec's G114 is disabled by projects for exactly these. A package that also puts its
// own handlers on the default mux serves them there, and stays reported.
func (c *Classifier) debugMux(fn *ssa.Function, cc *ssa.CallCommon, callee *ssa.Function) bool {
	if fn.Pkg == nil {
		return false
	}
	i := slices.IndexFunc(slices.Collect(callee.Signature.Params().Variables()), func(v *types.Var) bool {
		return types.TypeString(v.Type(), nil) == "net/http.Handler"
	})
	if i < 0 || i >= len(cc.Args) {
		return false
	}
	if k, ok := cc.Args[i].(*ssa.Const); !ok || !k.IsNil() {
		return false
	}
	if !slices.ContainsFunc(fn.Pkg.Pkg.Imports(), func(p *types.Package) bool { return p.Path() == "net/http/pprof" }) {
		return false
	}
	if c.defaultMux == nil {
		c.defaultMux = map[*ssa.Package]bool{}
	}
	own, ok := c.defaultMux[fn.Pkg]
	if !ok {
		own = registersDefault(fn.Pkg)
		c.defaultMux[fn.Pkg] = own
	}
	return !own
}

// defaultRegistrations are the calls that put a handler on http.DefaultServeMux.
var defaultRegistrations = []string{"net/http.Handle", "net/http.HandleFunc"}

// registersDefault reports whether a function of pkg puts a handler on the default mux, or refers to it at all
// (http.DefaultServeMux.Handle, a router mounted on it).
func registersDefault(pkg *ssa.Package) bool {
	var funcs []*ssa.Function
	for _, m := range pkg.Members {
		switch m := m.(type) {
		case *ssa.Function:
			funcs = append(funcs, m)
		case *ssa.Type:
			named, ok := m.Type().(*types.Named)
			if !ok {
				continue
			}
			for meth := range named.Methods() {
				if f := pkg.Prog.FuncValue(meth); f != nil {
					funcs = append(funcs, f)
				}
			}
		}
	}
	for len(funcs) > 0 {
		f := funcs[len(funcs)-1]
		funcs = funcs[:len(funcs)-1]
		funcs = append(funcs, f.AnonFuncs...)
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				if call, ok := instr.(ssa.CallInstruction); ok {
					if callee := call.Common().StaticCallee(); callee != nil && slices.Contains(defaultRegistrations, callee.String()) {
						return true
					}
				}
				for _, op := range instr.Operands(nil) {
					if g, ok := (*op).(*ssa.Global); ok && g.Pkg != nil && g.Pkg.Pkg.Path() == "net/http" && g.Name() == "DefaultServeMux" {
						return true
					}
				}
			}
		}
	}
	return false
}
