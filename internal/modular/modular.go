// Package modular is blockcheck's modular engine, for drivers that analyze one package at a time (go vet,
// golangci-lint, nogo).
package modular

import (
	"reflect"

	"golang.org/x/tools/go/analysis"
)

// Result holds a package's findings by analyzer.
type Result struct {
	Findings map[string][]analysis.Diagnostic
}

// Analyzer computes the findings of all kinds for a package.
var Analyzer = &analysis.Analyzer{
	Name:       "blockcheck",
	Doc:        "compute blockcheck's per-package findings",
	Run:        func(*analysis.Pass) (any, error) { return &Result{}, nil },
	ResultType: reflect.TypeFor[*Result](),
}

// Reporter returns the Run function of the analyzer for one kind of finding.
func Reporter(name string) func(*analysis.Pass) (any, error) {
	return func(pass *analysis.Pass) (any, error) {
		for _, d := range pass.ResultOf[Analyzer].(*Result).Findings[name] {
			pass.Report(d)
		}
		return nil, nil
	}
}
