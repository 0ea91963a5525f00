package whole

import (
	"crypto/sha256"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/tools/go/packages"
)

// A checkCache keeps what check made across the runs of a Session that share a plan: the dependencies read from
// export data, and each package type-checked from source with the key it was checked under. A package is checked
// again only when one of its files or one of the packages it imports changed; the others, their syntax and type
// information included, are used as they are. Everything positions refer to lives in the cache's one file set,
// from which the files of a package checked again are removed.
type checkCache struct {
	fset     *token.FileSet
	exported map[string]*packages.Package // by import path; nil until the first run
	src      map[string]*cachedPkg        // by package ID
	progs    progCache                    // the SSA program kept with the packages (program.go)
	// hits and misses count the source packages used as they were and checked again in the last run; reused
	// counts the misses checked again with the syntax trees of the run before (only an import changed).
	hits, misses, reused int
}

type cachedPkg struct {
	key [sha256.Size]byte
	// files hashes the package's files alone: a package checked again only because a package it imports was has
	// the same, and reuses the syntax trees (checkWith).
	files [sha256.Size]byte
	pkg   *packages.Package
}

func newCheckCache() *checkCache {
	return &checkCache{fset: token.NewFileSet(), src: map[string]*cachedPkg{}}
}

// key hashes what a source package's type-checking depends on besides the plan: the content of its files (the
// overlay's where it has them) and the keys of the source packages it imports. Packages read from export data
// stay the same while the plan does, so their paths suffice. files hashes the files alone. ok is false when a
// file cannot be read: the package is then checked again and reports the error.
func (c *checkCache) key(b *bodies, p *packages.Package, src map[*packages.Package]bool, keys map[*packages.Package][sha256.Size]byte) (k, files [sha256.Size]byte, ok bool) {
	h := sha256.New()
	h.Write([]byte(p.ID + "\x00"))
	names := p.CompiledGoFiles
	if len(names) == 0 {
		names = p.GoFiles
	}
	cached := inModuleCache(p)
	for _, name := range names {
		content, ok := b.overlay[name]
		if !ok && cached {
			h.Write([]byte(name + "\x01")) // the name says which version of the module: the content is fixed
			continue
		}
		if !ok {
			var err error
			if content, err = os.ReadFile(name); err != nil {
				return k, files, false
			}
		}
		h.Write([]byte(name + "\x00"))
		h.Write(content)
		h.Write([]byte{0})
	}
	copy(files[:], h.Sum(nil))
	paths := make([]string, 0, len(p.Imports))
	for path := range p.Imports {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		imp := p.Imports[path]
		h.Write([]byte(path + "\x00" + imp.PkgPath + "\x00"))
		if src[imp] {
			ik, ok := keys[imp]
			if !ok {
				return k, files, false // an import with no key was checked again: so is this package
			}
			h.Write(ik[:])
		}
	}
	copy(k[:], h.Sum(nil))
	return k, files, true
}

// inModuleCache reports whether go list placed p's files in the module cache, whose files of a module version
// never change (Session.keys leaves them out too): a dependency required at a version, or replaced by another
// version, not by a directory. A vendored module has no directory of its own (its files are the user's to edit).
func inModuleCache(p *packages.Package) bool {
	m := p.Module
	if m == nil || m.Main {
		return false
	}
	if m.Replace != nil {
		m = m.Replace
	}
	d := pkgDir(p)
	if m.Version == "" || m.Dir == "" || d == "" {
		return false
	}
	rel, err := filepath.Rel(m.Dir, d)
	return err == nil && filepath.IsLocal(rel)
}

// lookup returns the package checked under key k, if there is one.
func (c *checkCache) lookup(id string, k [sha256.Size]byte) *packages.Package {
	if e := c.src[id]; e != nil && e.key == k {
		return e.pkg
	}
	return nil
}

// syntax returns the syntax trees of the package last checked with the same files (hashed as files), if it
// parsed without error: a package checked again because one of its imports was need not be parsed again. The
// trees are only read by what follows (the type checker records what it finds in a types.Info of each check;
// files are parsed without object resolution, so no ast.Object either), and they share the file set's
// token.Files, which the cache then keeps (update, forget).
func (c *checkCache) syntax(id string, files [sha256.Size]byte) []*ast.File {
	e := c.src[id]
	if e == nil || e.files != files || len(e.pkg.Syntax) == 0 {
		return nil
	}
	for _, err := range e.pkg.Errors {
		if err.Kind == packages.ParseError {
			return nil
		}
	}
	return e.pkg.Syntax
}

// info returns the type information of the package last checked with id, if it is kept.
func (c *checkCache) info(id string) *types.Info {
	if e := c.src[id]; e != nil {
		return e.pkg.TypesInfo
	}
	return nil
}

// newInfo returns the maps a package's type-checking fills, each made with the size it had in hint (nil: none),
// an earlier check of the same package: an edit changes them little, and growing them entry by entry allocates
// about twice what they end up holding (on miniflux, the largest part of what re-checking allocates).
func newInfo(hint *types.Info) *types.Info {
	if hint == nil {
		hint = &types.Info{}
	}
	return &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue, len(hint.Types)),
		Defs:         make(map[*ast.Ident]types.Object, len(hint.Defs)),
		Uses:         make(map[*ast.Ident]types.Object, len(hint.Uses)),
		Implicits:    make(map[ast.Node]types.Object, len(hint.Implicits)),
		Instances:    make(map[*ast.Ident]types.Instance, len(hint.Instances)),
		Scopes:       make(map[ast.Node]*types.Scope, len(hint.Scopes)),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection, len(hint.Selections)),
		FileVersions: make(map[*ast.File]string, len(hint.FileVersions)),
	}
}

// update records the packages of a run, checked again or not, and forgets the rest, removing the files of the
// packages that were replaced or are gone from the file set, unless the package replacing them reuses them.
func (c *checkCache) update(ran map[string]*cachedPkg) {
	for id, old := range c.src {
		e := ran[id]
		if e != nil && (e.pkg == old.pkg || sameSyntax(e.pkg, old.pkg)) {
			continue
		}
		c.remove(old.pkg)
	}
	c.src = ran
}

// forget removes from the file set the files of the packages a cancelled run checked (those not kept), except
// those a package of the cache still uses.
func (c *checkCache) forget(out map[*packages.Package]*packages.Package, kept map[*packages.Package]bool) {
	for p, q := range out {
		if kept[p] {
			continue
		}
		if e := c.src[p.ID]; e != nil && sameSyntax(e.pkg, q) {
			continue
		}
		c.remove(q)
	}
}

func (c *checkCache) remove(p *packages.Package) {
	for _, f := range p.Syntax {
		if tf := c.fset.File(f.FileStart); tf != nil {
			c.fset.RemoveFile(tf)
		}
	}
}

// sameSyntax reports whether p and q share their syntax trees (one reuses the other's).
func sameSyntax(p, q *packages.Package) bool {
	return len(p.Syntax) > 0 && len(q.Syntax) > 0 && p.Syntax[0] == q.Syntax[0]
}
