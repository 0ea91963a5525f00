package whole

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/internal/report"
)

// render prints what the command line prints of a result (its -json output, with the errors of the packages that
// did not load) and the route inventory, with positions as file:line:col.
func render(t *testing.T, res *Result) string {
	t.Helper()
	var buf bytes.Buffer
	errs := map[string]string{}
	for _, e := range res.ErrorPkgs {
		errs[e.Pkg] = strings.Join(e.Msgs, "\n")
	}
	if err := report.JSON(&buf, res.Fset, res.Findings, errs); err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Routes {
		fmt.Fprintf(&buf, "route %s %s %s %s reg=%s def=%s %v %v\n", r.Name(), r.Handler, r.Framework, r.Status,
			res.Fset.Position(r.Reg), res.Fset.Position(r.Def), r.Counts, r.Findings)
	}
	fmt.Fprintf(&buf, "packages %v\nskipped %v\nfiles %v\n", res.Packages, res.Skipped, res.Files)
	return buf.String()
}

// TestSessionEdits edits a service again and again, on disk and in the overlay, and checks after each edit that
// the session's result is the one a fresh run gives (byte for byte, as -json prints it), and that it checked
// again only the edited package and the packages that import it.
func TestSessionEdits(t *testing.T) {
	dir, cfg := copyModule(t, "service")
	s := NewSession(cfg)
	ctx := context.Background()

	mail := filepath.Join(dir, "internal", "mail", "mail.go")
	orig, err := os.ReadFile(mail)
	if err != nil {
		t.Fatal(err)
	}
	sleep := strings.Replace(string(orig), "\tmsg := []byte(", "\ttime.Sleep(time.Second)\n\tmsg := []byte(", 1)
	sleep = strings.Replace(sleep, `import "net/smtp"`, "import (\n\t\"net/smtp\"\n\t\"time\"\n)", 1)
	broken := strings.Replace(string(orig), "return smtp.SendMail(", "return smtp.SendMailx(", 1)

	steps := []struct {
		name    string
		disk    string            // mail.go's content on disk
		overlay map[string][]byte // the session's overlay
		// checked lists the packages checked again (relative to the module), nil for "all" (a new plan).
		checked []string
		same    bool   // the tree is unchanged: the last result again
		has     string // in the rendered result
		lacks   string // not in it
	}{
		{name: "first run", disk: string(orig)},
		{name: "unchanged", disk: string(orig), same: true},
		{name: "comment added", disk: string(orig) + "\n// a comment\n", checked: []string{"cmd/bookstore", "internal/api", "internal/mail"}},
		{name: "import and sleep added", disk: sleep, has: "mail.go:14:2"}, // a new import: a new plan
		{name: "body edited", disk: strings.Replace(sleep, "time.Second", "2 * time.Second", 1), checked: []string{"cmd/bookstore", "internal/api", "internal/mail"}},
		{name: "back to the sleep", disk: sleep, checked: []string{"cmd/bookstore", "internal/api", "internal/mail"}},
		{name: "type error", disk: strings.Replace(sleep, "return smtp.SendMail(", "return smtp.SendMailx(", 1), checked: []string{"cmd/bookstore", "internal/api", "internal/mail"}, has: "SendMailx"},
		{name: "fixed", disk: sleep, checked: []string{"cmd/bookstore", "internal/api", "internal/mail"}, has: "mail.go:14:2", lacks: "SendMailx"},
		{name: "unsaved type error", disk: sleep, overlay: map[string][]byte{mail: []byte(strings.Replace(sleep, "return smtp.SendMail(", "return smtp.SendMailx(", 1))}, checked: []string{"cmd/bookstore", "internal/api", "internal/mail"}, has: "SendMailx"},
		{name: "unsaved, import removed", disk: sleep, overlay: map[string][]byte{mail: []byte(broken)}, has: "SendMailx"},
		{name: "unsaved, as on disk", disk: string(orig), overlay: map[string][]byte{mail: orig}, lacks: "SendMailx"},
		{name: "overlay dropped", disk: string(orig), same: true, lacks: "mail.go:14:2"},
	}
	var last *Result
	for _, step := range steps {
		if err := os.WriteFile(mail, []byte(step.disk), 0o644); err != nil {
			t.Fatal(err)
		}
		s.SetOverlay(step.overlay)
		plan := s.plan
		res, err := s.Run(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if step.same != (res == last) {
			t.Errorf("%s: same result as before = %v, want %v", step.name, res == last, step.same)
		}
		if !step.same && step.checked != nil {
			if s.plan != plan {
				t.Errorf("%s: planned again", step.name)
			}
			if s.cache.misses != len(step.checked) {
				t.Errorf("%s: %d packages checked again, want %d (%v)", step.name, s.cache.misses, len(step.checked), step.checked)
			}
		}
		got := render(t, res)
		if step.has != "" && !strings.Contains(got, step.has) || step.lacks != "" && strings.Contains(got, step.lacks) {
			t.Errorf("%s: want %q in the result and %q not:\n%s", step.name, step.has, step.lacks, got)
		}
		c := *cfg
		c.Overlay = step.overlay
		fresh, err := Run(ctx, &c)
		if err != nil {
			t.Fatalf("%s: fresh run: %v", step.name, err)
		}
		if want := render(t, fresh); got != want {
			t.Errorf("%s: the session's result differs from a fresh run's:\n%s", step.name, lineDiff(want, got))
		}
		last = res
	}
	// The steps must have exercised what they describe.
	if !strings.Contains(render(t, last), "nocancel") {
		t.Error("the service's findings are missing")
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for _, l := range w {
		if !slices.Contains(g, l) {
			out = append(out, "-"+l)
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			out = append(out, "+"+l)
		}
	}
	return strings.Join(out, "\n")
}

// TestSessionCancel cancels a session's run while it loads and while it builds the call graph, and checks that
// the run after each returns what a fresh run does, with no file left behind in the session's file set.
func TestSessionCancel(t *testing.T) {
	dir, cfg := copyModule(t, "service")
	var stop string // the stage at which to cancel
	var cancel context.CancelFunc
	cfg.Progress = func(st Stage) {
		if st.Name == stop {
			cancel()
		}
	}
	s := NewSession(cfg)
	run := func(at string) (*Result, error) {
		var ctx context.Context
		ctx, cancel = context.WithCancel(context.Background())
		defer cancel()
		stop = at
		return s.Run(ctx)
	}
	if _, err := run(""); err != nil {
		t.Fatal(err)
	}
	files := func() int {
		n := 0
		s.cache.fset.Iterate(func(*token.File) bool { n++; return true })
		return n
	}
	first := files()
	mail := filepath.Join(dir, "internal", "mail", "mail.go")
	orig, err := os.ReadFile(mail)
	if err != nil {
		t.Fatal(err)
	}
	for i, stage := range []string{"loading packages", "call graph"} {
		edited := strings.Replace(string(orig), "msg := []byte(", fmt.Sprintf("msg := []byte(%q + ", strings.Repeat("x", i+1)), 1)
		if err := os.WriteFile(mail, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		if res, err := run(stage); !errors.Is(err, context.Canceled) || res != nil {
			t.Fatalf("cancelled at %q: %v, %v; want nil, context.Canceled", stage, res, err)
		}
		res, err := run("")
		if err != nil {
			t.Fatal(err)
		}
		c := *cfg
		c.Progress = nil
		fresh, err := Run(context.Background(), &c)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := render(t, res), render(t, fresh); got != want {
			t.Errorf("after a run cancelled at %q: the session's result differs from a fresh run's:\n%s", stage, lineDiff(want, got))
		}
		if n := files(); n != first {
			t.Errorf("after a run cancelled at %q: %d files in the file set, %d after the first run", stage, n, first)
		}
	}
}

// TestSessionReplace checks that a session sees an edit to a module replaced by a local directory outside the
// one it analyzes: the edit is analyzed, as a fresh run would analyze it.
func TestSessionReplace(t *testing.T) {
	root := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		name = filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/go.mod", "module example.com/app\n\ngo 1.26\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n")
	write("app/main.go", `package main

import (
	"net/http"

	"example.com/lib"
)

func main() {
	http.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) { lib.Fetch() })
	http.ListenAndServe("127.0.0.1:8080", nil)
}
`)
	write("lib/go.mod", "module example.com/lib\n\ngo 1.26\n")
	quiet := "package lib\n\nfunc Fetch() {}\n"
	write("lib/lib.go", quiet)
	cfg := sessionConfig(t, filepath.Join(root, "app"))
	s := NewSession(cfg)
	ctx := context.Background()
	// The edit makes lib dial without a context, which counts inside a dependency (a dependency's sleep would not).
	for i, src := range []string{quiet, "package lib\n\nimport \"net\"\n\nfunc Fetch() { net.Dial(\"tcp\", \"127.0.0.1:1\") }\n", quiet} {
		write("lib/lib.go", src)
		res, err := s.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := Run(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		got, want := render(t, res), render(t, fresh)
		if got != want {
			t.Errorf("step %d: the session's result differs from a fresh run's:\n%s", i, lineDiff(want, got))
		}
		if dials := strings.Contains(got, "net.Dial"); dials != (i == 1) {
			t.Errorf("step %d: the dial in lib reported: %v, want %v", i, dials, i == 1)
		}
	}
}
