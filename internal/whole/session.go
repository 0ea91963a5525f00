package whole

import (
	"context"
	"crypto/sha256"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A Session analyzes the same packages again and again in one long-lived process (an editor's language server),
// keeping what did not change: a run over unchanged files returns the last result, and the plan of which
// dependency bodies to parse (a go list of the whole import graph) is made again only when go.mod, go.sum, the
// set of Go files or an import changes. It holds nothing else between runs, so its memory does not grow with the
// number of runs. A Session is not safe for concurrent use.
type Session struct {
	cfg Config

	plan    *bodies
	planKey [sha256.Size]byte
	last    *Result
	lastKey [sha256.Size]byte
}

// NewSession returns a session over cfg, which it keeps.
func NewSession(cfg *Config) *Session {
	return &Session{cfg: *cfg}
}

// Run analyzes the packages as they are on disk now. The result must not be modified: an unchanged tree returns
// the same one again.
func (s *Session) Run(ctx context.Context) (*Result, error) {
	planKey, lastKey, err := s.keys()
	if err != nil {
		return nil, err
	}
	if s.last != nil && lastKey == s.lastKey {
		return s.last, nil
	}
	if s.plan == nil || planKey != s.planKey {
		s.plan, s.last = nil, nil // let the old ones go before making new ones
		b, err := planBodies(ctx, &s.cfg, patterns(&s.cfg))
		if err != nil {
			return nil, err
		}
		s.plan, s.planKey = b, planKey
	}
	s.last = nil
	res, err := run(ctx, &s.cfg, s.plan, newStages(&s.cfg))
	if err != nil {
		return nil, err
	}
	s.last, s.lastKey = res, lastKey
	return res, nil
}

// keys hashes the module's Go files under the session's directory: planKey covers what the plan depends on (the
// module files, the Go files' names and their imports), lastKey everything.
func (s *Session) keys() (planKey, lastKey [sha256.Size]byte, err error) {
	dir := s.cfg.Dir
	if dir == "" {
		dir = "."
	}
	ph, lh := sha256.New(), sha256.New()
	fset := token.NewFileSet()
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != dir && (name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") && name != "go.mod" && name != "go.sum" && name != "go.work" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lh.Write([]byte(path + "\x00"))
		lh.Write(src)
		ph.Write([]byte(path + "\x00"))
		if !strings.HasSuffix(name, ".go") {
			ph.Write(src)
			return nil
		}
		// Only the build constraints, package clause and imports matter to the plan.
		f, perr := parser.ParseFile(fset, path, src, parser.ImportsOnly|parser.ParseComments)
		if perr != nil {
			ph.Write(src) // let a file that does not parse invalidate the plan
			return nil
		}
		ph.Write(src[:fset.Position(f.End()).Offset])
		return nil
	})
	copy(planKey[:], ph.Sum(nil))
	copy(lastKey[:], lh.Sum(nil))
	return planKey, lastKey, err
}
