package golangci_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blockcheck/blockcheck/analyzers/golangci"
)

// TestSettings checks that settings are decoded and that unknown keys and analyzers are refused clearly.
func TestSettings(t *testing.T) {
	p, err := golangci.New(map[string]any{"disable": []any{"gospawn"}, "tests": true})
	if err != nil {
		t.Fatal(err)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range as {
		names = append(names, a.Name)
	}
	want := "blockcheck sleep nocancel syncdb ctxdetach clienttimeout servertimeout chanwait lockio"
	if strings.Join(names, " ") != want {
		t.Errorf("analyzers = %s, want %s", strings.Join(names, " "), want)
	}
	for _, tc := range []struct {
		conf any
		want string
	}{
		{map[string]any{"disabled": []any{"sleep"}}, `blockcheck settings: decoding settings: json: unknown field "disabled" (known settings: enable, disable, rules, tests, unused-ignores)`},
		{map[string]any{"enable": []any{"sleeep"}}, `blockcheck settings: unknown analyzer "sleeep"`},
		{map[string]any{"tests": "yes"}, `blockcheck settings: decoding settings: json: cannot unmarshal string`},
	} {
		_, err := golangci.New(tc.conf)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("New(%v) = %v, want an error starting %q", tc.conf, err, tc.want)
		}
	}
	p, err = golangci.New(map[string]any{"rules": filepath.Join(t.TempDir(), "missing.json")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.BuildAnalyzers(); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("BuildAnalyzers with a missing rules file = %v, want an error naming it", err)
	}
}

type issue struct {
	FromLinter string
	Text       string
	Pos        struct {
		Filename     string
		Line, Column int
	}
}

// binary returns the custom golangci-lint that make golangci builds, or skips the test.
func binary(t *testing.T) string {
	bin := os.Getenv("GOLANGCI_LINT_BLOCKCHECK")
	if bin == "" {
		t.Skip("GOLANGCI_LINT_BLOCKCHECK is not set: run make test-golangci, which builds bin/golangci-lint-blockcheck and runs this test")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("no custom golangci-lint at %s (run make golangci): %v", bin, err)
	}
	return bin
}

// module copies testdata/golangci into a temporary directory, with cfg as .golangci.yml when it is not "".
func module(t *testing.T, cfg string) string {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "testdata", "golangci"))); err != nil {
		t.Fatal(err)
	}
	if cfg != "" {
		if err := os.WriteFile(filepath.Join(dir, ".golangci.yml"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lint runs golangci-lint in dir and returns its issues, exit code and stderr.
func lint(t *testing.T, bin, dir string, args ...string) ([]issue, int, string) {
	args = append([]string{"run", "--output.json.path", "stdout", "--output.text.path", "stderr"}, args...)
	args = append(args, "./...")
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOLANGCI_LINT_CACHE="+filepath.Join(dir, ".cache"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("golangci-lint %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	var out struct{ Issues []issue }
	if code <= 1 {
		// The JSON report, then (on stdout whatever the flags) the statistics.
		if err := json.NewDecoder(&stdout).Decode(&out); err != nil {
			t.Fatalf("golangci-lint output: %v\n%s\nstderr:\n%s", err, &stdout, &stderr)
		}
	}
	return out.Issues, code, stderr.String()
}

func summarize(issues []issue) []string {
	var out []string
	for _, is := range issues {
		out = append(out, fmt.Sprintf("%s:%d %s %s", is.Pos.Filename, is.Pos.Line, is.FromLinter, is.Text))
	}
	slices.Sort(out)
	return out
}

// TestGolangci runs the custom golangci-lint on testdata/golangci: findings across packages (facts), //nolint and
// //blockcheck:ignore, a setting that disables an analyzer, an unknown setting, and --fix.
func TestGolangci(t *testing.T) {
	bin := binary(t)

	t.Run("findings", func(t *testing.T) {
		dir := module(t, "")
		issues, code, stderr := lint(t, bin, dir)
		got := summarize(issues)
		want := []string{
			"app/app.go:15 blockcheck sleep: time.Sleep pauses the request",
			"app/app.go:18 blockcheck syncdb: this call reaches (*sql.DB).QueryRow in example.com/golangcitest/dep (dep.go:9)",
		}
		if len(got) != len(want) {
			t.Fatalf("issues:\n%s\nwant:\n%s\nstderr:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), stderr)
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("issue %d = %s, want prefix %s", i, got[i], want[i])
			}
		}
		if code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
	})

	t.Run("settings", func(t *testing.T) {
		// Without disable: [gospawn], the goroutine spawned per request is reported.
		dir := module(t, strings.Replace(readConfig(t), "disable: [gospawn]", "enable: [gospawn]", 1))
		issues, _, stderr := lint(t, bin, dir)
		got := summarize(issues)
		if len(got) != 1 || !strings.HasPrefix(got[0], "app/app.go:27 blockcheck gospawn: go statement starts a goroutine") {
			t.Errorf("with enable: [gospawn], issues:\n%s\nwant one gospawn issue at app/app.go:27\nstderr:\n%s", strings.Join(got, "\n"), stderr)
		}
	})

	t.Run("unknown setting", func(t *testing.T) {
		dir := module(t, strings.Replace(readConfig(t), "disable: [gospawn]", "disabled: [gospawn]", 1))
		_, code, stderr := lint(t, bin, dir)
		if code == 0 || !strings.Contains(stderr, `unknown field "disabled"`) {
			t.Errorf("unknown setting: exit %d, stderr:\n%s\nwant a failure naming the field", code, stderr)
		}
	})

	t.Run("fix", func(t *testing.T) {
		dir := module(t, "")
		lint(t, bin, dir, "--fix")
		data, err := os.ReadFile(filepath.Join(dir, "app", "app.go"))
		if err != nil {
			t.Fatal(err)
		}
		src := string(data)
		for _, want := range []string{
			"case <-time.After(time.Second):",                 // the fix, applied
			"time.Sleep(2 * time.Second) //nolint:blockcheck", // nolint'd: left alone
			"time.Sleep(3 * time.Second) //blockcheck:ignore", // ignored: no finding, no fix
		} {
			if !strings.Contains(src, want) {
				t.Errorf("after --fix, app/app.go lacks %q:\n%s", want, src)
			}
		}
		if strings.Contains(src, "time.Sleep(time.Second)") {
			t.Errorf("after --fix, app/app.go still has time.Sleep(time.Second):\n%s", src)
		}
	})
}

func readConfig(t *testing.T) string {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golangci", ".golangci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
