package policy

import (
	"cmp"
	"fmt"
	"go/token"
	"slices"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/handlers"
)

// MaxAlso is the most other calls of one cause a finding lists in its related information; its message counts
// them all.
const MaxAlso = 10

// A Member is a finding whose operation has a cause that one fix removes everywhere (blocking.Op.Cause), for
// Gather.
type Member struct {
	// Cause is the analyzer and the operation's cause.
	Cause string
	// Name names its operation, which can differ from the reported one's ((*gorm.DB).First beside Save).
	Name string
	// Len is the number of calls on its path from the handler.
	Len int
	// Pos and Posn are where it is reported.
	Pos  token.Pos
	Posn token.Position
	// Root is the handler reaching it, nil when not known.
	Root *handlers.Root
}

// Gather reports each cause once: of the findings sharing one, the finding with the shortest path from a handler,
// then the first in file order, is reported, and the others become its related information (Finding.Also). It
// returns, by the index of each member reported, the others of its cause; a member not in the result is reported
// with another one. A *gin.Context used as a context at 400 calls is one missing line,
// engine.ContextWithFallback = true, not 400 findings.
func Gather(ms []Member) map[int][]Also {
	order := make([]int, len(ms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := ms[i], ms[j]
		return cmp.Or(cmp.Compare(a.Cause, b.Cause), cmp.Compare(a.Len, b.Len), comparePosn(a.Posn, b.Posn))
	})
	out := map[int][]Also{}
	lead := -1
	for k, i := range order {
		if k == 0 || ms[order[k-1]].Cause != ms[i].Cause {
			lead = i
			out[i] = nil
			continue
		}
		out[lead] = append(out[lead], Also{Pos: ms[i].Pos, Posn: ms[i].Posn, Root: ms[i].Root, Name: ms[i].Name})
	}
	return out
}

func comparePosn(a, b token.Position) int {
	return cmp.Or(cmp.Compare(a.Filename, b.Filename), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
}

// An Also is another call with the cause of the finding reported (Gather).
type Also struct {
	Pos  token.Pos
	Posn token.Position // for ordering
	Root *handlers.Root // the handler reaching it, nil when not known
	Name string         // its operation; empty for the reported one's
}

// also words the related information of the other calls of a gathered finding, in file order, at most MaxAlso.
func (f *Finding) also() []analysis.RelatedInformation {
	also := slices.Clone(f.Also)
	slices.SortStableFunc(also, func(a, b Also) int { return comparePosn(a.Posn, b.Posn) })
	var out []analysis.RelatedInformation
	for _, a := range also[:min(len(also), MaxAlso)] {
		msg := "the same cause here: " + cmp.Or(a.Name, f.Name)
		if a.Root != nil {
			if route := a.Root.Route(); route != "" {
				msg += fmt.Sprintf("; reached from %s (%s)", route, handlers.Name(a.Root.Fn))
			} else {
				msg += "; reached from handler " + handlers.Name(a.Root.Fn)
			}
		}
		out = append(out, analysis.RelatedInformation{Pos: a.Pos, Message: msg})
	}
	return out
}

// alsoCount words how many other calls a gathered finding stands for.
func (f *Finding) alsoCount() string {
	switch n := len(f.Also); n {
	case 0:
		return ""
	case 1:
		return "; the same at 1 other call"
	default:
		return fmt.Sprintf("; the same at %d other calls", n)
	}
}
