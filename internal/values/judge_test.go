package values_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"

	"github.com/blockcheck/blockcheck/internal/values"
)

const src = `package p

func bad() int  { return 1 }
func good() int { return 2 }
func other() int { return 3 }

func allBad(b bool) int   { x := bad(); if b { x = bad() }; return x }
func oneGood(b bool) int  { x := bad(); if b { x = good() }; return x }
func oneOther(b bool) int { x := bad(); if b { x = other() }; return x }
func endless() int        { return endless() }
func wrapped() int        { return bad() }
`

func build(t *testing.T) *ssa.Package {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, _, err := ssautil.BuildPackage(&types.Config{Importer: importer.Default()}, fset,
		types.NewPackage("p", "p"), []*ast.File{f}, ssa.SanityCheckFunctions)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// judge decides calls by their callee's name, follows phis, and follows endless and wrapped into what they return.
func judge(v ssa.Value) values.Step {
	switch v := v.(type) {
	case *ssa.Phi:
		return values.Step{From: v.Edges}
	case *ssa.Call:
		fn := v.Common().StaticCallee()
		switch fn.Name() {
		case "bad":
			return values.Step{Verdict: values.Bad}
		case "good":
			return values.Step{Verdict: values.Good}
		case "endless", "wrapped":
			return values.Step{From: values.Returns(fn, 0)}
		}
	}
	return values.Step{}
}

func TestDecide(t *testing.T) {
	pkg := build(t)
	for name, want := range map[string]values.Verdict{
		"allBad":   values.Bad,     // every edge is bad
		"oneGood":  values.Good,    // any good edge makes it good
		"oneOther": values.Unknown, // an undecided edge makes it unknown
		"endless":  values.Unknown, // cut at MaxDepth
	} {
		ret := values.Returns(pkg.Func(name), 0)
		if len(ret) != 1 {
			t.Fatalf("%s: %d returns", name, len(ret))
		}
		if got := values.Decide(ret[0], judge); got != want {
			t.Errorf("Decide(%s) = %d, want %d", name, got, want)
		}
	}
}

// TestDecideThen checks that a Step's Then judges the values it names in place of the judge that named them.
func TestDecideThen(t *testing.T) {
	pkg := build(t)
	v := values.Returns(pkg.Func("wrapped"), 0)[0] // the call bad()
	flip := func(v ssa.Value) values.Step {
		if s := judge(v); s.Verdict == values.Bad {
			return values.Step{Verdict: values.Good}
		}
		return values.Step{}
	}
	outer := func(v ssa.Value) values.Step { return values.Step{From: []ssa.Value{v.(*ssa.Call)}, Then: flip} }
	if got := values.Decide(v, outer); got != values.Good {
		t.Errorf("Decide with Then = %d, want Good", got)
	}
	if got := values.Decide(v, judge); got != values.Bad {
		t.Errorf("Decide without Then = %d, want Bad", got)
	}
}

// node is a value of a synthetic graph for Decide: it comes from the nodes in from, or is leaf when from is empty.
type node struct {
	ssa.Value // nil: only the graph is read
	name      string
	from      []ssa.Value
	leaf      values.Verdict
}

// lattice returns the first of layers of two nodes each, every node coming from both nodes of the next layer:
// 2^layers paths back from the first node, the last layer's nodes judged leaf.
func lattice(layers int, leaf values.Verdict) ssa.Value {
	next := []ssa.Value{&node{name: "a", leaf: leaf}, &node{name: "b", leaf: leaf}}
	for range layers - 1 {
		next = []ssa.Value{&node{name: "a", from: next}, &node{name: "b", from: next}}
	}
	return next[0]
}

// graphJudge counts its calls in calls. Past 10,000 calls (a walk gone exponential) it answers Good, to end the
// walk with a verdict the checks see as wrong.
func graphJudge(calls map[*node]int) values.Judge {
	total := 0
	return func(v ssa.Value) values.Step {
		n := v.(*node)
		calls[n]++
		if total++; total > 10000 {
			return values.Step{Verdict: values.Good}
		}
		if n.from == nil {
			return values.Step{Verdict: n.leaf}
		}
		return values.Step{From: n.from}
	}
}

// TestDecideShared checks that values shared by many paths back are judged once per depth, not once per path,
// with the tree walk's verdicts: within MaxDepth, at the bound, and through a cycle.
func TestDecideShared(t *testing.T) {
	for _, c := range []struct {
		name   string
		layers int
		leaf   values.Verdict
		want   values.Verdict
	}{
		{"all bad", 30, values.Bad, values.Bad},              // 2^30 paths, every one ends bad
		{"beyond the bound", 60, values.Bad, values.Unknown}, // cut at MaxDepth
		{"good leaf", 30, values.Good, values.Good},
	} {
		calls := map[*node]int{}
		if got := values.Decide(lattice(c.layers, c.leaf), graphJudge(calls)); got != c.want {
			t.Errorf("%s: Decide = %d, want %d", c.name, got, c.want)
		}
		for n, k := range calls {
			if k > values.MaxDepth+1 {
				t.Errorf("%s: node %s judged %d times", c.name, n.name, k)
			}
		}
	}

	// A cycle u -> v -> u with an exit from u: bad alone is Unknown (the cycle is undecided), good makes it Good.
	for _, c := range []struct {
		exit values.Verdict
		want values.Verdict
	}{{values.Bad, values.Unknown}, {values.Good, values.Good}} {
		u := &node{name: "u"}
		v := &node{name: "v", from: []ssa.Value{u}}
		u.from = []ssa.Value{v, &node{name: "exit", leaf: c.exit}}
		start := &node{name: "start", from: []ssa.Value{v, u}}
		if got := values.Decide(start, graphJudge(map[*node]int{})); got != c.want {
			t.Errorf("cycle with exit %d: Decide = %d, want %d", c.exit, got, c.want)
		}
	}
}
