package whole

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/rules"
)

// TestSession checks that a session returns the last result for an unchanged tree, re-analyzes an edited file with
// the same plan, and plans again when an import changes.
func TestSession(t *testing.T) {
	dir, cfg := copyModule(t, "nodot")
	s := NewSession(cfg)
	run := func() *Result {
		t.Helper()
		res, err := s.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := run()
	plan := s.plan
	if len(first.Findings) != 1 {
		t.Fatalf("first run: %d findings, want 1", len(first.Findings))
	}
	if again := run(); again != first {
		t.Error("an unchanged tree was analyzed again")
	}

	file := filepath.Join(dir, "api", "api.go")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), "func fast(w http.ResponseWriter, r *http.Request) {", "func fast(w http.ResponseWriter, r *http.Request) {\n\ttime.Sleep(time.Second)", 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := run(); len(res.Findings) != 2 || s.plan != plan || s.Dropped() {
		t.Errorf("after an edit of a body: %d findings (want 2), plan made again: %v, dropped: %v", len(res.Findings), s.plan != plan, s.Dropped())
	}

	edited = strings.Replace(edited, "import (", "import (\n\t\"os\"", 1) + "\nvar _ = os.Getenv\n"
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := run(); len(res.Findings) != 2 || s.plan == plan || !s.Dropped() {
		t.Errorf("after an edit of the imports: %d findings (want 2), plan made again: %v, dropped: %v", len(res.Findings), s.plan != plan, s.Dropped())
	}
}

// copyModule copies testdata/name into a temporary directory, where a session may edit it, and returns the copy
// and a configuration with every analyzer enabled.
func copyModule(t *testing.T, name string) (string, *Config) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command("cp", "-r", filepath.Join("../../testdata", name), dir).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	return dir, sessionConfig(t, dir)
}

// sessionConfig returns a configuration for dir with the default rules and every analyzer enabled, loading
// nothing from the network.
func sessionConfig(t *testing.T, dir string) *Config {
	t.Helper()
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	enabled := map[string]bool{}
	for _, a := range rules.Analyzers {
		enabled[a] = true
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	return &Config{Dir: dir, Env: env, Catalog: cat, Enabled: enabled}
}
