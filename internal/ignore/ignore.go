// Package ignore reads blockcheck's suppression directives and answers whether a finding is silenced. Both engines
// use it, so that a directive works the same in every mode (blockcheck ./..., go vet, golangci-lint, nogo).
//
// A directive is a line comment
//
//	//blockcheck:ignore <analyzer>[,<analyzer>...] <reason>
//
// where each analyzer is one of rules.Analyzers or "all", and the reason is required. On its own, it applies to its
// line (as a trailing comment) and to the line below it (on the line above). It silences the findings reported on
// that line and, because a finding can be reported at its operation or at a call that leads to it depending on the
// engine, the operations reached through a call on that line. In the doc comment of a function declaration it marks
// the function as deliberately blocking or detached: nothing reached inside or through it is reported for those
// analyzers.
package ignore

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"github.com/blockcheck/blockcheck/internal/extent"

	"github.com/blockcheck/blockcheck/rules"
)

// Prefix starts a directive.
const Prefix = "//blockcheck:ignore"

// A Directive is one //blockcheck:ignore comment.
type Directive struct {
	Pos       token.Pos // the comment
	Analyzers []string  // as written; "all" covers every analyzer
	Reason    string
	// Func is the declared function whose doc comment holds the directive, or nil for a line directive.
	Func *ast.FuncDecl
	// Problem, when set, says why the directive is malformed; a malformed directive silences nothing.
	Problem string

	file string
	line int
	used bool
}

// Covers reports whether the directive is well formed and names the analyzer.
func (d *Directive) Covers(analyzer string) bool {
	return d.Problem == "" && (slices.Contains(d.Analyzers, "all") || slices.Contains(d.Analyzers, analyzer))
}

type lineKey struct {
	file string
	line int
}

// Set holds the directives of some files.
type Set struct {
	fset  *token.FileSet
	all   []*Directive
	lines map[lineKey][]*Directive
	funcs map[token.Pos]*Directive // by the position of the declared function's name
}

// New returns an empty set for files of fset.
func New(fset *token.FileSet) *Set {
	return &Set{fset: fset, lines: map[lineKey][]*Directive{}, funcs: map[token.Pos]*Directive{}}
}

// Add reads the directives of a file.
func (s *Set) Add(f *ast.File) {
	docs := map[*ast.Comment]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
			for _, c := range fd.Doc.List {
				docs[c] = fd
			}
		}
	}
	for _, g := range f.Comments {
		for _, c := range g.List {
			if !strings.HasPrefix(c.Text, Prefix) {
				continue
			}
			rest := strings.TrimPrefix(c.Text, Prefix)
			if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
				continue // another directive, such as //blockcheck:ignorefoo
			}
			d := parse(rest)
			d.Pos = c.Slash
			p := s.fset.Position(c.Slash)
			d.file, d.line = p.Filename, p.Line
			if fd := docs[c]; fd != nil {
				d.Func = fd
				if d.Problem == "" {
					s.funcs[fd.Name.Pos()] = d
				}
			} else if d.Problem == "" {
				for _, l := range []int{p.Line, p.Line + 1} {
					k := lineKey{p.Filename, l}
					s.lines[k] = append(s.lines[k], d)
				}
			}
			s.all = append(s.all, d)
		}
	}
}

func parse(rest string) *Directive {
	d := &Directive{}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		d.Problem = "names no analyzer and gives no reason: write " + Prefix + " <analyzer>[,<analyzer>] <reason>"
		return d
	}
	for _, name := range strings.Split(fields[0], ",") {
		if name == "" {
			continue
		}
		if name != "all" && !slices.Contains(rules.Analyzers, name) {
			d.Problem = fmt.Sprintf("unknown analyzer %q (want %s, or all)", name, strings.Join(rules.Analyzers, ", "))
			return d
		}
		d.Analyzers = append(d.Analyzers, name)
	}
	if len(d.Analyzers) == 0 {
		d.Problem = "names no analyzer: write " + Prefix + " <analyzer>[,<analyzer>] <reason>"
		return d
	}
	// The reason may be set off as in //nolint comments: //blockcheck:ignore sleep // reason.
	d.Reason = strings.TrimSpace(strings.TrimPrefix(strings.Join(fields[1:], " "), "//"))
	if d.Reason == "" {
		d.Problem = "needs a reason: write " + Prefix + " " + fields[0] + " <why this wait is acceptable>"
	}
	return d
}

// Line returns the directive that silences the analyzer's findings at pos (on its line or the line below it), and
// marks it used, or returns nil.
func (s *Set) Line(analyzer string, pos token.Pos) *Directive {
	if s == nil || !pos.IsValid() {
		return nil
	}
	p := s.fset.Position(pos)
	return s.LineAt(analyzer, p.Filename, p.Line)
}

// LineAt is Line for a file name and line.
func (s *Set) LineAt(analyzer, file string, line int) *Directive {
	if s == nil {
		return nil
	}
	// Every directive that covers the finding is used, so that the answer does not depend on the order files
	// were added in; the first by position is returned.
	var first *Directive
	for _, d := range s.lines[lineKey{file, line}] {
		if d.Covers(analyzer) {
			d.used = true
			if first == nil || d.Pos < first.Pos {
				first = d
			}
		}
	}
	return first
}

// Func returns the function-level directive on the function declared with its name at namePos, if it covers the
// analyzer ("" for any analyzer), and marks it used; or returns nil.
func (s *Set) Func(analyzer string, namePos token.Pos) *Directive {
	if s == nil || !namePos.IsValid() {
		return nil
	}
	d := s.funcs[namePos]
	if d == nil || analyzer != "" && !d.Covers(analyzer) {
		return nil
	}
	d.used = true
	return d
}

// Names reports whether a well-formed directive covers the analyzer.
func (s *Set) Names(analyzer string) bool {
	if s == nil {
		return false
	}
	for _, d := range s.all {
		if d.Covers(analyzer) {
			return true
		}
	}
	return false
}

// MarkUsed records that d silenced something.
func (s *Set) MarkUsed(d *Directive) { d.used = true }

// LineDirectives returns the well-formed line directives that apply to pos's line, without marking them used.
func (s *Set) LineDirectives(pos token.Pos) []*Directive {
	if s == nil || !pos.IsValid() {
		return nil
	}
	p := s.fset.Position(pos)
	return s.lines[lineKey{p.Filename, p.Line}]
}

// FuncDirective returns the well-formed function-level directive on the function declared with its name at
// namePos, without marking it used, or nil.
func (s *Set) FuncDirective(namePos token.Pos) *Directive {
	if s == nil || !namePos.IsValid() {
		return nil
	}
	return s.funcs[namePos]
}

// A Problem is a diagnostic about a directive itself.
type Problem struct {
	Pos     token.Pos
	End     token.Pos
	Message string
}

// Problems returns the malformed directives and, when unused is set, the directives that silenced nothing, in
// position order. Only directives in files for which keep returns true are considered (nil keeps all).
func (s *Set) Problems(unused bool, keep func(file string) bool) []Problem {
	if s == nil {
		return nil
	}
	var out []Problem
	for _, d := range s.all {
		if keep != nil && !keep(d.file) {
			continue
		}
		end := d.Pos + token.Pos(len(Prefix))
		switch {
		case d.Problem != "":
			out = append(out, Problem{d.Pos, end, Prefix + " " + d.Problem})
		case unused && !d.used:
			what := "no finding"
			if d.Func != nil {
				what = "nothing reached through " + d.Func.Name.Name
			}
			out = append(out, Problem{d.Pos, end, fmt.Sprintf("unused %s directive: it silences %s for %s (remove it, or run without -unused-ignores)",
				Prefix, what, strings.Join(d.Analyzers, ","))})
		}
	}
	slices.SortFunc(out, func(x, y Problem) int { return extent.Compare(s.fset, x.Pos, y.Pos) })
	return out
}
