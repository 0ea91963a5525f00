package report

import (
	"cmp"
	"fmt"
	"slices"
)

// A Drawing is a Graph laid out for SVG: left to right, routes first, the operation last.
type Drawing struct {
	W, H    int
	Nodes   []DrawnNode
	Edges   []string // SVG path data, one per edge
	Omitted int      // routes left out of the graph
}

// A DrawnNode is a node's box.
type DrawnNode struct {
	X, Y, W, H int
	Kind       string
	Label      string
	Title      string // the full label and position, for a tooltip
	Route      int    // a route node's index in the inventory, else -1
}

// Sizes of the drawing, in pixels.
const (
	nodeH    = 26
	rowGap   = 12
	colGap   = 56
	charW    = 7
	padX     = 10
	maxLabel = 44
	margin   = 4
)

// Layout places a graph's nodes in columns by their longest distance from a route (so every edge goes right),
// orders each column by the mean row of the nodes calling into it, and draws each edge as a curve.
func Layout(g *Graph, title func(Node) string) *Drawing {
	n := len(g.Nodes)
	in := make([][]int, n)
	out := make([][]int, n)
	for _, e := range g.Edges {
		out[e.From] = append(out[e.From], e.To)
		in[e.To] = append(in[e.To], e.From)
	}
	// Longest distance from a source, in topological order (Kahn's algorithm; the graph has no cycles, and any
	// node left over keeps column 0).
	col := make([]int, n)
	deg := make([]int, n)
	var queue []int
	for i := range n {
		deg[i] = len(in[i])
		if deg[i] == 0 {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range out[v] {
			col[w] = max(col[w], col[v]+1)
			if deg[w]--; deg[w] == 0 {
				queue = append(queue, w)
			}
		}
	}
	// The operation goes in the last column.
	last := 0
	for i := range n {
		last = max(last, col[i])
	}
	for i, nd := range g.Nodes {
		if nd.Kind == "op" {
			col[i] = last
		}
	}
	cols := make([][]int, last+1)
	for i := range n {
		cols[col[i]] = append(cols[col[i]], i)
	}
	row := make([]float64, n)
	for c, ids := range cols {
		if c > 0 {
			for _, v := range ids {
				sum := 0.0
				for _, u := range in[v] {
					sum += row[u]
				}
				if len(in[v]) > 0 {
					row[v] = sum / float64(len(in[v]))
				}
			}
			slices.SortStableFunc(ids, func(a, b int) int { return cmp.Compare(row[a], row[b]) })
		}
		for k, v := range ids {
			row[v] = float64(k)
		}
	}
	d := &Drawing{Omitted: g.Omitted}
	d.Nodes = make([]DrawnNode, n)
	x := margin
	tallest := 0
	for _, ids := range cols {
		tallest = max(tallest, len(ids))
	}
	height := tallest*(nodeH+rowGap) - rowGap
	for _, ids := range cols {
		w := 0
		for _, v := range ids {
			w = max(w, len([]rune(short(g.Nodes[v].Label)))*charW+2*padX)
		}
		colH := len(ids)*(nodeH+rowGap) - rowGap
		y := margin + (height-colH)/2
		for _, v := range ids {
			nd := g.Nodes[v]
			d.Nodes[v] = DrawnNode{X: x, Y: y, W: w, H: nodeH, Kind: nd.Kind, Label: short(nd.Label), Title: title(nd), Route: nd.Route}
			y += nodeH + rowGap
		}
		x += w + colGap
	}
	d.W = x - colGap + margin
	d.H = height + 2*margin
	for _, e := range g.Edges {
		a, b := d.Nodes[e.From], d.Nodes[e.To]
		x1, y1 := a.X+a.W, a.Y+a.H/2
		x2, y2 := b.X, b.Y+b.H/2
		mid := (x1 + x2) / 2
		d.Edges = append(d.Edges, fmt.Sprintf("M%d %dC%d %d %d %d %d %d", x1, y1, mid, y1, mid, y2, x2, y2))
	}
	return d
}

func short(s string) string {
	r := []rune(s)
	if len(r) <= maxLabel {
		return s
	}
	return string(r[:maxLabel-1]) + "…"
}
