package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// vet runs go vet with the tool in dir and returns its stdout, stderr and exit code.
func vet(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"vet"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOFLAGS=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("go vet %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

var findingRE = regexp.MustCompile(`^[^\s:]+\.go:\d+:\d+: [^\t]`)

// findings returns the lines of go vet's text output that are findings (not the related lines, indented by a tab,
// nor package headers or commands), sorted.
func findings(stderr string) []string {
	var out []string
	for _, line := range strings.Split(stderr, "\n") {
		if findingRE.MatchString(line) {
			out = append(out, line)
		}
	}
	slices.Sort(out)
	return out
}

// TestVet builds blockcheck and runs the real go vet with it on a copy of testdata/vet: findings and exit status,
// -json, a rerun replayed from vet's cache, and analyzer flags.
func TestVet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds blockcheck and runs go vet")
	}
	tool := filepath.Join(t.TempDir(), "blockcheck")
	build := exec.Command("go", "build", "-o", tool, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := copyDir(t, filepath.Join("..", "..", "testdata", "vet"))
	vettool := "-vettool=" + tool

	want := []string{
		"app/app.go:15:7: syncdb: this call reaches (*sql.DB).QueryRow in example.com/vettest/store (store.go:12), which runs a database call without a context",
		"app/app.go:18:3: sleep: time.Sleep pauses the request for a fixed time",
	}
	check := func(t *testing.T, name, stderr string, code int, want []string) {
		t.Helper()
		got := findings(stderr)
		ok := len(got) == len(want)
		for i := 0; ok && i < len(want); i++ {
			ok = strings.HasPrefix(got[i], want[i])
		}
		if !ok {
			t.Errorf("%s: findings:\n%s\nwant (prefixes):\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if code != 1 {
			t.Errorf("%s: exit status %d, want 1 (findings make vet fail)", name, code)
		}
	}

	t.Run("findings", func(t *testing.T) {
		_, stderr, code := vet(t, dir, "-x", vettool, "./...")
		check(t, "first run", stderr, code, want)
		if !strings.Contains(stderr, "vet.cfg") {
			t.Errorf("first run: go vet -x shows no run of the tool:\n%s", stderr)
		}
		// The same again, replayed from vet's cache without running the tool.
		_, stderr, code = vet(t, dir, "-x", vettool, "./...")
		check(t, "cached run", stderr, code, want)
		if strings.Contains(stderr, "vet.cfg") {
			t.Errorf("second run: go vet -x shows the tool run again, want results from the cache:\n%s", stderr)
		}
	})

	t.Run("json", func(t *testing.T) {
		stdout, stderr, code := vet(t, dir, vettool, "-json", "./...")
		if code != 0 {
			t.Errorf("go vet -json: exit status %d, want 0; stderr:\n%s", code, stderr)
		}
		// One JSON object per package, in the x/tools checker shape.
		dec := json.NewDecoder(strings.NewReader(stdout))
		tree := map[string]map[string][]struct {
			Posn, Message  string
			SuggestedFixes []json.RawMessage `json:"suggested_fixes"`
			Related        []struct{ Posn, Message string }
		}{}
		for dec.More() {
			var obj map[string]map[string]json.RawMessage
			if err := dec.Decode(&obj); err != nil {
				t.Fatalf("go vet -json: %v\n%s", err, stdout)
			}
			for pkg, byAnalyzer := range obj {
				for name, raw := range byAnalyzer {
					var list []struct {
						Posn, Message  string
						SuggestedFixes []json.RawMessage `json:"suggested_fixes"`
						Related        []struct{ Posn, Message string }
					}
					if err := json.Unmarshal(raw, &list); err != nil {
						t.Fatalf("%s %s: %v", pkg, name, err)
					}
					if tree[pkg] == nil {
						tree[pkg] = map[string][]struct {
							Posn, Message  string
							SuggestedFixes []json.RawMessage `json:"suggested_fixes"`
							Related        []struct{ Posn, Message string }
						}{}
					}
					tree[pkg][name] = list
				}
			}
		}
		app := tree["example.com/vettest/app"]
		if len(app["syncdb"]) != 1 || len(app["sleep"]) != 1 || len(app) != 2 {
			t.Fatalf("go vet -json: app findings %v, want one syncdb and one sleep", app)
		}
		db := app["syncdb"][0]
		if !strings.HasSuffix(db.Posn, "app/app.go:15:7") || len(db.Related) != 3 ||
			!strings.HasSuffix(db.Related[2].Posn, "store/store.go:12:17") || db.Related[2].Message != "(*sql.DB).QueryRow blocks here" {
			t.Errorf("syncdb finding: %+v, want it at app.go:15:7 with the path to store.go:12:17 in related", db)
		}
		if len(app["sleep"][0].SuggestedFixes) != 1 {
			t.Errorf("sleep finding: %+v, want a suggested fix", app["sleep"][0])
		}
	})

	t.Run("flags", func(t *testing.T) {
		_, stderr, code := vet(t, dir, vettool, "-sleep=false", "./...")
		check(t, "-sleep=false", stderr, code, want[:1])

		_, stderr, code = vet(t, dir, vettool, "-blockcheck.rules="+filepath.Join(dir, "rules.json"), "./...")
		check(t, "-blockcheck.rules", stderr, code, []string{
			want[0], want[1],
			"app/app.go:22:3: nocancel: this call reaches store.Fetch in example.com/vettest/store (store.go:20), which calls the legacy backend, which has no context; reached from /legacy (Register.func3)",
		})

		_, stderr, code = vet(t, dir, vettool, "-blockcheck.rules="+filepath.Join(dir, "bad-rules.json"), "./...")
		if code == 0 || !strings.Contains(stderr, "-blockcheck.rules: rules "+filepath.Join(dir, "bad-rules.json")+": line 1, column 80: invalid character ']'") ||
			strings.Contains(stderr, "panic") {
			t.Errorf("a malformed rules file: exit %d, stderr:\n%s\nwant a failure naming the file and the position", code, stderr)
		}
	})
}

// TestVetRulesCache checks that, with the rules file named by $BLOCKCHECK_RULES, an edit to the file invalidates
// go vet's cached results: the finding a rule adds goes when the rule goes, and a broken file fails the rerun.
func TestVetRulesCache(t *testing.T) {
	if testing.Short() {
		t.Skip("builds blockcheck and runs go vet")
	}
	tool := filepath.Join(t.TempDir(), "blockcheck")
	if out, err := exec.Command("go", "build", "-o", tool, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := copyDir(t, filepath.Join("..", "..", "testdata", "vet"))
	rulesFile := filepath.Join(dir, "active-rules.json")
	t.Setenv("BLOCKCHECK_RULES", rulesFile)
	legacy := "app/app.go:22:3: nocancel: this call reaches store.Fetch"
	run := func(name string, wantLegacy bool) {
		t.Helper()
		_, stderr, code := vet(t, dir, "-vettool="+tool, "./...")
		if code != 1 {
			t.Fatalf("%s: exit %d, want 1; stderr:\n%s", name, code, stderr)
		}
		has := slices.ContainsFunc(findings(stderr), func(l string) bool { return strings.HasPrefix(l, legacy) })
		if has != wantLegacy {
			t.Errorf("%s: finding %q present = %v, want %v; stderr:\n%s", name, legacy, has, wantLegacy, stderr)
		}
	}
	copyFile(t, filepath.Join(dir, "rules.json"), rulesFile)
	run("with the rule", true)
	if err := os.WriteFile(rulesFile, []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	run("rule removed", false)
	copyFile(t, filepath.Join(dir, "bad-rules.json"), rulesFile)
	if _, stderr, code := vet(t, dir, "-vettool="+tool, "./..."); code == 0 || !strings.Contains(stderr, "invalid character") {
		t.Errorf("broken rules file: exit %d, want a failure; stderr:\n%s", code, stderr)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, src string) string {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestVetNoDotModule runs go vet with the tool on testdata/nodot, a module whose path has no dot: go vet gives it
// module information, so it is the user's code and not skipped as the standard library (which it was when the
// shape of the path decided).
func TestVetNoDotModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds blockcheck and runs go vet")
	}
	tool := filepath.Join(t.TempDir(), "blockcheck")
	if out, err := exec.Command("go", "build", "-o", tool, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := copyDir(t, filepath.Join("..", "..", "testdata", "nodot"))
	_, stderr, code := vet(t, dir, "-vettool="+tool, "./...")
	got := findings(stderr)
	if code != 1 || len(got) != 1 || !strings.HasPrefix(got[0], "api/api.go:11:2: sleep: time.Sleep") {
		t.Errorf("go vet on a module without a dot: exit %d, findings:\n%s\nwant one sleep finding at api/api.go:11:2", code, strings.Join(got, "\n"))
	}
}

// TestVetInterfaceFacts runs go vet with the tool on testdata/modular's package web, which calls its storage only
// through an interface whose implementations are in packages that no export data web sees mentions. go vet hands a
// package only the facts of objects in its imports' export data, which the in-process checker of the analysistest
// run (internal/modular's TestInterfaceFacts, same wants) does not model: here the findings come only from the
// facts the declaring package exports on the interface's methods.
func TestVetInterfaceFacts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds blockcheck and runs go vet")
	}
	tool := buildTool(t)
	dir := copyDir(t, filepath.Join("..", "..", "testdata", "modular"))
	_, stderr, code := vet(t, dir, "-vettool="+tool, "./web")
	got := findings(stderr)
	want := []string{
		"web/web.go:13:10: syncdb: this call reaches (*sql.DB).QueryRow in example.com/modular/repo/sqlrepo (sqlrepo.go:15)",
		"web/web.go:15:7: sleep: this call reaches time.Sleep in example.com/modular/repo/memrepo (memrepo.go:20)",
	}
	ok := code == 1 && len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.HasPrefix(got[i], want[i])
	}
	if !ok {
		t.Errorf("go vet ./web: exit %d, findings:\n%s\nwant (prefixes):\n%s", code, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
