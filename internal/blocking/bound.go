package blocking

import (
	"go/token"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/owner"
	"github.com/blockcheck/blockcheck/internal/values"
	"github.com/blockcheck/blockcheck/rules"
)

// boundSet reports whether the operand a rule's Bound names is a struct one of whose bounding fields is set (a
// net.Dialer with a Timeout), as far as can be known: the call then ends by itself and is not reported.
func (c *Classifier) boundSet(cc *ssa.CallCommon, b *rules.Bound) bool {
	if b.Arg >= len(cc.Args) {
		return false
	}
	return values.Decide(cc.Args[b.Arg], func(v ssa.Value) values.Step { return c.boundStep(v, b.Fields) }) == values.Good
}

// boundStep is good when a bounding field of the struct v points to is set, or may be set by code v is handed to,
// and bad for a struct made here (a literal, new(T), a zero variable) that sets none.
func (c *Classifier) boundStep(v ssa.Value, fields []string) values.Step {
	if slices.ContainsFunc(fields, func(f string) bool { return maySet(v, f) }) {
		return values.Step{Verdict: values.Good}
	}
	switch v := v.(type) {
	case *ssa.Alloc:
		if slices.ContainsFunc(fields, func(f string) bool { return hasField(v.Type(), f) }) {
			return values.Step{Verdict: values.Bad}
		}
	case *ssa.MakeInterface:
		return values.Step{From: []ssa.Value{v.X}}
	case *ssa.ChangeType:
		return values.Step{From: []ssa.Value{v.X}}
	case *ssa.Phi:
		return values.Step{From: v.Edges}
	case *ssa.UnOp:
		if v.Op != token.MUL {
			break
		}
		switch a := v.X.(type) {
		case *ssa.Alloc:
			return values.Step{From: values.Stored(a)}
		case *ssa.Global:
			return values.Step{From: c.idx.GlobalStores(a)}
		case *ssa.FieldAddr:
			return values.Step{From: c.idx.FieldStores(a.X.Type(), a.Field)}
		}
	case *ssa.Field:
		return values.Step{From: c.idx.FieldStores(v.X.Type(), v.Field)}
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok && v.Index == 0 {
			return values.Step{From: []ssa.Value{call}}
		}
	case *ssa.Call:
		// A helper returning the struct it makes (func dialer() *net.Dialer { return &net.Dialer{...} }).
		if fn := v.Common().StaticCallee(); fn != nil && fn.Blocks != nil && owner.Package(fn) != nil && !c.idx.StdPkg(owner.Package(fn).Pkg) {
			return values.Step{From: values.Returns(fn, 0)}
		}
	case *ssa.Parameter:
		if obj := v.Parent().Object(); obj != nil && obj.Exported() {
			// Callers in other packages, which the modular engine does not see, may pass a bounded one (go-imap's
			// DialWithDialer): precision first, and both engines alike.
			return values.Step{Verdict: values.Good}
		}
		return values.Step{From: values.Args(v, c.idx)}
	}
	return values.Step{}
}
