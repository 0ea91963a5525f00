package whole

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"slices"
)

// A standalone run keeps the syntax of the user's own files for their directives, read before the call graph,
// and for the extents and fixes of the findings, made at the end. The bodies of the functions are most of it (on
// loki a hundred megabytes), alive while VTA builds its graph, yet only the few files with findings need them. So
// once the handlers are found, cutOwnBodies empties them, as trim.go does a dependency's, and fileAt parses a
// file again when a finding needs its syntax: in a file set of its own whose positions are those of the run's.

// cutOwnBodies empties the bodies of the functions declared in the initial packages' files, but for the generic
// ones (SSA builds their instances from their syntax as late as VTA asks), in a run that reads the syntax no more
// than that.
func (a *engine) cutOwnBodies() {
	if !a.release {
		return // a Session's packages, and their syntax, serve its later runs
	}
	cutBuilt(slices.Collect(maps.Values(a.files)), declaresGeneric) // trim.go
	a.reparsed = map[*token.File]*ast.File{}
}

// declaresGeneric reports whether fd declares a generic function or a method of a generic type, whose receiver
// the language requires to name the type's parameters.
func declaresGeneric(fd *ast.FuncDecl) bool {
	if fd.Type.TypeParams != nil {
		return true
	}
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return false
	}
	t := fd.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.IndexExpr, *ast.IndexListExpr:
			return true
		default:
			return false
		}
	}
}

// fileAt returns the syntax of the initial packages' file holding pos, with its bodies: parsed again after
// cutOwnBodies. A file whose source changed since it was loaded, or no longer reads, gives the syntax kept.
func (a *engine) fileAt(pos token.Pos) *ast.File {
	tf := a.fset.File(pos)
	f := a.files[tf]
	if f == nil || a.reparsed == nil {
		return f
	}
	if full, ok := a.reparsed[tf]; ok {
		return full
	}
	full := f
	if g := a.parseAgain(tf); g != nil {
		full = g
	}
	a.reparsed[tf] = full
	return full
}

// parseAgain parses the file tf was made for as the loader did (load.go), in a file set where it takes the
// same positions, or returns nil if its source is no longer the one loaded.
func (a *engine) parseAgain(tf *token.File) *ast.File {
	src, ok := a.cfg.Overlay[tf.Name()]
	if !ok {
		var err error
		if src, err = os.ReadFile(tf.Name()); err != nil {
			return nil
		}
	}
	if len(src) != tf.Size() {
		return nil
	}
	fset := token.NewFileSet()
	if pad := tf.Base() - fset.Base() - 1; pad >= 0 {
		fset.AddFile("", -1, pad) // the next file starts at tf.Base()
	}
	f, err := parser.ParseFile(fset, tf.Name(), src, parser.SkipObjectResolution|parser.AllErrors|parser.ParseComments)
	if err != nil || fset.File(f.FileStart).Base() != tf.Base() {
		return nil
	}
	return f
}
