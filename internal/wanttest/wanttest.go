// Package wanttest checks the whole-program engine's findings against "// want" comments, in the manner of
// analysistest: each comment lists Go string literals holding regular expressions, and each must match the
// "analyzer: message" or, as analysistest has it, the message of one finding reported on that line, so that the
// same testdata serves x/tools' analysistest and the modular engine. Lines without a comment must have no finding,
// so look-alikes are checked as strictly as the cases that must be reported.
package wanttest

import (
	"bufio"
	"context"
	"fmt"
	"go/format"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/internal/whole"
	"github.com/blockcheck/blockcheck/rules"
)

// Options tunes a run.
type Options struct {
	// Disabled lists analyzers to turn off.
	Disabled []string
	// Rules, when set, extends the default catalog.
	Rules *rules.Catalog
	// Tests includes test files.
	Tests bool
}

// Run analyzes the packages matched by patterns in the module at dir with every analyzer, checks the findings
// against the want comments in dir's .go files, and returns the result.
func Run(t testing.TB, dir string, opts *Options, patterns ...string) *whole.Result {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	if opts.Rules != nil {
		cat = cat.Merge(opts.Rules)
	}
	enabled := map[string]bool{}
	for _, a := range rules.Analyzers {
		enabled[a] = true
	}
	for _, a := range opts.Disabled {
		enabled[a] = false
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	res, err := whole.Run(context.Background(), &whole.Config{Dir: dir, Patterns: patterns, Catalog: cat, Enabled: enabled, Env: env, Tests: opts.Tests})
	if err != nil {
		t.Fatalf("blockcheck: %v", err)
	}
	for _, e := range res.Errors {
		t.Errorf("package error: %v", e)
	}
	wants, err := Expectations(dir)
	if err != nil {
		t.Fatal(err)
	}
	analyzed := map[string]bool{}
	for _, f := range res.Files {
		analyzed[f] = true
	}
	for k := range wants {
		if !analyzed[k.file] {
			delete(wants, k)
		}
	}
	for _, f := range res.Findings {
		posn := res.Fset.Position(f.Diag.Pos)
		k := key{posn.Filename, posn.Line}
		text := f.Analyzer + ": " + f.Diag.Message
		matched := false
		for i, re := range wants[k] {
			// A pattern matches "analyzer: message" or, as in x/tools' analysistest, the message alone, so that
			// the same testdata serves both engines.
			if re != nil && (re.MatchString(text) || re.MatchString(f.Diag.Message)) {
				wants[k][i] = nil
				matched = true
				break
			}
		}
		if !matched {
			t.Errorf("%s: unexpected finding: %s", rel(dir, posn), text)
		}
	}
	for k, res := range wants {
		for _, re := range res {
			if re != nil {
				t.Errorf("%s:%d: no finding matched %q", rel(dir, token.Position{Filename: k.file}), k.line, re)
			}
		}
	}
	return res
}

func rel(dir string, p token.Position) string {
	if r, err := filepath.Rel(dir, p.Filename); err == nil {
		p.Filename = r
	}
	return p.String()
}

type key struct {
	file string
	line int
}

var wantRE = regexp.MustCompile(`//\s*want\s+(.*)$`)

// Expectations reads the want comments of the .go files below dir, outside nested modules.
func Expectations(dir string) (map[key][]*regexp.Regexp, error) {
	wants := map[key][]*regexp.Regexp{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != dir {
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			m := wantRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			res, err := literals(m[1])
			if err != nil {
				return fmt.Errorf("%s:%d: %w", path, line, err)
			}
			wants[key{path, line}] = append(wants[key{path, line}], res...)
		}
		return sc.Err()
	})
	return wants, err
}

// literals parses a sequence of Go string literals as regular expressions.
func literals(s string) ([]*regexp.Regexp, error) {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	src := []byte(s)
	sc.Init(fset.AddFile("want", -1, len(src)), src, nil, 0)
	var out []*regexp.Regexp
	for {
		_, tok, lit := sc.Scan()
		switch tok {
		case token.EOF, token.SEMICOLON:
			if len(out) == 0 {
				return nil, fmt.Errorf("want comment with no pattern")
			}
			return out, nil
		case token.STRING:
			pat, err := strconv.Unquote(lit)
			if err != nil {
				return nil, err
			}
			re, err := regexp.Compile(pat)
			if err != nil {
				return nil, fmt.Errorf("want pattern %q: %w", pat, err)
			}
			out = append(out, re)
		default:
			return nil, fmt.Errorf("want comment: unexpected %s %q", tok, lit)
		}
	}
}

// RunWithFixes is Run, and then applies every finding's first suggested fix to the analyzed files and compares
// each changed file, formatted, with the file of the same name plus ".golden". A finding without a fix leaves its
// file as it is, so a golden file also shows where no fix must be offered. UPDATE_GOLDEN=1 in the environment
// rewrites the golden files.
func RunWithFixes(t testing.TB, dir string, opts *Options, patterns ...string) *whole.Result {
	t.Helper()
	res := Run(t, dir, opts, patterns...)
	edits := map[string][]edit{}
	for _, f := range res.Findings {
		if len(f.Diag.SuggestedFixes) == 0 {
			continue
		}
		for _, e := range f.Diag.SuggestedFixes[0].TextEdits {
			start, end := res.Fset.Position(e.Pos), res.Fset.Position(e.End)
			edits[start.Filename] = append(edits[start.Filename], edit{start.Offset, end.Offset, string(e.NewText)})
		}
	}
	for _, file := range res.Files {
		golden := file + ".golden"
		if os.Getenv("UPDATE_GOLDEN") != "" && len(edits[file]) > 0 {
			src, _ := os.ReadFile(file)
			if got, err := apply(src, edits[file]); err == nil {
				if formatted, err := format.Source(got); err == nil {
					_ = os.WriteFile(golden, formatted, 0o644)
				}
			}
		}
		if _, err := os.Stat(golden); err != nil {
			if len(edits[file]) > 0 {
				t.Errorf("%s: fixes offered but there is no %s", file, filepath.Base(golden))
			}
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := apply(src, edits[file])
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		formatted, err := format.Source(got)
		if err != nil {
			t.Errorf("%s: the fixed file does not parse: %v\n%s", file, err, got)
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if string(formatted) != string(want) {
			t.Errorf("%s: fixed file differs from %s:\n%s", file, filepath.Base(golden), diff(string(want), string(formatted)))
		}
	}
	return res
}

type edit struct {
	start, end int
	text       string
}

func apply(src []byte, edits []edit) ([]byte, error) {
	slices.SortFunc(edits, func(a, b edit) int { return a.start - b.start })
	var out []byte
	last := 0
	for _, e := range edits {
		if e.start < last {
			return nil, fmt.Errorf("overlapping edits at offset %d", e.start)
		}
		out = append(out, src[last:e.start]...)
		out = append(out, e.text...)
		last = e.end
	}
	return append(out, src[last:]...), nil
}

// diff shows the first differing lines.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n\twant: %s\n\tgot:  %s", i+1, wl, gl)
		}
	}
	return ""
}
