package whole

import (
	"cmp"
	"context"
	"crypto/sha256"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// A Session analyzes the same packages again and again in one long-lived process (an editor's language server),
// keeping what did not change:
//   - a run over unchanged files returns the last result;
//   - the plan of which dependency bodies to parse (a go list of the whole import graph) is made again only when
//     go.mod, go.sum, the set of Go files or an import changes;
//   - while the plan holds, the dependencies read from export data, and every package type-checked from source
//     whose files and imports did not change, with its syntax and type information (cache.go): an edit checks
//     the edited package and the packages that import it, transitively, again;
//   - one SSA program (program.go), in which a run creates and builds only the packages checked again, and sees
//     the others it does not use any more as stale: left out of every enumeration of functions, their bodies
//     released. The program is made anew when the stale functions outnumber the live ones three to one (what is
//     left of a stale function holds less than a third of a built one), so that what a session holds between runs
//     stays bounded by about one load of the packages and two programs, and does not grow with the number of runs.
//
// The call graph and everything after are made anew on each run. A Session is not safe for concurrent use.
type Session struct {
	cfg Config

	plan    *bodies
	planKey [sha256.Size]byte
	cache   *checkCache // nil until the first run with a plan; made anew with each plan
	last    *Result
	lastKey [sha256.Size]byte
	// staleLimit multiplies how many stale functions the kept SSA program may hold before a new program is made
	// (program.go; 0 means 1). Tests raise it.
	staleLimit int
	dropped    bool // see Dropped
}

// Dropped reports whether the last Run let go of what the session kept for later runs: its plan, with everything
// checked under it, or its SSA program, made anew once its stale packages outnumbered the live ones. Most of what
// the session held is then garbage, which a long-lived caller may want to give back to the system; after an
// ordinary edit it is the run's own garbage, which the collector's pace takes care of.
func (s *Session) Dropped() bool { return s.dropped }

// NewSession returns a session over cfg, which it keeps.
func NewSession(cfg *Config) *Session {
	return &Session{cfg: *cfg}
}

// SetOverlay replaces the files whose contents the next runs take from memory rather than disk (an editor's
// unsaved buffers), as Config.Overlay. The overlay applies to the packages checked from source (the user's code
// and the dependencies parsed with bodies) and to the plan; the packages read from export data are not affected.
func (s *Session) SetOverlay(overlay map[string][]byte) {
	s.cfg.Overlay = overlay
}

// Run analyzes the packages as they are on disk now, with the overlay. The result must not be modified: an
// unchanged tree returns the same one again. Its positions stay valid until a run analyzes again (the session
// removes the files it parses again from its file set).
func (s *Session) Run(ctx context.Context) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	planKey, lastKey, err := s.keys()
	if err != nil {
		return nil, err
	}
	if s.last != nil && lastKey == s.lastKey {
		return s.last, nil
	}
	st := newStages(&s.cfg)
	s.dropped = false
	if s.plan == nil || planKey != s.planKey {
		s.dropped = s.plan != nil
		s.plan, s.cache, s.last = nil, nil, nil // let the old ones go before making new ones
		st.start("listing packages", 0)
		b, err := planBodies(ctx, &s.cfg, patterns(&s.cfg))
		if err != nil {
			return nil, err
		}
		s.plan, s.planKey = b, planKey
		s.cache = newCheckCache()
		s.cache.progs.limit = s.staleLimit
		// The keys now also cover the user's code outside the directory, which the plan names.
		if planKey, lastKey, err = s.keys(); err != nil {
			return nil, err
		}
		s.planKey = planKey
	}
	s.last = nil
	s.plan.overlay = s.cfg.Overlay
	programs := s.cache.progs.programs
	res, err := run(ctx, &s.cfg, s.plan, st, s.cache)
	s.dropped = s.dropped || programs > 0 && s.cache.progs.programs > programs
	if err != nil {
		return nil, err
	}
	s.last, s.lastKey = res, lastKey
	return res, nil
}

// keys hashes the module's Go files under the session's directory, with the overlay: planKey covers what the
// plan depends on (the module files, the Go files' names and their imports), lastKey everything.
func (s *Session) keys() (planKey, lastKey [sha256.Size]byte, err error) {
	dir, err := filepath.Abs(cmp.Or(s.cfg.Dir, "."))
	if err != nil {
		return planKey, lastKey, err
	}
	ph, lh := sha256.New(), sha256.New()
	fset := token.NewFileSet()
	add := func(path string, src []byte) {
		lh.Write([]byte(path + "\x00"))
		lh.Write(src)
		ph.Write([]byte(path + "\x00"))
		if !strings.HasSuffix(path, ".go") {
			ph.Write(src)
			return
		}
		// Only the build constraints, package clause and imports matter to the plan.
		f, perr := parser.ParseFile(fset, path, src, parser.ImportsOnly|parser.ParseComments)
		if perr != nil {
			ph.Write(src) // let a file that does not parse invalidate the plan
			return
		}
		ph.Write(src[:fset.Position(f.End()).Offset])
	}
	seen := map[string]bool{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != dir && skipDir(name) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") && name != "go.mod" && name != "go.sum" && name != "go.work" {
			return nil
		}
		src, ok := s.cfg.Overlay[path]
		if !ok {
			if src, err = os.ReadFile(path); err != nil {
				return err
			}
		}
		seen[path] = true
		add(path, src)
		return nil
	})
	// Unsaved Go files that are not on disk yet.
	var extra []string
	for name := range s.cfg.Overlay {
		if rel, rerr := filepath.Rel(dir, name); !seen[name] && strings.HasSuffix(name, ".go") && rerr == nil && filepath.IsLocal(rel) {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	for _, name := range extra {
		add(name, s.cfg.Overlay[name])
	}
	// The user's code outside the directory that the plan parses from source: modules of a go.work and local
	// replacements (replace example.com/lib => ../lib), whose files can change too. (The module cache cannot.)
	for _, d := range s.outside(dir) {
		entries, rerr := os.ReadDir(d)
		if rerr != nil {
			ph.Write([]byte(d + "\x00" + rerr.Error()))
			continue
		}
		for _, e := range entries {
			path := filepath.Join(d, e.Name())
			if e.IsDir() || !strings.HasSuffix(path, ".go") && e.Name() != "go.mod" || seen[path] {
				continue
			}
			src, ok := s.cfg.Overlay[path]
			if !ok {
				if src, rerr = os.ReadFile(path); rerr != nil {
					continue
				}
			}
			seen[path] = true
			add(path, src)
		}
	}
	copy(planKey[:], ph.Sum(nil))
	copy(lastKey[:], lh.Sum(nil))
	return planKey, lastKey, err
}

// outside returns, sorted, the directories of the packages in the plan that belong to a main module (a go.work's)
// or to a module replaced by a local directory, and are not under dir. Nothing before the first plan.
func (s *Session) outside(dir string) []string {
	if s.plan == nil {
		return nil
	}
	var dirs []string
	packages.Visit(s.plan.graph, nil, func(p *packages.Package) {
		m := p.Module
		if m == nil || !m.Main && (m.Replace == nil || m.Replace.Version != "") {
			return
		}
		d := pkgDir(p)
		if rel, err := filepath.Rel(dir, d); d != "" && (err != nil || !filepath.IsLocal(rel)) {
			dirs = append(dirs, d)
			if m.Replace != nil && m.Replace.Dir != "" {
				dirs = append(dirs, m.Replace.Dir) // its go.mod
			} else if m.Dir != "" {
				dirs = append(dirs, m.Dir)
			}
		}
	})
	slices.Sort(dirs)
	return slices.Compact(dirs)
}

func skipDir(name string) bool {
	return name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}
