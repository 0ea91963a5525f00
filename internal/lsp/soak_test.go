package lsp_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSoak re-analyzes testdata/inventory as many times as BLOCKCHECK_LSP_SOAK says, editing and saving a file each
// time (a different text each time, so that each save is analyzed again), and logs the server's resident memory and
// the time from each save to its diagnostics. It asserts nothing about either (they depend on the machine); it is
// how the figures in docs/editors.md are measured:
//
//	BLOCKCHECK_LSP_SOAK=200 go test -run TestSoak -v -timeout 60m ./internal/lsp/
func TestSoak(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("BLOCKCHECK_LSP_SOAK"))
	if n <= 0 {
		t.Skip("set BLOCKCHECK_LSP_SOAK to the number of re-analyses")
	}
	root := copyModule(t, "inventory")
	c := start(t, root)
	c.initialize(root, nil) // the default settings, debounce included
	file := filepath.Join(root, "internal", "httpapi", "suppliers.go")
	text := c.open(file)
	_, next := c.awaitPublication(uri(file), 0, func(p publication) bool { return len(p.Diagnostics) == 1 })
	t.Logf("after the first analysis: %s", memory(t, c.cmd.Process.Pid))
	var latencies []time.Duration
	for i := 1; i <= n; i++ {
		version := i + 1
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri(file), "version": version},
			"contentChanges": []any{map[string]any{"text": text + "\n// edit " + strconv.Itoa(i) + "\n"}},
		})
		saved := time.Now()
		c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri(file)}})
		_, next = c.awaitPublication(uri(file), next, func(p publication) bool { return p.Version != nil && int(*p.Version) == version })
		latencies = append(latencies, time.Since(saved))
		if i%50 == 0 || i == n {
			t.Logf("after %d re-analyses: %s", i, memory(t, c.cmd.Process.Pid))
		}
	}
	slices.Sort(latencies)
	t.Logf("save to diagnostics over %d saves: median %v, p90 %v, min %v, max %v", n,
		latencies[n/2].Round(time.Millisecond), latencies[n*9/10].Round(time.Millisecond),
		latencies[0].Round(time.Millisecond), latencies[n-1].Round(time.Millisecond))
	c.shutdownAndExit()
}

// memory reads a process's resident set size and its peak from /proc.
func memory(t *testing.T, pid int) string {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "VmHWM:") {
			out = append(out, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(out, ", ")
}
