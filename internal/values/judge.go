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
// so is a value met again on the walk to it (a loop's phi, a recursive function's parameter) and every value once
// the walk has judged MaxSteps values: values that flow around cycles with several edges each would otherwise
// take time exponential in MaxDepth.
func Decide(v ssa.Value, judge Judge) Verdict {
	w := walk{onPath: make(map[visit]bool)}
	return w.decide(v, judge, 0, 0)
}

// MaxSteps bounds the values one Decide judges.
const MaxSteps = 1 << 14

type walk struct {
	onPath map[visit]bool
	steps  int
}

// A visit is a value under the judge in effect, counted by the Thens taken to reach it: a Then may judge the
// very value that named it, which is no cycle.
type visit struct {
	v     ssa.Value
	judge int
}

func (w *walk) decide(v ssa.Value, judge Judge, depth, gen int) Verdict {
	at := visit{v, gen}
	if depth > MaxDepth || w.onPath[at] || w.steps >= MaxSteps {
		return Unknown
	}
	w.steps++
	s := judge(v)
	if s.From == nil {
		return s.Verdict
	}
	next, nextGen := judge, gen
	if s.Then != nil {
		next, nextGen = s.Then, gen+1
	}
	if len(s.From) == 0 {
		return Unknown
	}
	w.onPath[at] = true
	defer delete(w.onPath, at)
	result := Bad
	for _, f := range s.From {
		switch w.decide(f, next, depth+1, nextGen) {
		case Good:
			return Good
		case Unknown:
			result = Unknown
		}
	}
	return result
}
