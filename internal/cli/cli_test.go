package cli_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blockcheck/blockcheck/analyzers"
	"github.com/blockcheck/blockcheck/internal/cli"
)

const dir = "../../testdata/cli"

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	code := cli.Run(append([]string{"-C", dir}, args...), analyzers.All, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestExitStatus(t *testing.T) {
	code, out, errOut := run(t, "./clean")
	assert.Equal(t, cli.ExitClean, code, errOut)
	assert.Empty(t, out)

	code, out, _ = run(t, "./app")
	assert.Equal(t, cli.ExitFindings, code)
	assert.Contains(t, out, "app/app.go:9:2: sleep: time.Sleep")
	assert.Contains(t, out, "\tapp/app.go:17:49: GET /slow is handled by slow")
}

// TestBrokenPackages: errors are printed as go vet prints them, what loads is still analyzed, and the exit
// status says there were errors.
func TestBrokenPackages(t *testing.T) {
	code, out, errOut := run(t, "./...")
	assert.Equal(t, cli.ExitError, code)
	assert.Contains(t, errOut, "# example.com/cli/broken\nbroken/broken.go:3:23: cannot use")
	assert.Contains(t, errOut, "example.com/cli/usesbroken not analyzed")
	assert.NotContains(t, errOut, "panic")
	assert.Contains(t, out, "sleep: time.Sleep", "the packages that load are analyzed")

	code, out, errOut = run(t, "-json", "./broken")
	assert.Equal(t, cli.ExitError, code)
	var tree map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &tree), errOut)
	assert.Contains(t, tree["example.com/cli/broken"]["error"], "cannot use")
}

type jsonDiag struct {
	Posn           string `json:"posn"`
	End            string `json:"end"`
	Message        string `json:"message"`
	SuggestedFixes []struct {
		Message string `json:"message"`
		Edits   []struct {
			Filename   string `json:"filename"`
			Start, End int
			New        string `json:"new"`
		} `json:"edits"`
	} `json:"suggested_fixes"`
	Related []struct {
		Posn    string `json:"posn"`
		Message string `json:"message"`
	} `json:"related"`
}

func TestJSON(t *testing.T) {
	code, out, errOut := run(t, "-json", "./app")
	require.Equal(t, cli.ExitFindings, code, errOut)
	var tree map[string]map[string][]jsonDiag
	require.NoError(t, json.Unmarshal([]byte(out), &tree))
	require.Contains(t, tree, "example.com/cli/app")
	pkg := tree["example.com/cli/app"]
	assert.ElementsMatch(t, []string{"nocancel", "sleep"}, keys(pkg))
	sleep := pkg["sleep"]
	require.Len(t, sleep, 1)
	assert.True(t, strings.HasSuffix(sleep[0].Posn, "app/app.go:9:2"), sleep[0].Posn)
	assert.True(t, strings.HasSuffix(sleep[0].End, "app/app.go:9:25"), sleep[0].End)
	require.Len(t, sleep[0].Related, 1)
	assert.Equal(t, "GET /slow is handled by slow", sleep[0].Related[0].Message)
	// The fix returns when the request ends; the alternative uses shim/wait and imports it.
	require.Len(t, sleep[0].SuggestedFixes, 2)
	edit := sleep[0].SuggestedFixes[0].Edits[0]
	assert.Equal(t, "select { case <-time.After(time.Second): case <-r.Context().Done(): return }", edit.New)
	assert.Less(t, edit.Start, edit.End)
	alt := sleep[0].SuggestedFixes[1].Edits
	require.Len(t, alt, 2)
	assert.Equal(t, "if err := wait.Sleep(r.Context(), time.Second); err != nil { return }", alt[0].New)
	assert.Equal(t, "\n\t\"github.com/blockcheck/blockcheck/shim/wait\"", alt[1].New)
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSARIF(t *testing.T) {
	code, out, errOut := run(t, "-sarif", "./app")
	require.Equal(t, cli.ExitFindings, code, errOut)
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				RelatedLocations []any `json:"relatedLocations"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	assert.Equal(t, "2.1.0", log.Version)
	require.Len(t, log.Runs, 1)
	assert.Len(t, log.Runs[0].Tool.Driver.Rules, len(analyzers.All)+1, "the analyzers and the directive rule")
	require.Len(t, log.Runs[0].Results, 2)
	r := log.Runs[0].Results[0]
	assert.Equal(t, "sleep", r.RuleID)
	// Relative to the repository (or module) root, whatever the directory: see TestSARIFSchema.
	assert.True(t, strings.HasSuffix(r.Locations[0].PhysicalLocation.ArtifactLocation.URI, "cli/app/app.go"), r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, 9, r.Locations[0].PhysicalLocation.Region.StartLine)
	assert.Len(t, r.RelatedLocations, 1)
}

func TestDisableAnalyzer(t *testing.T) {
	code, out, _ := run(t, "-sleep=false", "./app")
	assert.Equal(t, cli.ExitFindings, code)
	assert.NotContains(t, out, "sleep:")
	assert.Contains(t, out, "nocancel:")

	code, out, _ = run(t, "-sleep=false", "-nocancel=false", "./app")
	assert.Equal(t, cli.ExitClean, code)
	assert.Empty(t, out)
}

func TestTestsExcludedByDefault(t *testing.T) {
	_, out, _ := run(t, "./app")
	assert.NotContains(t, out, "app_test.go")
	_, out, _ = run(t, "-test", "./app")
	assert.Contains(t, out, "app/app_test.go:9:60: sleep: time.Sleep")
}

func TestRulesFile(t *testing.T) {
	code, out, errOut := run(t, "-rules", "../rules/extra.json", "./app")
	assert.Equal(t, cli.ExitFindings, code, errOut)
	assert.Contains(t, out, "app/app.go:11:2: syncdb: app.slowQuery runs a query without a context")

	for file, want := range map[string]string{
		"malformed.json":   "malformed.json: line 3, column 49: invalid character ','",
		"unknownkey.json":  `unknown field "funct"`,
		"badanalyzer.json": `unknown analyzer "naptime"`,
		"missing.json":     "no such file or directory",
	} {
		code, out, errOut := run(t, "-rules", "../rules/"+file, "./app")
		assert.Equal(t, cli.ExitError, code, file)
		assert.Empty(t, out, file)
		assert.Contains(t, errOut, want, file)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line of error: %q", errOut)
	}
}

func TestBadFlags(t *testing.T) {
	code, out, errOut := run(t, "-bogus", "./app")
	assert.Equal(t, cli.ExitError, code)
	assert.Empty(t, out)
	assert.Equal(t, "blockcheck: flag provided but not defined: -bogus\nRun 'blockcheck -help' for usage.\n", errOut)

	code, _, errOut = run(t, "-json", "-sarif", "./app")
	assert.Equal(t, cli.ExitError, code)
	assert.Contains(t, errOut, "cannot be used together")

	code, _, errOut = run(t, "-help")
	assert.Equal(t, cli.ExitClean, code)
	assert.Contains(t, errOut, "Usage: blockcheck [flags] [packages]")
}

// TestDeterministic: the same tree gives byte-identical output. Package tie has a dozen files whose routes all
// reach one helper at the same depth: the route named must not depend on the order its files were parsed in.
func TestDeterministic(t *testing.T) {
	_, tie, _ := run(t, "./tie")
	assert.Contains(t, tie, "reached from GET /a (handler_a) and 11 other routes")
	_, first, _ := run(t, "-json", "./...")
	for range 5 {
		_, again, _ := run(t, "-json", "./...")
		require.Equal(t, first, again)
	}
}
