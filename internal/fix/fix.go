// Package fix turns a blocking operation's edit template into a suggested fix: it finds the call expression in the
// syntax, the request context in scope, and fills in the template.
package fix

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/rules"
)

// ContextExpr returns an expression for the request context in scope in fn: a context.Context parameter, or one
// derived from a parameter of a type the catalog knows (r.Context() for *http.Request). Closures see their
// enclosing functions' parameters. It returns "" when no context is in scope: no fix is offered there.
func ContextExpr(fn *ssa.Function, cat *rules.Catalog) string {
	for f := fn; f != nil; f = f.Parent() {
		// Prefer a context.Context (it may already carry a deadline) over one derived from a request.
		for _, want := range cat.Contexts {
			for _, p := range f.Params {
				if p.Name() != "_" && isA(p.Type(), want.Type) {
					return strings.ReplaceAll(want.Expr, "{v}", p.Name())
				}
			}
			for _, v := range f.FreeVars {
				if isA(v.Type(), want.Type) {
					return strings.ReplaceAll(want.Expr, "{v}", v.Name())
				}
			}
		}
	}
	return ""
}

// isA reports whether t is the type named: the type itself, an instance of the generic type named, or an
// interface that embeds it (gRPC's generic grpc.ServerStreamingServer[T] embeds grpc.ServerStream).
func isA(t types.Type, name string) bool {
	if types.TypeString(t, nil) == name {
		return true
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	if n.Origin() != n && types.TypeString(n.Origin(), nil) == name {
		return true
	}
	if it, ok := n.Underlying().(*types.Interface); ok {
		for i := range it.NumEmbeddeds() {
			if isA(it.EmbeddedType(i), name) {
				return true
			}
		}
	}
	return false
}

// Suggest builds the suggested fix for an edit in file f, or returns nil when the template cannot be filled in.
func Suggest(fset *token.FileSet, f *ast.File, e *blocking.Edit, ctx string) *analysis.SuggestedFix {
	if ctx == "" && strings.Contains(e.Template, "{ctx}") {
		return nil
	}
	var call *ast.CallExpr
	ast.Inspect(f, func(n ast.Node) bool {
		if call != nil {
			return false
		}
		if c, ok := n.(*ast.CallExpr); ok && c.Lparen == e.Lparen {
			call = c
			return false
		}
		return n == nil || n.Pos() <= e.Lparen && e.Lparen < n.End()
	})
	if call == nil {
		return nil
	}
	text := func(n ast.Node) string {
		var b bytes.Buffer
		if err := format.Node(&b, fset, n); err != nil {
			return ""
		}
		return b.String()
	}
	recv, qual := "", ""
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
		recv = text(sel.X)
		qual = recv + "."
	}
	var args []string
	for _, a := range call.Args {
		args = append(args, text(a))
	}
	argText := strings.Join(args, ", ")
	if call.Ellipsis.IsValid() {
		argText += "..."
	}
	out := strings.NewReplacer("{recv}", recv, "{qual}", qual, "{args}", argText, "{ctx}", ctx).Replace(e.Template)
	if strings.Contains(e.Template, "{ctx}, {args}") && len(args) == 0 {
		out = strings.Replace(out, ctx+", ", ctx, 1)
	}
	start, end := call.Pos(), call.End()
	return &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Replace with %s", firstLine(out)),
		TextEdits: []analysis.TextEdit{{Pos: start, End: end, NewText: []byte(out)}},
	}
}

func firstLine(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
