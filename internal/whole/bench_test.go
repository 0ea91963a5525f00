package whole_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/blockcheck/blockcheck/internal/whole"
	"github.com/blockcheck/blockcheck/rules"
)

func benchmark(b *testing.B, dir string) {
	cat, err := rules.Default()
	if err != nil {
		b.Fatal(err)
	}
	enabled := map[string]bool{}
	for _, a := range rules.Analyzers {
		enabled[a] = true
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := whole.Run(context.Background(), &whole.Config{Dir: dir, Catalog: cat, Enabled: enabled})
		if err != nil || len(res.Errors) > 0 {
			b.Fatal(err, res.Errors)
		}
		b.ReportMetric(float64(len(res.Findings)), "findings")
	}
}

// BenchmarkGenerated1000 analyzes a generated service of 1,000 handlers.
func BenchmarkGenerated1000(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "gen")
	if out, err := exec.Command("go", "run", "../benchgen", "-out", dir, "-handlers", "1000").CombinedOutput(); err != nil {
		b.Fatalf("benchgen: %v\n%s", err, out)
	}
	benchmark(b, dir)
}

// BenchmarkStdlibTestdata analyzes the analyzers' own testdata module.
func BenchmarkStdlibTestdata(b *testing.B) {
	benchmark(b, stdlib)
}

// BenchmarkDir analyzes the module in $BLOCKCHECK_BENCH_DIR (a real service, checked out outside the repository),
// for profiling: go test -run '^$' -bench Dir -benchtime 1x -cpuprofile cpu.out -memprofile mem.out.
func BenchmarkDir(b *testing.B) {
	dir := os.Getenv("BLOCKCHECK_BENCH_DIR")
	if dir == "" {
		b.Skip("BLOCKCHECK_BENCH_DIR is not set")
	}
	benchmark(b, dir)
}
