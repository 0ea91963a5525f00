package report

import (
	_ "embed"
	"encoding/json"
	"html"
	"io"
)

// A Page is what the HTML report shows: the route inventory and the findings, each with its snippet, its fix and
// its path graph. The page renders them with a small script of its own, from the data embedded in it: one file,
// nothing fetched.
type Page struct {
	Title     string         `json:"title"`
	Packages  []string       `json:"packages"`
	Analyzers []PageAnalyzer `json:"analyzers"`
	Routes    []PageRoute    `json:"routes"`
	Findings  []PageFinding  `json:"findings"`
}

// A PageAnalyzer describes an analyzer.
type PageAnalyzer struct {
	Name  string `json:"name"`
	Short string `json:"short"`
	URL   string `json:"url,omitempty"`
}

// A PageRoute is a row of the inventory.
type PageRoute struct {
	Route      string         `json:"route"`
	Handler    string         `json:"handler"`
	Framework  string         `json:"framework"`
	Status     string         `json:"status"` // clean, blocking, unresolved, library
	Registered string         `json:"reg"`
	Defined    string         `json:"def,omitempty"`
	Counts     map[string]int `json:"counts,omitempty"`
	Findings   []int          `json:"findings,omitempty"`
}

// A PageFinding is a finding with what the page shows of it.
type PageFinding struct {
	Analyzer string   `json:"a"`
	Message  string   `json:"msg"`
	Fix      string   `json:"fix,omitempty"`
	Posn     string   `json:"posn"`
	Func     string   `json:"func,omitempty"`
	Route    string   `json:"route,omitempty"`
	Routes   []int    `json:"routes,omitempty"`
	Snippet  *Snippet `json:"snip,omitempty"`
	Graph    *Drawing `json:"graph,omitempty"`
}

// A Snippet is a few lines of source around a finding.
type Snippet struct {
	Start int      `json:"start"` // the first line's number
	Mark  int      `json:"mark"`  // the finding's line number
	Lines []string `json:"lines"`
}

//go:embed page/report.css
var pageCSS string

//go:embed page/report.js
var pageJS string

// errorProbe records script errors and console errors on the document element, so that a test driving a
// headless browser can read them from the DOM; it runs before anything else on the page.
const errorProbe = `(function(){var d=document.documentElement;function note(m){d.setAttribute('data-errors',(d.getAttribute('data-errors')||'')+m+'\n');}
window.addEventListener('error',function(e){note('error: '+e.message);});
window.addEventListener('unhandledrejection',function(e){note('rejection: '+e.reason);});
var ce=console.error;console.error=function(){note('console.error: '+Array.prototype.join.call(arguments,' '));ce.apply(console,arguments);};})();`

// HTML writes the report as one self-contained page.
func HTML(w io.Writer, p *Page) error {
	data, err := json.Marshal(p) // escapes <, > and &: the data cannot close its script element
	if err != nil {
		return err
	}
	title := html.EscapeString(p.Title)
	parts := []string{
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
		"<title>", title, "</title>\n<script>", errorProbe, "</script>\n<style>\n", pageCSS, "</style>\n</head>\n<body>\n",
		"<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#8b95a7\"/></marker></defs></svg>\n",
		"<header><h1>", title, "</h1><p id=\"summary\"></p></header>\n",
		"<nav id=\"filters\"></nav>\n<main>\n<section id=\"inventory-section\"><h2>Routes</h2><div class=\"scroll\"><table id=\"inventory\"><thead></thead><tbody></tbody></table></div></section>\n",
		"<section id=\"findings-section\"><h2>Findings</h2><div id=\"views\"></div><div id=\"groups\"></div></section>\n</main>\n",
		"<script id=\"data\" type=\"application/json\">", string(data), "</script>\n<script>\n", pageJS, "</script>\n</body>\n</html>\n",
	}
	for _, s := range parts {
		if _, err := io.WriteString(w, s); err != nil {
			return err
		}
	}
	return nil
}
