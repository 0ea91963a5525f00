package blocking

import (
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/values"
)

// invoked appends the operation of an interface call that no rule names, judged by the rules of the
// standard-library methods it can call: those of the standard-library types that flow into the interface value
// (a store keeping its *sql.DB behind an interface of its own, as jinzhu/gorm's SQLCommon does, runs
// (*sql.DB).Exec without a context all the same, and no walk enters the standard library to find it there). The
// first that blocks is reported, once per site: one root cause, whichever implementation runs.
//
// Which types flow there is found by walking back from the interface value over the index (values.Walker), not
// from an engine's call graph, so that both engines judge the call alike.
//
// A rule counts its operands as for a static call of the method (0 is the receiver), so the call is judged as one
// with the interface value as receiver: an origin or a bound is traced back through it to the concrete value. The
// rule's own suggested fix is dropped, as it rewrites the call with a method the interface may not have
// (QueryContext); a fix at the maker of an operand (http.NewRequestWithContext) is kept. Server checks, which
// look for the server value at the call, and lockio rules (judged only under a lock) are left out.
func (c *Classifier) invoked(fn *ssa.Function, in ssa.CallInstruction, cc *ssa.CallCommon, ops []Op) []Op {
	var static *ssa.CallCommon
	for _, name := range c.stdCallees(cc) {
		for _, r := range c.byFunc[name] {
			if r.Analyzer == "lockio" || r.Check == "server-timeout" || r.Func == "(*sync.WaitGroup).Wait" {
				continue
			}
			if static == nil {
				static = &ssa.CallCommon{Value: cc.Value, Args: append([]ssa.Value{cc.Value}, cc.Args...)}
			}
			rc := *r
			rc.Edit, rc.More = "", nil
			if op, ok := c.call(fn, in, static, &rc); ok {
				return append(ops, op)
			}
		}
	}
	return ops
}

// stdCallees returns the rule names of the methods of standard-library types that an interface call can go
// to, as far as the values converted to its interface can be traced back, sorted.
func (c *Classifier) stdCallees(cc *ssa.CallCommon) []string {
	if c.invokes == nil {
		c.invokes = map[*ssa.CallCommon][]string{}
		c.methodNames = map[string]bool{}
		for name := range c.byFunc {
			// "(*database/sql.DB).Exec": a method; only its name is needed to rule calls out cheaply.
			if strings.HasPrefix(name, "(") {
				if i := strings.LastIndex(name, ")."); i >= 0 {
					c.methodNames[name[i+2:]] = true
				}
			}
		}
	}
	if !c.methodNames[cc.Method.Name()] {
		return nil // no rule names a method of this name (ServeHTTP, Error): nothing to look for
	}
	if names, ok := c.invokes[cc]; ok {
		return names
	}
	var names []string
	seen := map[types.Type]bool{}
	w := values.NewWalker(c.idx, nil, func(w *values.Walker, n values.Node, depth int) []values.Node {
		mi, ok := n.V.(*ssa.MakeInterface)
		if !ok || n.Mode != values.Value {
			return w.Sources(n)
		}
		t := mi.X.Type()
		if seen[t] {
			return nil
		}
		seen[t] = true
		if name := c.stdMethod(t, cc.Method); name != "" {
			names = append(names, name)
		}
		return nil
	})
	w.Walk(values.Node{V: cc.Value, Mode: values.Value}, 0)
	slices.Sort(names)
	names = slices.Compact(names)
	c.invokes[cc] = names
	return names
}

// stdMethod returns the rule name of the method m selects on type t ("(*database/sql.DB).Exec") when that method
// is the standard library's (t's own, or promoted from an embedded field) and a rule names it, or "".
func (c *Classifier) stdMethod(t types.Type, m *types.Func) string {
	obj, _, _ := types.LookupFieldOrMethod(t, true, m.Pkg(), m.Name())
	f, ok := obj.(*types.Func)
	if !ok || f.Pkg() == nil || !c.idx.StdPkg(f.Pkg()) {
		return "" // not a method of the standard library, nor one promoted from it: the walks enter it
	}
	if name := f.Origin().FullName(); len(c.byFunc[name]) > 0 {
		return name
	}
	return ""
}
