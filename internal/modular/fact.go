package modular

import (
	"fmt"
	"go/token"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blockcheck/blockcheck/internal/blocking"
)

// Limits on a summary, so that facts stay small however much a function reaches.
const (
	// MaxOps is the most operations a summary keeps: the nearest ones, by path length.
	MaxOps = 16
	// MaxPath is the most calls a summary keeps on the path to an operation.
	MaxPath = 8
)

// A Summary is the fact exported for a function (a *types.Func: a package-level function or a method) that reaches
// blocking operations: the operations, each with the path to it. Its fields are sorted, so that the same code
// gives the same bytes.
type Summary struct {
	Ops []Reach
	// Wait is the nearest wait the function reaches (I/O even with a context, a sleep, a channel wait), for lockio
	// in the packages that call it while holding a lock; nil when it reaches none.
	Wait *blocking.Wait
}

// AFact marks Summary as an analysis fact.
func (*Summary) AFact() {}

func (s *Summary) String() string {
	var b strings.Builder
	b.WriteString("reaches")
	for i, r := range s.Ops {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s %s at %s:%d via %d calls", r.Analyzer, r.Name, shortFile(r.Posn.File), r.Posn.Line, len(r.Path))
	}
	if w := s.Wait; w != nil && !slices.ContainsFunc(s.Ops, func(r Reach) bool {
		return r.Name == w.Name && fmt.Sprintf("%s:%d", shortFile(r.Posn.File), r.Posn.Line) == w.Where
	}) {
		fmt.Fprintf(&b, "; waits on %s at %s", w.Name, w.Where)
	}
	return b.String()
}

// A Reach is a blocking operation a function reaches.
type Reach struct {
	Analyzer string
	Name     string // the operation: "time.Sleep", "(*sql.DB).Query", "channel receive"
	Why, Fix string
	Pkg      string // the package the operation is in
	Posn     Posn   // where the operation is
	// Cause, when set, is the operation's cause that one fix removes everywhere (blocking.Op.Cause).
	Cause string
	// Path lists the calls from the function to the one holding the operation; it is empty when the operation is
	// in the function itself. Truncated says calls after the first MaxPath were dropped.
	Path      []Hop
	Truncated bool
	// CtxParam, when positive, makes the operation conditional: it blocks only if the caller passes, for parameter
	// CtxParam-1 of the function, a context without deadline (blocking.Op.CtxParam). The calling package decides.
	CtxParam int
	// Finite says the operation ends on its own (blocking.Op.Finite): it keeps no goroutine going.
	Finite bool
	// Dep says the operation is in third-party code and no call of the user's code on its path has been judged
	// yet: the first package of the user's that calls towards it decides whether it is the dependency's own
	// (policy.Theirs).
	Dep bool
}

// A Hop is one call on a path.
type Hop struct {
	Caller, Callee string // short function names, as in messages
	Posn           Posn
}

// A Posn is a position in a source file.
type Posn struct {
	File      string
	Line, Col int
}

func posnOf(fset *token.FileSet, pos token.Pos) Posn {
	if !pos.IsValid() {
		return Posn{}
	}
	p := fset.Position(pos)
	return Posn{p.Filename, p.Line, p.Column}
}

// posn returns where pos is, in a form that does not depend on where the code is checked out, as go build
// -trimpath names files: "module/dir/file.go" in a module without a version (the main module, a local
// replacement), "module@version/dir/file.go" in a versioned one. Facts hold these, so that the same code gives the
// same fact bytes on every machine and a shared build cache (GOCACHEPROG, a Bazel remote cache) reuses them.
// Without module information the file name is kept as it is.
func (e *engine) posn(pos token.Pos) Posn {
	p := posnOf(e.pass.Fset, pos)
	if m := e.pass.Module; m != nil && p.File != "" {
		p.File = trimmedDir(m.Path, m.Version, e.pass.Pkg.Path()) + "/" + filepath.Base(p.File)
	}
	return p
}

func trimmedDir(module, version, pkg string) string {
	if version != "" {
		return module + "@" + version + strings.TrimPrefix(pkg, module)
	}
	return pkg
}

func (p Posn) key() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

func shortFile(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// A RootVar is the fact exported for a package variable that holds a new root context (oauth2's
// var NoContext = context.TODO()), so that importers report request work started under it as they would the call.
type RootVar struct {
	Func string // the rule's function: "context.TODO"
}

// AFact marks RootVar as an analysis fact.
func (*RootVar) AFact() {}

func (r *RootVar) String() string { return "holds " + r.Func + "()" }

// A StartGuard is the fact exported for a function that starts something at most once at a time
// (blocking.GuardsStart): it refuses with an error while an instance runs. A goroutine that a caller in another
// package starts only when it returned no error is bounded by it.
type StartGuard struct {
	Flag string // the flag it checks and sets, as the source names it: "im.status"
}

// AFact marks StartGuard as an analysis fact.
func (*StartGuard) AFact() {}

func (g *StartGuard) String() string { return "guards a start with " + g.Flag }
