// Package blockcheck exports blockcheck's engine analyzer, which the other analyzers of package analyzers require
// and which reports problems with //blockcheck:ignore directives. Drivers that list analyzers by package (Bazel's
// nogo) list it beside the others to get those reports and its flags (-blockcheck.rules,
// -blockcheck.unused-ignores, -blockcheck.test).
package blockcheck

import "github.com/blockcheck/blockcheck/internal/modular"

// Analyzer is the engine: it computes every package's findings and the facts that carry function summaries
// between packages.
var Analyzer = modular.Analyzer
