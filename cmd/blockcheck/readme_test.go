package main_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEFirstCommand runs the README's first command literally, from the repository root, as a newcomer would
// in a fresh clone: it builds blockcheck from the checkout and runs it on the example service, which has findings
// (exit status 3) and gets an HTML report. The second command must be make test (not run here: it runs this).
func TestREADMEFirstCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds blockcheck and analyzes the example service")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```sh\n")
	if !ok {
		t.Fatal("README.md has no sh block")
	}
	block, _, _ = strings.Cut(block, "```")
	lines := strings.Split(strings.TrimSpace(block), "\n")
	if len(lines) != 2 {
		t.Fatalf("the README's first block has %d lines, want the two commands:\n%s", len(lines), block)
	}
	if lines[1] != "make test" {
		t.Errorf("second command = %q, want make test", lines[1])
	}
	first := lines[0]
	if !strings.Contains(first, "./cmd/blockcheck") || !strings.Contains(first, "testdata/service") {
		t.Fatalf("first command %q does not build blockcheck from the checkout and run it on the example service", first)
	}
	report := filepath.Join(root, "testdata", "service", "report.html")
	t.Cleanup(func() { os.Remove(report) })
	os.Remove(report)

	cmd := exec.Command("sh", "-c", first)
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("%s: %v, want exit status 3 (findings)\n%s%s", first, err, out, stderr.String())
	}
	for _, want := range []string{"internal/store/store.go:", ": syncdb: ", "reached from GET /books (Server.listBooks) and 1 other route"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if stderr.Len() > 0 {
		t.Errorf("unexpected stderr: %s", stderr.String())
	}
	page, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no HTML report: %v", err)
	}
	if !strings.Contains(string(page), `<script id="data" type="application/json">`) || !strings.Contains(string(page), "GET /books") {
		t.Errorf("the HTML report lacks the routes")
	}
}
