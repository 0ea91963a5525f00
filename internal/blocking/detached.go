package blocking

import (
	"cmp"
	"go/constant"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/rules"
)

// detachedTypes knows the types that satisfy context.Context without carrying their request's cancellation (a
// framework's request object: *gin.Context, fiber's Ctx).
type detachedTypes struct {
	idx   *flow.Index
	rules map[string]*rules.Detached // by type, as types.TypeString prints it
	fixed map[string]bool            // Unless fields, once looked up
	names map[types.Type]string      // see typeString
}

func newDetachedTypes(cat *rules.Catalog, idx *flow.Index) *detachedTypes {
	d := &detachedTypes{idx: idx, rules: map[string]*rules.Detached{}, fixed: map[string]bool{}, names: map[types.Type]string{}}
	for i := range cat.Detached {
		d.rules[cat.Detached[i].Type] = &cat.Detached[i]
	}
	return d
}

// rule returns the rule for values of type t, or nil when t is not detached or the program fixed it (gin's
// engine.ContextWithFallback = true).
func (d *detachedTypes) rule(prog *ssa.Program, t types.Type) *rules.Detached {
	r := d.rules[d.typeString(t)]
	if r == nil || r.Unless != "" && d.set(prog, r.Unless) {
		return nil
	}
	return r
}

// typeString is types.TypeString(t, nil), remembered by type: the rules are looked up for every value a
// context could come from, and most values share a few types.
func (d *detachedTypes) typeString(t types.Type) string {
	s, ok := d.names[t]
	if !ok {
		s = types.TypeString(t, nil)
		d.names[t] = s
	}
	return s
}

// set reports whether the program may set the boolean field named "pkg/path.Type.Field" to anything but false.
func (d *detachedTypes) set(prog *ssa.Program, field string) bool {
	if v, ok := d.fixed[field]; ok {
		return v
	}
	d.fixed[field] = false
	typ, name, ok := cutLast(field)
	path, tname, ok2 := cutLast(typ)
	if !ok || !ok2 {
		return false
	}
	pkg := prog.ImportedPackage(path)
	if pkg == nil {
		return false
	}
	t, ok := pkg.Members[tname].(*ssa.Type)
	if !ok {
		return false
	}
	st, ok := t.Type().Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := range st.NumFields() {
		if st.Field(i).Name() != name {
			continue
		}
		for _, v := range d.idx.FieldStores(t.Type(), i) {
			if k, ok := v.(*ssa.Const); !ok || k.Value == nil || k.Value.Kind() != constant.Bool || constant.BoolVal(k.Value) {
				d.fixed[field] = true
			}
		}
	}
	return d.fixed[field]
}

func cutLast(s string) (string, string, bool) {
	i := strings.LastIndex(s, ".")
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// detached reports a detached value converted to context.Context and passed to a call: whatever the call waits
// for cannot be cancelled with the request.
func (c *Classifier) detached(fn *ssa.Function, instr ssa.Instruction, ops []Op) []Op {
	var x, v ssa.Value
	switch in := instr.(type) {
	case *ssa.MakeInterface:
		x, v = in.X, in
	case *ssa.ChangeInterface:
		x, v = in.X, in
	default:
		return ops
	}
	if types.TypeString(v.Type(), nil) != "context.Context" {
		return ops
	}
	r := c.det.rule(fn.Prog, x.Type())
	if r == nil {
		return ops
	}
	for _, ref := range *v.Referrers() {
		call, ok := ref.(ssa.CallInstruction)
		if !ok || !call.Common().Pos().IsValid() {
			continue
		}
		i := slices.Index(call.Common().Args, v)
		if i < 0 || !c.argWaits(call, i, 0) {
			continue // not passed, or only read (a value, a type assertion back): nothing waits on its Done
		}
		name := types.TypeString(x.Type(), func(p *types.Package) string { return p.Name() })
		if o, ok := c.cat.Operation("detached-arg"); ok {
			op := Op{Analyzer: o.Analyzer, Pos: call.Common().Pos(), Name: strings.ReplaceAll(o.Name, "{type}", name),
				Why: o.Why, Fix: cmp.Or(r.Fix, o.Fix)}
			if r.Unless != "" {
				// One setting (gin's ContextWithFallback) fixes every such call: one cause. Without one (fiber),
				// each call needs its own fix and is reported on its own.
				op.Cause = "detached " + r.Type
			}
			ops = append(ops, op)
		}
	}
	return ops
}

// detachedDone reports whether a Done() call is on a detached type, whose channel never fires.
func (c *Classifier) detachedDone(call *ssa.CallCommon, prog *ssa.Program) bool {
	recv := call.Value
	if !call.IsInvoke() {
		if len(call.Args) == 0 {
			return false
		}
		recv = call.Args[0]
	}
	return c.det.rule(prog, recv.Type()) != nil
}
