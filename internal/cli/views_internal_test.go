package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/blockcheck/blockcheck/internal/whole"
)

// TestProgressTerminal: on a terminal the stages rewrite one line, which is cleared at the end; without -v nothing
// else is printed.
func TestProgressTerminal(t *testing.T) {
	var out bytes.Buffer
	cfg := &whole.Config{}
	done := (&views{}).progressTo(cfg, &out, true)
	if cfg.Progress == nil {
		t.Fatal("no progress callback on a terminal")
	}
	cfg.Progress(whole.Stage{Name: "loading packages", Items: 12, Start: 1500 * time.Millisecond})
	cfg.Progress(whole.Stage{Name: "call graph", Items: 3, Start: 2 * time.Second})
	done(&whole.Result{Stages: []whole.Stage{{Name: "loading packages", Duration: time.Second}}})
	want := "\r\033[Kblockcheck:   1.5s loading 12 packages\r\033[Kblockcheck:   2.0s building the call graph from 3 handlers\r\033[K"
	if got := out.String(); got != want {
		t.Errorf("terminal output\n got %q\nwant %q", got, want)
	}

	// Not a terminal, no -v: no callback at all.
	cfg = &whole.Config{}
	(&views{}).progressTo(cfg, &out, false)(nil)
	if cfg.Progress != nil {
		t.Error("progress callback set on a non-terminal without -v")
	}

	// A terminal with -v: the line, then the table.
	out.Reset()
	cfg = &whole.Config{}
	done = (&views{verbose: true}).progressTo(cfg, &out, true)
	cfg.Progress(whole.Stage{Name: "reporting", Items: 2})
	done(&whole.Result{Stages: []whole.Stage{{Name: "reporting", Duration: 20 * time.Millisecond, HeapInuse: 5 << 20, Alloc: 1 << 20}}})
	got := out.String()
	if !strings.HasPrefix(got, "\r\033[Kblockcheck:   0.0s reporting 2 findings\r\033[K") ||
		!strings.Contains(got, "blockcheck: reporting             0.02s        5MB        1MB\n") {
		t.Errorf("terminal -v output: %q", got)
	}
}
