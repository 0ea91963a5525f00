package ctxdetach

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/docstring"
	"github.com/blockcheck/blockcheck/internal/modular"
)

//go:generate go run ../../internal/docgen -name ctxdetach

//go:embed doc.go
var doc string

// Analyzer reports context.Background and context.TODO on a request path.
var Analyzer = &analysis.Analyzer{
	Name:     "ctxdetach",
	Doc:      docstring.Extract(doc, "ctxdetach"),
	URL:      "https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/ctxdetach.md",
	Requires: []*analysis.Analyzer{modular.Analyzer},
	Run:      modular.Reporter("ctxdetach"),
}
