package fix

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSetConflicts(t *testing.T) {
	var s Set
	if !s.Add(map[string][]TextEdit{"a.go": {{10, 20, "x"}, {0, 0, "import"}}}) {
		t.Fatal("first fix refused")
	}
	// The same import added again merges; a disjoint edit is accepted.
	if !s.Add(map[string][]TextEdit{"a.go": {{0, 0, "import"}, {30, 35, "y"}}}) {
		t.Error("fix with an identical import edit refused")
	}
	for _, e := range []TextEdit{{15, 25, "z"}, {0, 0, "other"}, {12, 12, "in"}, {5, 15, "w"}} {
		if s.Add(map[string][]TextEdit{"a.go": {{40, 41, "ok"}, e}}) {
			t.Errorf("overlapping edit %v accepted", e)
		}
	}
	// A refused fix leaves nothing behind: its other edit is not there.
	if got := len(s.Edits("a.go")); got != 3 {
		t.Errorf("%d edits, want 3: %v", got, s.Edits("a.go"))
	}
	// Touching ranges do not overlap.
	if !s.Add(map[string][]TextEdit{"a.go": {{20, 30, "t"}}}) {
		t.Error("adjacent edit refused")
	}
}

func TestApplyRemovesImportsLeftUnused(t *testing.T) {
	src := "package p\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc f(r *http.Request) context.Context {\n\tfmt.Println()\n\treturn context.Background()\n}\n"
	i := strings.Index(src, "context.Background()")
	j := strings.Index(src, "func f(r *http.Request) context.Context")
	// Replace the return type too, so that context is no longer used at all.
	edits := []TextEdit{
		{j, j + len("func f(r *http.Request) context.Context"), "func f(r *http.Request) any"},
		{i, i + len("context.Background()"), "r.Context()"},
	}
	got, err := Apply([]byte(src), edits)
	if err != nil {
		t.Fatal(err)
	}
	want := "package p\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc f(r *http.Request) any {\n\tfmt.Println()\n\treturn r.Context()\n}\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestLineDiff checks on random inputs that the script rebuilds both sides and is as short as the longest common
// subsequence allows.
func TestLineDiff(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		a, b := randomLines(r), randomLines(r)
		ops := lineDiff(a, b)
		var ga, gb []string
		changes := 0
		for _, o := range ops {
			if o.kind != '+' {
				ga = append(ga, o.line)
			}
			if o.kind != '-' {
				gb = append(gb, o.line)
			}
			if o.kind != ' ' {
				changes++
			}
		}
		if strings.Join(ga, "") != strings.Join(a, "") || strings.Join(gb, "") != strings.Join(b, "") {
			t.Fatalf("diff of %q and %q does not rebuild them: %v", a, b, ops)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); changes != want {
			t.Fatalf("diff of %q and %q has %d changes, want %d", a, b, changes, want)
		}
	}
}

func TestUnified(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n"
	new := "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n"
	want := `--- x (old)
+++ x (new)
@@ -1,7 +1,7 @@
 a
 b
 c
-d
+D
 e
 f
 g
@@ -11,3 +11,4 @@
 k
 l
 m
+n
`
	if got := Unified("x (old)", "x (new)", old, new); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := Unified("x", "x", old, old); got != "" {
		t.Errorf("equal files: got %q", got)
	}
}

func randomLines(r *rand.Rand) []string {
	var lines []string
	for range r.IntN(12) {
		lines = append(lines, string(rune('a'+r.IntN(4)))+"\n")
	}
	return lines
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}
