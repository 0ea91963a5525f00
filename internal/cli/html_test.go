package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blockcheck/blockcheck/internal/cli"
	"github.com/blockcheck/blockcheck/internal/report"
)

// chromium returns the headless Chromium to render reports with, or skips the test where there is none. CI
// installs Debian's package (.ci/run) and sets BLOCKCHECK_CHROMIUM=required, so that there it fails instead.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("BLOCKCHECK_CHROMIUM") == "required" {
		t.Fatal("headless Chromium is required (BLOCKCHECK_CHROMIUM=required) but not installed: apt-get install chromium")
	}
	t.Skip("headless Chromium not found, so the HTML report is not rendered: install it (Debian: apt-get install chromium) to run this test")
	return ""
}

// render loads a page in headless Chromium, with a fresh profile and nothing that reaches the network, and
// returns the DOM after the page's scripts ran, and Chromium's log.
func render(t *testing.T, browser, page string, extra ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(),
		"--enable-logging=stderr", "--v=0"}
	args = append(args, extra...)
	if len(extra) == 0 {
		args = append(args, "--dump-dom")
	}
	abs, err := filepath.Abs(page)
	require.NoError(t, err)
	cmd := exec.CommandContext(ctx, browser, append(args, "file://"+abs)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "chromium: %s", stderr.String())
	return string(out), stderr.String()
}

var htmlTag = regexp.MustCompile(`<html[^>]*>`)

// checkPage checks what a person would see: the page rendered without script or console errors, fetched
// nothing, shows one inventory row per route, and draws path graphs. It returns the DOM.
func checkPage(t *testing.T, browser, page string, routes int) string {
	t.Helper()
	src, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.NotRegexp(t, `<script[^>]*\ssrc=|<link[\s>]|<img[\s>]|@import|url\(\s*['"]?(https?:|//)`, string(src), "self-contained: nothing is fetched")
	dom, log := render(t, browser, page)
	root := htmlTag.FindString(dom)
	require.NotEmpty(t, root, "no <html> element in the DOM")
	assert.NotContains(t, root, "data-errors", "script or console errors: %s", root)
	assert.Contains(t, root, "data-render-ms=", "the page's script ran to the end")
	assert.NotContains(t, log, "Uncaught")
	assert.NotRegexp(t, `(?i):(ERROR|WARNING):CONSOLE`, log)
	assert.Equal(t, routes, strings.Count(dom, `<tr class="route`), "inventory rows")
	return dom
}

func routeCount(t *testing.T, dir string, args ...string) int {
	t.Helper()
	code, out, errOut := runRoutes(t, dir, append([]string{"-json"}, args...)...)
	require.Equal(t, cli.ExitClean, code, errOut)
	var inv cli.RouteInventory
	require.NoError(t, json.Unmarshal([]byte(out), &inv))
	return len(inv.Routes)
}

// TestHTMLReport renders the report of the router testdata in headless Chromium: no errors, as many inventory
// rows as the routes inventory has (its golden file, which TestRoutesRouters checks against blockcheck routes; the
// other tests compare with routes -json directly), and the first finding's path drawn as an SVG graph from its
// route to its operation.
func TestHTMLReport(t *testing.T) {
	browser := chromium(t)
	rules := "../rules/custom-router.json"
	table, err := os.ReadFile(filepath.Join("testdata", "routes", "routers.txt"))
	require.NoError(t, err)
	n := strings.Count(string(table), "\n") - 1 // the header
	page := filepath.Join(t.TempDir(), "report.html")
	code, _, errOut := runIn(t, routers, "-html", page, "-rules", rules, "./...")
	require.Equal(t, cli.ExitFindings, code, errOut)
	dom := checkPage(t, browser, page, n)

	// The first group (the worst route) is open, its findings drawn: an SVG with route, function and operation
	// nodes joined by edges.
	svg := regexp.MustCompile(`(?s)<svg class="path".*?</svg>`).FindString(dom)
	require.NotEmpty(t, svg, "no path graph drawn")
	assert.Contains(t, svg, `<g class="node k-route"`)
	assert.Contains(t, svg, `<g class="node k-func"`)
	assert.Contains(t, svg, `<g class="node k-op"`)
	assert.Contains(t, svg, `<path class="edge"`)
	assert.Contains(t, dom, `<pre class="snippet">`)
	assert.Contains(t, dom, `<p class="fix"><b>Fix: </b>`)
}

// TestHTMLReportService renders the report of the example bookstore service (the README's first command), and
// checks that an operation two routes reach is drawn once with the steps they share merged. With
// BLOCKCHECK_SCREENSHOT=file it also saves a screenshot (make screenshot writes docs/report.png).
func TestHTMLReportService(t *testing.T) {
	browser := chromium(t)
	const service = "../../testdata/service"
	n := routeCount(t, service, "./...")
	page := filepath.Join(t.TempDir(), "report.html")
	code, _, errOut := runIn(t, service, "-html", page, "./...")
	require.Equal(t, cli.ExitFindings, code, errOut)
	dom := checkPage(t, browser, page, n)
	assert.Contains(t, dom, `<g class="node k-op"`)

	// The page's data: Store.Search's query is reached from GET /books and GET /search through one Store.Search
	// node.
	src, err := os.ReadFile(page)
	require.NoError(t, err)
	raw := regexp.MustCompile(`(?s)<script id="data" type="application/json">(.*?)</script>`).FindSubmatch(src)
	require.NotNil(t, raw)
	var data report.Page
	require.NoError(t, json.Unmarshal(raw[1], &data))
	var merged *report.Drawing
	for _, f := range data.Findings {
		if f.Analyzer == "syncdb" && len(f.Routes) == 2 {
			merged = f.Graph
		}
	}
	require.NotNil(t, merged, "no syncdb finding reached from two routes")
	labels := map[string]int{}
	for _, nd := range merged.Nodes {
		labels[nd.Kind+" "+nd.Label]++
	}
	assert.Equal(t, 1, labels["route GET /books"])
	assert.Equal(t, 1, labels["route GET /search"])
	assert.Equal(t, 1, labels["func Store.Search"], "the shared step is one node: %v", labels)
	assert.Equal(t, 1, labels["op (*sql.DB).QueryContext"]+labels["op (*sql.DB).Query"], "%v", labels)

	if shot := os.Getenv("BLOCKCHECK_SCREENSHOT"); shot != "" {
		abs, err := filepath.Abs(shot)
		require.NoError(t, err)
		render(t, browser, page, "--hide-scrollbars", "--window-size=1280,1300", "--screenshot="+abs)
	}
}

// TestHTMLReportLarge renders the report of a service generated by internal/benchgen with hundreds of routes: it
// must load without errors and list every route (the test does not time it; see docs/report.md for figures).
func TestHTMLReportLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and analyzes a service of 400 handlers")
	}
	browser := chromium(t)
	gen := filepath.Join(t.TempDir(), "gen")
	out, err := exec.Command("go", "run", "../benchgen", "-out", gen, "-handlers", "400").CombinedOutput()
	require.NoError(t, err, "benchgen: %s", out)
	n := routeCount(t, gen, "./...")
	assert.Greater(t, n, 400)
	page := filepath.Join(t.TempDir(), "report.html")
	code, _, errOut := runIn(t, gen, "-html", page, "./...")
	require.Equal(t, cli.ExitFindings, code, errOut)
	dom := checkPage(t, browser, page, n)
	ms, err := strconv.Atoi(regexp.MustCompile(`data-render-ms="(\d+)"`).FindStringSubmatch(dom)[1])
	require.NoError(t, err)
	t.Logf("%d routes: report rendered in %d ms", n, ms)
}
