package whole

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"slices"
	"sync"

	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// check loads the packages the plan parses with bodies (the user's code and the dependencies it calls directly)
// from source and everything else from the compiler's export data. Unlike naming the source packages as roots of
// one go/packages load, it asks go list for export data of the dependencies only: go list -export compiles every
// package it lists, and compiling the user's just-edited packages, whose export data is never read, cost more
// than the type-checking it saved (miniflux after a change to every file: 14.3 CPU-s against 10.8 from source).
//
// A dependency that imports, directly or not, a package checked from source is checked from source too (bodies
// trimmed as planned), so that every package sees one *types.Package per path. It returns the packages the
// patterns match, with the import graph below them.
//
// When ready is not nil, it is called with every package of that graph, in dependency order from the calling
// goroutine, as soon as the package is checked (after a cancellation, unchecked, with no types), while the
// others are being checked. A package is checked only when it is a few source packages ahead of the last one
// handed to ready, so that what checking allocates does not outrun what ready frees.
func (b *bodies) check(ctx context.Context, cfg *Config, fset *token.FileSet, ready func(*packages.Package)) ([]*packages.Package, error) {
	return b.checkWith(ctx, cfg, fset, nil, ready)
}

// checkWith is check keeping what it made in c, when c is not nil, for the next run with the same plan
// (cache.go). It then uses c's file set.
func (b *bodies) checkWith(ctx context.Context, cfg *Config, fset *token.FileSet, c *checkCache, ready func(*packages.Package)) ([]*packages.Package, error) {
	// Which packages come from source: the planned ones and whatever imports one of them, unless it can be read
	// from export data over them (see over).
	overOK := c == nil && len(b.overlay) == 0
	src := map[*packages.Package]bool{}
	over := map[*packages.Package]bool{}
	var order []*packages.Package // dependencies first
	packages.Visit(b.graph, nil, func(p *packages.Package) {
		order = append(order, p)
		if b.std[p.PkgPath] && p.PkgPath != "unsafe" {
			// The standard library never imports the user's code or a dependency.
		} else if d := pkgDir(p); d != "" && (b.own[d] || b.full[d]) {
			src[p] = true
		}
		for _, imp := range p.Imports {
			if !src[p] && (src[imp] || over[imp]) {
				if overOK {
					over[p] = true
				} else {
					src[p] = true
				}
			}
		}
		if p.PkgPath == "unsafe" {
			src[p] = false
			delete(over, p) // no key: len(over) counts the packages read over source
		}
	})
	made := func(p *packages.Package) bool { return src[p] || over[p] }
	// Everything a package made here imports that is not made here comes from export data, in one load.
	var boundary []string
	seen := map[string]bool{}
	for _, p := range order {
		if !made(p) {
			continue
		}
		for _, imp := range p.Imports {
			if !made(imp) && imp.PkgPath != "unsafe" && !seen[imp.PkgPath] {
				seen[imp.PkgPath] = true
				boundary = append(boundary, imp.PkgPath)
			}
		}
	}
	// The export data files of the packages read over source ones are listed while the boundary loads.
	var exportData map[string]string
	var filesErr error
	listed := make(chan struct{})
	if len(over) > 0 {
		go func() {
			defer close(listed)
			exportData, filesErr = exportFiles(ctx, cfg, order, over)
		}()
	} else {
		close(listed)
	}
	exported := map[string]*packages.Package{
		"unsafe": {ID: "unsafe", Name: "unsafe", PkgPath: "unsafe", Types: types.Unsafe},
	}
	if c != nil && c.exported != nil {
		exported = c.exported // the boundary is the plan's: it has not changed
	} else if len(boundary) > 0 {
		// No overlay: it holds the user's files, which are all checked from source below, and it would make
		// go/packages distrust the export data.
		deps, err := packages.Load(&packages.Config{
			Mode:    packages.NeedName | packages.NeedImports | packages.NeedTypes | packages.NeedModule | packages.NeedFiles,
			Context: ctx, Dir: cfg.Dir, Env: cfg.Env, Fset: fset,
		}, boundary...)
		if err != nil {
			<-listed
			return nil, err
		}
		packages.Visit(deps, nil, func(p *packages.Package) {
			if exported[p.PkgPath] == nil {
				exported[p.PkgPath] = p
			}
		})
	}

	if c != nil {
		c.exported = exported
	}
	<-listed
	if filesErr != nil {
		return nil, filesErr
	}
	var ov *overView
	if len(over) > 0 {
		ov = newOverView(exportData, exported)
	}

	// Check the source packages in dependency order, each as soon as its imports are done.
	out := map[*packages.Package]*packages.Package{}
	done := map[*packages.Package]chan struct{}{}
	keys := map[*packages.Package][sha256.Size]byte{}
	files := map[*packages.Package][sha256.Size]byte{}
	kept := map[*packages.Package]bool{}          // checked in an earlier run of the session, with the same inputs
	parsed := map[*packages.Package][]*ast.File{} // the files of a package checked again only for its imports
	hints := map[*packages.Package]*types.Info{}  // the type information of a package's last check, for sizes
	for _, p := range order {
		if src[p] && c != nil {
			if k, fk, ok := c.key(b, p, src, keys); ok {
				keys[p], files[p] = k, fk
				if q := c.lookup(p.ID, k); q != nil {
					out[p], kept[p] = q, true
					done[p] = make(chan struct{})
					continue
				}
				parsed[p] = c.syntax(p.ID, fk)
				hints[p] = c.info(p.ID)
			}
		}
		if made(p) {
			out[p] = &packages.Package{ID: p.ID, Name: p.Name, PkgPath: p.PkgPath, GoFiles: p.GoFiles,
				CompiledGoFiles: p.CompiledGoFiles, OtherFiles: p.OtherFiles, Module: p.Module, Fset: fset,
				Errors: p.Errors, TypesSizes: p.TypesSizes, Imports: map[string]*packages.Package{}}
			done[p] = make(chan struct{})
		}
	}
	for _, p := range order {
		if !made(p) || kept[p] {
			continue
		}
		q := out[p]
		for path, imp := range p.Imports {
			switch {
			case made(imp):
				q.Imports[path] = out[imp]
			case exported[imp.PkgPath] != nil:
				q.Imports[path] = exported[imp.PkgPath]
			}
		}
	}
	var initial []*packages.Package
	for _, p := range b.graph {
		if q := out[p]; q != nil {
			initial = append(initial, q)
		}
	}
	// The order ready takes the packages in; the gate each source package's checking waits at, by graph package
	// and in that order; and what ready waits for, by checked package.
	var seq []*packages.Package
	var gates []chan struct{}
	gate := map[*packages.Package]chan struct{}{}
	doneOf := map[*packages.Package]chan struct{}{}
	// How many source packages checking may run ahead of ready: a few per checking worker. On loki, with no bound
	// the type-checkers ran ahead of the one goroutine building SSA, and the live heap reached 1.72 GB while
	// loading; with 12 on two cores, 1.41 GB, for no more CPU.
	window := 6 * max(1, runtimeProcs())
	if ready != nil {
		srcOf := map[*packages.Package]*packages.Package{}
		for p, q := range out {
			srcOf[q] = p
		}
		packages.Visit(initial, nil, func(q *packages.Package) { seq = append(seq, q) })
		for _, q := range seq {
			if p := srcOf[q]; p != nil {
				g := make(chan struct{})
				if len(gates) < window {
					close(g)
				}
				gate[p], doneOf[q] = g, done[p]
				gates = append(gates, g)
			}
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2*max(1, runtimeProcs()))
	for _, p := range order {
		if !made(p) {
			continue
		}
		if kept[p] {
			close(done[p])
			continue
		}
		wg.Go(func() {
			defer close(done[p])
			for _, imp := range p.Imports {
				if ch, ok := done[imp]; ok {
					<-ch
				}
			}
			if g := gate[p]; g != nil {
				<-g
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			switch {
			case ctx.Err() != nil:
			case over[p]:
				ov.read(b, fset, out[p])
			default:
				b.checkOne(fset, out[p], parsed[p], hints[p])
				ov.add(out[p])
			}
		})
	}
	if ready != nil {
		// Hand each package over once checked; each opens the gate of the package window further on.
		n := 0
		for _, q := range seq {
			if ch := doneOf[q]; ch != nil {
				<-ch
				if n+window < len(gates) {
					close(gates[n+window])
				}
				n++
			}
			ready(q)
		}
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		if c != nil {
			c.forget(out, kept) // the session's file set must not keep what a cancelled run parsed
		}
		return nil, err
	}
	if c != nil {
		ran := map[string]*cachedPkg{}
		c.hits, c.misses, c.reused = len(kept), 0, 0
		for p, q := range out {
			if k, ok := keys[p]; ok {
				ran[p.ID] = &cachedPkg{key: k, files: files[p], pkg: q}
			}
			if !kept[p] {
				c.misses++
			}
			if parsed[p] != nil {
				c.reused++
			}
		}
		c.update(ran)
	}

	return initial, nil
}

// checkOne parses and type-checks one package from source, recording errors in it as go/packages does. When
// syntax is not nil, the package's files were parsed before, without error, into syntax. When hint is not nil,
// it is the type information of an earlier check of the package, whose sizes the new one's maps start with.
func (b *bodies) checkOne(fset *token.FileSet, p *packages.Package, syntax []*ast.File, hint *types.Info) {
	files := p.CompiledGoFiles
	if len(files) == 0 {
		files = p.GoFiles
	}
	if syntax != nil {
		files, p.Syntax = nil, slices.Clip(syntax)
	}
	for _, name := range files {
		src, ok := b.overlay[name]
		var err error
		if !ok {
			src, err = os.ReadFile(name)
		}
		if err != nil {
			p.Errors = append(p.Errors, packages.Error{Pos: name, Msg: err.Error(), Kind: packages.ParseError})
			continue
		}
		f, err := b.parse(fset, name, src)
		if err != nil {
			var list scanner.ErrorList
			if errors.As(err, &list) {
				for _, e := range list {
					p.Errors = append(p.Errors, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
				}
			} else {
				p.Errors = append(p.Errors, packages.Error{Pos: name, Msg: err.Error(), Kind: packages.ParseError})
			}
		}
		if f != nil {
			p.Syntax = append(p.Syntax, f)
		}
	}
	p.TypesInfo = newInfo(hint) // cache.go
	tc := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			imp := p.Imports[path]
			if imp == nil || imp.Types == nil {
				return nil, fmt.Errorf("no package for import %q", path)
			}
			return imp.Types, nil
		}),
		Sizes: p.TypesSizes,
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				p.Errors = append(p.Errors, packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
			}
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		tc.GoVersion = "go" + p.Module.GoVersion
	}
	p.Types = types.NewPackage(p.PkgPath, p.Name)
	_ = types.NewChecker(tc, fset, p.Types, p.TypesInfo).Files(p.Syntax)
	p.IllTyped = len(p.Errors) > 0
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// An overView reads packages from export data over packages checked from source: a dependency planned for its
// declarations only that imports, directly or not, one planned with bodies (golang.org/x/net/http2 over
// x/net/internal/httpcommon; generated protobuf code over the protobuf runtime the user calls). go/packages checks
// such a package from source, as export data refers to its imports' objects by path and name only; reading it
// instead into a view that holds the packages checked from source makes those references resolve to the source
// objects, so that every package still sees one *types.Package per path. On tusd these packages were 258 of 480
// made from source, 15 MB of generated code type-checked for nothing.
//
// The view holds every package read from export data or checked from source so far; reads are serialized, as
// gcexportdata.Read may add packages to it. A package is read once its imports are done (checkWith's order).
type overView struct {
	mu    sync.Mutex
	view  map[string]*types.Package // by import path
	files map[string]string         // export data files, by import path
}

// exportFiles returns the export data files of the packages in over, by import path. go list -export compiles
// them (from the build cache, as go vet would).
func exportFiles(ctx context.Context, cfg *Config, order []*packages.Package, over map[*packages.Package]bool) (map[string]string, error) {
	var paths []string
	for _, p := range order {
		if over[p] {
			paths = append(paths, p.PkgPath)
		}
	}
	if len(paths) == 0 {
		return nil, nil // go list with no pattern would list, and compile, the package in cfg.Dir
	}
	list, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedExportFile, Context: ctx, Dir: cfg.Dir, Env: cfg.Env,
	}, paths...)
	if err != nil {
		return nil, fmt.Errorf("listing export data: %w", err)
	}
	files := map[string]string{}
	for _, p := range list {
		files[p.PkgPath] = p.ExportFile
	}
	return files, nil
}

// newOverView returns a view of the packages read from export data so far (exported) with the export data files
// of those to read over source ones.
func newOverView(files map[string]string, exported map[string]*packages.Package) *overView {
	ov := &overView{view: map[string]*types.Package{}, files: files}
	// The packages read from export data before: all of them, so that Read makes none anew.
	var add func(*types.Package)
	add = func(t *types.Package) {
		if t == nil || ov.view[t.Path()] != nil {
			return
		}
		ov.view[t.Path()] = t
		for _, imp := range t.Imports() {
			add(imp)
		}
	}
	for _, p := range exported {
		add(p.Types)
	}
	return ov
}

// add records a package checked from source, for the packages read over it.
func (ov *overView) add(p *packages.Package) {
	if ov == nil || p.Types == nil {
		return
	}
	ov.mu.Lock()
	defer ov.mu.Unlock()
	ov.view[p.PkgPath] = p.Types
}

// read reads p from its export data into the view. Should there be none, or should it fail to read, p is checked
// from source instead (its declarations, as planned).
func (ov *overView) read(b *bodies, fset *token.FileSet, p *packages.Package) {
	if t, err := ov.readFile(fset, p.PkgPath); err == nil {
		p.Types = t
		return
	}
	ov.mu.Lock()
	delete(ov.view, p.PkgPath) // what a failed read left of it
	ov.mu.Unlock()
	b.checkOne(fset, p, nil, nil)
	ov.add(p)
}

func (ov *overView) readFile(fset *token.FileSet, path string) (*types.Package, error) {
	name := ov.files[path]
	if name == "" {
		return nil, fmt.Errorf("no export data for %s", path)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Until Go 1.28, go list -export names the compiler's archive, whose export data section NewReader finds (as
	// go/packages does); Read alone reads only cmd/export's files.
	//lint:ignore SA1019 the file is a compiler archive on the Go versions this module supports
	r, err := gcexportdata.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	ov.mu.Lock()
	defer ov.mu.Unlock()
	return gcexportdata.Read(r, fset, ov.view, path)
}
