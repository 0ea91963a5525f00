package policy_test

import (
	"fmt"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/internal/policy"
)

// TestGather checks which finding of a cause is reported (shortest path, then file order), that each other one
// goes to it, and that causes do not mix.
func TestGather(t *testing.T) {
	at := func(file string, line int) token.Position {
		return token.Position{Filename: file, Line: line, Column: 2}
	}
	ms := []policy.Member{
		{Cause: "ctxdetach gin", Len: 1, Pos: 10, Posn: at("a.go", 3)},
		{Cause: "ctxdetach gin", Len: 0, Pos: 20, Posn: at("b.go", 9)},
		{Cause: "ctxdetach fiber", Len: 2, Pos: 30, Posn: at("a.go", 1)},
		{Cause: "ctxdetach gin", Len: 0, Pos: 40, Posn: at("b.go", 4)},
	}
	got := policy.Gather(ms)
	var lines []string
	for i, as := range got {
		var others []token.Pos
		for _, a := range as {
			others = append(others, a.Pos)
		}
		lines = append(lines, fmt.Sprint(ms[i].Pos, others))
	}
	slices.Sort(lines)
	want := []string{"30 []", "40 [20 10]"}
	if !slices.Equal(lines, want) {
		t.Errorf("Gather = %q, want %q", lines, want)
	}
}

// TestAlso checks the wording of a gathered finding: the count of all other calls in the message, at most
// MaxAlso of them, in file order, as related information.
func TestAlso(t *testing.T) {
	f := &policy.Finding{Analyzer: "ctxdetach", Name: "*gin.Context passed as a context.Context", Why: "never fires",
		Fix: "set ContextWithFallback"}
	for i := range policy.MaxAlso + 3 {
		f.Also = append(f.Also, policy.Also{Pos: token.Pos(100 - i), Posn: token.Position{Filename: "x.go", Line: 100 - i}})
	}
	d := f.Diagnostic(1, 2)
	if want := fmt.Sprintf("; the same at %d other calls; fix: ", policy.MaxAlso+3); !strings.Contains(d.Message, want) {
		t.Errorf("message %q does not count the other calls (%q)", d.Message, want)
	}
	var also []token.Pos
	for _, r := range d.Related {
		if strings.HasPrefix(r.Message, "the same cause here: *gin.Context") {
			also = append(also, r.Pos)
		}
	}
	if len(also) != policy.MaxAlso || also[0] != 88 || !slices.IsSorted(also) {
		t.Errorf("related calls %v, want the first %d in file order, from 88", also, policy.MaxAlso)
	}
}

// TestAlsoNames checks that each other call of a gathered finding is named by its own operation: one cause (a
// library with no context API) covers different calls.
func TestAlsoNames(t *testing.T) {
	f := &policy.Finding{Analyzer: "syncdb", Name: "(*gorm.DB).First", Why: "has no context API", Fix: "move to v2"}
	f.Also = []policy.Also{
		{Pos: 20, Posn: token.Position{Filename: "x.go", Line: 20}, Name: "(*gorm.DB).Save"},
		{Pos: 30, Posn: token.Position{Filename: "x.go", Line: 30}},
	}
	d := f.Diagnostic(1, 2)
	want := map[token.Pos]string{20: "the same cause here: (*gorm.DB).Save", 30: "the same cause here: (*gorm.DB).First"}
	for _, r := range d.Related {
		if w, ok := want[r.Pos]; ok {
			if r.Message != w {
				t.Errorf("related at %d: %q, want %q", r.Pos, r.Message, w)
			}
			delete(want, r.Pos)
		}
	}
	if len(want) > 0 {
		t.Errorf("related information lacks %v", want)
	}
}
