package whole

import (
	"go/ast"
	"go/types"
)

// tableMin is the number of literal values from which a package-level initializer counts as a table.
const tableMin = 64

// withoutTables returns info with the package-level initializers that fill a table of plain data left out of
// InitOrder, which is what SSA builds the package's init function from; the variables stay, zero. It is used for
// dependencies only: brotli's dictionaries alone are hundreds of thousands of constant stores that no call, no
// function value and no handler can come out of, and building them was most of the SSA and VTA work of a service
// that imports brotli (miniflux: about 580 MB peak RSS with them, 420 MB without, same findings). info itself is
// not modified: a Session keeps it for the next run.
func withoutTables(info *types.Info) *types.Info {
	var keep []*types.Initializer
	for i, init := range info.InitOrder {
		if isTable(info, init.Rhs) {
			if keep == nil {
				keep = append(make([]*types.Initializer, 0, len(info.InitOrder)), info.InitOrder[:i]...)
			}
			continue
		}
		if keep != nil {
			keep = append(keep, init)
		}
	}
	if keep == nil {
		return info
	}
	trimmed := *info
	trimmed.InitOrder = keep
	return &trimmed
}

// isTable reports whether e is a composite literal of an array or slice of plain data, with at least tableMin
// literal values, no call and no function literal.
func isTable(info *types.Info, e ast.Expr) bool {
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok || !plainList(info.TypeOf(lit)) {
		return false
	}
	values, clean := 0, true
	ast.Inspect(lit, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.CallExpr, *ast.FuncLit:
			clean = false
		case *ast.BasicLit:
			values++
		}
		return clean
	})
	return clean && values >= tableMin
}

// plainList reports whether t is an array or slice of plain data.
func plainList(t types.Type) bool {
	if t == nil {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Array:
		return plain(u.Elem())
	case *types.Slice:
		return plain(u.Elem())
	}
	return false
}

// plain reports whether values of t hold data alone: basic values (no unsafe.Pointer), and arrays, slices and
// structs of those. No pointer, function, interface, map or channel.
func plain(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() != types.UnsafePointer
	case *types.Array:
		return plain(u.Elem())
	case *types.Slice:
		return plain(u.Elem())
	case *types.Struct:
		for f := range u.Fields() {
			if !plain(f.Type()) {
				return false
			}
		}
		return true
	}
	return false
}
