// Package report writes findings as text, as JSON in the shape of the x/tools checkers (package, then analyzer,
// then diagnostics), and as SARIF 2.1.0.
package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"go/token"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// A Finding is one diagnostic of one analyzer in one package.
type Finding struct {
	Pkg      string
	Analyzer string
	Diag     analysis.Diagnostic

	// The whole-program engine also says what was found where, for fingerprints, the route inventory and the
	// HTML report. Func is the function holding the operation, package-qualified ("example.com/app.Server.get");
	// Op names the operation ("time.Sleep"); Route and Handler are the route of the shortest path and its
	// handler ("" when no handler reaches it: a server without timeouts, a directive problem).
	Func, Op       string
	Route, Handler string
	// Routes are the indices, in the run's route inventory, of every route that reaches the operation.
	Routes []int
	// Graph holds the call paths from those routes to the operation, shared steps merged.
	Graph *Graph
}

// A Graph is the call paths from routes to an operation: routes, functions and the operation are nodes, calls
// are edges. Each function appears once however many routes pass through it.
type Graph struct {
	Nodes []Node
	Edges []Edge
	// Omitted counts the routes left out to keep the graph readable.
	Omitted int
}

// A Node of a Graph.
type Node struct {
	Kind  string // "route", "func" or "op"
	Label string
	Pos   token.Pos // the function's declaration, the registration, or the operation
	Route int       // for a route node: its index in the route inventory
}

// An Edge of a Graph: From calls (or, from a route node, registers) To at Pos.
type Edge struct {
	From, To int
	Pos      token.Pos
}

// Text writes "file:line:col: analyzer: message", with the path from the handler indented beneath. File names are
// relative to dir where they lie below it.
func Text(w io.Writer, fset *token.FileSet, dir string, findings []Finding) error {
	rel := func(p token.Position) string {
		if r, err := filepath.Rel(dir, p.Filename); err == nil && !strings.HasPrefix(r, "..") {
			p.Filename = r
		}
		return p.String()
	}
	for _, f := range findings {
		if _, err := fmt.Fprintf(w, "%s: %s: %s\n", rel(fset.Position(f.Diag.Pos)), f.Analyzer, f.Diag.Message); err != nil {
			return err
		}
		for _, r := range f.Diag.Related {
			if _, err := fmt.Fprintf(w, "\t%s: %s\n", rel(fset.Position(r.Pos)), r.Message); err != nil {
				return err
			}
		}
	}
	return nil
}

type jsonEdit struct {
	Filename string `json:"filename"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	New      string `json:"new"`
}

type jsonFix struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

type jsonRelated struct {
	Posn    string `json:"posn"`
	End     string `json:"end"`
	Message string `json:"message"`
}

type jsonDiag struct {
	Category       string        `json:"category,omitempty"`
	Posn           string        `json:"posn"`
	End            string        `json:"end"`
	Message        string        `json:"message"`
	SuggestedFixes []jsonFix     `json:"suggested_fixes,omitempty"`
	Related        []jsonRelated `json:"related,omitempty"`
}

// JSON writes the x/tools checker shape: {"pkg": {"analyzer": [diagnostic, ...]}}. Errors of packages that did not
// load are written as {"pkg": {"error": "..."}}, as the checkers do.
func JSON(w io.Writer, fset *token.FileSet, findings []Finding, errors map[string]string) error {
	tree := map[string]map[string]any{}
	for pkg, e := range errors {
		tree[pkg] = map[string]any{"error": e}
	}
	posn := func(p token.Pos) string {
		if !p.IsValid() {
			return ""
		}
		return fset.Position(p).String()
	}
	for _, f := range findings {
		byAn := tree[f.Pkg]
		if byAn == nil {
			byAn = map[string]any{}
			tree[f.Pkg] = byAn
		}
		d := jsonDiag{Category: f.Diag.Category, Posn: posn(f.Diag.Pos), End: posn(f.Diag.End), Message: f.Diag.Message}
		for _, sf := range f.Diag.SuggestedFixes {
			jf := jsonFix{Message: sf.Message}
			for _, e := range sf.TextEdits {
				start := fset.Position(e.Pos)
				end := start
				if e.End.IsValid() {
					end = fset.Position(e.End)
				}
				jf.Edits = append(jf.Edits, jsonEdit{Filename: start.Filename, Start: start.Offset, End: end.Offset, New: string(e.NewText)})
			}
			d.SuggestedFixes = append(d.SuggestedFixes, jf)
		}
		for _, r := range f.Diag.Related {
			d.Related = append(d.Related, jsonRelated{Posn: posn(r.Pos), End: posn(r.End), Message: r.Message})
		}
		list, _ := byAn[f.Analyzer].([]jsonDiag)
		byAn[f.Analyzer] = append(list, d)
	}
	// encoding/json sorts map keys, so the output is deterministic.
	enc := json.NewEncoder(w)
	enc.SetIndent("", "\t")
	return enc.Encode(tree)
}

// Sort orders findings by file, offset and analyzer.
func Sort(fset *token.FileSet, findings []Finding) {
	slices.SortStableFunc(findings, func(x, y Finding) int {
		px, py := fset.Position(x.Diag.Pos), fset.Position(y.Diag.Pos)
		return cmp.Or(cmp.Compare(px.Filename, py.Filename), cmp.Compare(px.Offset, py.Offset), cmp.Compare(x.Analyzer, y.Analyzer))
	})
}
