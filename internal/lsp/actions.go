package lsp

import (
	"maps"
	"slices"
)

// ignoreReason is the placeholder reason of the directive the "silence" action inserts: the directive is
// reported as it stands until the user says why.
const ignoreReason = "TODO say why this wait is bounded"

// codeActions returns the quick fixes for the findings in the range asked: each suggested fix, then a
// //blockcheck:ignore directive. It offers nothing when the document no longer has the text the findings were
// computed on: its edits would land in the wrong place.
func (s *Server) codeActions(p *codeActionParams) []CodeAction {
	actions := []CodeAction{}
	if len(p.Context.Only) > 0 && !slices.Contains(p.Context.Only, "quickfix") {
		return actions
	}
	name, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return actions
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fr := s.published[name]
	if fr == nil || !sameText(s.docs, name, fr.content) {
		return actions
	}
	version := func(file string) *int32 {
		if d, ok := s.docs[file]; ok {
			v := d.version
			return &v
		}
		return nil
	}
	edit := func(byFile map[string][]TextEdit) WorkspaceEdit {
		var we WorkspaceEdit
		for _, file := range slices.Sorted(maps.Keys(byFile)) {
			uri := pathToURI(file)
			if file == name {
				uri = p.TextDocument.URI
			}
			if s.caps.documentChanges {
				we.DocumentChanges = append(we.DocumentChanges, TextDocumentEdit{
					TextDocument: optionalVersionedTextDocumentIdentifier{URI: uri, Version: version(file)},
					Edits:        byFile[file]})
			} else {
				if we.Changes == nil {
					we.Changes = map[string][]TextEdit{}
				}
				we.Changes[uri] = byFile[file]
			}
		}
		return we
	}
	m := newMapper(fr.content)
	for _, it := range fr.items {
		if !overlaps(it.diag.Range, p.Range) {
			continue
		}
		for i, fa := range it.fixes {
			stale := false
			for file, text := range fa.base {
				stale = stale || !sameText(s.docs, file, text)
			}
			if stale {
				continue
			}
			actions = append(actions, CodeAction{Title: fa.title, Kind: "quickfix", Diagnostics: []Diagnostic{it.diag},
				IsPreferred: i == 0, Edit: edit(fa.edits)})
		}
		// The directive goes on its own line above the finding, indented as that line is.
		line := it.diag.Range.Start.Line
		start := m.offset(Position{Line: line})
		indent := start
		for indent < len(m.content) && (m.content[indent] == ' ' || m.content[indent] == '\t') {
			indent++
		}
		text := string(m.content[start:indent]) + "//blockcheck:ignore " + it.analyzer + " " + ignoreReason + "\n"
		at := Position{Line: line}
		actions = append(actions, CodeAction{
			Title: "Silence with //blockcheck:ignore " + it.analyzer + " <reason>", Kind: "quickfix",
			Diagnostics: []Diagnostic{it.diag},
			Edit:        edit(map[string][]TextEdit{name: {{Range: Range{Start: at, End: at}, NewText: text}}}),
		})
	}
	return actions
}

// overlaps reports whether two ranges share a position; an empty range touching the other counts.
func overlaps(a, b Range) bool {
	return !before(a.End, b.Start) && !before(b.End, a.Start)
}

func before(x, y Position) bool {
	return x.Line < y.Line || x.Line == y.Line && x.Character < y.Character
}
