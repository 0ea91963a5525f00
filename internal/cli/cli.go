// Package cli is the blockcheck command: the standalone whole-program run, with text, JSON or SARIF output.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/report"
	"github.com/blockcheck/blockcheck/internal/whole"
	"github.com/blockcheck/blockcheck/rules"
)

// Exit statuses, as the x/tools checkers use them.
const (
	ExitClean    = 0
	ExitError    = 1
	ExitFindings = 3
)

// Version is the blockcheck version printed by -version and in SARIF logs.
const Version = "v0.1.0-dev"

const usage = `blockcheck finds operations that block HTTP handlers without bound.

Usage: blockcheck [flags] [packages]
       blockcheck routes [flags] [packages]

It loads the packages (default ./...), finds every handler they register, follows the call graph from
each, and reports each blocking operation a handler reaches, with the route, the path and a fix.
Exit status: 0 no findings, 3 findings, 1 errors. 'blockcheck routes' lists the routes found instead.

Run under go vet as: go vet -vettool=$(command -v blockcheck) ./...
Run as a language server beside gopls as: blockcheck lsp (see docs/editors.md)

Flags:
`

// Run runs the command with the arguments after the program name and returns its exit status.
func Run(args []string, analyzers []*analysis.Analyzer, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "routes" {
		return runRoutes(args[1:], stdout, stderr) // routes.go
	}
	fs := flag.NewFlagSet("blockcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.Bool("json", false, "print findings as JSON in the x/tools checker shape")
	sarifOut := fs.Bool("sarif", false, "print findings as SARIF 2.1.0")
	tests := fs.Bool("test", false, "also analyze test files")
	rulesFile := fs.String("rules", "", "a rules `file` that extends the default catalog (see docs/rules.md)")
	dir := fs.String("C", "", "run in `dir`")
	version := fs.Bool("version", false, "print the version and exit")
	unusedIgnores := fs.Bool("unused-ignores", false, "report //blockcheck:ignore directives that silence nothing")
	fixFlag := fs.Bool("fix", false, "apply the first suggested fix of each finding")
	diffFlag := fs.Bool("diff", false, "print the fixes as a unified diff instead of applying them")
	views := addViewFlags(fs) // views.go
	enabled := map[string]*bool{}
	for _, a := range analyzers {
		enabled[a.Name] = fs.Bool(a.Name, true, "enable the "+a.Name+" analyzer: "+firstLine(a.Doc))
	}
	// Parse quietly: a mistyped flag deserves one line, not the whole usage.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprint(stderr, usage)
			fs.PrintDefaults()
			return ExitClean
		}
		fmt.Fprintf(stderr, "blockcheck: %v\nRun 'blockcheck -help' for usage.\n", err)
		return ExitError
	}
	if *version {
		fmt.Fprintln(stdout, "blockcheck", Version)
		return ExitClean
	}
	if *jsonOut && *sarifOut {
		fmt.Fprintln(stderr, "blockcheck: -json and -sarif cannot be used together")
		return ExitError
	}
	if (*fixFlag || *diffFlag) && (*jsonOut || *sarifOut) {
		fmt.Fprintln(stderr, "blockcheck: -fix and -diff print no -json or -sarif")
		return ExitError
	}
	if err := views.check(); err != nil {
		fmt.Fprintf(stderr, "blockcheck: %v\n", err)
		return ExitError
	}
	cat, err := catalog(inDir(*dir, *rulesFile)) // as with go -C, paths are relative to dir
	if err != nil {
		fmt.Fprintf(stderr, "blockcheck: %v\n", err)
		return ExitError
	}
	cfg := &whole.Config{Dir: *dir, Patterns: fs.Args(), Tests: *tests, Catalog: cat, Enabled: map[string]bool{}, UnusedIgnores: *unusedIgnores}
	for name, on := range enabled {
		cfg.Enabled[name] = *on
	}
	res, wd, ok := analyse(cfg, views, stderr)
	if !ok {
		return ExitError
	}
	var errs map[string]string
	if len(res.ErrorPkgs) > 0 {
		errs = map[string]string{}
		for _, e := range res.ErrorPkgs {
			errs[e.Pkg] = strings.Join(e.Msgs, "\n")
		}
	}
	var rs []report.Rule
	for _, a := range analyzers {
		rs = append(rs, report.Rule{Name: a.Name, Doc: a.Doc, URL: a.URL})
	}
	if *fixFlag || *diffFlag {
		return applyFixes(res, wd, *diffFlag, stdout, stderr)
	}
	if code, stop := views.apply(res, *dir, wd, rs, stderr); stop {
		return code
	}
	switch {
	case *jsonOut:
		err = report.JSON(stdout, res.Fset, res.Findings, errs)
	case *sarifOut:
		err = writeSARIF(stdout, res, wd, rs) // sarif.go
	default:
		err = report.Text(stdout, res.Fset, wd, res.Findings)
	}
	if err != nil {
		fmt.Fprintf(stderr, "blockcheck: writing output: %v\n", err)
		return ExitError
	}
	switch {
	case len(res.Errors) > 0:
		return ExitError
	case len(res.Findings) > 0:
		return ExitFindings
	}
	return ExitClean
}

// relative shortens "/abs/dir/file.go:1:2: msg" to "file.go:1:2: msg" below dir, and drops the "-: " that
// go/packages puts before errors without a position.
func relative(dir, msg string) string {
	msg = strings.TrimPrefix(msg, "-: ")
	if dir != "" && strings.HasPrefix(msg, dir+string(os.PathSeparator)) {
		return msg[len(dir)+1:]
	}
	return msg
}

func catalog(file string) (*rules.Catalog, error) {
	cat, err := rules.Default()
	if err != nil {
		return nil, err
	}
	if file == "" {
		return cat, nil
	}
	more, err := rules.Load(file)
	if err != nil {
		return nil, err
	}
	return cat.Merge(more), nil
}

func firstLine(doc string) string {
	line, _, _ := strings.Cut(doc, "\n")
	_, after, ok := strings.Cut(line, ": ")
	if ok {
		return after
	}
	return line
}

// IsVetInvocation reports whether the arguments are go vet's (a unit config file, or its -V and -flags probes),
// which the modular engine answers.
func IsVetInvocation(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		return strings.HasSuffix(a, ".cfg") || a == "-flags" || strings.HasPrefix(a, "-V")
	})
}
