package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blockcheck/blockcheck/internal/cli"
)

// The SARIF 2.1.0 schema (OASIS, errata 01), shipped so that the test needs no network.
const sarifSchema = "../../testdata/sarif/sarif-schema-2.1.0.json"

// checkSARIF validates a log against the SARIF 2.1.0 JSON schema, formats included.
func checkSARIF(t *testing.T, out string) error {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(sarifSchema)
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	require.NoError(t, err)
	return sch.Validate(inst)
}

func validateSARIF(t *testing.T, out string) {
	t.Helper()
	require.NoError(t, checkSARIF(t, out), "the log does not follow the SARIF 2.1.0 schema")
}

type sarifLoc struct {
	PhysicalLocation *struct {
		ArtifactLocation struct {
			URI       string `json:"uri"`
			URIBaseID string `json:"uriBaseId"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine int `json:"startLine"`
		} `json:"region"`
	} `json:"physicalLocation"`
	Message *struct {
		Text string `json:"text"`
	} `json:"message"`
}

type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID               string `json:"id"`
					HelpURI          string `json:"helpUri"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					Properties struct {
						Tags []string `json:"tags"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		OriginalURIBaseIDs map[string]struct {
			URI string `json:"uri"`
		} `json:"originalUriBaseIds"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			Notifications       []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID  string `json:"ruleId"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Locations           []sarifLoc        `json:"locations"`
			RelatedLocations    []sarifLoc        `json:"relatedLocations"`
			CodeFlows           []struct {
				ThreadFlows []struct {
					Locations []struct {
						Location sarifLoc `json:"location"`
					} `json:"locations"`
				} `json:"threadFlows"`
			} `json:"codeFlows"`
		} `json:"results"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, out string) *sarifLog {
	t.Helper()
	validateSARIF(t, out)
	var l sarifLog
	require.NoError(t, json.Unmarshal([]byte(out), &l))
	require.Len(t, l.Runs, 1)
	return &l
}

// TestSARIFSchema: the log validates against the SARIF 2.1.0 schema and carries what code scanning uses: rules
// with help, descriptions without the analyzer's name, tags, the directive rule; fingerprints equal to the
// baseline's; the path from the route as a code flow; URIs relative to the source root whatever the directory
// blockcheck runs in.
func TestSARIFSchema(t *testing.T) {
	code, out, errOut := run(t, "-sarif", "./app")
	require.Equal(t, cli.ExitFindings, code, errOut)
	l := parseSARIF(t, out)
	// The validator does reject what breaks the schema.
	assert.Error(t, checkSARIF(t, strings.Replace(out, `"version": "2.1.0"`, `"version": "2.0"`, 1)))
	assert.Error(t, checkSARIF(t, strings.Replace(out, `"startLine": 9`, `"startLine": 0`, 1)))
	r := l.Runs[0]
	ids := map[string]bool{}
	for _, rule := range r.Tool.Driver.Rules {
		ids[rule.ID] = true
		assert.True(t, strings.HasPrefix(rule.HelpURI, "https://github.com/blockcheck/blockcheck/blob/main/docs/"), rule.ID)
		assert.False(t, strings.HasPrefix(strings.ToLower(rule.ShortDescription.Text), rule.ID+":"), "short description without the analyzer's name: %q", rule.ShortDescription.Text)
		assert.NotEmpty(t, rule.ShortDescription.Text)
		assert.Contains(t, rule.Properties.Tags, "blockcheck")
	}
	assert.True(t, ids["blockcheck"], "the directive rule is declared")
	assert.True(t, ids["sleep"])
	require.Contains(t, r.OriginalURIBaseIDs, "%SRCROOT%")
	root := r.OriginalURIBaseIDs["%SRCROOT%"].URI
	assert.True(t, strings.HasPrefix(root, "file:///") && strings.HasSuffix(root, "/"), root)

	require.Len(t, r.Results, 2)
	res := r.Results[0]
	assert.Equal(t, "sleep", res.RuleID)
	uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
	assert.True(t, strings.HasSuffix(uri, "app/app.go"), uri)
	assert.Equal(t, "%SRCROOT%", res.Locations[0].PhysicalLocation.ArtifactLocation.URIBaseID)
	assert.Regexp(t, `^[0-9a-f]{32}$`, res.PartialFingerprints["blockcheck/v1"])
	assert.NotEqual(t, res.PartialFingerprints["blockcheck/v1"], r.Results[1].PartialFingerprints["blockcheck/v1"])
	require.Len(t, res.CodeFlows, 1)
	steps := res.CodeFlows[0].ThreadFlows[0].Locations
	require.Len(t, steps, 2, "the registration, then the operation")
	assert.Equal(t, "GET /slow is handled by slow", steps[0].Location.Message.Text)
	assert.Equal(t, "time.Sleep blocks here", steps[1].Location.Message.Text)
	assert.Equal(t, 9, steps[1].Location.PhysicalLocation.Region.StartLine)

	// The same URIs and fingerprints from a subdirectory.
	code, sub, errOut := runIn(t, filepath.Join(dir, "app"), "-sarif", ".")
	require.Equal(t, cli.ExitFindings, code, errOut)
	ls := parseSARIF(t, sub)
	assert.Equal(t, uri, ls.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, res.PartialFingerprints, ls.Runs[0].Results[0].PartialFingerprints)
	assert.Equal(t, root, ls.Runs[0].OriginalURIBaseIDs["%SRCROOT%"].URI)
}

// TestSARIFPackageErrors: packages that do not load are tool execution notifications.
func TestSARIFPackageErrors(t *testing.T) {
	code, out, _ := run(t, "-sarif", "./broken", "./app")
	require.Equal(t, cli.ExitError, code)
	l := parseSARIF(t, out)
	inv := l.Runs[0].Invocations
	require.Len(t, inv, 1)
	assert.False(t, inv[0].ExecutionSuccessful)
	require.NotEmpty(t, inv[0].Notifications)
	assert.Equal(t, "error", inv[0].Notifications[0].Level)
	assert.Contains(t, inv[0].Notifications[0].Message.Text, "example.com/cli/broken: ")
	assert.Contains(t, inv[0].Notifications[0].Message.Text, "cannot use")
	assert.Len(t, l.Runs[0].Results, 2, "what loads is still reported")
}

// TestSARIFLongPath: a chain of calls far longer than anyone reads is cut to its first and last steps with a
// note, in the related locations and the code flow alike.
func TestSARIFLongPath(t *testing.T) {
	const depth = 300
	mod := t.TempDir()
	var b strings.Builder
	b.WriteString("package deep\n\nimport (\n\t\"net/http\"\n\t\"time\"\n)\n\n")
	b.WriteString("func handler(w http.ResponseWriter, r *http.Request) { f0() }\n\n")
	for i := range depth {
		fmt.Fprintf(&b, "func f%d() { f%d() }\n", i, i+1)
	}
	fmt.Fprintf(&b, "func f%d() { time.Sleep(time.Second) }\n\n", depth)
	b.WriteString("func Routes(mux *http.ServeMux) { mux.HandleFunc(\"GET /deep\", handler) }\n")
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/deep\n\ngo 1.26\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "deep.go"), []byte(b.String()), 0o644))

	code, out, errOut := runIn(t, mod, "-sarif", "./...")
	require.Equal(t, cli.ExitFindings, code, errOut)
	l := parseSARIF(t, out)
	require.Len(t, l.Runs[0].Results, 1)
	res := l.Runs[0].Results[0]
	// The path: the registration and depth+1 calls (handler to f0, f0 to f1, ...).
	assert.Contains(t, res.Message.Text, fmt.Sprintf("(path of %d steps: the first 32 and the last 31 are shown)", depth+2))
	assert.Len(t, res.RelatedLocations, 63)
	steps := res.CodeFlows[0].ThreadFlows[0].Locations
	require.Len(t, steps, 65, "63 steps, the note and the operation")
	assert.Nil(t, steps[32].Location.PhysicalLocation)
	assert.Equal(t, fmt.Sprintf("… %d steps left out …", depth+2-63), steps[32].Location.Message.Text)
	assert.Equal(t, fmt.Sprintf("f%d calls f%d", depth-1, depth), steps[63].Location.Message.Text)
}
