package sleep

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/docstring"
	"github.com/blockcheck/blockcheck/internal/modular"
)

//go:generate go run ../../internal/docgen -name sleep

//go:embed doc.go
var doc string

// Analyzer reports sleeps and timer waits on a request path.
var Analyzer = &analysis.Analyzer{
	Name:     "sleep",
	Doc:      docstring.Extract(doc, "sleep"),
	URL:      "https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/sleep.md",
	Requires: []*analysis.Analyzer{modular.Analyzer},
	Run:      modular.Reporter("sleep"),
}
