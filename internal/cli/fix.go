package cli

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/blockcheck/blockcheck/internal/fix"
	"github.com/blockcheck/blockcheck/internal/whole"
)

// applyFixes applies the first suggested fix of each finding (-fix), or prints the result as a unified diff
// (-diff), as the x/tools checkers do: a fix that overlaps one already taken is skipped with a note, generated
// files are left alone, and each edited file is formatted. The exit status is 0 when every finding was fixed, 3
// when some were left (no fix, or skipped), and 1 on errors.
func applyFixes(res *whole.Result, wd string, printDiff bool, stdout, stderr io.Writer) int {
	rel := func(p token.Position) string {
		if r, err := filepath.Rel(wd, p.Filename); err == nil && !strings.HasPrefix(r, "..") {
			p.Filename = r
		}
		return p.String()
	}
	var (
		set                     fix.Set
		sizes                   = map[string]int{} // file name -> size when analyzed
		generated               = map[string]bool{}
		applied, left, failures int
	)
	isGenerated := func(name string) bool {
		g, ok := generated[name]
		if !ok {
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ParseComments|parser.PackageClauseOnly)
			g = err == nil && ast.IsGenerated(f)
			generated[name] = g
		}
		return g
	}
	for _, f := range res.Findings {
		at := rel(res.Fset.Position(f.Diag.Pos))
		if len(f.Diag.SuggestedFixes) == 0 {
			left++
			fmt.Fprintf(stderr, "%s: %s: no fix offered\n", at, f.Analyzer)
			continue
		}
		edits := map[string][]fix.TextEdit{}
		gen := false
		for _, e := range f.Diag.SuggestedFixes[0].TextEdits {
			tf := res.Fset.File(e.Pos)
			end := e.End
			if !end.IsValid() {
				end = e.Pos
			}
			sizes[tf.Name()] = tf.Size()
			gen = gen || isGenerated(tf.Name())
			edits[tf.Name()] = append(edits[tf.Name()], fix.TextEdit{Start: tf.Offset(e.Pos), End: tf.Offset(end), New: string(e.NewText)})
		}
		switch {
		case gen:
			left++
			fmt.Fprintf(stderr, "%s: %s: fix skipped: the file is generated\n", at, f.Analyzer)
		case !set.Add(edits):
			left++
			fmt.Fprintf(stderr, "%s: %s: fix skipped: it overlaps another fix (run blockcheck -fix again)\n", at, f.Analyzer)
		default:
			applied++
		}
	}
	files := 0
	for _, name := range set.Files() {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "blockcheck: %v\n", err)
			failures++
			continue
		}
		if len(src) != sizes[name] {
			fmt.Fprintf(stderr, "blockcheck: %s changed since it was analyzed; not fixed\n", name)
			failures++
			continue
		}
		out, err := fix.Apply(src, set.Edits(name))
		if err != nil {
			fmt.Fprintf(stderr, "blockcheck: %s: %v; not fixed\n", name, err)
			failures++
			continue
		}
		if printDiff {
			r := rel(token.Position{Filename: name})
			fmt.Fprint(stdout, fix.Unified(r+" (old)", r+" (new)", string(src), string(out)))
			continue
		}
		if err := writeFile(name, out); err != nil {
			fmt.Fprintf(stderr, "blockcheck: %v\n", err)
			failures++
			continue
		}
		files++
	}
	verb := "applied"
	if printDiff {
		verb = "would apply"
	}
	fmt.Fprintf(stderr, "blockcheck: %s fixes for %d of %d findings", verb, applied, applied+left)
	if !printDiff {
		fmt.Fprintf(stderr, " to %d files", files)
	}
	if left > 0 {
		fmt.Fprintf(stderr, "; %d findings left", left)
	}
	fmt.Fprintln(stderr)
	switch {
	case failures > 0 || len(res.Errors) > 0:
		return ExitError
	case left > 0:
		return ExitFindings
	}
	return ExitClean
}

// writeFile replaces a file's contents, keeping its mode.
func writeFile(name string, data []byte) error {
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	return os.WriteFile(name, data, fi.Mode().Perm())
}
