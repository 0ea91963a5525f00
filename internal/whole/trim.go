package whole

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
)

// x/tools' SSA keeps parts of a package after building it that no later stage of ours reads. An ssa.Function
// keeps its syntax for good, and a generic one (it builds its instances from them, as late as VTA asks for a method
// value) also the package's *types.Info, every syntax node of the package a key in its maps: a single generic
// function kept its package's whole type information alive, and every function its body. Once a package is built,
// generics finds its generic declarations, cutBuilt drops the bodies of the other functions (for dependencies:
// the user's own files are read again for directives, fixes and extents), and trimInfo the entries of the type
// information outside the generic declarations.

// generics returns the extents of the declarations of generic functions and methods of generic types in files, in
// order of position. An unknown declaration counts as generic, so that nothing it needs is dropped.
func generics(info *types.Info, files []*ast.File) []span {
	var generic []span
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && isGeneric(info, fd) {
				generic = append(generic, span{fd.Pos(), fd.End()})
			}
		}
	}
	slices.SortFunc(generic, func(a, b span) int { return int(a.pos - b.pos) })
	return generic
}

// cutBuilt empties the bodies of the functions declared in files but those generic reports (SSA builds a generic
// function's instances from its syntax, as late as VTA asks), and of the function literals and range-over-func
// loops in them and in package-level initializers, keeping the nodes SSA holds (the declaration, the literal's
// signature, the loop's header).
func cutBuilt(files []*ast.File, generic func(*ast.FuncDecl) bool) {
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !generic(d) {
					cutBodies(d)
				}
			case *ast.GenDecl:
				if d.Tok == token.VAR {
					cutBodies(d) // function literals in initializers: the package's init holds them
				}
			}
		}
	}
}

// trimInfo replaces the maps of info, the type information SSA holds for a package, with maps of the nodes inside
// its generic declarations, the only ones an instance's build looks up (Types, Defs, Uses, Implicits,
// Selections, Instances); Scopes, FileVersions and InitOrder are read when a package is created or built, not
// after. It mutates info in place, since the generic functions point to it: no other goroutine may be building
// an instance from it.
func trimInfo(info *types.Info, generic []span) {
	info.Types = keep(info.Types, generic)
	info.Defs = keep(info.Defs, generic)
	info.Uses = keep(info.Uses, generic)
	info.Implicits = keep(info.Implicits, generic)
	info.Selections = keep(info.Selections, generic)
	info.Instances = keep(info.Instances, generic)
	info.Scopes = nil
	info.FileVersions = nil
	info.InitOrder = nil
}

// inside reports whether n starts inside one of the spans.
func inside(spans []span, n ast.Node) bool {
	p := n.Pos()
	i, found := slices.BinarySearchFunc(spans, p, func(s span, p token.Pos) int { return int(s.pos - p) })
	return found || i > 0 && p < spans[i-1].end
}

// A span is the extent of a declaration.
type span struct{ pos, end token.Pos }

// keep returns the entries of m whose node is inside a generic declaration, nil when there are none.
func keep[K interface {
	comparable
	ast.Node
}, V any](m map[K]V, generic []span) map[K]V {
	if len(generic) == 0 || len(m) == 0 {
		return nil
	}
	out := map[K]V{}
	for k, v := range m {
		if inside(generic, k) {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// isGeneric reports whether fd declares a generic function or a method of a generic type: SSA builds its instances
// from its syntax and type information. An unknown declaration counts as generic, so that nothing it needs is cut.
func isGeneric(info *types.Info, fd *ast.FuncDecl) bool {
	fn, ok := info.Defs[fd.Name].(*types.Func)
	if !ok {
		return true
	}
	sig := fn.Type().(*types.Signature)
	return sig.TypeParams().Len() > 0 || sig.RecvTypeParams().Len() > 0
}

// cutBodies empties the bodies of n and of the function literals and range statements in it (the syntax of the
// functions SSA made of them), keeping their braces.
func cutBodies(n ast.Node) {
	var blocks []*ast.BlockStmt
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body != nil {
				blocks = append(blocks, n.Body)
			}
		case *ast.FuncLit:
			blocks = append(blocks, n.Body)
		case *ast.RangeStmt:
			blocks = append(blocks, n.Body)
		}
		return true
	})
	for _, b := range blocks {
		b.List = nil
	}
}
