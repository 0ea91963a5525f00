package whole

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// bodies decides whose function bodies are parsed. The standard library is judged by rules at the call site, and
// so is code the user's code reaches only through other modules (a router's HTTP/3 stack, a driver's protocol
// code): for those only declarations are parsed, which is enough for their types and saves most of the cost of
// loading them. The user's own modules are parsed in full, and so are the packages they import directly with the
// packages of the same module that those import, so that a call into a client library that blocks inside is
// followed and reported.
//
// Every decision is taken from what the build system says of a package (its module, whether it is in GOROOT),
// never from the shape of its import path or of its directory: a module path without a dot is still the user's
// code, and a vendored dependency is still a dependency.
type bodies struct {
	std  map[string]bool // package paths of the standard library
	ext  map[string]bool // package paths loaded from declarations only (the standard library included)
	full map[string]bool // directories of dependencies parsed with bodies
	// extra lists the import paths of the packages parsed with bodies that the patterns do not match: dependencies,
	// and packages of the user's modules that those named import.
	extra   []string
	initial map[string]bool     // import paths of the packages the patterns match
	graph   []*packages.Package // the import graph from the packages the patterns match
	decl    map[string]bool     // directories parsed for declarations only
	own     map[string]bool     // directories of the user's own modules: comments are kept there (directives)
	listed  int                 // packages in the import graph, for progress
	overlay map[string][]byte   // an editor's unsaved files, by absolute name (Config.Overlay)
}

func planBodies(ctx context.Context, cfg *Config, patterns []string) (*bodies, error) {
	cmd := exec.CommandContext(ctx, "go", "env", "GOROOT")
	cmd.Dir, cmd.Env = cfg.Dir, cfg.Env
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	goroot := filepath.Join(strings.TrimSpace(string(out)), "src") + string(filepath.Separator)

	// The import graph alone (go list, no type checking) says which modules the user's code imports directly.
	graph, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedDeps | packages.NeedModule | packages.NeedTypesSizes,
		Context: ctx, Overlay: cfg.Overlay,
		Dir: cfg.Dir, Env: cfg.Env, Tests: cfg.Tests,
	}, patterns...)
	if err != nil {
		return nil, fmt.Errorf("listing packages: %w", err)
	}
	b := newBodies(graph, goroot)
	b.graph = graph
	b.overlay = cfg.Overlay
	packages.Visit(graph, nil, func(*packages.Package) { b.listed++ })
	return b, nil
}

// isStd reports whether go list placed a package in the standard library: no module, files in GOROOT.
func isStd(p *packages.Package, goroot string) bool {
	if p.Module != nil {
		return false
	}
	if len(p.GoFiles) == 0 {
		return p.PkgPath == "unsafe" || p.PkgPath == "C"
	}
	return strings.HasPrefix(p.GoFiles[0], goroot)
}

func newBodies(graph []*packages.Package, goroot string) *bodies {
	b := &bodies{std: map[string]bool{}, ext: map[string]bool{}, full: map[string]bool{}, decl: map[string]bool{},
		own: map[string]bool{}}
	b.initial = map[string]bool{}
	own := map[string]bool{} // module paths of the packages named
	for _, p := range graph {
		b.initial[p.PkgPath] = true
		if p.Module != nil {
			own[p.Module.Path] = true
		}
	}
	dir := pkgDir
	var keep func(p *packages.Package)
	keep = func(p *packages.Package) {
		d := dir(p)
		if d == "" || b.full[d] || b.own[d] {
			return
		}
		b.full[d] = true
		b.extra = append(b.extra, p.PkgPath)
		for _, imp := range p.Imports {
			if imp.Module != nil && p.Module != nil && imp.Module.Path == p.Module.Path {
				keep(imp)
			}
		}
	}
	packages.Visit(graph, nil, func(p *packages.Package) {
		switch {
		case isStd(p, goroot):
			b.std[p.PkgPath] = true
		case p.Module == nil || own[p.Module.Path]:
			// The user's code: a module named on the command line, or files outside any module.
			if d := dir(p); d != "" {
				b.own[d] = true
			}
			if !b.initial[p.PkgPath] {
				b.extra = append(b.extra, p.PkgPath)
			}
			for _, imp := range p.Imports {
				if imp.Module != nil && !own[imp.Module.Path] {
					keep(imp)
				}
			}
		}
	})
	packages.Visit(graph, nil, func(p *packages.Package) {
		d := dir(p)
		if b.std[p.PkgPath] || d != "" && !b.full[d] && !b.own[d] {
			b.ext[p.PkgPath] = true
			if d != "" {
				b.decl[d] = true
			}
		}
	})
	slices.Sort(b.extra)
	b.extra = slices.Compact(b.extra)
	return b
}

// load loads the packages named with the dependency packages whose bodies the plan parses, from source, and every
// other package (the standard library, dependencies off the user's direct imports) from the compiler's export data,
// as go vet and staticcheck do: no parsing or type-checking of code whose bodies are not analyzed. It returns the
// packages the patterns match. (go/packages still checks from source a package that imports one checked from source.)
//
// With tests included, go list would also build the tests of the dependencies named as roots, so everything is then
// loaded from source, bodies trimmed as planned.
//
// ready, when not nil, is handed each package as soon as it is checked (see check); never with tests included.
func (b *bodies) load(ctx context.Context, cfg *Config, fset *token.FileSet, patterns []string, ready func(*packages.Package)) ([]*packages.Package, error) {
	mode := packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
		packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule
	roots := patterns
	if !cfg.Tests {
		return b.check(ctx, cfg, fset, ready)
	}
	mode |= packages.NeedDeps
	lcfg := &packages.Config{Mode: mode, Context: ctx, Overlay: cfg.Overlay, Dir: cfg.Dir, Env: cfg.Env, Tests: cfg.Tests,
		Fset: fset, ParseFile: b.parse}
	pkgs, err := packages.Load(lcfg, roots...)
	if err != nil {
		return nil, err
	}
	if cfg.Tests {
		return pkgs, nil
	}
	return slices.DeleteFunc(pkgs, func(p *packages.Package) bool { return !b.initial[p.PkgPath] }), nil
}

func pkgDir(p *packages.Package) string {
	if len(p.GoFiles) == 0 {
		return ""
	}
	return filepath.Dir(p.GoFiles[0])
}

// declarationsOnly reports whether a file's function bodies are skipped. Files in no directory of the plan (cgo's
// generated files, in the build cache) are parsed in full: their package decides whether the bodies are used.
func (b *bodies) declarationsOnly(filename string) bool {
	return b.decl[filepath.Dir(filename)]
}

// external reports whether a package was loaded from declarations only: its functions have no bodies, and its type
// errors (unused imports, left by the missing bodies) do not matter.
func (b *bodies) external(p *packages.Package) bool {
	return b.ext[p.PkgPath]
}

// parse is the loader's ParseFile: comments only in the user's code (directives), bodies as bodies says.
func (b *bodies) parse(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	mode := parser.SkipObjectResolution
	if d := filepath.Dir(filename); b.own[d] || !b.full[d] && !b.decl[d] {
		mode |= parser.AllErrors | parser.ParseComments
	}
	f, err := parser.ParseFile(fset, filename, src, mode)
	if f != nil && b.declarationsOnly(filename) {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				fd.Body = nil
			}
		}
	}
	return f, err
}
