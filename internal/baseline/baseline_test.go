package baseline

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/report"
)

func finding(analyzer, fn, op, route string) report.Finding {
	return report.Finding{Pkg: "example.com/app", Analyzer: analyzer, Func: fn, Op: op, Route: route,
		Diag: analysis.Diagnostic{Message: "m"}}
}

// TestFingerprints: the identity is analyzer, function, operation and route; the message and the position are not
// part of it; repeats within one identity are told apart by order.
func TestFingerprints(t *testing.T) {
	a := finding("sleep", "example.com/app.h", "time.Sleep", "GET /a")
	moved := a
	moved.Diag.Pos, moved.Diag.Message = 99, "another wording"
	other := []report.Finding{
		finding("nocancel", "example.com/app.h", "time.Sleep", "GET /a"),
		finding("sleep", "example.com/app.g", "time.Sleep", "GET /a"),
		finding("sleep", "example.com/app.h", "time.After", "GET /a"),
		finding("sleep", "example.com/app.h", "time.Sleep", "GET /b"),
	}
	fa := Fingerprints([]report.Finding{a})[0]
	if got := Fingerprints([]report.Finding{moved})[0]; got != fa {
		t.Errorf("position or message changed the fingerprint")
	}
	for _, o := range other {
		if Fingerprints([]report.Finding{o})[0] == fa {
			t.Errorf("%+v has the fingerprint of %+v", o, a)
		}
	}
	twice := Fingerprints([]report.Finding{a, a})
	if twice[0] != fa || twice[1] == fa {
		t.Errorf("repeats: %v, first must be %s and the second differ", twice, fa)
	}
	noRoute := finding("gospawn", "example.com/app.h", "go statement", "")
	noRoute.Handler = "example.com/app.h"
	if Fingerprints([]report.Finding{noRoute})[0] == Fingerprints([]report.Finding{finding("gospawn", "example.com/app.h", "go statement", "")})[0] {
		t.Error("the handler stands for a route that is not static")
	}
}

// TestFilterPrune: known findings are hidden, new ones kept, stale entries counted and pruned; the file round-trips.
func TestFilterPrune(t *testing.T) {
	old := []report.Finding{finding("sleep", "f", "time.Sleep", "GET /a"), finding("syncdb", "g", "(*sql.DB).Query", "GET /b")}
	b := New("test", old)
	name := filepath.Join(t.TempDir(), "b.json")
	if err := b.WriteFile(name); err != nil {
		t.Fatal(err)
	}
	b, err := Read(name)
	if err != nil {
		t.Fatal(err)
	}
	now := []report.Finding{old[0], finding("nocancel", "h", "http.Get", "GET /c")}
	m := b.Filter(now)
	if m.Known != 1 || !m.New[1] || m.New[0] || len(m.Stale) != 1 || m.Stale[0].Analyzer != "syncdb" {
		t.Errorf("match = %+v", m)
	}
	p := b.Prune(m)
	if len(p.Findings) != 1 || p.Findings[0].Analyzer != "sleep" {
		t.Errorf("pruned = %+v", p.Findings)
	}
}
