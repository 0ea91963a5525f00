package whole

import (
	"context"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestSessionMemory edits a body of the service 200 times (40 with -short or the race detector) and checks that
// what the session holds does not grow: the heap in use after a collection has no upward trend beyond a tolerance,
// and the session's file set holds as many files after the last run as after the first (the files parsed again
// are removed from it), and the kept SSA program is made anew as its stale packages pile up (program.go). It
// asserts on memory, never on time.
func TestSessionMemory(t *testing.T) {
	runs := 200
	if testing.Short() || raceEnabled {
		runs = 40
	}
	dir, cfg := copyModule(t, "service")
	s := NewSession(cfg)
	mail := filepath.Join(dir, "internal", "mail", "mail.go")
	orig, err := os.ReadFile(mail)
	if err != nil {
		t.Fatal(err)
	}
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse)
	}
	files := func() int {
		n := 0
		s.cache.fset.Iterate(func(*token.File) bool { n++; return true })
		return n
	}
	var samples []float64
	var first, dropped int
	for i := range runs {
		// A different body each time, so that every run checks mail and its importers again.
		edited := strings.Replace(string(orig), "msg := []byte(", fmt.Sprintf("msg := []byte(%q + ", strings.Repeat("x", i%7)), 1)
		if err := os.WriteFile(mail, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		programs := 0
		if s.cache != nil {
			programs = s.cache.progs.programs
		}
		res, err := s.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if remade := i > 0 && s.cache.progs.programs > programs; s.Dropped() != remade {
			t.Fatalf("run %d: Dropped() = %v, but a new SSA program made: %v", i, s.Dropped(), remade)
		}
		dropped += btoi(s.Dropped())
		if len(res.Findings) == 0 || (s.cache.misses != 3 || s.cache.reused != 2) && i > 0 {
			t.Fatalf("run %d: %d findings, %d packages checked again (want 3), %d of them not parsed again (want 2: the importers of mail)",
				i, len(res.Findings), s.cache.misses, s.cache.reused)
		}
		if i == 0 {
			first = files()
		}
		if i%5 == 4 {
			samples = append(samples, heap())
		}
	}
	// The SSA program is kept across runs and made anew as the stale packages pile up: a saw-tooth, not a ramp.
	if progs := s.cache.progs.programs; progs <= 1 || progs > runs*3/4 {
		t.Errorf("%d SSA programs made over %d runs: want more than 1 (stale packages dropped) and at most %d (the program kept between)", progs, runs, runs*3/4)
	}
	if dropped != s.cache.progs.programs-1 {
		t.Errorf("Dropped() was true after %d runs, want %d: each program made after the first", dropped, s.cache.progs.programs-1)
	}
	if n := files(); n != first {
		t.Errorf("the file set holds %d files after %d runs, %d after the first", n, runs, first)
	}
	// The least-squares slope of the heap over the runs, projected over all of them, must stay within 10% of the
	// mean heap (the collector's own bookkeeping moves a little from run to run).
	samples = samples[1:] // the first sample still holds what the first run's warm-up left
	var mean, sx, sxx, sxy float64
	for i, y := range samples {
		x := float64(i)
		mean += y
		sx += x
		sxx += x * x
		sxy += x * y
	}
	n := float64(len(samples))
	mean /= n
	slope := (sxy - sx*mean) / (sxx - sx*sx/n) // bytes per sample
	growth := slope * n
	t.Logf("%d runs, %d SSA programs: heap in use after GC %.1f MB on average, %.1f MB first, %.1f MB last; trend %+.2f MB over the runs",
		runs, s.cache.progs.programs, mean/(1<<20), samples[0]/(1<<20), samples[len(samples)-1]/(1<<20), growth/(1<<20))
	if growth > 0.1*mean {
		t.Errorf("heap in use grows by %.1f MB over %d runs (mean %.1f MB): more than 10%%", growth/(1<<20), runs, mean/(1<<20))
	}
	runtime.KeepAlive(s)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
