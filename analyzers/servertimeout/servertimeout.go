package servertimeout

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/docstring"
	"github.com/blockcheck/blockcheck/internal/modular"
)

//go:generate go run ../../internal/docgen -name servertimeout

//go:embed doc.go
var doc string

// Analyzer reports HTTP servers without read timeouts.
var Analyzer = &analysis.Analyzer{
	Name:     "servertimeout",
	Doc:      docstring.Extract(doc, "servertimeout"),
	URL:      "https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/servertimeout.md",
	Requires: []*analysis.Analyzer{modular.Analyzer},
	Run:      modular.Reporter("servertimeout"),
}
