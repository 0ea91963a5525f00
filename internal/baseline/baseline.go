// Package baseline records the findings of a run in a file and filters later runs down to the findings not in
// it, so that blockcheck can be adopted on an existing service without fixing everything first.
//
// A finding is identified by a fingerprint of what it is rather than where: its analyzer, the function holding
// the operation (package-qualified), the operation and the route reaching it. Line numbers and file names are
// left out, so moving code, reformatting or renaming a file keeps the fingerprint; renaming the function or the
// route makes a new one. Findings with the same identity in one function are told apart by their order.
package baseline

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/blockcheck/blockcheck/internal/report"
)

// Version is the format version of baseline files.
const Version = 1

// An Entry records one finding.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Analyzer    string `json:"analyzer"`
	// Func, Operation and Route are what the fingerprint is made of, kept readable for reviewers.
	Func      string `json:"function,omitempty"`
	Operation string `json:"operation,omitempty"`
	Route     string `json:"route,omitempty"`
	// Message is the finding's message when it was recorded (informative: not matched).
	Message string `json:"message"`
}

// A File is a baseline: the findings accepted so far.
type File struct {
	Version  int     `json:"version"`
	Tool     string  `json:"tool"`
	Findings []Entry `json:"findings"`
}

// identity returns what a fingerprint is made of: analyzer, function, operation and route (the handler when the
// route is not known statically). Findings the engine cannot place in a function (directive problems) are
// identified by their package and message.
func identity(f *report.Finding) []string {
	route := cmp.Or(f.Route, f.Handler)
	if f.Func == "" {
		return []string{f.Analyzer, f.Pkg, f.Diag.Message}
	}
	return []string{f.Analyzer, f.Func, f.Op, route}
}

// Fingerprints returns the fingerprint of each finding: a hash of its identity and, for the second and later
// findings with the same identity (in the order given: by position), their ordinal.
func Fingerprints(findings []report.Finding) []string {
	out := make([]string, len(findings))
	seen := map[string]int{}
	for i := range findings {
		id := strings.Join(identity(&findings[i]), "\x00")
		n := seen[id]
		seen[id]++
		if n > 0 {
			id += "\x00" + strconv.Itoa(n)
		}
		sum := sha256.Sum256([]byte("blockcheck/v1\x00" + id))
		out[i] = hex.EncodeToString(sum[:16])
	}
	return out
}

// New records findings.
func New(tool string, findings []report.Finding) *File {
	fps := Fingerprints(findings)
	b := &File{Version: Version, Tool: tool, Findings: []Entry{}}
	for i := range findings {
		f := &findings[i]
		b.Findings = append(b.Findings, Entry{Fingerprint: fps[i], Analyzer: f.Analyzer, Func: f.Func, Operation: f.Op,
			Route: cmp.Or(f.Route, f.Handler), Message: f.Diag.Message})
	}
	b.sort()
	return b
}

// sort orders entries for stable diffs of the file: by analyzer, function, route, fingerprint.
func (b *File) sort() {
	slices.SortStableFunc(b.Findings, func(x, y Entry) int {
		return cmp.Or(strings.Compare(x.Analyzer, y.Analyzer), strings.Compare(x.Func, y.Func),
			strings.Compare(x.Route, y.Route), strings.Compare(x.Fingerprint, y.Fingerprint))
	})
}

// Write writes the baseline as indented JSON.
func (b *File) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(b)
}

// WriteFile writes the baseline to a file.
func (b *File) WriteFile(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	if err := b.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing baseline %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	return nil
}

// Read reads a baseline file.
func Read(name string) (*File, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	var b File
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("reading baseline %s: %w", name, err)
	}
	if b.Version != Version {
		return nil, fmt.Errorf("reading baseline %s: version %d, want %d", name, b.Version, Version)
	}
	for i, e := range b.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("reading baseline %s: entry %d has no fingerprint", name, i+1)
		}
	}
	return &b, nil
}

// A Match is the outcome of filtering findings through a baseline.
type Match struct {
	// New says, for each finding, whether the baseline lacks it.
	New []bool
	// Known counts the findings the baseline holds; Stale lists its entries that no finding matched (fixed, or
	// their function or route renamed).
	Known int
	Stale []Entry
}

// Filter matches findings against the baseline by fingerprint.
func (b *File) Filter(findings []report.Finding) *Match {
	fps := Fingerprints(findings)
	have := map[string]bool{}
	for _, fp := range fps {
		have[fp] = true
	}
	known := map[string]bool{}
	m := &Match{New: make([]bool, len(findings))}
	for _, e := range b.Findings {
		known[e.Fingerprint] = true
		if !have[e.Fingerprint] {
			m.Stale = append(m.Stale, e)
		}
	}
	for i, fp := range fps {
		if known[fp] {
			m.Known++
		} else {
			m.New[i] = true
		}
	}
	return m
}

// Prune returns the baseline without the stale entries of a match.
func (b *File) Prune(m *Match) *File {
	stale := map[string]bool{}
	for _, e := range m.Stale {
		stale[e.Fingerprint] = true
	}
	out := &File{Version: b.Version, Tool: b.Tool, Findings: []Entry{}}
	for _, e := range b.Findings {
		if !stale[e.Fingerprint] {
			out.Findings = append(out.Findings, e)
		}
	}
	return out
}
