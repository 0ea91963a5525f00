package fix

import (
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// A TextEdit replaces the bytes [Start, End) of a file with New.
type TextEdit struct {
	Start, End int
	New        string
}

// A Set accumulates fixes, each applied whole or not at all.
type Set struct {
	edits map[string][]TextEdit // by file, sorted
}

// Add adds a fix's edits, by file, and reports whether it could: a fix whose edits overlap an edit already in the
// set is left out. An edit identical to one already there (the same import added twice) is merged with it.
func (s *Set) Add(fix map[string][]TextEdit) bool {
	if s.edits == nil {
		s.edits = map[string][]TextEdit{}
	}
	merged := map[string][]TextEdit{}
	for file, edits := range fix {
		all := slices.Clone(s.edits[file])
		for _, e := range edits {
			if e.Start > e.End {
				return false
			}
			dup := false
			for _, x := range all {
				if x == e {
					dup = true
					break
				}
				if conflict(x, e) {
					return false
				}
			}
			if !dup {
				all = append(all, e)
			}
		}
		slices.SortFunc(all, compare)
		merged[file] = all
	}
	for file, edits := range merged {
		s.edits[file] = edits
	}
	return true
}

func compare(x, y TextEdit) int {
	return cmp.Or(cmp.Compare(x.Start, y.Start), cmp.Compare(x.End, y.End))
}

// conflict reports whether two different edits cannot both be applied in a definite order.
func conflict(x, y TextEdit) bool {
	switch {
	case x.Start == x.End && y.Start == y.End:
		return x.Start == y.Start // two insertions at one place: which goes first?
	case x.Start == x.End:
		return y.Start < x.Start && x.Start < y.End
	case y.Start == y.End:
		return x.Start < y.Start && y.Start < x.End
	}
	return max(x.Start, y.Start) < min(x.End, y.End)
}

// Files returns the files the set edits, sorted.
func (s *Set) Files() []string {
	var files []string
	for f := range s.edits {
		files = append(files, f)
	}
	slices.Sort(files)
	return files
}

// Edits returns the edits of a file, sorted.
func (s *Set) Edits(file string) []TextEdit { return s.edits[file] }

// Apply applies sorted, non-overlapping edits to a Go file's source, removes the imports the edits left unused and
// formats the result as gofmt does. When the edited source does not parse it returns the error and leaves the
// result unformatted.
func Apply(src []byte, edits []TextEdit) ([]byte, error) {
	var out []byte
	last := 0
	for _, e := range edits {
		if e.Start < last || e.End > len(src) {
			return nil, fmt.Errorf("edit at offset %d: overlapping or out of range", e.Start)
		}
		out = append(out, src[last:e.Start]...)
		out = append(out, e.New...)
		last = e.End
	}
	out = append(out, src[last:]...)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", out, parser.ParseComments)
	if err != nil {
		return out, fmt.Errorf("the fixed file does not parse: %w", err)
	}
	if orig, err := parser.ParseFile(token.NewFileSet(), "", src, 0); err == nil {
		removeUnused(fset, f, orig)
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return out, fmt.Errorf("formatting the fixed file: %w", err)
	}
	return b.Bytes(), nil
}

// removeUnused deletes the imports that f no longer refers to but orig did: those the edits left unused. A name
// is guessed from the path when the import has none; a wrong guess finds no use in orig and keeps the import.
func removeUnused(fset *token.FileSet, f, orig *ast.File) {
	for _, spec := range slices.Clone(f.Imports) {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if spec.Name != nil {
			name = spec.Name.Name
		}
		if name == "_" || name == "." {
			continue
		}
		if uses(f, name) == 0 && uses(orig, name) > 0 {
			if spec.Name != nil {
				astutil.DeleteNamedImport(fset, f, name, path)
			} else {
				astutil.DeleteImport(fset, f, path)
			}
		}
	}
}

// uses counts the selectors name.X in f whose name resolves to no local declaration: uses of an import.
func uses(f *ast.File, name string) int {
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		if sel, ok := node.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == name && id.Obj == nil {
				n++
			}
		}
		return true
	})
	return n
}
