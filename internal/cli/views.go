package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/blockcheck/blockcheck/internal/baseline"
	"github.com/blockcheck/blockcheck/internal/report"
	"github.com/blockcheck/blockcheck/internal/whole"
)

// This file holds what the standalone run does besides printing findings: the HTML report, the baseline,
// progress, and saying what was analysed when nothing was found.

// views holds the flags of this file.
type views struct {
	html          string
	baseline      string
	writeBaseline string
	prune         bool
	verbose       bool
}

func addViewFlags(fs *flag.FlagSet) *views {
	v := &views{}
	fs.StringVar(&v.html, "html", "", "also write a self-contained HTML report to `file` (see docs/report.md)")
	fs.StringVar(&v.baseline, "baseline", "", "report only findings not recorded in the baseline `file` (see docs/baseline.md)")
	fs.StringVar(&v.writeBaseline, "write-baseline", "", "record today's findings in the baseline `file` and exit")
	fs.BoolVar(&v.prune, "prune-baseline", false, "with -baseline, remove the stale entries from the baseline file")
	fs.BoolVar(&v.verbose, "v", false, "print progress and, at the end, each stage's time and memory")
	return v
}

func (v *views) check() error {
	if v.prune && v.baseline == "" {
		return fmt.Errorf("-prune-baseline needs -baseline FILE")
	}
	return nil
}

// inDir makes a file flag relative to -C's directory, as go -C does.
func inDir(dir, name string) string {
	if name == "" || dir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// progress sets cfg.Progress: on a terminal a line on stderr that each stage overwrites, with -v a line per
// stage. It returns a function that clears the line and, with -v, prints each stage's time and memory.
func (v *views) progress(cfg *whole.Config, stderr io.Writer) func(*whole.Result) {
	return v.progressTo(cfg, stderr, isTerminal(stderr))
}

func (v *views) progressTo(cfg *whole.Config, stderr io.Writer, tty bool) func(*whole.Result) {
	if !tty && !v.verbose {
		return func(*whole.Result) {}
	}
	cfg.Progress = func(s whole.Stage) {
		line := fmt.Sprintf("blockcheck: %5.1fs %s", s.Start.Seconds(), stageLine(s))
		if tty {
			fmt.Fprintf(stderr, "\r\033[K%s", line)
		} else {
			fmt.Fprintln(stderr, line)
		}
	}
	return func(res *whole.Result) {
		if tty {
			fmt.Fprint(stderr, "\r\033[K")
		}
		if !v.verbose || res == nil {
			return
		}
		var total time.Duration
		fmt.Fprintf(stderr, "blockcheck: %-18s %8s %10s %10s\n", "stage", "time", "heap", "allocated")
		for _, s := range res.Stages {
			total += s.Duration
			fmt.Fprintf(stderr, "blockcheck: %-18s %7.2fs %8dMB %8dMB\n", s.Name, s.Duration.Seconds(), s.HeapInuse>>20, s.Alloc>>20)
		}
		fmt.Fprintf(stderr, "blockcheck: %-18s %7.2fs\n", "total", total.Seconds())
	}
}

func stageLine(s whole.Stage) string {
	switch s.Name {
	case "listing packages":
		return "listing packages"
	case "loading packages":
		return fmt.Sprintf("loading %d packages", s.Items)
	case "building SSA":
		return fmt.Sprintf("building SSA for %d packages", s.Items)
	case "finding handlers":
		return fmt.Sprintf("finding handlers in %d functions", s.Items)
	case "call graph":
		return fmt.Sprintf("building the call graph from %d handlers", s.Items)
	case "reachability":
		return fmt.Sprintf("following %d handlers", s.Items)
	case "reporting":
		return fmt.Sprintf("reporting %d findings", s.Items)
	}
	return s.Name
}

// isTerminal reports whether w is a terminal (a character device), without a dependency for it.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// analysed says on stderr what a run looked at when it found nothing to look at, as go vet does for patterns
// that match no package. It returns false when there was nothing to analyse at all.
func analysed(res *whole.Result, dir string, patterns []string, stderr io.Writer) bool {
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	if len(res.Packages) == 0 && len(res.ErrorPkgs) == 0 && len(res.Skipped) == 0 {
		for _, p := range patterns {
			fmt.Fprintf(stderr, "blockcheck: warning: %q matched no packages\n", p)
		}
		fmt.Fprintln(stderr, "blockcheck: no packages to analyze")
		return false
	}
	if len(patterns) > 1 {
		for _, p := range unmatched(dir, patterns) {
			fmt.Fprintf(stderr, "blockcheck: warning: %q matched no packages\n", p)
		}
	}
	if len(res.Packages) > 0 && len(res.Routes) == 0 {
		fmt.Fprintf(stderr, "blockcheck: analyzed %s (%s), found no routes: no handler registration was recognized, so no request path was checked (see docs/routers.md to teach blockcheck a router)\n",
			plural(len(res.Packages), "package"), summary(res.Packages, 3))
	}
	return true
}

// unmatched returns the wildcard patterns that match no package, asking go list for each (cheap: -find skips
// dependencies).
func unmatched(dir string, patterns []string) []string {
	var out []string
	for _, p := range patterns {
		if !strings.Contains(p, "...") {
			continue // a pattern without a wildcard that matches nothing is a package error
		}
		cmd := exec.Command("go", "list", "-find", "-e", "-f", "{{.ImportPath}}", "--", p)
		cmd.Dir = dir
		b, err := cmd.Output()
		if err == nil && strings.TrimSpace(string(b)) == "" {
			out = append(out, p)
		}
	}
	return out
}

// plural says "1 package", "2 packages"; nouns ending in "y" after a consonant take "ies".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "ry") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func summary(list []string, n int) string {
	if len(list) <= n {
		return strings.Join(list, ", ")
	}
	return strings.Join(list[:n], ", ") + fmt.Sprintf(" and %d more", len(list)-n)
}

// apply writes or applies the baseline and writes the HTML report. It returns an exit status and true when the run
// ends here (-write-baseline, or an error).
func (v *views) apply(res *whole.Result, dir, wd string, rs []report.Rule, stderr io.Writer) (int, bool) {
	if v.writeBaseline != "" {
		name := inDir(dir, v.writeBaseline)
		if err := baseline.New("blockcheck "+Version, res.Findings).WriteFile(name); err != nil {
			fmt.Fprintf(stderr, "blockcheck: %v\n", err)
			return ExitError, true
		}
		fmt.Fprintf(stderr, "blockcheck: recorded %s in %s\n", plural(len(res.Findings), "finding"), v.writeBaseline)
		if len(res.Errors) > 0 {
			return ExitError, true
		}
		return ExitClean, true
	}
	if v.baseline != "" {
		name := inDir(dir, v.baseline)
		b, err := baseline.Read(name)
		if err != nil {
			fmt.Fprintf(stderr, "blockcheck: %v\n", err)
			return ExitError, true
		}
		m := b.Filter(res.Findings)
		res.Filter(func(i int) bool { return m.New[i] })
		msg := fmt.Sprintf("blockcheck: baseline %s: %s not shown, %s", v.baseline, plural(m.Known, "known finding"), plural(len(res.Findings), "new finding"))
		switch {
		case len(m.Stale) > 0 && v.prune:
			if err := b.Prune(m).WriteFile(name); err != nil {
				fmt.Fprintf(stderr, "blockcheck: %v\n", err)
				return ExitError, true
			}
			msg += fmt.Sprintf("; pruned %s (fixed, or their function or route renamed)", plural(len(m.Stale), "stale entry"))
		case len(m.Stale) > 0:
			msg += fmt.Sprintf("; %s no longer found (fixed, or their function or route renamed): -prune-baseline removes them", plural(len(m.Stale), "stale entry"))
		}
		fmt.Fprintln(stderr, msg)
	}
	if v.html != "" {
		name := inDir(dir, v.html)
		f, err := os.Create(name)
		if err == nil {
			err = report.HTML(f, htmlData(res, wd, rs))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "blockcheck: writing the HTML report: %v\n", err)
			return ExitError, true
		}
	}
	return 0, false
}
