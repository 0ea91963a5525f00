package chanwait

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/docstring"
	"github.com/blockcheck/blockcheck/internal/modular"
)

//go:generate go run ../../internal/docgen -name chanwait

//go:embed doc.go
var doc string

// Analyzer reports channel and WaitGroup waits that never look at the request's context.
var Analyzer = &analysis.Analyzer{
	Name:     "chanwait",
	Doc:      docstring.Extract(doc, "chanwait"),
	URL:      "https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/chanwait.md",
	Requires: []*analysis.Analyzer{modular.Analyzer},
	Run:      modular.Reporter("chanwait"),
}
