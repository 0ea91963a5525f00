package modular

import (
	"go/token"
	"slices"
)

// fakeFiles makes token positions for places in other packages' files, which a driver that analyzes one package
// at a time has not parsed (go vet gives the tool only export data for dependencies), so that related information
// can point at each call of a path and at the operation, with the right file, line and column. For each file it
// adds to the file set a placeholder of lines of equal width, as go/types' importers do for imported objects.
type fakeFiles struct {
	fset  *token.FileSet
	name  func(string) string // the file's name on this machine
	need  map[string]*geometry
	files map[string]*token.File
}

type geometry struct{ lines, width int }

func newFakeFiles(fset *token.FileSet, name func(string) string) *fakeFiles {
	return &fakeFiles{fset: fset, name: name, need: map[string]*geometry{}, files: map[string]*token.File{}}
}

// want records a position that pos will be asked for.
func (f *fakeFiles) want(p Posn) {
	if p.File == "" || p.Line < 1 {
		return
	}
	g := f.need[p.File]
	if g == nil {
		g = &geometry{}
		f.need[p.File] = g
	}
	g.lines = max(g.lines, p.Line)
	g.width = max(g.width, p.Col+1)
}

// create adds the placeholder files, in name order.
func (f *fakeFiles) create() {
	var names []string
	for name := range f.need {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		g := f.need[name]
		file := f.fset.AddFile(f.name(name), -1, g.lines*g.width)
		lines := make([]int, g.lines)
		for i := range lines {
			lines[i] = i * g.width
		}
		file.SetLines(lines)
		f.files[name] = file
	}
}

// pos returns the position of p, which must have been wanted before create, or token.NoPos.
func (f *fakeFiles) pos(p Posn) token.Pos {
	file := f.files[p.File]
	g := f.need[p.File]
	if file == nil || p.Line < 1 || p.Line > g.lines {
		return token.NoPos
	}
	return file.LineStart(p.Line) + token.Pos(max(p.Col, 1)-1)
}
