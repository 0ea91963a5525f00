package cli

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/blockcheck/blockcheck/internal/whole"
	"github.com/blockcheck/blockcheck/rules"
)

const routesUsage = `Usage: blockcheck routes [flags] [packages]

Lists every route the packages register (default ./...): method and pattern with the prefixes of the groups and
mounts it is under, the handler, the framework, where it is registered and where the handler is defined, and the
blocking operations it reaches counted per analyzer, worst first. Routes that reach nothing are listed as clean;
registrations whose handler could not be traced are listed as unresolved, and standard-library handlers
(http.FileServer) as library. The JSON schema is in docs/report.md.
Exit status: 0, or 1 on errors.

Flags:
`

// runRoutes is the routes subcommand.
func runRoutes(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("blockcheck routes", flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "print the inventory as JSON")
	csvOut := fs.Bool("csv", false, "print the inventory as CSV")
	tests := fs.Bool("test", false, "also analyze test files")
	rulesFile := fs.String("rules", "", "a rules `file` that extends the default catalog (see docs/rules.md)")
	dir := fs.String("C", "", "run in `dir`")
	verbose := fs.Bool("v", false, "print progress and, at the end, each stage's time and memory")
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprint(stderr, routesUsage)
			fs.PrintDefaults()
			return ExitClean
		}
		fmt.Fprintf(stderr, "blockcheck routes: %v\nRun 'blockcheck routes -help' for usage.\n", err)
		return ExitError
	}
	if *jsonOut && *csvOut {
		fmt.Fprintln(stderr, "blockcheck routes: -json and -csv cannot be used together")
		return ExitError
	}
	cat, err := catalog(inDir(*dir, *rulesFile))
	if err != nil {
		fmt.Fprintf(stderr, "blockcheck: %v\n", err)
		return ExitError
	}
	cfg := &whole.Config{Dir: *dir, Patterns: fs.Args(), Tests: *tests, Catalog: cat, Enabled: map[string]bool{}}
	for _, a := range rules.Analyzers {
		cfg.Enabled[a] = true
	}
	res, wd, ok := analyse(cfg, &views{verbose: *verbose}, stderr)
	if !ok {
		return ExitError
	}
	inv := Inventory(res, wd)
	switch {
	case *jsonOut:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(inv)
	case *csvOut:
		err = writeCSV(stdout, inv)
	default:
		err = writeTable(stdout, inv)
	}
	if err != nil {
		fmt.Fprintf(stderr, "blockcheck: writing output: %v\n", err)
		return ExitError
	}
	if len(res.Errors) > 0 {
		return ExitError
	}
	return ExitClean
}

// analyse runs the whole-program engine with progress on stderr, prints the package errors, and says whether there
// is anything to report on: it returns false, having said why, on an error or when the patterns matched nothing.
// wd is the absolute directory the run was in.
func analyse(cfg *whole.Config, v *views, stderr io.Writer) (res *whole.Result, wd string, ok bool) {
	done := v.progress(cfg, stderr)
	res, err := whole.Run(context.Background(), cfg)
	done(res)
	if err != nil {
		fmt.Fprintf(stderr, "blockcheck: %v\n", err)
		return nil, "", false
	}
	if wd, err = filepath.Abs(cfg.Dir); err != nil {
		fmt.Fprintf(stderr, "blockcheck: %v\n", err)
		return nil, "", false
	}
	printErrors(res, wd, stderr)
	return res, wd, analysed(res, cfg.Dir, cfg.Patterns, stderr)
}

// printErrors prints the package errors as go vet prints them: the package, then its errors.
func printErrors(res *whole.Result, wd string, stderr io.Writer) {
	for _, e := range res.ErrorPkgs {
		fmt.Fprintf(stderr, "# %s\n", e.Pkg)
		for _, m := range e.Msgs {
			fmt.Fprintln(stderr, relative(wd, m))
		}
	}
	for _, p := range res.Skipped {
		fmt.Fprintf(stderr, "blockcheck: %s not analyzed: it imports a package with errors\n", p)
	}
}

// RouteInventory is the JSON document of blockcheck routes -json (documented in docs/report.md).
type RouteInventory struct {
	Version  int          `json:"version"`
	Packages []string     `json:"packages"`
	Routes   []RouteEntry `json:"routes"`
}

// A RouteEntry is one route of the inventory.
type RouteEntry struct {
	Route     string         `json:"route"` // "GET /users/{id}", "every route under /api", "" when not static
	Method    string         `json:"method"`
	Pattern   string         `json:"pattern"`
	Server    bool           `json:"server"` // middleware or a server's root handler: serves every route (under pattern)
	Handler   string         `json:"handler"`
	Framework string         `json:"framework"`
	Status    string         `json:"status"` // "clean", "blocking", "unresolved" or "library"
	Register  *Location      `json:"registered"`
	Defined   *Location      `json:"defined,omitempty"`
	Total     int            `json:"total"`
	Counts    []AnalyzerSum  `json:"blocking"`
	Findings  []FindingBrief `json:"findings"`
}

// A Location is a position in a file, relative to the directory blockcheck ran in where it lies below it.
type Location struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// An AnalyzerSum counts the findings of one analyzer.
type AnalyzerSum struct {
	Analyzer string `json:"analyzer"`
	Count    int    `json:"count"`
}

// A FindingBrief names a finding a route reaches.
type FindingBrief struct {
	Analyzer  string    `json:"analyzer"`
	Operation string    `json:"operation"`
	At        *Location `json:"at"`
}

// Inventory builds the route inventory of a run, with file names relative to wd.
func Inventory(res *whole.Result, wd string) *RouteInventory {
	loc := func(p token.Pos) *Location {
		if !p.IsValid() {
			return nil
		}
		pos := res.Fset.Position(p)
		return &Location{File: relFile(wd, pos.Filename), Line: pos.Line, Column: pos.Column}
	}
	inv := &RouteInventory{Version: 1, Packages: res.Packages, Routes: []RouteEntry{}}
	if inv.Packages == nil {
		inv.Packages = []string{}
	}
	for _, r := range res.Routes {
		e := RouteEntry{Route: r.Name(), Method: r.Method, Pattern: r.Pattern, Server: r.Server, Handler: r.Handler,
			Framework: r.Framework, Status: r.Status, Register: loc(r.Reg), Defined: loc(r.Def), Total: r.Total(),
			Counts: []AnalyzerSum{}, Findings: []FindingBrief{}}
		if r.Status == whole.Analyzed {
			e.Status = "clean"
			if r.Total() > 0 {
				e.Status = "blocking"
			}
		}
		for a, n := range r.Counts {
			e.Counts = append(e.Counts, AnalyzerSum{a, n})
		}
		// Worst first, then in the catalog's order.
		slices.SortFunc(e.Counts, func(x, y AnalyzerSum) int {
			return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(slices.Index(rules.Analyzers, x.Analyzer), slices.Index(rules.Analyzers, y.Analyzer)))
		})
		for _, fi := range r.Findings {
			f := res.Findings[fi]
			e.Findings = append(e.Findings, FindingBrief{Analyzer: f.Analyzer, Operation: f.Op, At: loc(f.Diag.Pos)})
		}
		inv.Routes = append(inv.Routes, e)
	}
	return inv
}

// relFile names a file relative to wd below it, and a module's file from the module cache by its module path and
// version ("github.com/go-chi/chi/v5@v5.5.0/mux.go").
func relFile(wd, name string) string {
	if r, err := filepath.Rel(wd, name); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	name = filepath.ToSlash(name)
	if _, after, ok := strings.Cut(name, "/pkg/mod/"); ok && strings.Contains(after, "@") {
		return after
	}
	return name
}

func (l *Location) String() string {
	if l == nil {
		return "-"
	}
	return fmt.Sprintf("%s:%d", l.File, l.Line)
}

// blocking is the text of a route's findings column: "sleep 2, syncdb 1", "clean", "unresolved".
func (e *RouteEntry) blocking() string {
	switch e.Status {
	case "clean":
		return "clean"
	case "unresolved":
		return "unresolved: handler not traced"
	case "library":
		return "library handler: not analyzed"
	}
	var parts []string
	for _, c := range e.Counts {
		parts = append(parts, fmt.Sprintf("%s %d", c.Analyzer, c.Count))
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeTable(w io.Writer, inv *RouteInventory) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ROUTE\tHANDLER\tFRAMEWORK\tBLOCKING\tREGISTERED\tDEFINED")
	for _, e := range inv.Routes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", orDash(e.Route), orDash(e.Handler), e.Framework, e.blocking(), e.Register, e.Defined)
	}
	return tw.Flush()
}

func writeCSV(w io.Writer, inv *RouteInventory) error {
	cw := csv.NewWriter(w)
	head := []string{"method", "pattern", "route", "server", "handler", "framework", "status", "total"}
	head = append(head, rules.Analyzers...)
	head = append(head, "registered", "defined")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, e := range inv.Routes {
		row := []string{e.Method, e.Pattern, e.Route, strconv.FormatBool(e.Server), e.Handler, e.Framework, e.Status, strconv.Itoa(e.Total)}
		for _, a := range rules.Analyzers {
			n := 0
			for _, c := range e.Counts {
				if c.Analyzer == a {
					n = c.Count
				}
			}
			row = append(row, strconv.Itoa(n))
		}
		reg, def := "", ""
		if e.Register != nil {
			reg = e.Register.String()
		}
		if e.Defined != nil {
			def = e.Defined.String()
		}
		row = append(row, reg, def)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
