// Package analyzers lists blockcheck's analyzers, one per kind of finding.
package analyzers

import (
	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/analyzers/blockcheck"
	"github.com/blockcheck/blockcheck/analyzers/chanwait"
	"github.com/blockcheck/blockcheck/analyzers/clienttimeout"
	"github.com/blockcheck/blockcheck/analyzers/ctxdetach"
	"github.com/blockcheck/blockcheck/analyzers/gospawn"
	"github.com/blockcheck/blockcheck/analyzers/nocancel"
	"github.com/blockcheck/blockcheck/analyzers/servertimeout"
	"github.com/blockcheck/blockcheck/analyzers/sleep"
	"github.com/blockcheck/blockcheck/analyzers/syncdb"
)

// All is every blockcheck analyzer, in the order of rules.Analyzers.
var All = []*analysis.Analyzer{
	sleep.Analyzer,
	nocancel.Analyzer,
	syncdb.Analyzer,
	ctxdetach.Analyzer,
	clienttimeout.Analyzer,
	servertimeout.Analyzer,
	gospawn.Analyzer,
	chanwait.Analyzer,
}

// Modular is what the modular drivers run (go vet, nogo): the engine analyzer, whose flags configure the run and
// which reports problems with //blockcheck:ignore directives, followed by All.
var Modular = append([]*analysis.Analyzer{blockcheck.Analyzer}, All...)

// Vet is what go vet and go fix run: Modular, with each finding's message starting with its analyzer's name
// ("sleep: time.Sleep ..."), as blockcheck's own text output has it. go vet prints no analyzer name, and users
// need it for //blockcheck:ignore NAME and -NAME=false. (golangci-lint adds the name itself.)
var Vet = named(Modular)

func named(list []*analysis.Analyzer) []*analysis.Analyzer {
	var out []*analysis.Analyzer
	for _, a := range list {
		if a == blockcheck.Analyzer {
			out = append(out, a) // the engine's own reports are about directives
			continue
		}
		c := *a
		c.Run = func(pass *analysis.Pass) (any, error) {
			p := *pass
			p.Report = func(d analysis.Diagnostic) {
				d.Message = a.Name + ": " + d.Message
				pass.Report(d)
			}
			return a.Run(&p)
		}
		out = append(out, &c)
	}
	return out
}
