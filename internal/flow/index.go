package flow

import (
	"go/token"
	"go/types"
	"sync"

	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/values"
)

var _ values.Index = (*Index)(nil)

type fieldKey struct {
	t     string // struct type
	field int
}

// Index holds the stores and call sites of a set of functions, for tracing values backwards across them.
type Index struct {
	fset         *token.FileSet
	fieldStores  map[fieldKey][]ssa.Value
	globalStores map[*ssa.Global][]ssa.Value
	mapStores    map[string][]ssa.Value // by map type
	callSites    map[*ssa.Function][]*ssa.CallCommon
	closures     map[*ssa.Function][]*ssa.MakeClosure
	// receives holds the receives from channels loaded from a struct field (by fieldKey) or a package variable
	// (by *ssa.Global): <-ch, ranges over ch, and selects with a case receiving from ch.
	receives map[any][]ssa.Instruction
	opts     Options

	mu    sync.Mutex
	names map[any]string // CalleeName by *types.Func (invoked) or *ssa.Function (static)
}

// Options say how handlers pass through calls; the zero value follows no handler-passing call.
type Options struct {
	// Passes says, for a callee's rule name, which argument a handler-wrapping call serves (http.StripPrefix).
	Passes map[string]int
	// IsHandlerType reports whether a parameter of this type carries a handler into a middleware.
	IsHandlerType func(types.Type) bool
	// Std, when set, reports whether a package is the standard library as the build system says; without it the
	// import path decides (IsStd), which is all a single-package analysis knows.
	Std func(*types.Package) bool
}

// StdPkg reports whether p belongs to the standard library.
func (x *Index) StdPkg(p *types.Package) bool {
	if x.opts.Std != nil {
		return x.opts.Std(p)
	}
	return IsStd(p.Path())
}

// NewIndex indexes the given functions, whose positions are in fset.
func NewIndex(fset *token.FileSet, funcs []*ssa.Function, opts Options) *Index {
	x := &Index{
		opts:         opts,
		fset:         fset,
		fieldStores:  map[fieldKey][]ssa.Value{},
		globalStores: map[*ssa.Global][]ssa.Value{},
		mapStores:    map[string][]ssa.Value{},
		callSites:    map[*ssa.Function][]*ssa.CallCommon{},
		closures:     map[*ssa.Function][]*ssa.MakeClosure{},
		receives:     map[any][]ssa.Instruction{},
		names:        map[any]string{},
	}
	// The keys of the stores by type print each type once: the same struct types come back at most stores.
	names := map[types.Type]string{}
	typeString := func(t types.Type) string {
		s, ok := names[t]
		if !ok {
			s = types.TypeString(t, nil)
			names[t] = s
		}
		return s
	}
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				x.add(instr, typeString)
			}
		}
	}
	return x
}

func (x *Index) add(instr ssa.Instruction, typeString func(types.Type) string) {
	switch in := instr.(type) {
	case *ssa.Store:
		switch addr := in.Addr.(type) {
		case *ssa.FieldAddr:
			k := fieldKey{typeString(deref(addr.X.Type())), addr.Field}
			x.fieldStores[k] = append(x.fieldStores[k], in.Val)
		case *ssa.Global:
			x.globalStores[addr] = append(x.globalStores[addr], in.Val)
		}
	case *ssa.MapUpdate:
		k := typeString(in.Map.Type().Underlying())
		x.mapStores[k] = append(x.mapStores[k], in.Value)
	case *ssa.UnOp:
		if in.Op == token.ARROW {
			if k := varKey(in.X, typeString); k != nil {
				x.receives[k] = append(x.receives[k], in)
			}
		}
	case *ssa.Select:
		for _, st := range in.States {
			if k := varKey(st.Chan, typeString); k != nil && st.Dir == types.RecvOnly {
				x.receives[k] = append(x.receives[k], in)
			}
		}
	case *ssa.MakeClosure:
		fn := in.Fn.(*ssa.Function)
		x.closures[fn] = append(x.closures[fn], in)
	case ssa.CallInstruction:
		c := in.Common()
		if fn := c.StaticCallee(); fn != nil {
			x.callSites[fn] = append(x.callSites[fn], c)
			// A call of an instance (handle[In, Out](svc.Count)) passes its arguments to the generic body too,
			// which is what a program built without instantiating generics runs.
			if o := fn.Origin(); o != nil {
				x.callSites[o] = append(x.callSites[o], c)
			}
		}
	}
}

// varKey identifies the struct field or package variable a value is loaded from, or returns nil. typeString
// prints a type as types.TypeString does.
func varKey(v ssa.Value, typeString func(types.Type) string) any {
	u, ok := v.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return nil
	}
	switch a := u.X.(type) {
	case *ssa.FieldAddr:
		return fieldKey{typeString(deref(a.X.Type())), a.Field}
	case *ssa.Global:
		return a
	}
	return nil
}

// Receives returns the receives, among the indexed functions, from the channels held in the struct field or
// package variable that ch is loaded from: <-ch, ranges over it, and selects with a case receiving from it.
func (x *Index) Receives(ch ssa.Value) []ssa.Instruction {
	if k := varKey(ch, func(t types.Type) string { return types.TypeString(t, nil) }); k != nil {
		return x.receives[k]
	}
	return nil
}

// CallSites returns the static calls of fn among the indexed functions.
func (x *Index) CallSites(fn *ssa.Function) []*ssa.CallCommon { return x.callSites[fn] }

// FieldStores returns the values stored into field i of the struct type t among the indexed functions.
func (x *Index) FieldStores(t types.Type, i int) []ssa.Value {
	return x.fieldStores[fieldKey{types.TypeString(deref(t), nil), i}]
}

func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// Closures returns the closures of fn made among the indexed functions.
func (x *Index) Closures(fn *ssa.Function) []*ssa.MakeClosure { return x.closures[fn] }

// GlobalStores returns the values stored into the package variable g among the indexed functions.
func (x *Index) GlobalStores(g *ssa.Global) []ssa.Value { return x.globalStores[g] }

// MapStores returns the values stored into maps of type m among the indexed functions.
func (x *Index) MapStores(m types.Type) []ssa.Value {
	return x.mapStores[types.TypeString(m.Underlying(), nil)]
}

// CalleeName is CalleeName memoized by callee: a name is built by formatting types, and rule lookups ask for the
// same callees over and over (on a large service, gigabytes of names). A nil Index does not memoize.
func (x *Index) CalleeName(c *ssa.CallCommon) string {
	var key any
	switch {
	case x == nil:
		return CalleeName(c)
	case c.IsInvoke():
		key = c.Method
	default:
		fn := c.StaticCallee()
		if fn == nil {
			return ""
		}
		key = fn
	}
	x.mu.Lock()
	s, ok := x.names[key]
	x.mu.Unlock()
	if !ok {
		s = CalleeName(c)
		x.mu.Lock()
		x.names[key] = s
		x.mu.Unlock()
	}
	return s
}
