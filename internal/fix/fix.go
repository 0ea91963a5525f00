// Package fix turns a blocking operation's edit template into a suggested fix: it finds the call expression in the
// syntax, the request context in scope, and fills in the template.
package fix

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"
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

// Suggest builds the suggested fixes for an edit in file f: the edit's template, then its alternatives. It returns
// none when no template can be filled in (no context in scope, no way to return from the function, an import
// name taken).
func Suggest(fset *token.FileSet, f *ast.File, e *blocking.Edit, ctx string) []analysis.SuggestedFix {
	var out []analysis.SuggestedFix
	if sf := suggest(fset, f, e, e.Template, "", ctx); sf != nil {
		out = append(out, *sf)
	}
	for _, m := range e.More {
		if sf := suggest(fset, f, e, m.Edit, m.Import, ctx); sf != nil {
			out = append(out, *sf)
		}
	}
	return out
}

func suggest(fset *token.FileSet, f *ast.File, e *blocking.Edit, template, imp, ctx string) *analysis.SuggestedFix {
	if ctx == "" && strings.Contains(template, "{ctx}") {
		return nil
	}
	path, _ := astutil.PathEnclosingInterval(f, e.Lparen, e.Lparen)
	var call *ast.CallExpr
	var parent ast.Node
	for i, n := range path {
		if c, ok := n.(*ast.CallExpr); ok && c.Lparen == e.Lparen {
			call = c
			if i+1 < len(path) {
				parent = path[i+1]
			}
			break
		}
	}
	if call == nil {
		return nil
	}
	if e.Arg != "" {
		return argFix(call, e.Arg, template, ctx)
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
	pairs := []string{"{recv}", recv, "{qual}", qual, "{args}", argText, "{ctx}", ctx}
	if strings.Contains(template, "{return") {
		// A statement template: the call must be a statement of its own, not the operand of go or defer, and the
		// function must be able to return its context's error.
		if _, ok := parent.(*ast.ExprStmt); !ok {
			return nil
		}
		ret, ok := returnErr(e.Fn, f, ctx+".Err()")
		if !ok {
			return nil
		}
		retVar, _ := returnErr(e.Fn, f, "err")
		pairs = append(pairs, "{return}", ret, "{return err}", retVar)
	}
	var edits []analysis.TextEdit
	if imp != "" {
		name, edit, ok := importName(f, imp)
		if !ok {
			return nil
		}
		pairs = append(pairs, "{pkg}", name)
		if edit != nil {
			edits = append(edits, *edit)
		}
	}
	out := strings.NewReplacer(pairs...).Replace(template)
	if strings.Contains(template, "{ctx}, {args}") && len(args) == 0 {
		out = strings.Replace(out, ctx+", ", ctx, 1)
	}
	if _, stmt := parent.(*ast.ExprStmt); stmt && !strings.Contains(template, "{return") {
		// Only a call can stand as a statement: context.Background() alone on a line cannot become ctx.
		if x, err := parser.ParseExpr(out); err != nil || !isCall(x) {
			return nil
		}
	}
	edits = append([]analysis.TextEdit{{Pos: call.Pos(), End: call.End(), NewText: []byte(out)}}, edits...)
	return &analysis.SuggestedFix{Message: fmt.Sprintf("Replace with %s", firstLine(out)), TextEdits: edits}
}

// argFix rewrites the argument of call that names the package variable name (bg, oauth2.NoContext) by template,
// whose only placeholder is {ctx}; it returns nil unless exactly one argument names it.
func argFix(call *ast.CallExpr, name, template, ctx string) *analysis.SuggestedFix {
	var arg ast.Expr
	for _, a := range call.Args {
		switch x := ast.Unparen(a).(type) {
		case *ast.Ident:
			if x.Name != name {
				continue
			}
		case *ast.SelectorExpr:
			if _, pkg := x.X.(*ast.Ident); !pkg || x.Sel.Name != name {
				continue
			}
		default:
			continue
		}
		if arg != nil {
			return nil
		}
		arg = a
	}
	if arg == nil || strings.ContainsAny(strings.ReplaceAll(template, "{ctx}", ""), "{}") {
		return nil
	}
	out := strings.ReplaceAll(template, "{ctx}", ctx)
	return &analysis.SuggestedFix{Message: fmt.Sprintf("Replace with %s", firstLine(out)),
		TextEdits: []analysis.TextEdit{{Pos: arg.Pos(), End: arg.End(), NewText: []byte(out)}}}
}

func isCall(x ast.Expr) bool {
	_, ok := ast.Unparen(x).(*ast.CallExpr)
	return ok
}

// returnErr returns a return statement for fn that returns err as its error result and zero values for the
// others: "return" when fn has no results. It reports false when fn's last result is not an error, or when a
// zero value cannot be written in file f.
func returnErr(fn *ssa.Function, f *ast.File, err string) (string, bool) {
	if fn == nil {
		return "", false
	}
	if o := fn.Origin(); o != nil {
		fn = o // write the generic function's own types, not an instance's
	}
	res := fn.Signature.Results()
	if res.Len() == 0 {
		return "return", true
	}
	if !types.Identical(res.At(res.Len()-1).Type(), types.Universe.Lookup("error").Type()) {
		return "", false
	}
	qual, ok := qualifier(f, fn.Pkg)
	vals := make([]string, 0, res.Len())
	for i := range res.Len() - 1 {
		z := zero(res.At(i).Type(), qual)
		if z == "" || !*ok {
			return "", false
		}
		vals = append(vals, z)
	}
	return "return " + strings.Join(append(vals, err), ", "), true
}

// qualifier names packages as file f imports them; it sets *ok to false when a type needs a package f does not
// import.
func qualifier(f *ast.File, pkg *ssa.Package) (types.Qualifier, *bool) {
	ok := true
	names := map[string]string{}
	for _, spec := range f.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		if spec.Name != nil {
			names[path] = spec.Name.Name
		} else {
			names[path] = ""
		}
	}
	return func(p *types.Package) string {
		if pkg != nil && p == pkg.Pkg {
			return ""
		}
		name, imported := names[p.Path()]
		switch {
		case !imported || name == "_" || name == ".":
			ok = false
			return p.Name()
		case name == "":
			return p.Name()
		}
		return name
	}, &ok
}

// zero writes the zero value of t, or "" when it cannot.
func zero(t types.Type, qual types.Qualifier) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Info()&types.IsNumeric != 0:
			return "0"
		case u.Kind() == types.UnsafePointer:
			return "nil"
		}
		return ""
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		if _, ok := t.(*types.TypeParam); ok {
			return "*new(" + types.TypeString(t, qual) + ")"
		}
		return "nil"
	case *types.Struct, *types.Array:
		return types.TypeString(t, qual) + "{}"
	}
	return ""
}

// importName returns the name under which file f refers to the package at path, with the edit that imports it
// when f does not yet. It reports false when that name is already taken by another import.
func importName(f *ast.File, path string) (string, *analysis.TextEdit, bool) {
	name := path[strings.LastIndex(path, "/")+1:]
	for _, spec := range f.Imports {
		p, _ := strconv.Unquote(spec.Path.Value)
		local := p[strings.LastIndex(p, "/")+1:]
		if spec.Name != nil {
			local = spec.Name.Name
		}
		if p == path && local != "_" && local != "." {
			return local, nil, true
		}
		if local == name {
			return "", nil, false
		}
	}
	if f.Scope != nil && f.Scope.Lookup(name) != nil {
		return "", nil, false
	}
	quoted := strconv.Quote(path)
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if gd.Lparen.IsValid() && len(gd.Specs) > 0 {
			end := gd.Specs[len(gd.Specs)-1].End()
			return name, &analysis.TextEdit{Pos: end, End: end, NewText: []byte("\n\t" + quoted)}, true
		}
		return name, &analysis.TextEdit{Pos: gd.End(), End: gd.End(), NewText: []byte("\n\nimport " + quoted)}, true
	}
	end := f.Name.End()
	return name, &analysis.TextEdit{Pos: end, End: end, NewText: []byte("\n\nimport " + quoted)}, true
}

func firstLine(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
