package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blockcheck/blockcheck/internal/baseline"
	"github.com/blockcheck/blockcheck/internal/cli"
)

// TestNeverSilent: a run never ends with exit 0 and nothing said when it looked at nothing. Patterns that match no
// package and file arguments behave as under go vet.
func TestNeverSilent(t *testing.T) {
	// A package with no route: nothing to report, but stderr says what was analysed.
	code, out, errOut := run(t, "./noroutes")
	assert.Equal(t, cli.ExitClean, code)
	assert.Empty(t, out)
	assert.Equal(t, "blockcheck: analyzed 1 package (example.com/cli/noroutes), found no routes: no handler registration was recognized, so no request path was checked (see docs/routers.md to teach blockcheck a router)\n", errOut)

	// go vet ./empty/...: `go: warning: "./empty/..." matched no packages`, "no packages to vet", exit 1.
	code, out, errOut = run(t, "./empty/...")
	assert.Equal(t, cli.ExitError, code)
	assert.Empty(t, out)
	assert.Equal(t, "blockcheck: warning: \"./empty/...\" matched no packages\nblockcheck: no packages to analyze\n", errOut)

	// With other patterns that match, the one that does not is warned about and the rest analyzed.
	code, out, errOut = run(t, "./app", "./empty/...")
	assert.Equal(t, cli.ExitFindings, code)
	assert.Contains(t, out, "app/app.go:9:2: sleep")
	assert.Equal(t, "blockcheck: warning: \"./empty/...\" matched no packages\n", errOut)

	// A directory that does not exist is an error, as under go vet.
	code, _, errOut = run(t, "./nonexistent/...")
	assert.Equal(t, cli.ExitError, code)
	assert.Contains(t, errOut, "nonexistent")

	// File arguments make one package of the files, as go vet main.go does, and it is analyzed as the user's code.
	code, out, errOut = run(t, "app/app.go")
	assert.Equal(t, cli.ExitFindings, code, errOut)
	assert.Contains(t, out, "app/app.go:9:2: sleep: time.Sleep")
	code, out, errOut = run(t, "nosuch.go")
	assert.Equal(t, cli.ExitError, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "nosuch.go")

	// The routes subcommand says the same.
	code, out, errOut = runRoutes(t, dir, "./empty/...")
	assert.Equal(t, cli.ExitError, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "matched no packages")
}

// TestProgress: on a non-terminal nothing is printed about progress unless -v, which prints a line per stage as
// it starts and each stage's time and memory at the end.
func TestProgress(t *testing.T) {
	code, _, errOut := run(t, "./clean")
	require.Equal(t, cli.ExitClean, code)
	assert.Empty(t, errOut)

	code, _, errOut = run(t, "-v", "./clean")
	require.Equal(t, cli.ExitClean, code)
	for _, want := range []string{"listing packages", "loading ", "building SSA for ", "finding handlers in ", "building the call graph from 1 handlers",
		"following 1 handlers", "reporting 0 findings"} {
		assert.Contains(t, errOut, want)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	require.GreaterOrEqual(t, len(lines), 9, errOut)
	assert.Regexp(t, `^blockcheck: stage +time +heap +allocated$`, lines[len(lines)-9])
	assert.Regexp(t, `^blockcheck: loading packages +\d+\.\d\ds +\d+MB +\d+MB$`, lines[len(lines)-7])
	assert.Regexp(t, `^blockcheck: total +\d+\.\d\ds$`, lines[len(lines)-1])
	assert.NotContains(t, errOut, "\r", "no terminal: no line rewriting")
}

// module copies testdata/cli/app into a module of its own, to be edited.
func module(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/edited\n\ngo 1.26\n"), 0o644))
	src, err := os.ReadFile("../../testdata/cli/app/app.go")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "app"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app", "app.go"), src, 0o644))
	return dir
}

func edit(t *testing.T, file string, f func(string) string) {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, []byte(f(string(b))), 0o644))
}

// TestBaseline: -write-baseline records the findings; -baseline hides them after edits that do not change what
// is found (moving lines, reformatting, renaming the file), shows what is new, and counts and prunes stale entries.
func TestBaseline(t *testing.T) {
	mod := module(t)
	app := filepath.Join(mod, "app", "app.go")
	code, out, errOut := runIn(t, mod, "-write-baseline", "blockcheck.baseline.json", "./...")
	require.Equal(t, cli.ExitClean, code, errOut)
	assert.Empty(t, out)
	assert.Equal(t, "blockcheck: recorded 2 findings in blockcheck.baseline.json\n", errOut)
	b, err := baseline.Read(filepath.Join(mod, "blockcheck.baseline.json"))
	require.NoError(t, err)
	require.Len(t, b.Findings, 2)
	assert.Equal(t, "example.com/edited/app.slow", b.Findings[0].Func)
	assert.Equal(t, "GET /slow", b.Findings[0].Route)

	clean := func(step string) {
		t.Helper()
		code, out, errOut := runIn(t, mod, "-baseline", "blockcheck.baseline.json", "./...")
		assert.Equal(t, cli.ExitClean, code, "%s: %s", step, out)
		assert.Empty(t, out, step)
		assert.Equal(t, "blockcheck: baseline blockcheck.baseline.json: 2 known findings not shown, 0 new findings\n", errOut, step)
	}
	clean("unchanged")

	// Lines move: a comment and a declaration above the handler.
	edit(t, app, func(s string) string {
		return strings.Replace(s, "func slow(", "// Moved by ten lines.\n\n\n\n\n\nvar _ = 1\n\n\n\nfunc slow(", 1)
	})
	clean("lines moved")

	// Reformatted: the statements laid out differently, the columns changed.
	edit(t, app, func(s string) string {
		s = strings.Replace(s, "time.Sleep(time.Second)", "time.Sleep(\n\t\ttime.Second,\n\t)", 1)
		return strings.Replace(s, `_, _ = http.Get("http://upstream/")`, `_, _ = http.Get(  "http://upstream/" )`, 1)
	})
	clean("reformatted")

	// The file renamed, the function unchanged.
	require.NoError(t, os.Rename(app, filepath.Join(mod, "app", "handlers.go")))
	app = filepath.Join(mod, "app", "handlers.go")
	clean("file renamed")

	// A new finding is shown, and fails the run.
	edit(t, app, func(s string) string {
		return s + "\nfunc fresh(w http.ResponseWriter, r *http.Request) { time.Sleep(time.Second) }\n\nfunc More(mux *http.ServeMux) { mux.HandleFunc(\"GET /fresh\", fresh) }\n"
	})
	code, out, errOut = runIn(t, mod, "-baseline", "blockcheck.baseline.json", "./...")
	assert.Equal(t, cli.ExitFindings, code)
	assert.Equal(t, 1, strings.Count(out, ": sleep: "), out)
	assert.Contains(t, out, "reached from GET /fresh (fresh)")
	assert.Equal(t, "blockcheck: baseline blockcheck.baseline.json: 2 known findings not shown, 1 new finding\n", errOut)

	// A fixed finding leaves a stale entry: counted, then pruned.
	edit(t, app, func(s string) string { return strings.Replace(s, "time.Sleep(\n\t\ttime.Second,\n\t)", "", 1) })
	code, _, errOut = runIn(t, mod, "-baseline", "blockcheck.baseline.json", "./...")
	assert.Equal(t, cli.ExitFindings, code)
	assert.Contains(t, errOut, "1 known finding not shown, 1 new finding; 1 stale entry no longer found (fixed, or their function or route renamed): -prune-baseline removes them")
	code, _, errOut = runIn(t, mod, "-baseline", "blockcheck.baseline.json", "-prune-baseline", "./...")
	assert.Equal(t, cli.ExitFindings, code)
	assert.Contains(t, errOut, "pruned 1 stale entry")
	b, err = baseline.Read(filepath.Join(mod, "blockcheck.baseline.json"))
	require.NoError(t, err)
	require.Len(t, b.Findings, 1)
	assert.Equal(t, "nocancel", b.Findings[0].Analyzer)
	code, _, errOut = runIn(t, mod, "-baseline", "blockcheck.baseline.json", "./...")
	assert.Equal(t, cli.ExitFindings, code)
	assert.NotContains(t, errOut, "stale")

	// Bad input is one clear line.
	code, _, errOut = runIn(t, mod, "-prune-baseline", "./...")
	assert.Equal(t, cli.ExitError, code)
	assert.Equal(t, "blockcheck: -prune-baseline needs -baseline FILE\n", errOut)
	require.NoError(t, os.WriteFile(filepath.Join(mod, "bad.json"), []byte("{"), 0o644))
	code, _, errOut = runIn(t, mod, "-baseline", "bad.json", "./...")
	assert.Equal(t, cli.ExitError, code)
	assert.Contains(t, errOut, "reading baseline")
}

// TestHTMLDeterministic: the same tree gives the same report, byte for byte, and the report needs nothing but
// itself (Chromium renders it in html_test.go).
func TestHTMLDeterministic(t *testing.T) {
	var pages []string
	for i := range 2 {
		page := filepath.Join(t.TempDir(), "report.html")
		code, _, errOut := run(t, "-html", page, "./app", "./tie", "./unresolved")
		require.Equal(t, cli.ExitFindings, code, errOut)
		b, err := os.ReadFile(page)
		require.NoError(t, err)
		pages = append(pages, string(b))
		if i > 0 {
			require.Equal(t, pages[0], pages[i])
		}
	}
	assert.Contains(t, pages[0], `"route":"GET /a"`)
	assert.Contains(t, pages[0], `"status":"unresolved"`)
}
