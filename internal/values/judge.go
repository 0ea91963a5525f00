package values

import "golang.org/x/tools/go/ssa"

// A Verdict is what a check decides about a value walked back to where it comes from.
type Verdict int8

const (
	// Unknown is never reported: the walk could not tell.
	Unknown Verdict = iota
	// Good means the value has what the check asks for.
	Good
	// Bad means the value definitely lacks it.
	Bad
)

// A Step is a Judge's answer about one value: either a Verdict, or the values it comes from (From), to be judged
// in turn by Then (the same judge when Then is nil).
type Step struct {
	Verdict Verdict
	From    []ssa.Value
	Then    Judge
}

// A Judge decides one value met by Decide: it keeps only a check's own decisions, what is good or bad at a leaf
// and which values a value comes from.
type Judge func(v ssa.Value) Step

// Decide walks back from v under judge: a value whose Step names values it comes from is Bad when all of them
// are, Good when any is, and Unknown otherwise (also when it names none). Beyond MaxDepth a value is Unknown, and
// so is a value met again on the way back from itself: walked further, a cycle ends at MaxDepth, or is Good by a
// path that the value's first meeting follows anyway.
//
// Under the judge Decide started with, a value is judged at most once per depth: a tree walk over values shared
// by many paths (a parameter's call sites, each passing on its own caller's parameter) is exponential in the
// depth, and a large program has such chains. The verdicts are the tree walk's. (A verdict reached while a cycle
// was cut is kept too: it could differ elsewhere only by being Good through the value the cycle was cut at, and
// that value, being decided above, is then Good and so is the whole walk.)
func Decide(v ssa.Value, judge Judge) Verdict {
	d := &decider{open: map[ssa.Value]bool{}, whole: map[ssa.Value]known{}, at: map[atDepth]Verdict{}}
	verdict, _ := d.decide(v, judge, true, 0)
	return verdict
}

type atDepth struct {
	v     ssa.Value
	depth int
}

// known is a verdict that the depth bound did not cut when it was reached at depth: the same at any depth up to
// that one.
type known struct {
	verdict Verdict
	depth   int
}

// decider remembers the verdicts reached under the first judge (a Then judge's are not kept: they differ).
type decider struct {
	open  map[ssa.Value]bool // the values being decided, on the way back from the start
	whole map[ssa.Value]known
	at    map[atDepth]Verdict
}

// decide returns v's verdict and whether MaxDepth cut the walk below v.
func (d *decider) decide(v ssa.Value, judge Judge, first bool, depth int) (Verdict, bool) {
	if depth > MaxDepth {
		return Unknown, true
	}
	if first {
		if k, ok := d.whole[v]; ok && depth <= k.depth {
			return k.verdict, false
		}
		if r, ok := d.at[atDepth{v, depth}]; ok {
			return r, true
		}
		if d.open[v] {
			return Unknown, false
		}
		d.open[v] = true
		defer delete(d.open, v)
	}
	result, cut := d.from(v, judge, first, depth)
	switch {
	case !first:
	case !cut:
		d.whole[v] = known{result, depth}
	default:
		d.at[atDepth{v, depth}] = result
	}
	return result, cut
}

func (d *decider) from(v ssa.Value, judge Judge, first bool, depth int) (Verdict, bool) {
	s := judge(v)
	if s.From == nil {
		return s.Verdict, false
	}
	next := judge
	if s.Then != nil {
		next, first = s.Then, false
	}
	if len(s.From) == 0 {
		return Unknown, false
	}
	result, cut := Bad, false
	for _, f := range s.From {
		r, c := d.decide(f, next, first, depth+1)
		cut = cut || c
		switch r {
		case Good:
			return Good, cut
		case Unknown:
			result = Unknown
		}
	}
	return result, cut
}
