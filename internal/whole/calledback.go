package whole

import (
	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/rules"
)

// A callBack is an edge from a call of a standard-library function to a method of one of its arguments that the
// function calls on the caller's goroutine (io.Copy(w, src) calls src.Read): the walk does not enter the standard
// library, so the edge goes from the call itself, and the path names the function called.
type callBack struct {
	site   ssa.CallInstruction
	callee *ssa.Function
}

// calledBack adds the edges of the callbacks rules (rules.Callback) to g, for the calls in the functions the walks
// enter, and returns the function each added edge goes through. The argument's type is the concrete type it was
// converted from at the call (a *slowReader passed as an io.Reader), or, for an argument that is an interface value
// already, the user's own types traced to it (flow.Index.CalledBack).
func (a *engine) calledBack(g *callgraph.Graph, slice map[*ssa.Function]bool) map[callBack]string {
	byFunc := map[string][]rules.Callback{}
	for _, r := range a.cfg.Catalog.Callbacks {
		byFunc[r.Func] = append(byFunc[r.Func], r)
	}
	if len(byFunc) == 0 {
		return nil
	}
	out := map[callBack]string{}
	for fn := range slice {
		if !a.walks(fn) {
			continue
		}
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				site, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				if _, ok := site.(*ssa.Go); ok {
					continue
				}
				cc := site.Common()
				if cc.StaticCallee() == nil {
					continue
				}
				name := a.idx.CalleeName(cc) // flow.FuncName of the callee, memoized
				for _, r := range byFunc[name] {
					args := cc.Args
					if r.Arg >= len(args) {
						continue
					}
					ms, traced := a.idx.CalledBack(a.prog, args[r.Arg], r.Method)
					for _, m := range ms {
						if !a.walks(m) || traced && !a.ownCode(m) {
							continue
						}
						callgraph.AddEdge(g.CreateNode(fn), site, g.CreateNode(m))
						out[callBack{site, m}] = name
					}
				}
			}
		}
	}
	return out
}

// shortName drops the directories of a function's package path: net/http.ServeContent is http.ServeContent.
func shortName(name string) string {
	slash := -1
	for i := 0; i < len(name) && name[i] != '.'; i++ {
		if name[i] == '/' {
			slash = i
		}
	}
	return name[slash+1:]
}
