package syncdb

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/docstring"
	"github.com/blockcheck/blockcheck/internal/modular"
)

//go:generate go run ../../internal/docgen -name syncdb

//go:embed doc.go
var doc string

// Analyzer reports database calls without a context.
var Analyzer = &analysis.Analyzer{
	Name:     "syncdb",
	Doc:      docstring.Extract(doc, "syncdb"),
	URL:      "https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/syncdb.md",
	Requires: []*analysis.Analyzer{modular.Analyzer},
	Run:      modular.Reporter("syncdb"),
}
