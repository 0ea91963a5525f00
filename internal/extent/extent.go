// Package extent turns the positions go/ssa gives instructions (a call's opening parenthesis, a channel arrow, a
// keyword) into the extent of their syntax, so that both engines report the same range.
package extent

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Of returns the start and end of the syntax in file that an SSA position belongs to, or pos and NoPos when
// there is none.
func Of(file *ast.File, pos token.Pos) (token.Pos, token.Pos) {
	if file == nil {
		return pos, token.NoPos
	}
	path, _ := astutil.PathEnclosingInterval(file, pos, pos)
	for _, n := range path {
		switch n := n.(type) {
		case *ast.CallExpr:
			if n.Lparen == pos {
				return n.Pos(), n.End()
			}
		case *ast.UnaryExpr:
			if n.OpPos == pos {
				return n.Pos(), n.End()
			}
		case *ast.SendStmt:
			if n.Arrow == pos {
				return n.Pos(), n.End()
			}
		case *ast.GoStmt:
			return n.Pos(), n.Call.Lparen
		case *ast.SelectStmt:
			return n.Pos(), n.Body.Lbrace
		case *ast.CompositeLit:
			return n.Pos(), n.End()
		}
	}
	return pos, token.NoPos
}

// Compare orders positions by file name and offset. Positions themselves (token.Pos) order files by when they were
// added to the file set, which go/packages does concurrently: sorting by them is not deterministic across runs.
func Compare(fset *token.FileSet, a, b token.Pos) int {
	if a == b {
		return 0
	}
	pa, pb := fset.Position(a), fset.Position(b)
	if c := strings.Compare(pa.Filename, pb.Filename); c != 0 {
		return c
	}
	return pa.Offset - pb.Offset
}
