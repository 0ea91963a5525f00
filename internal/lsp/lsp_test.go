package lsp_test

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// blockcheck is the binary under test, built once by TestMain with buildFlags.
var (
	blockcheck string
	buildFlags []string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "blockcheck-lsp")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	blockcheck = filepath.Join(dir, "blockcheck")
	args := append(append([]string{"build"}, buildFlags...), "-o", blockcheck, "github.com/blockcheck/blockcheck/cmd/blockcheck")
	build := exec.Command("go", args...)
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building blockcheck:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// copyModule copies a testdata module into a temporary directory, which the test may edit.
func copyModule(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "..", "testdata", name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestEditorSession goes through a session as an editor does: initialize, open a file, receive its findings with
// the path from the handler, ask for the quick fixes, apply the preferred one, save, see the finding gone, and
// shut down.
func TestEditorSession(t *testing.T) {
	root := copyModule(t, "inventory")
	c := start(t, root)
	c.initialize(root, map[string]any{"progressDelay": "0s"})
	file := filepath.Join(root, "internal", "httpapi", "suppliers.go")
	text := c.open(file)

	pub, _ := c.awaitPublication(uri(file), 0, func(p publication) bool { return len(p.Diagnostics) > 0 })
	if pub.Version == nil || *pub.Version != 1 {
		t.Errorf("diagnostics for version %v, want 1", pub.Version)
	}
	if len(pub.Diagnostics) != 1 {
		t.Fatalf("got %d diagnostics, want the sleep finding alone: %+v", len(pub.Diagnostics), pub.Diagnostics)
	}
	d := pub.Diagnostics[0]
	if d.Code != "sleep" || d.Source != "blockcheck" || d.Range.Start.Line != 69 || d.Range.Start.Character != 2 ||
		!strings.HasPrefix(d.Message, "time.Sleep pauses the request") {
		t.Errorf("unexpected diagnostic %+v", d)
	}
	if d.CodeDescription == nil || !strings.HasSuffix(d.CodeDescription.Href, "/docs/analyzers/sleep.md") {
		t.Errorf("codeDescription %+v, want the sleep analyzer's page", d.CodeDescription)
	}
	if len(d.Related) != 1 || d.Related[0].Message != "POST /hooks/supplier is handled by supplierHook.ServeHTTP" ||
		d.Related[0].Location.URI != uri(filepath.Join(root, "internal", "httpapi", "server.go")) ||
		d.Related[0].Location.Range.Start.Line != 110 {
		t.Errorf("related information %+v, want the registration in server.go:111", d.Related)
	}
	// Another file's findings come with one related entry per step of the path.
	shipping := uri(filepath.Join(root, "internal", "clients", "shipping.go"))
	ship, _ := c.awaitPublication(shipping, 0, func(p publication) bool { return true })
	var steps []string
	for _, sd := range ship.Diagnostics {
		if sd.Code == "sleep" {
			for _, r := range sd.Related {
				steps = append(steps, r.Message)
			}
		}
	}
	wantSteps := []string{"GET /v1/orders/{id}/shipping-rates is handled by Server.shippingRates",
		"Server.shippingRates calls Shipping.Rates", "Shipping.Rates calls Shipping.call", "Shipping.call calls Shipping.do"}
	if !slices.Equal(steps, wantSteps) {
		t.Errorf("path of the sleep in shipping.go:\n%q\nwant\n%q", steps, wantSteps)
	}
	c.mu.Lock()
	var begin, end int
	for _, m := range c.received {
		if m.Method == "$/progress" {
			switch {
			case strings.Contains(string(m.Params), `"kind":"begin"`):
				begin++
			case strings.Contains(string(m.Params), `"kind":"end"`):
				end++
			}
		}
	}
	c.mu.Unlock()
	if begin == 0 || begin != end {
		t.Errorf("work done progress: %d begin, %d end; want each analysis begun and ended", begin, end)
	}

	var actions []codeAction
	c.call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": uri(file)},
		"range":        d.Range,
		"context":      map[string]any{"diagnostics": []any{d}, "only": []string{"quickfix"}},
	}, &actions)
	var titles []string
	for _, a := range actions {
		titles = append(titles, a.Title)
		if a.Kind != "quickfix" {
			t.Errorf("action %q has kind %q", a.Title, a.Kind)
		}
	}
	if len(actions) != 3 || !actions[0].IsPreferred || !strings.HasPrefix(actions[0].Title, "Replace with select {") ||
		!strings.Contains(actions[1].Title, "wait.Sleep") || actions[2].Title != "Silence with //blockcheck:ignore sleep <reason>" {
		t.Fatalf("code actions %q: want the select fix (preferred), the wait.Sleep fix and the directive", titles)
	}
	dc := actions[0].Edit.DocumentChanges
	if len(dc) != 1 || dc[0].TextDocument.URI != uri(file) || dc[0].TextDocument.Version == nil || *dc[0].TextDocument.Version != 1 {
		t.Fatalf("edit %+v: want one change to version 1 of %s", dc, file)
	}
	fixed := applyEdits(t, text, dc[0].Edits)
	if !strings.Contains(fixed, "\t\tselect {\n\t\tcase <-time.After(500 * time.Millisecond):\n\t\tcase <-r.Context().Done():\n\t\t\treturn\n\t\t}") {
		t.Fatalf("the fix did not produce a formatted select that returns:\n%s", fixed)
	}
	// The directive action inserts a line above the finding, indented like it.
	ign := actions[2].Edit.DocumentChanges[0].Edits
	if got := applyEdits(t, text, ign); !strings.Contains(got, "\t\t//blockcheck:ignore sleep TODO say why this wait is bounded\n\t\ttime.Sleep(") {
		t.Errorf("directive edit %+v does not put the directive above the sleep", ign)
	}

	// Apply the fix as an editor does, then save.
	if err := os.WriteFile(file, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	from := c.mark()
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri(file), "version": 2},
		"contentChanges": []any{map[string]any{"text": fixed}},
	})
	// Code actions computed on version 1 are no longer offered for version 2.
	var stale []codeAction
	c.call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": uri(file)}, "range": d.Range,
		"context": map[string]any{"diagnostics": []any{d}},
	}, &stale)
	if len(stale) != 0 {
		t.Errorf("%d code actions offered on a changed document, want none", len(stale))
	}
	c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri(file)}})
	after, _ := c.awaitPublication(uri(file), from, func(p publication) bool { return true })
	if len(after.Diagnostics) != 0 || after.Version == nil || *after.Version != 2 {
		t.Errorf("after the fix: %d diagnostics for version %v, want none for version 2", len(after.Diagnostics), after.Version)
	}
	// The fixed module still builds.
	build := exec.Command("go", "build", "./...")
	build.Dir = root
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Errorf("go build after the fix: %v\n%s", err, out)
	}
	c.shutdownAndExit()
}

// TestSyntaxError checks that a file that does not parse costs only its own package: the other findings are
// still published, and the server keeps serving.
func TestSyntaxError(t *testing.T) {
	root := copyModule(t, "inventory")
	c := start(t, root)
	c.initialize(root, map[string]any{"debounce": "10ms"})
	metrics := uri(filepath.Join(root, "internal", "metrics", "metrics.go"))
	storage := uri(filepath.Join(root, "internal", "storage", "items.go"))
	file := filepath.Join(root, "internal", "httpapi", "suppliers.go")
	text := c.open(file)
	_, next := c.awaitPublication(uri(file), 0, func(p publication) bool { return len(p.Diagnostics) == 1 })

	// A new package that does not parse: everything else is still analyzed. Touching the open file gives the
	// analysis's publications a version to recognize them by.
	broken := filepath.Join(root, "internal", "broken", "broken.go")
	if err := os.MkdirAll(filepath.Dir(broken), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, []byte("package broken\n\nfunc f( {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.open(broken)
	change := func(version int, text string) {
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri(file), "version": version},
			"contentChanges": []any{map[string]any{"text": text}},
		})
		c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri(file)}})
	}
	change(2, text)
	pub, next := c.awaitPublication(uri(file), next, func(p publication) bool { return p.Version != nil && *p.Version == 2 })
	if len(pub.Diagnostics) != 1 {
		t.Errorf("suppliers.go: %d diagnostics beside a broken package, want 1", len(pub.Diagnostics))
	}
	pub, _ = c.awaitPublication(storage, next, func(p publication) bool { return true })
	if len(pub.Diagnostics) != 2 {
		t.Errorf("storage/items.go: %d diagnostics beside a broken package, want 2", len(pub.Diagnostics))
	}

	// A syntax error in the handlers' own package, unsaved: that package and what imports it are not analyzed,
	// the findings there are cleared, and the findings elsewhere stay.
	bad := strings.Replace(text, "ServeHTTP(w http.ResponseWriter", "ServeHTTP(((w http.ResponseWriter", 1)
	if bad == text {
		t.Fatal("no ServeHTTP method to break")
	}
	change(3, bad)
	pub, next = c.awaitPublication(uri(file), next, func(p publication) bool { return p.Version != nil && *p.Version == 3 })
	if len(pub.Diagnostics) != 0 {
		t.Errorf("the broken file: %d diagnostics, want them cleared", len(pub.Diagnostics))
	}
	c.mu.Lock()
	var metricsCleared bool
	for _, p := range c.publications(metrics, next) {
		metricsCleared = metricsCleared || len(p.Diagnostics) == 0
	}
	c.mu.Unlock()
	if metricsCleared {
		t.Error("metrics.go: the server without timeouts was cleared, though its package still type-checks")
	}
	// Still serving.
	var actions []codeAction
	c.call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": metrics},
		"range":        map[string]any{"start": map[string]int{"line": 0, "character": 0}, "end": map[string]int{"line": 200, "character": 0}},
		"context":      map[string]any{"diagnostics": []any{}},
	}, &actions)
	if len(actions) == 0 {
		t.Error("no code actions for metrics.go after the syntax error")
	}
	c.shutdownAndExit()
}

// TestUnsavedEdit checks that an edit the editor has not saved is analyzed: removing the sleep in the buffer clears
// its finding, putting it back brings it back, and the file on disk is never written.
func TestUnsavedEdit(t *testing.T) {
	root := copyModule(t, "inventory")
	c := start(t, root)
	c.initialize(root, map[string]any{"debounce": "10ms"})
	file := filepath.Join(root, "internal", "httpapi", "suppliers.go")
	text := c.open(file)
	_, next := c.awaitPublication(uri(file), 0, func(p publication) bool { return len(p.Diagnostics) == 1 })
	storage := uri(filepath.Join(root, "internal", "storage", "items.go"))

	sleep := "time.Sleep(500 * time.Millisecond)"
	if !strings.Contains(text, sleep) {
		t.Fatal("no sleep to remove")
	}
	change := func(version int, text string) {
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri(file), "version": version},
			"contentChanges": []any{map[string]any{"text": text}},
		})
	}
	change(2, strings.Replace(text, sleep, "// no sleep", 1))
	pub, next := c.awaitPublication(uri(file), next, func(p publication) bool { return p.Version != nil && *p.Version == 2 })
	if len(pub.Diagnostics) != 0 {
		t.Errorf("unsaved edit without the sleep: %d diagnostics, want none", len(pub.Diagnostics))
	}
	c.mu.Lock()
	for _, p := range c.publications(storage, next) {
		if len(p.Diagnostics) != 2 {
			t.Errorf("storage/items.go: %d diagnostics after an edit elsewhere, want 2", len(p.Diagnostics))
		}
	}
	c.mu.Unlock()

	// A second sleep, on a line of its own: the finding comes back at the new line.
	change(3, strings.Replace(text, sleep, "// no sleep\n\t\t"+sleep, 1))
	pub, _ = c.awaitPublication(uri(file), next, func(p publication) bool { return p.Version != nil && *p.Version == 3 })
	if len(pub.Diagnostics) != 1 || pub.Diagnostics[0].Code != "sleep" || pub.Diagnostics[0].Range.Start.Line != 70 {
		t.Errorf("unsaved edit with the sleep one line down: %+v, want the sleep finding on line 71", pub.Diagnostics)
	}
	if disk, err := os.ReadFile(file); err != nil || string(disk) != text {
		t.Errorf("the file on disk changed (%v)", err)
	}
	c.shutdownAndExit()
}

// TestSaveStorm sends a burst of edits and saves in one write: the analyses the burst makes stale are cancelled
// or discarded, and only the last version's diagnostics are published.
func TestSaveStorm(t *testing.T) {
	root := copyModule(t, "inventory")
	c := start(t, root)
	c.initialize(root, nil)
	file := filepath.Join(root, "internal", "httpapi", "suppliers.go")
	text := c.open(file)
	_, next := c.awaitPublication(uri(file), 0, func(p publication) bool { return len(p.Diagnostics) == 1 })

	const n = 12
	sleep := "time.Sleep(500 * time.Millisecond)"
	var burst []any
	for v := 2; v <= n+1; v++ {
		// Even versions have a second sleep; the last one has none.
		body := strings.Replace(text, sleep, sleep+"\n\t\t"+sleep, 1)
		if v%2 == 1 {
			body = text
		}
		if v == n+1 {
			body = strings.Replace(text, sleep, "// no sleep", 1)
		}
		burst = append(burst,
			notification("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": uri(file), "version": v},
				"contentChanges": []any{map[string]any{"text": body}},
			}),
			notification("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri(file)}}))
	}
	c.write(burst...)
	last, _ := c.awaitPublication(uri(file), next, func(p publication) bool { return p.Version != nil && *p.Version == n+1 })
	if len(last.Diagnostics) != 0 {
		t.Errorf("last version: %d diagnostics, want none", len(last.Diagnostics))
	}
	c.mu.Lock()
	pubs := c.publications(uri(file), next)
	c.mu.Unlock()
	for _, p := range pubs {
		if p.Version == nil || *p.Version != n+1 {
			t.Errorf("diagnostics published for version %v during the storm; only version %d's should be", *p.Version, n+1)
		}
	}
	c.shutdownAndExit()
}

// TestDisconnect checks that the server exits when the client goes away without shutdown and exit.
func TestDisconnect(t *testing.T) {
	root := copyModule(t, "inventory")
	c := start(t, root)
	c.initialize(root, nil)
	c.open(filepath.Join(root, "internal", "httpapi", "suppliers.go")) // an analysis is under way or about to be
	_ = c.stdin.Close()
	select {
	case err := <-c.exited:
		if err == nil {
			t.Error("server exited with status 0 without shutdown")
		}
	case <-time.After(timeout):
		t.Fatal("server still running after the client went away")
	}
}
