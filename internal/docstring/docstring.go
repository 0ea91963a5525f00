// Package docstring extracts an analyzer's documentation from its package's doc.go, as the x/tools passes do, so
// that the text lives once: in the package documentation, shown by go doc, and in Analyzer.Doc.
package docstring

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Extract returns the text under the "# Analyzer NAME" heading of the package comment in src, without the
// "NAME: " that starts its first line (as x/tools' passes strip it: drivers show the name beside the doc, and
// SARIF's shortDescription is the first line), or panics: a missing heading is a programming error caught by any
// test that loads the analyzer.
func Extract(src, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		panic(fmt.Sprintf("docstring: %v", err))
	}
	if f.Doc == nil {
		panic("docstring: doc.go has no package comment")
	}
	return extract(f.Doc, name)
}

func extract(doc *ast.CommentGroup, name string) string {
	text := doc.Text()
	heading := "# Analyzer " + name
	_, after, ok := strings.Cut(text, heading+"\n")
	if !ok {
		panic(fmt.Sprintf("docstring: no %q heading", heading))
	}
	if i := strings.Index(after, "\n# "); i >= 0 {
		after = after[:i]
	}
	return strings.TrimPrefix(strings.TrimSpace(after), name+": ")
}
