package modular

import (
	"go/build"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// localFile turns a file named by posn ("module/dir/file.go", "module@version/dir/file.go") back into a path on
// this machine, so that the related locations of a finding can be opened from an editor or a terminal. Facts keep
// the trimmed names, which do not depend on where anything is checked out; only what is reported is mapped. A file
// is looked for, in order: in this package's module when the name has no version; in the main module's vendor
// directory; in the directory a replace directive of its go.mod names; in the module cache. A name found in none
// of them is kept as it is.
func (e *engine) localFile(name string) string {
	if e.locals == nil {
		e.locals = newLocals(e)
	}
	return e.locals.find(name)
}

// locals knows where this package's module is checked out, its replacements, and the module cache.
type locals struct {
	module  string            // this package's module path, or ""
	root    string            // its directory, or ""
	vendor  bool              // the module vendors its dependencies
	replace map[string]string // module path, or path@version, to a local directory
	cache   string            // the module cache
	memo    map[string]string
}

func newLocals(e *engine) *locals {
	l := &locals{replace: map[string]string{}, memo: map[string]string{}, cache: modCache()}
	m := e.pass.Module
	if m == nil || len(e.pass.Files) == 0 {
		return l
	}
	dir := filepath.ToSlash(filepath.Dir(e.pass.Fset.File(e.pass.Files[0].FileStart).Name()))
	root, ok := strings.CutSuffix(dir, strings.TrimPrefix(e.pass.Pkg.Path(), m.Path))
	if !ok || !filepath.IsAbs(filepath.FromSlash(root)) {
		return l
	}
	l.module, l.root = m.Path, filepath.FromSlash(root)
	if m.Version == "" { // a dependency's go.mod replacements and vendor directory do not apply
		l.readGoMod()
	}
	return l
}

// readGoMod reads the main module's vendor directory and replace directives.
func (l *locals) readGoMod() {
	if _, err := os.Stat(filepath.Join(l.root, "vendor", "modules.txt")); err == nil {
		l.vendor = true
	}
	gomod := filepath.Join(l.root, "go.mod")
	data, err := os.ReadFile(gomod)
	if err != nil {
		return
	}
	f, err := modfile.Parse(gomod, data, nil)
	if err != nil {
		return
	}
	for _, r := range f.Replace {
		if r.New.Version != "" {
			continue // replaced by another module version: in the module cache under its own name
		}
		dir := filepath.FromSlash(r.New.Path)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(l.root, dir)
		}
		key := r.Old.Path
		if r.Old.Version != "" {
			key += "@" + r.Old.Version
		}
		l.replace[key] = dir
	}
}

func (l *locals) find(name string) string {
	if filepath.IsAbs(name) {
		return name // named without module information: already a path on this machine
	}
	if p, ok := l.memo[name]; ok {
		return p
	}
	p := name
	for _, c := range l.candidates(name) {
		if _, err := os.Stat(c); err == nil {
			p = c
			break
		}
	}
	l.memo[name] = p
	return p
}

// candidates lists where the file named name may be, most likely first.
func (l *locals) candidates(name string) []string {
	var out []string
	if l.module != "" && l.root != "" {
		if rest, ok := strings.CutPrefix(name, l.module+"/"); ok {
			out = append(out, filepath.Join(l.root, filepath.FromSlash(rest)))
		}
	}
	at := strings.IndexByte(name, '@')
	if at < 0 {
		return out
	}
	mod := name[:at]
	version, rest, ok := strings.Cut(name[at+1:], "/")
	if !ok {
		return out
	}
	if l.vendor {
		out = append(out, filepath.Join(l.root, "vendor", filepath.FromSlash(mod), filepath.FromSlash(rest)))
	}
	for _, key := range []string{mod + "@" + version, mod} {
		if dir, ok := l.replace[key]; ok {
			out = append(out, filepath.Join(dir, filepath.FromSlash(rest)))
		}
	}
	if l.cache != "" {
		if emod, err := module.EscapePath(mod); err == nil {
			if ever, err := module.EscapeVersion(version); err == nil {
				out = append(out, filepath.Join(l.cache, filepath.FromSlash(emod)+"@"+ever, filepath.FromSlash(rest)))
			}
		}
	}
	return out
}

// modCache returns the module cache directory as the go command finds it: $GOMODCACHE (go vet sets it for its
// tools), else the first entry of GOPATH followed by pkg/mod.
func modCache() string {
	if dir := os.Getenv("GOMODCACHE"); dir != "" {
		return dir
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		gopath = build.Default.GOPATH
	}
	if list := filepath.SplitList(gopath); len(list) > 0 && list[0] != "" {
		return filepath.Join(list[0], "pkg", "mod")
	}
	return ""
}
