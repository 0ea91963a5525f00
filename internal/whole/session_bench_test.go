package whole

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blockcheck/blockcheck/rules"
)

// BenchmarkSessionEdit measures re-analysis in a long-lived process: each iteration appends a line to one Go file
// of a copy of $BLOCKCHECK_BENCH_DIR (default: testdata/service), $BLOCKCHECK_BENCH_FILE (a path in it; default:
// the first Go file), and runs the session again. $BLOCKCHECK_BENCH_PROFILE names a file for a CPU profile of the
// re-analyses alone, $BLOCKCHECK_BENCH_HEAP a heap profile of what the session holds after the last one. It
// reports the CPU seconds of the cold run and of each re-analysis (without the collection forced to measure the
// heap after the first: about one full marking of what the session holds, a fifth of a re-analysis on miniflux
// with -benchtime 5x), and the heap in use after the first and the last re-analysis (with -benchtime 200x:
// whether memory stays flat), and how far the kept SSA program is from being made anew.
func BenchmarkSessionEdit(b *testing.B) {
	src := os.Getenv("BLOCKCHECK_BENCH_DIR")
	if src == "" {
		src = "../../testdata/service"
	}
	dir := filepath.Join(b.TempDir(), "svc")
	if out, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
		b.Fatalf("copy: %v\n%s", err, out)
	}
	var file string
	if f := os.Getenv("BLOCKCHECK_BENCH_FILE"); f != "" {
		file = filepath.Join(dir, f)
	} else {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if file == "" && err == nil && !d.IsDir() && filepath.Ext(path) == ".go" {
				file = path
			}
			return nil
		})
	}
	cat, err := rules.Default()
	if err != nil {
		b.Fatal(err)
	}
	enabled := map[string]bool{}
	for _, a := range rules.Analyzers {
		enabled[a] = true
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	s := NewSession(&Config{Dir: dir, Env: env, Catalog: cat, Enabled: enabled})
	if v := os.Getenv("BLOCKCHECK_BENCH_STALE"); v != "" { // staleLimit, to weigh a program's memory against its rebuilds
		if s.staleLimit, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	cpu := func() time.Duration { // this process and the go commands it ran
		var self, kids syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &self)
		syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
		return time.Duration(self.Utime.Nano() + self.Stime.Nano() + kids.Utime.Nano() + kids.Stime.Nano())
	}
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse) / (1 << 20)
	}
	start := cpu()
	if _, err := s.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	cold := cpu() - start
	if name := os.Getenv("BLOCKCHECK_BENCH_HEAP"); name != "" { // the base for the re-analyses' allocations
		f, err := os.Create(name + ".cold")
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	var first float64
	var measure time.Duration // the forced collection measuring heap-first: not part of a re-analysis
	n := 0
	if name := os.Getenv("BLOCKCHECK_BENCH_PROFILE"); name != "" { // a CPU profile of the re-analyses alone
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	b.ResetTimer()
	start = cpu()
	for b.Loop() {
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(f, "\n// edit %d\n", n)
		f.Close()
		t := cpu()
		res, err := s.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		var stages []string
		var alloc uint64
		for _, st := range res.Stages {
			stages = append(stages, fmt.Sprintf("%s %dms %dMB", st.Name, st.Duration.Milliseconds(), st.Alloc>>20))
			alloc += st.Alloc
		}
		b.Logf("edit %d: %.3f CPU-s, %d MB allocated, new SSA program: %v; %s", n, (cpu() - t).Seconds(), alloc>>20, s.Dropped(), strings.Join(stages, ", "))
		if n++; n == 1 {
			b.StopTimer()
			t := cpu()
			first = heap()
			measure = cpu() - t
			b.StartTimer()
		}
	}
	warm := (cpu() - start - measure).Seconds() / float64(n)
	b.ReportMetric(cold.Seconds(), "cold-cpu-s")
	b.ReportMetric(warm, "edit-cpu-s")
	b.ReportMetric(warm/cold.Seconds(), "edit/cold")
	b.ReportMetric(measure.Seconds(), "measure-cpu-s")
	b.ReportMetric(first, "heap-first-MB")
	b.ReportMetric(heap(), "heap-last-MB")
	if s.cache != nil { // packages type-checked again by the last re-analysis, and kept
		b.ReportMetric(float64(s.cache.misses), "pkgs-checked")
		b.ReportMetric(float64(s.cache.reused), "pkgs-not-reparsed")
		b.ReportMetric(float64(s.cache.hits), "pkgs-kept")
		// SSA programs made (the first included), and the functions of the kept program's stale and live
		// packages: a new program is made when the first outnumber the second (program.go).
		b.ReportMetric(float64(s.cache.progs.programs), "ssa-programs")
		b.ReportMetric(float64(s.cache.progs.stale), "stale-funcs")
		b.ReportMetric(float64(s.cache.progs.size), "live-funcs")
		b.ReportMetric(float64(s.cache.progs.bases), "fn-bases") // what allFunctions keeps from run to run
	}
	if name := os.Getenv("BLOCKCHECK_BENCH_HEAP"); name != "" { // what the session holds between runs
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			b.Fatal(err)
		}
	}
	runtime.KeepAlive(s) // what the session keeps between runs is part of the heap
}
