package policy_test

import (
	"go/token"
	"slices"
	"testing"

	"github.com/blockcheck/blockcheck/internal/blocking"
	"github.com/blockcheck/blockcheck/internal/policy"
	"github.com/blockcheck/blockcheck/rules"
)

// TestKinds checks that every analyzer has a kind, in the order of rules.Analyzers.
func TestKinds(t *testing.T) {
	var names []string
	for _, k := range policy.Kinds() {
		names = append(names, k.Name)
	}
	if !slices.Equal(names, rules.Analyzers) {
		t.Errorf("kinds %v, want the analyzers %v", names, rules.Analyzers)
	}
	if policy.KindOf("servertimeout").Rooted {
		t.Error("servertimeout is rooted; it is reported where the server is made")
	}
	if got := policy.KindOf("ctxdetach").Here("context.Background"); got != "context.Background detaches from the request here" {
		t.Errorf("ctxdetach Here = %q", got)
	}
}

// TestCounts checks what counts inside third-party code: rule-named calls that wait on the world outside.
func TestCounts(t *testing.T) {
	pos := token.Pos(1)
	for _, tc := range []struct {
		op   blocking.Op
		own  bool
		want bool
	}{
		{blocking.Op{Analyzer: "chanwait", Pos: pos}, true, true},
		{blocking.Op{Analyzer: "chanwait", Pos: pos}, false, false},
		{blocking.Op{Analyzer: "chanwait", Pos: pos, Call: true}, false, false}, // sync.WaitGroup.Wait in a library
		{blocking.Op{Analyzer: "ctxdetach", Pos: pos, Call: true}, false, false},
		{blocking.Op{Analyzer: "sleep", Pos: pos, Call: true}, false, false}, // a library's retry backoff
		{blocking.Op{Analyzer: "sleep", Pos: pos, Call: true}, true, true},
		{blocking.Op{Analyzer: "nocancel", Pos: pos, Call: true}, false, true},
		{blocking.Op{Analyzer: "syncdb", Pos: pos, Call: true}, false, true},
		{blocking.Op{Analyzer: "sleep", Pos: token.NoPos, Call: true}, true, false},
	} {
		if got := policy.Counts(tc.op, tc.own); got != tc.want {
			t.Errorf("Counts(%s call=%v, own=%v) = %v, want %v", tc.op.Analyzer, tc.op.Call, tc.own, got, tc.want)
		}
	}
}

// TestAt checks where a finding is reported: at the operation when local, else at the last local call.
func TestAt(t *testing.T) {
	path := []policy.Call{{Pos: 10, Local: true}, {Pos: 20, Local: true}, {Pos: 30, Local: false}}
	if got := policy.At(5, true, path, 0); got != 5 {
		t.Errorf("local operation reported at %d, want 5", got)
	}
	if got := policy.At(5, false, path, 0); got != 20 {
		t.Errorf("operation elsewhere reported at %d, want the last local call 20", got)
	}
	if got := policy.At(5, false, path[2:], 99); got != 99 {
		t.Errorf("no local call: reported at %d, want the fallback 99", got)
	}
}

// TestMessage checks the wording of a finding reported elsewhere and of one with no root.
func TestMessage(t *testing.T) {
	f := &policy.Finding{Analyzer: "syncdb", Name: "(*sql.DB).Query", Why: "runs a database call without a context", Fix: "use QueryContext",
		Elsewhere: &policy.Place{Pkg: "example.com/store", File: "store.go", Line: 12}}
	want := "this call reaches (*sql.DB).Query in example.com/store (store.go:12), which runs a database call without a context; fix: use QueryContext"
	if got := f.Message(); got != want {
		t.Errorf("Message = %q\nwant %q", got, want)
	}
	if d := f.Diagnostic(1, 2); len(d.Related) != 0 {
		t.Errorf("a finding with no root has related information: %v", d.Related)
	}
}
