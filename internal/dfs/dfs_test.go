package dfs_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/blockcheck/blockcheck/internal/dfs"
)

// reach returns, for each node of g, whether it reaches a marked node, by a plain graph search.
func reach(g [][]int, marked []bool) []bool {
	out := make([]bool, len(g))
	for s := range g {
		seen := map[int]bool{s: true}
		stack := []int{s}
		for len(stack) > 0 && !out[s] {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if marked[n] {
				out[s] = true
			}
			for _, m := range g[n] {
				if !seen[m] {
					seen[m] = true
					stack = append(stack, m)
				}
			}
		}
	}
	return out
}

// TestOrderDoesNotMatter asks about the nodes of random graphs with cycles in random orders: whether a node
// reaches a marked node is the same whatever was asked first, and the same as a plain search says.
func TestOrderDoesNotMatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		n := 2 + rng.IntN(12)
		g := make([][]int, n)
		marked := make([]bool, n)
		for i := range g {
			for range rng.IntN(4) {
				g[i] = append(g[i], rng.IntN(n))
			}
			marked[i] = rng.IntN(6) == 0
		}
		want := reach(g, marked)
		for range 5 {
			m := dfs.New[int, int]()
			var step func(int) int
			step = func(x int) int {
				if marked[x] {
					return x + 1
				}
				for _, y := range g[x] {
					if r := m.Find(y, step); r != 0 {
						return r
					}
				}
				return 0
			}
			order := rng.Perm(n)
			got := make([]bool, n)
			for _, x := range order {
				got[x] = m.Find(x, step) != 0
			}
			if !slices.Equal(got, want) {
				t.Fatalf("round %d: graph %v, marked %v, asked in order %v: got %v, want %v", round, g, marked, order, got, want)
			}
		}
	}
}

// TestMarkedFound: the answer is one of the marked nodes a node reaches.
func TestMarkedFound(t *testing.T) {
	// 0 -> 1 -> 0 (a cycle), 1 -> 2 (marked).
	g := [][]int{{1}, {0, 2}, {}}
	m := dfs.New[int, int]()
	var step func(int) int
	step = func(x int) int {
		if x == 2 {
			return 3
		}
		for _, y := range g[x] {
			if r := m.Find(y, step); r != 0 {
				return r
			}
		}
		return 0
	}
	for _, x := range []int{0, 1, 0, 1} {
		if r := m.Find(x, step); r != 3 {
			t.Errorf("Find(%d) = %d, want 3", x, r)
		}
	}
}
