// Package analyzers lists blockcheck's analyzers, one per kind of finding.
package analyzers

import (
	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/analyzers/blockcheck"
	"github.com/blockcheck/blockcheck/analyzers/chanwait"
	"github.com/blockcheck/blockcheck/analyzers/clienttimeout"
	"github.com/blockcheck/blockcheck/analyzers/ctxdetach"
	"github.com/blockcheck/blockcheck/analyzers/gospawn"
	"github.com/blockcheck/blockcheck/analyzers/lockio"
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
	lockio.Analyzer,
}

// Modular is what the modular drivers run (go vet, nogo): the engine analyzer, whose flags configure the run and
// which reports problems with //blockcheck:ignore directives, followed by All.
var Modular = append([]*analysis.Analyzer{blockcheck.Analyzer}, All...)
