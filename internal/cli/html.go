package cli

import (
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"github.com/blockcheck/blockcheck/internal/report"
	"github.com/blockcheck/blockcheck/internal/whole"
)

// snippetLines is how many lines of source a finding shows on each side of its line.
const snippetLines = 2

// htmlData builds the HTML report's page from a run.
func htmlData(res *whole.Result, wd string, rs []report.Rule) *report.Page {
	inv := Inventory(res, wd)
	p := &report.Page{Title: "blockcheck report: " + filepath.Base(wd), Packages: res.Packages}
	if p.Packages == nil {
		p.Packages = []string{}
	}
	for _, r := range append(rs, report.DirectiveRule) {
		short := strings.TrimPrefix(strings.SplitN(r.Doc, "\n", 2)[0], r.Name+": ")
		p.Analyzers = append(p.Analyzers, report.PageAnalyzer{Name: r.Name, Short: short, URL: r.URL})
	}
	p.Routes = []report.PageRoute{}
	for i, e := range inv.Routes {
		pr := report.PageRoute{Route: e.Route, Handler: e.Handler, Framework: e.Framework, Status: e.Status,
			Registered: e.Register.String(), Findings: res.Routes[i].Findings, Counts: res.Routes[i].Counts}
		if e.Defined != nil {
			pr.Defined = e.Defined.String()
		}
		p.Routes = append(p.Routes, pr)
	}
	src := &sources{files: map[string][]string{}}
	pos := func(tp token.Pos) string {
		if !tp.IsValid() {
			return ""
		}
		q := res.Fset.Position(tp)
		return fmt.Sprintf("%s:%d:%d", relFile(wd, q.Filename), q.Line, q.Column)
	}
	title := func(n report.Node) string {
		if s := pos(n.Pos); s != "" {
			return n.Label + "\n" + s
		}
		return n.Label
	}
	p.Findings = []report.PageFinding{}
	for _, f := range res.Findings {
		msg, fix, _ := strings.Cut(f.Diag.Message, "; fix: ")
		pf := report.PageFinding{Analyzer: f.Analyzer, Message: msg, Fix: fix, Posn: pos(f.Diag.Pos), Func: f.Func,
			Route: f.Route, Routes: f.Routes}
		if f.Graph != nil {
			pf.Graph = report.Layout(f.Graph, title)
		}
		pf.Snippet = src.snippet(res.Fset.Position(f.Diag.Pos))
		p.Findings = append(p.Findings, pf)
	}
	return p
}

// sources reads the files findings are in, once each.
type sources struct {
	files map[string][]string
}

func (s *sources) snippet(p token.Position) *report.Snippet {
	lines, ok := s.files[p.Filename]
	if !ok {
		data, err := os.ReadFile(p.Filename)
		if err == nil {
			lines = strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
		}
		s.files[p.Filename] = lines
	}
	if p.Line < 1 || p.Line > len(lines) {
		return nil
	}
	from, to := max(1, p.Line-snippetLines), min(len(lines), p.Line+snippetLines)
	sn := &report.Snippet{Start: from, Mark: p.Line}
	for _, l := range lines[from-1 : to] {
		sn.Lines = append(sn.Lines, strings.ReplaceAll(l, "\t", "    "))
	}
	return sn
}
