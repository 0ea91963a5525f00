package report

import (
	"encoding/json"
	"fmt"
	"go/token"
	"io"
	"net/url"
	"path/filepath"
	"strings"
)

// A Rule describes an analyzer for SARIF.
type Rule struct {
	Name, Doc, URL string
}

// DirectiveRule is the rule of the findings about //blockcheck:ignore directives themselves.
var DirectiveRule = Rule{
	Name: "blockcheck",
	Doc: "blockcheck: report problems with //blockcheck:ignore directives\n\nA directive that is malformed, names an " +
		"unknown analyzer, or (with -unused-ignores) silences nothing.",
	URL: "https://github.com/blockcheck/blockcheck/blob/main/docs/suppress.md",
}

// ruleTags classifies the analyzers for code scanning's filters.
var ruleTags = map[string][]string{
	"sleep":         {"reliability", "latency"},
	"nocancel":      {"reliability", "context"},
	"syncdb":        {"reliability", "context", "database"},
	"ctxdetach":     {"reliability", "context"},
	"clienttimeout": {"reliability", "timeout"},
	"servertimeout": {"reliability", "timeout", "security"},
	"gospawn":       {"reliability", "concurrency"},
	"chanwait":      {"reliability", "concurrency"},
	"blockcheck":    {"maintainability"},
}

// MaxFlow bounds the steps of a path written to SARIF: longer paths keep their first and last steps and say how
// many were left out, so that a call chain thousands deep stays a readable, small result.
const MaxFlow = 64

// A SARIFLog is what SARIF writes.
type SARIFLog struct {
	Fset    *token.FileSet
	Root    string // the module or repository root: artifact URIs are relative to it (%SRCROOT%)
	Version string
	Rules   []Rule
	// Findings and their fingerprints (package baseline), which become partialFingerprints.
	Findings     []Finding
	Fingerprints []string
	// Errors are the package errors, as tool execution notifications.
	Errors []PackageError
}

// A PackageError is an error of a package that did not load.
type PackageError struct {
	Pkg, Msg string
}

// FingerprintKey names blockcheck's fingerprint in partialFingerprints.
const FingerprintKey = "blockcheck/v1"

// SARIF writes a SARIF 2.1.0 log: one rule per analyzer and the directive rule, each result with its
// fingerprint, its path from the route as related locations and as a code flow, and its fixes.
func SARIF(w io.Writer, l *SARIFLog) error {
	fset := l.Fset
	uri := func(p token.Position) (string, bool) {
		if r, err := filepath.Rel(l.Root, p.Filename); err == nil && !strings.HasPrefix(r, "..") {
			return (&url.URL{Path: filepath.ToSlash(r)}).String(), true
		}
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p.Filename)}).String(), false
	}
	artifact := func(p token.Position) map[string]any {
		u, rel := uri(p)
		a := map[string]any{"uri": u}
		if rel {
			a["uriBaseId"] = "%SRCROOT%"
		}
		return a
	}
	region := func(start, end token.Pos) map[string]any {
		s := fset.Position(start)
		r := map[string]any{"startLine": s.Line, "startColumn": s.Column}
		if end.IsValid() && end >= start {
			e := fset.Position(end)
			r["endLine"], r["endColumn"] = e.Line, e.Column
		}
		return r
	}
	loc := func(start, end token.Pos, msg string) map[string]any {
		l := map[string]any{}
		if start.IsValid() {
			l["physicalLocation"] = map[string]any{"artifactLocation": artifact(fset.Position(start)), "region": region(start, end)}
		}
		if msg != "" {
			l["message"] = map[string]any{"text": msg}
		}
		return l
	}
	var rules []any
	for _, r := range append(l.Rules, DirectiveRule) {
		short, full := describe(r.Name, r.Doc)
		rule := map[string]any{
			"id": r.Name, "name": r.Name,
			"shortDescription":     map[string]any{"text": short},
			"fullDescription":      map[string]any{"text": full},
			"defaultConfiguration": map[string]any{"level": "warning"},
			"properties":           map[string]any{"tags": append([]string{"blockcheck"}, ruleTags[r.Name]...)},
		}
		if r.URL != "" {
			rule["helpUri"] = r.URL
		}
		rules = append(rules, rule)
	}
	results := []any{}
	for i, f := range l.Findings {
		msg := f.Diag.Message
		steps := f.Diag.Related
		if len(steps) > MaxFlow {
			msg += fmt.Sprintf(" (path of %d steps: the first %d and the last %d are shown)", len(steps), MaxFlow/2, MaxFlow/2-1)
		}
		res := map[string]any{
			"ruleId": f.Analyzer, "level": "warning",
			"message":   map[string]any{"text": msg},
			"locations": []any{loc(f.Diag.Pos, f.Diag.End, "")},
		}
		if i < len(l.Fingerprints) {
			res["partialFingerprints"] = map[string]any{FingerprintKey: l.Fingerprints[i]}
		}
		if len(steps) > 0 {
			var related, flow []any
			for k, r := range capSteps(steps) {
				if r == nil {
					note := fmt.Sprintf("… %d steps left out …", len(steps)-MaxFlow+1)
					flow = append(flow, map[string]any{"location": map[string]any{"message": map[string]any{"text": note}}})
					continue
				}
				rl := loc(r.Pos, r.End, r.Message)
				rl["id"] = k
				related = append(related, rl)
				flow = append(flow, map[string]any{"location": loc(r.Pos, r.End, r.Message)})
			}
			flow = append(flow, map[string]any{"location": loc(f.Diag.Pos, f.Diag.End, f.Op+" blocks here")})
			res["relatedLocations"] = related
			res["codeFlows"] = []any{map[string]any{
				"message":     map[string]any{"text": "path from the route to the operation"},
				"threadFlows": []any{map[string]any{"locations": flow}},
			}}
		}
		var fixes []any
		for _, sf := range f.Diag.SuggestedFixes {
			if len(sf.TextEdits) == 0 {
				continue
			}
			var reps []any
			for _, e := range sf.TextEdits {
				end := e.End
				if !end.IsValid() {
					end = e.Pos
				}
				reps = append(reps, map[string]any{"deletedRegion": region(e.Pos, end), "insertedContent": map[string]any{"text": string(e.NewText)}})
			}
			fixes = append(fixes, map[string]any{
				"description":     map[string]any{"text": sf.Message},
				"artifactChanges": []any{map[string]any{"artifactLocation": artifact(fset.Position(sf.TextEdits[0].Pos)), "replacements": reps}},
			})
		}
		if fixes != nil {
			res["fixes"] = fixes
		}
		results = append(results, res)
	}
	notes := []any{}
	for _, e := range l.Errors {
		notes = append(notes, map[string]any{"level": "error", "message": map[string]any{"text": e.Pkg + ": " + e.Msg}})
	}
	root := filepath.ToSlash(l.Root)
	if !strings.HasSuffix(root, "/") {
		root += "/"
	}
	run := map[string]any{
		"tool": map[string]any{"driver": map[string]any{"name": "blockcheck", "version": l.Version, "semanticVersion": strings.TrimPrefix(l.Version, "v"),
			"informationUri": "https://github.com/blockcheck/blockcheck", "rules": rules}},
		"originalUriBaseIds": map[string]any{"%SRCROOT%": map[string]any{"uri": (&url.URL{Scheme: "file", Path: root}).String()}},
		"invocations":        []any{map[string]any{"executionSuccessful": len(l.Errors) == 0, "toolExecutionNotifications": notes}},
		"columnKind":         "utf16CodeUnits",
		"results":            results,
	}
	log := map[string]any{
		"version": "2.1.0",
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"runs":    []any{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// capSteps returns the steps of a path, or for a path longer than MaxFlow its first and last steps with a nil
// where the rest are left out.
func capSteps[T any](steps []T) []*T {
	var out []*T
	if len(steps) <= MaxFlow {
		for i := range steps {
			out = append(out, &steps[i])
		}
		return out
	}
	for i := range MaxFlow / 2 {
		out = append(out, &steps[i])
	}
	out = append(out, nil)
	for i := len(steps) - (MaxFlow/2 - 1); i < len(steps); i++ {
		out = append(out, &steps[i])
	}
	return out
}

// describe splits an analyzer's doc into a short description without the "name: " prefix and the rest.
func describe(name, doc string) (string, string) {
	doc = strings.TrimSpace(doc)
	first, rest, _ := strings.Cut(doc, "\n\n")
	first = strings.Join(strings.Fields(first), " ")
	first = strings.TrimPrefix(first, name+": ")
	if first != "" {
		first = strings.ToUpper(first[:1]) + first[1:]
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		rest = first
	}
	return first, rest
}
