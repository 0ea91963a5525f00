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
// are, Good when any is, and Unknown otherwise (also when it names none). Beyond MaxDepth a value is Unknown.
func Decide(v ssa.Value, judge Judge) Verdict { return decide(v, judge, 0) }

func decide(v ssa.Value, judge Judge, depth int) Verdict {
	if depth > MaxDepth {
		return Unknown
	}
	s := judge(v)
	if s.From == nil {
		return s.Verdict
	}
	next := judge
	if s.Then != nil {
		next = s.Then
	}
	if len(s.From) == 0 {
		return Unknown
	}
	result := Bad
	for _, f := range s.From {
		switch decide(f, next, depth+1) {
		case Good:
			return Good
		case Unknown:
			result = Unknown
		}
	}
	return result
}
