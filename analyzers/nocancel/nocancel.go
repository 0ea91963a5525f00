package nocancel

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/docstring"
	"github.com/blockcheck/blockcheck/internal/modular"
)

//go:generate go run ../../internal/docgen -name nocancel

//go:embed doc.go
var doc string

// Analyzer reports network, subprocess and DNS calls that cannot be cancelled.
var Analyzer = &analysis.Analyzer{
	Name:     "nocancel",
	Doc:      docstring.Extract(doc, "nocancel"),
	URL:      "https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/nocancel.md",
	Requires: []*analysis.Analyzer{modular.Analyzer},
	Run:      modular.Reporter("nocancel"),
}
