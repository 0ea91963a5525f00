package cli_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blockcheck/blockcheck/analyzers"
	"github.com/blockcheck/blockcheck/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files of the route inventory")

// runIn runs blockcheck in dir, with the module cache only.
func runIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	code := cli.Run(append([]string{"-C", dir}, args...), analyzers.All, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func runRoutes(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	code := cli.Run(append([]string{"routes", "-C", dir}, args...), analyzers.All, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", "routes", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), got, "route inventory differs from %s (go test -update rewrites it)", file)
}

const routers = "../../testdata/routers"

// TestRoutesRouters asserts the exact inventory of every router of the router testdata (a reviewer checked each
// row against the source): routes with the prefixes of their groups and mounts, the middleware, the handler, the
// framework, where each is registered and defined, and what each reaches. The custom router is taught by the
// rules file of docs/rules.md, the gRPC service registered by generated code in another module by a rule too.
func TestRoutesRouters(t *testing.T) {
	code, out, errOut := runRoutes(t, routers, "-rules", "../rules/custom-router.json", "./...")
	require.Equal(t, cli.ExitClean, code, errOut)
	golden(t, "routers.txt", out)

	code, out, errOut = runRoutes(t, routers, "-rules", "../rules/grpc-health.json", "./grpcdep/...")
	require.Equal(t, cli.ExitClean, code, errOut)
	golden(t, "grpcdep.txt", out)
}

// TestRoutesUnresolved: registrations the finder sees but cannot trace to a handler of the program's own are
// listed, not dropped: a handler passed in from outside, and standard-library handlers.
func TestRoutesUnresolved(t *testing.T) {
	code, out, errOut := runRoutes(t, dir, "./unresolved")
	require.Equal(t, cli.ExitClean, code, errOut)
	golden(t, "unresolved.txt", out)

	code, out, errOut = runRoutes(t, dir, "-json", "./unresolved")
	require.Equal(t, cli.ExitClean, code, errOut)
	var inv cli.RouteInventory
	require.NoError(t, json.Unmarshal([]byte(out), &inv))
	assert.Equal(t, []string{"example.com/cli/unresolved"}, inv.Packages)
	require.Len(t, inv.Routes, 4)
	slow := inv.Routes[0]
	assert.Equal(t, "GET /slow", slow.Route)
	assert.Equal(t, "GET", slow.Method)
	assert.Equal(t, "/slow", slow.Pattern)
	assert.Equal(t, "example.com/cli/unresolved.slow", slow.Handler)
	assert.Equal(t, "net/http", slow.Framework)
	assert.Equal(t, "blocking", slow.Status)
	assert.Equal(t, &cli.Location{File: "unresolved/unresolved.go", Line: 21, Column: 16}, slow.Register)
	assert.Equal(t, &cli.Location{File: "unresolved/unresolved.go", Line: 10, Column: 6}, slow.Defined)
	assert.Equal(t, []cli.AnalyzerSum{{Analyzer: "sleep", Count: 1}}, slow.Counts)
	require.Len(t, slow.Findings, 1)
	assert.Equal(t, "time.Sleep", slow.Findings[0].Operation)
	assert.Equal(t, 11, slow.Findings[0].At.Line)
	var statuses []string
	for _, r := range inv.Routes {
		statuses = append(statuses, r.Status)
	}
	assert.Equal(t, []string{"blocking", "unresolved", "library", "library"}, statuses)
	assert.Nil(t, inv.Routes[1].Defined)

	code, out, errOut = runRoutes(t, dir, "-csv", "./unresolved", "./clean")
	require.Equal(t, cli.ExitClean, code, errOut)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 6, "a header and five routes")
	assert.Equal(t, []string{"method", "pattern", "route", "server", "handler", "framework", "status", "total",
		"sleep", "nocancel", "syncdb", "ctxdetach", "clienttimeout", "servertimeout", "gospawn", "chanwait", "lockio", "registered", "defined"}, rows[0])
	assert.Equal(t, []string{"GET", "/slow", "GET /slow", "false", "example.com/cli/unresolved.slow", "net/http", "blocking", "1",
		"1", "0", "0", "0", "0", "0", "0", "0", "0", "unresolved/unresolved.go:21", "unresolved/unresolved.go:10"}, rows[1])
	assert.Equal(t, "clean", rows[2][6], "clean routes are listed, after the blocking ones: %v", rows[2])
	assert.Equal(t, "/ok", rows[2][1])
}

// TestRoutesDispatch: a handler registered on "/" that dispatches by comparing the request's method and path
// (testdata/stdlib/dispatch) lists each dispatched route, registered where the branch calls its handler, beside
// "/" itself, which keeps what it reaches outside the branches.
func TestRoutesDispatch(t *testing.T) {
	code, out, errOut := runRoutes(t, "../../testdata/stdlib", "./dispatch")
	require.Equal(t, cli.ExitClean, code, errOut)
	golden(t, "dispatch.txt", out)
}
