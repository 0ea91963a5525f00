package lockio

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/docstring"
	"github.com/blockcheck/blockcheck/internal/modular"
)

//go:generate go run ../../internal/docgen -name lockio

//go:embed doc.go
var doc string

// Analyzer reports locks shared across requests held across a wait.
var Analyzer = &analysis.Analyzer{
	Name:     "lockio",
	Doc:      docstring.Extract(doc, "lockio"),
	URL:      "https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/lockio.md",
	Requires: []*analysis.Analyzer{modular.Analyzer},
	Run:      modular.Reporter("lockio"),
}
