package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/blockcheck/blockcheck/internal/baseline"
	"github.com/blockcheck/blockcheck/internal/report"
	"github.com/blockcheck/blockcheck/internal/whole"
)

func writeSARIF(w io.Writer, res *whole.Result, wd string, rs []report.Rule) error {
	l := &report.SARIFLog{Fset: res.Fset, Root: sourceRoot(wd), Version: Version, Rules: rs, Findings: res.Findings,
		Fingerprints: baseline.Fingerprints(res.Findings)}
	for _, e := range res.ErrorPkgs {
		for _, m := range e.Msgs {
			l.Errors = append(l.Errors, report.PackageError{Pkg: e.Pkg, Msg: m})
		}
	}
	return report.SARIF(w, l)
}

// sourceRoot returns what SARIF URIs are relative to, whatever directory blockcheck runs in: the repository
// root (code scanning maps URIs from there), else the main module's root, else dir.
func sourceRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	cmd := exec.Command("go", "env", "GOMOD")
	cmd.Dir = dir
	if out, err := cmd.Output(); err == nil {
		if mod := strings.TrimSpace(string(out)); mod != "" && mod != os.DevNull {
			return filepath.Dir(mod)
		}
	}
	return dir
}
