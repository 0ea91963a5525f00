package whole

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSessionEditsDir edits $BLOCKCHECK_BENCH_FILE of a copy of $BLOCKCHECK_BENCH_DIR (a real service, as
// BenchmarkSessionEdit takes them; skipped when they are not set) a few times, a comment and then a new function,
// and checks after each edit that the session's result is a fresh session's on the edited tree, byte for byte,
// and that the functions its kept program starts the call graph from are the fresh program's: over the stale
// packages of the edits before, with what allFunctions kept from the run before.
func TestSessionEditsDir(t *testing.T) {
	src, name := os.Getenv("BLOCKCHECK_BENCH_DIR"), os.Getenv("BLOCKCHECK_BENCH_FILE")
	if src == "" || name == "" {
		t.Skip("BLOCKCHECK_BENCH_DIR and BLOCKCHECK_BENCH_FILE are not set")
	}
	dir := filepath.Join(t.TempDir(), "svc")
	if out, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	cfg := sessionConfig(t, dir)
	cfg.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	s := NewSession(cfg)
	ctx := context.Background()
	file := filepath.Join(dir, name)
	for i, edit := range []string{"", "\n// edit\n", "\n// edit again\n", "\nfunc blockcheckEdit() {}\n", "\n// edit after\n"} {
		if edit != "" {
			f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprint(f, edit)
			f.Close()
		}
		res, err := s.Run(ctx)
		if err != nil {
			t.Fatalf("edit %d: %v", i, err)
		}
		got := render(t, res)
		kept := &s.cache.progs
		gotFns := funcNames(kept.allFunctions(kept.prog, kept.live).set())
		fresh := NewSession(cfg)
		want, err := fresh.Run(ctx)
		if err != nil {
			t.Fatalf("edit %d: fresh run: %v", i, err)
		}
		if want := render(t, want); got != want {
			t.Errorf("edit %d: the session's result differs from a fresh run's:\n%s", i, lineDiff(want, got))
		}
		f := &fresh.cache.progs
		if wantFns := funcNames(f.allFunctions(f.prog, f.live).set()); !slices.Equal(gotFns, wantFns) {
			t.Errorf("edit %d: the kept program's live functions differ from a fresh program's:\n%s", i,
				lineDiff(strings.Join(wantFns, "\n"), strings.Join(gotFns, "\n")))
		}
		t.Logf("edit %d: %d findings, %d packages checked again, %d SSA programs, %d allFunctions bases",
			i, len(res.Findings), s.cache.misses, kept.programs, kept.bases)
	}
}
