package clienttimeout

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/docstring"
	"github.com/blockcheck/blockcheck/internal/modular"
)

//go:generate go run ../../internal/docgen -name clienttimeout

//go:embed doc.go
var doc string

// Analyzer reports outbound HTTP requests with no timeout at all.
var Analyzer = &analysis.Analyzer{
	Name:     "clienttimeout",
	Doc:      docstring.Extract(doc, "clienttimeout"),
	URL:      "https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/clienttimeout.md",
	Requires: []*analysis.Analyzer{modular.Analyzer},
	Run:      modular.Reporter("clienttimeout"),
}
