package blocking

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/flow"
	"github.com/blockcheck/blockcheck/internal/owner"
	"github.com/blockcheck/blockcheck/internal/values"
	"github.com/blockcheck/blockcheck/rules"
)

// A maker is the call that made a bad value, with the rule whose edit gives it a context.
type maker struct {
	call *ssa.CallCommon
	rule rules.Maker
	fn   *ssa.Function
}

// origin decides whether v was made without a context by the origin rule o (values.Bad), and by which call.
func (c *Classifier) origin(v ssa.Value, o *rules.Origin) (values.Verdict, *maker) {
	w := &originWalk{c: c, o: o}
	return values.Decide(v, w.judge), w.maker
}

// An originWalk judges the values met walking back from an origin rule's argument. It keeps the maker of the
// first bad leaf met: when the whole walk is bad, every leaf met is bad and that is the first one in order.
type originWalk struct {
	c     *Classifier
	o     *rules.Origin
	maker *maker
	seen  bool
}

func (w *originWalk) bad(m *maker) values.Step {
	if !w.seen {
		w.seen, w.maker = true, m
	}
	return values.Step{Verdict: values.Bad}
}

func (w *originWalk) judge(v ssa.Value) values.Step {
	if w.o.Unset != "" {
		if maySet(v, w.o.Unset) {
			return values.Step{Verdict: values.Good}
		}
		if a, ok := v.(*ssa.Alloc); ok && hasField(a.Type(), w.o.Unset) {
			// &mail.Dialer{Host: h} or new(T): the zero value of the field, no bound.
			return w.bad(nil)
		}
	}
	switch v := v.(type) {
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok {
			return w.call(call)
		}
	case *ssa.Call:
		return w.call(v)
	case *ssa.Phi:
		return values.Step{From: v.Edges}
	case *ssa.ChangeType:
		return values.Step{From: []ssa.Value{v.X}}
	case *ssa.MakeInterface:
		return values.Step{From: []ssa.Value{v.X}}
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return values.Step{}
		}
		switch a := v.X.(type) {
		case *ssa.FieldAddr, *ssa.Global:
			if w.o.Roots {
				return w.bad(nil)
			}
		case *ssa.Alloc:
			if vals := values.Stored(a); len(vals) == 1 {
				return values.Step{From: vals}
			}
		}
	case *ssa.Field:
		if w.o.Roots {
			return w.bad(nil)
		}
	}
	return values.Step{}
}

func (w *originWalk) call(call *ssa.Call) values.Step {
	cc := call.Common()
	name := flow.CalleeName(cc)
	for _, g := range w.o.Good {
		if g == name {
			return values.Step{Verdict: values.Good}
		}
	}
	for _, m := range w.o.Bad {
		if m.Func == name {
			return w.bad(&maker{call: cc, rule: m, fn: call.Parent()})
		}
	}
	for _, ch := range w.o.Chain {
		if ch == name && len(cc.Args) > 0 {
			return values.Step{From: []ssa.Value{cc.Args[0]}}
		}
	}
	// A helper that returns what it makes (func newCmd() *exec.Cmd { return exec.Command(...) }). A nil returned
	// beside an error (return nil, err) is no value to send: the other returns decide.
	if fn := cc.StaticCallee(); fn != nil && fn.Blocks != nil && owner.Package(fn) != nil && !w.c.idx.StdPkg(owner.Package(fn).Pkg) {
		if rets := made(fn); len(rets) == 1 {
			return values.Step{From: rets}
		}
	}
	return values.Step{}
}

// made returns the values fn returns first, leaving out the nil constants of error returns when fn also returns
// an error.
func made(fn *ssa.Function) []ssa.Value {
	rets := values.Returns(fn, 0)
	res := fn.Signature.Results()
	if res.Len() < 2 || types.TypeString(res.At(res.Len()-1).Type(), nil) != "error" {
		return rets
	}
	var out []ssa.Value
	for _, v := range rets {
		if k, ok := v.(*ssa.Const); ok && k.IsNil() {
			continue
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// hasField reports whether t is a pointer to a struct with the named field.
func hasField(t types.Type, field string) bool {
	ptr, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	st, ok := ptr.Elem().Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for f := range st.Fields() {
		if f.Name() == field {
			return true
		}
	}
	return false
}

// maySet reports whether the named field of the struct v points to might be set through v: v's field is addressed
// (d.Timeout = 10 * time.Second), or v is kept or handed to a function that is not a method of its own type (the
// library's methods read the field; a helper of the user's might set it).
func maySet(v ssa.Value, field string) bool {
	if !hasField(v.Type(), field) || v.Referrers() == nil {
		return false
	}
	st := v.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
	for _, r := range *v.Referrers() {
		switch r := r.(type) {
		case *ssa.FieldAddr:
			if st.Field(r.Field).Name() == field {
				return true
			}
		case *ssa.Field, *ssa.DebugRef, *ssa.Phi, *ssa.BinOp, *ssa.If, *ssa.Return, *ssa.MakeInterface, *ssa.ChangeType:
			// A return comes after every call in the function; an interface holding v reaches its methods only.
		case *ssa.UnOp:
			if r.Op != token.MUL {
				return true
			}
		case ssa.CallInstruction:
			cc := r.Common()
			fn := cc.StaticCallee()
			own := fn != nil && fn.Signature.Recv() != nil && len(cc.Args) > 0 && cc.Args[0] == v &&
				types.Identical(fn.Signature.Recv().Type(), v.Type())
			for i, a := range cc.Args {
				if a == v && (i > 0 || !own) {
					return true
				}
			}
			if cc.Value == v {
				return true
			}
		default:
			return true // stored, converted to an interface, captured
		}
	}
	return false
}
