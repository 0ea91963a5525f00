package whole

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/blockcheck/blockcheck/internal/flow"
)

// bodies decides whose function bodies are parsed. The standard library is judged by rules at the call site, and
// so is code the user's code reaches only through other modules (a router's HTTP/3 stack, a driver's protocol
// code): for those only declarations are parsed, which is enough for their types and saves most of the cost of
// loading them. The user's own modules are parsed in full, and so are the packages they import directly with the
// packages of the same module that those import, so that a call into a client library that blocks inside is
// followed and reported.
type bodies struct {
	goroot   string          // GOROOT/src/
	modcache string          // GOMODCACHE/
	dirs     map[string]bool // directories of the dependency packages parsed in full
	listed   int             // packages in the import graph, for progress
}

func planBodies(ctx context.Context, cfg *Config, patterns []string) (*bodies, error) {
	b := &bodies{}
	cmd := exec.CommandContext(ctx, "go", "env", "GOROOT", "GOMODCACHE")
	cmd.Dir, cmd.Env = cfg.Dir, cfg.Env
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return nil, fmt.Errorf("go env: unexpected output %q", out)
	}
	sep := string(filepath.Separator)
	b.goroot, b.modcache = filepath.Join(lines[0], "src")+sep, filepath.Clean(lines[1])+sep

	// The import graph alone (go list, no type checking) says which modules the user's code imports directly.
	graph, err := packages.Load(&packages.Config{
		Mode:    packages.NeedName | packages.NeedImports | packages.NeedDeps | packages.NeedModule,
		Context: ctx, Overlay: cfg.Overlay,
		Dir: cfg.Dir, Env: cfg.Env, Tests: cfg.Tests,
	}, patterns...)
	if err != nil {
		return nil, fmt.Errorf("listing packages: %w", err)
	}
	own := map[string]bool{}
	for _, p := range graph {
		if p.Module != nil {
			own[p.Module.Path] = true
		}
	}
	b.dirs = map[string]bool{}
	var keep func(p *packages.Package)
	keep = func(p *packages.Package) {
		if len(p.GoFiles) == 0 || b.dirs[filepath.Dir(p.GoFiles[0])] {
			return
		}
		b.dirs[filepath.Dir(p.GoFiles[0])] = true
		for _, imp := range p.Imports {
			if imp.Module != nil && p.Module != nil && imp.Module.Path == p.Module.Path {
				keep(imp)
			}
		}
	}
	packages.Visit(graph, nil, func(p *packages.Package) {
		b.listed++
		if p.Module == nil || !own[p.Module.Path] {
			return
		}
		for _, imp := range p.Imports {
			if imp.Module != nil && !own[imp.Module.Path] {
				keep(imp)
			}
		}
	})
	return b, nil
}

// declarationsOnly reports whether a file's function bodies are skipped.
func (b *bodies) declarationsOnly(filename string) bool {
	if strings.HasPrefix(filename, b.goroot) {
		return true
	}
	if !strings.HasPrefix(filename, b.modcache) {
		return false // the user's code, or a local replacement
	}
	return !b.dirs[filepath.Dir(filename)]
}

// external reports whether a package was loaded from declarations only: its functions have no bodies, and its type
// errors (unused imports, left by the missing bodies) do not matter.
func (b *bodies) external(p *packages.Package) bool {
	if flow.IsStd(p.PkgPath) {
		return true
	}
	return len(p.CompiledGoFiles) > 0 && b.declarationsOnly(p.CompiledGoFiles[0])
}

// parse is the loader's ParseFile: comments only in the user's code (directives), bodies as bodies says.
func (b *bodies) parse(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	mode := parser.AllErrors | parser.ParseComments | parser.SkipObjectResolution
	if strings.HasPrefix(filename, b.goroot) || strings.HasPrefix(filename, b.modcache) {
		mode = parser.SkipObjectResolution
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
