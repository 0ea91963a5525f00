package gospawn

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/docstring"
	"github.com/blockcheck/blockcheck/internal/modular"
)

//go:generate go run ../../internal/docgen -name gospawn

//go:embed doc.go
var doc string

// Analyzer reports goroutines started per request with nothing to bound them.
var Analyzer = &analysis.Analyzer{
	Name:     "gospawn",
	Doc:      docstring.Extract(doc, "gospawn"),
	URL:      "https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/gospawn.md",
	Requires: []*analysis.Analyzer{modular.Analyzer},
	Run:      modular.Reporter("gospawn"),
}
