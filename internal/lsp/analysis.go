package lsp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/internal/fix"
	"github.com/blockcheck/blockcheck/internal/whole"
	"github.com/blockcheck/blockcheck/rules"
)

// A snapshot is what one analysis sees: the workspace, the settings and the open documents' text.
type snapshot struct {
	gen      uint64
	folders  []string
	settings settings
	docs     map[string]document // by file name
}

// An outcome is an analysis converted to the protocol: what to publish and what code actions to offer. It holds
// nothing of the engine's program, so that each analysis's memory is released when the next one starts.
type outcome struct {
	files map[string]*fileResult // by file name: the files with findings
	// dropped says the analysis let go of what a session kept (a new session, plan or SSA program): most of the
	// heap is then garbage to give back to the system.
	dropped bool
}

type fileResult struct {
	uri     string
	content []byte // the text the analysis saw; code actions are offered only while the document still has it
	version *int32 // the document's version when it was open, else nil
	items   []item
}

type item struct {
	diag     Diagnostic
	analyzer string
	fixes    []fixAction
}

type fixAction struct {
	title string
	edits map[string][]TextEdit // by file name, against the text the analysis saw
	base  map[string][]byte     // that text, for files other than the finding's own
}

// loop runs analyses one at a time as they are requested: it waits for a burst of requests to go quiet, starts
// an analysis in the background, cancels it when a newer request makes it stale, and publishes only the results
// of an analysis that no request has overtaken. The server's message loop only ever signals it.
func (s *Server) loop(ctx context.Context) {
	var gen uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.trigger:
		}
		if !s.quiet(ctx) {
			return
		}
		gen++
		snap := s.snapshot(gen)
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan *outcome, 1)
		go func() { done <- s.analyze(runCtx, snap) }()
		select {
		case out := <-done:
			cancel()
			if out != nil && len(s.trigger) == 0 {
				s.publish(snap, out)
			}
			// Give what the sessions let go of back to the system: the server mostly waits between saves. After
			// an ordinary edit the garbage is the run's own, which the collector's pace takes care of; forcing a
			// collection of everything the sessions hold would cost a quarter of a re-analysis again.
			if out != nil && out.dropped {
				debug.FreeOSMemory()
			}
		case <-s.trigger:
			cancel() // stale: a newer save or change of settings
			<-done
			s.request()
		case <-ctx.Done():
			cancel()
			<-done
			return
		}
	}
}

// quiet waits until no request has come for the debounce interval.
func (s *Server) quiet(ctx context.Context) bool {
	s.mu.Lock()
	d := s.settings.debounce
	s.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-s.trigger:
			t.Reset(d)
		case <-t.C:
			return true
		}
	}
}

func (s *Server) snapshot(gen uint64) *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := &snapshot{gen: gen, folders: slices.Clone(s.folders), settings: s.settings, docs: map[string]document{}}
	for name, d := range s.docs {
		snap.docs[name] = *d
	}
	return snap
}

// analyze runs the engine over each module of the workspace, with the open documents' text as an overlay, and
// converts the findings. Each module has a session (whole.Session) kept from one analysis to the next, which
// checks again only the packages an edit touches. It returns nil when cancelled or when the analysis failed (the
// failure is shown to the user). Analyses run one at a time (loop), so the sessions are never used concurrently.
func (s *Server) analyze(ctx context.Context, snap *snapshot) (out *outcome) {
	defer func() {
		if r := recover(); r != nil {
			s.showError(fmt.Errorf("analysis failed: %v\n%s", r, debug.Stack()))
			out = nil
		}
	}()
	stop := s.progress(ctx, snap)
	defer stop()
	key := s.settingsKey(snap)
	var cat *rules.Catalog
	enabled := map[string]bool{}
	for _, a := range s.analyzers {
		on, set := snap.settings.Analyzers[a.Name]
		enabled[a.Name] = on || !set
	}
	overlay := map[string][]byte{}
	for name, d := range snap.docs {
		overlay[name] = d.text
	}
	conv := &converter{snap: snap, urls: map[string]string{}, mappers: map[string]*mapper{}, out: &outcome{files: map[string]*fileResult{}}}
	for _, a := range s.analyzers {
		conv.urls[a.Name] = a.URL
	}
	dirs := modules(snap.folders)
	for dir := range s.sessions {
		if !slices.Contains(dirs, dir) {
			delete(s.sessions, dir) // a folder removed from the workspace
			conv.out.dropped = true
		}
	}
	for _, dir := range dirs {
		ms := s.sessions[dir]
		if ms == nil || ms.key != key {
			if cat == nil {
				var err error
				if cat, err = s.catalog(snap); err != nil {
					s.showError(err)
					return nil
				}
			}
			delete(s.sessions, dir) // let the old session's packages go before loading new ones
			conv.out.dropped = true // or a first run's loading
			ms = &moduleSession{key: key, s: whole.NewSession(&whole.Config{
				Dir: dir, Patterns: []string{"./..."}, Tests: snap.settings.Tests, Catalog: cat, Enabled: enabled,
			})}
			s.sessions[dir] = ms
		}
		ms.s.SetOverlay(overlay)
		res, err := ms.s.Run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		conv.out.dropped = conv.out.dropped || ms.s.Dropped()
		if err != nil {
			s.log.Printf("%s: %v", dir, err)
			continue
		}
		for _, e := range res.ErrorPkgs {
			s.log.Printf("%s not analyzed: %s", e.Pkg, strings.Join(e.Msgs, "; "))
		}
		conv.add(res)
	}
	return conv.out
}

// progress shows the client the work-done progress of an analysis that runs longer than the progress delay. The
// returned function ends it.
func (s *Server) progress(ctx context.Context, snap *snapshot) func() {
	s.mu.Lock()
	supported := s.caps.workDoneProgress
	s.mu.Unlock()
	if !supported {
		return func() {}
	}
	finished := make(chan struct{})
	began := make(chan bool, 1)
	token := fmt.Sprintf("blockcheck/%d", snap.gen)
	go func() {
		t := time.NewTimer(snap.settings.progressDelay)
		defer t.Stop()
		select {
		case <-finished:
			began <- false
			return
		case <-t.C:
		}
		// The client must answer the create request; do not wait on it for ever.
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := s.conn.Call(cctx, "window/workDoneProgress/create", workDoneProgressCreateParams{Token: token}, nil); err != nil {
			began <- false
			return
		}
		msg := "analyzing " + strings.Join(snap.folders, ", ")
		err := s.conn.Notify(ctx, "$/progress", progressParams{Token: token,
			Value: workDoneProgressBegin{Kind: "begin", Title: "blockcheck", Message: msg}})
		began <- err == nil
	}()
	return func() {
		close(finished)
		if <-began {
			_ = s.conn.Notify(context.Background(), "$/progress", progressParams{Token: token, Value: workDoneProgressEnd{Kind: "end"}})
		}
	}
}

// A moduleSession is the engine's session over one module of the workspace, with the key of the settings it was
// made with: what it keeps between analyses (the plan, the dependencies' types, the packages whose files did not
// change) is used again only while the settings stay the same.
type moduleSession struct {
	key string
	s   *whole.Session
}

// settingsKey identifies what a session depends on besides the files it analyzes: the settings and the contents
// of the rules files.
func (s *Server) settingsKey(snap *snapshot) string {
	h := sha256.New()
	fmt.Fprintf(h, "tests=%v\n", snap.settings.Tests)
	for _, a := range s.analyzers {
		on, set := snap.settings.Analyzers[a.Name]
		fmt.Fprintf(h, "%s=%v\n", a.Name, on || !set)
	}
	for _, file := range snap.settings.Rules {
		if !filepath.IsAbs(file) && len(snap.folders) > 0 {
			file = filepath.Join(snap.folders[0], file)
		}
		data, err := os.ReadFile(file)
		fmt.Fprintf(h, "%s %v %d\n", file, err, len(data))
		h.Write(data)
	}
	return string(h.Sum(nil))
}

func (s *Server) catalog(snap *snapshot) (*rules.Catalog, error) {
	cat, err := rules.Default()
	if err != nil {
		return nil, err
	}
	for _, file := range snap.settings.Rules {
		if !filepath.IsAbs(file) && len(snap.folders) > 0 {
			file = filepath.Join(snap.folders[0], file)
		}
		more, err := rules.Load(file)
		if err != nil {
			return nil, err
		}
		cat = cat.Merge(more)
	}
	return cat, nil
}

// modules returns the directories to analyze: each folder that is a module or workspace, else the modules found
// below it (not in testdata, vendor or hidden directories).
func modules(folders []string) []string {
	var dirs []string
	for _, f := range folders {
		if exists(filepath.Join(f, "go.mod")) || exists(filepath.Join(f, "go.work")) {
			dirs = append(dirs, f)
			continue
		}
		_ = filepath.WalkDir(f, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && path != f {
				name := d.Name()
				if name == "testdata" || name == "vendor" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
					return filepath.SkipDir
				}
			}
			if !d.IsDir() && d.Name() == "go.mod" {
				dirs = append(dirs, filepath.Dir(path))
			}
			return nil
		})
	}
	return dirs
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// publish sends the diagnostics of every file with findings and clears the files that had some and have none
// now.
func (s *Server) publish(snap *snapshot, out *outcome) {
	s.mu.Lock()
	old := s.published
	s.published = out.files
	s.mu.Unlock()
	names := slices.Sorted(maps.Keys(out.files))
	for _, name := range slices.Sorted(maps.Keys(old)) {
		if out.files[name] == nil {
			names = append(names, name)
		}
	}
	ctx := context.Background()
	for _, name := range names {
		p := publishDiagnosticsParams{Diagnostics: []Diagnostic{}}
		if fr := out.files[name]; fr != nil {
			p.URI, p.Version = fr.uri, fr.version
			for _, it := range fr.items {
				p.Diagnostics = append(p.Diagnostics, it.diag)
			}
		} else {
			p.URI = old[name].uri
			if d, ok := snap.docs[name]; ok {
				p.Version = &d.version
			}
		}
		if err := s.conn.Notify(ctx, "textDocument/publishDiagnostics", p); err != nil {
			return // the connection is gone
		}
	}
}

// converter turns the engine's findings into diagnostics and code actions.
type converter struct {
	snap    *snapshot
	urls    map[string]string // analyzer name -> doc page
	mappers map[string]*mapper
	out     *outcome
}

func (c *converter) mapper(name string) *mapper {
	if m, ok := c.mappers[name]; ok {
		return m
	}
	var content []byte
	if d, ok := c.snap.docs[name]; ok {
		content = d.text
	} else {
		content, _ = os.ReadFile(name) // unreadable: positions on line 0
	}
	m := newMapper(content)
	c.mappers[name] = m
	return m
}

func (c *converter) uri(name string) string {
	if d, ok := c.snap.docs[name]; ok && d.uri != "" {
		return d.uri
	}
	return pathToURI(name)
}

func (c *converter) location(fset *token.FileSet, pos, end token.Pos) (string, Range, bool) {
	if !pos.IsValid() {
		return "", Range{}, false
	}
	tf := fset.File(pos)
	if !end.IsValid() || fset.File(end) != tf {
		end = pos
	}
	m := c.mapper(tf.Name())
	return tf.Name(), m.rangeOf(tf.Offset(pos), tf.Offset(end)), true
}

func (c *converter) add(res *whole.Result) {
	for _, f := range res.Findings {
		name, rng, ok := c.location(res.Fset, f.Diag.Pos, f.Diag.End)
		if !ok {
			continue
		}
		d := Diagnostic{Range: rng, Severity: severityWarning, Code: f.Analyzer, Source: "blockcheck", Message: f.Diag.Message}
		if u := c.urls[f.Analyzer]; u != "" {
			d.CodeDescription = &codeDescription{Href: u}
		}
		for _, r := range f.Diag.Related {
			if rname, rr, ok := c.location(res.Fset, r.Pos, r.End); ok {
				d.RelatedInformation = append(d.RelatedInformation, DiagnosticRelatedInformation{
					Location: Location{URI: c.uri(rname), Range: rr}, Message: r.Message})
			}
		}
		it := item{diag: d, analyzer: f.Analyzer}
		for _, sf := range f.Diag.SuggestedFixes {
			if fa, ok := c.fixAction(res.Fset, name, sf.Message, sf.TextEdits); ok {
				it.fixes = append(it.fixes, fa)
			}
		}
		fr := c.out.files[name]
		if fr == nil {
			fr = &fileResult{uri: c.uri(name), content: c.mapper(name).content}
			if d, ok := c.snap.docs[name]; ok {
				v := d.version
				fr.version = &v
			}
			c.out.files[name] = fr
		}
		fr.items = append(fr.items, it)
	}
}

// fixAction turns a suggested fix into edits against the text the analysis saw. Each file's edits become one
// edit of the changed region after the fix is applied as -fix applies it (imports it left unused removed,
// formatted), or the raw edits when the fixed file does not parse.
func (c *converter) fixAction(fset *token.FileSet, own, title string, edits []analysis.TextEdit) (fixAction, bool) {
	byFile := map[string][]fix.TextEdit{}
	for _, e := range edits {
		tf := fset.File(e.Pos)
		if tf == nil {
			return fixAction{}, false
		}
		end := e.End
		if !end.IsValid() {
			end = e.Pos
		}
		byFile[tf.Name()] = append(byFile[tf.Name()], fix.TextEdit{Start: tf.Offset(e.Pos), End: tf.Offset(end), New: string(e.NewText)})
	}
	fa := fixAction{title: title, edits: map[string][]TextEdit{}, base: map[string][]byte{}}
	for name, fe := range byFile {
		m := c.mapper(name)
		var set fix.Set
		if !set.Add(map[string][]fix.TextEdit{name: fe}) {
			return fixAction{}, false // the fix's own edits overlap
		}
		sorted := set.Edits(name)
		if sorted[len(sorted)-1].End > len(m.content) {
			return fixAction{}, false // the file changed under the analysis
		}
		if fixed, err := fix.Apply(m.content, sorted); err == nil {
			fa.edits[name] = []TextEdit{minimalEdit(m, fixed)}
		} else {
			for _, e := range sorted {
				fa.edits[name] = append(fa.edits[name], TextEdit{Range: m.rangeOf(e.Start, e.End), NewText: e.New})
			}
		}
		if name != own {
			fa.base[name] = m.content
		}
	}
	return fa, true
}

// minimalEdit is the one edit that turns m's content into fixed: the region between their common prefix and
// suffix.
func minimalEdit(m *mapper, fixed []byte) TextEdit {
	old := m.content
	pre := 0
	for pre < len(old) && pre < len(fixed) && old[pre] == fixed[pre] {
		pre++
	}
	suf := 0
	for suf < len(old)-pre && suf < len(fixed)-pre && old[len(old)-1-suf] == fixed[len(fixed)-1-suf] {
		suf++
	}
	// Keep whole UTF-8 sequences in the edit.
	for pre > 0 && pre < len(old) && !startsRune(old[pre]) {
		pre--
	}
	for suf > 0 && len(old)-suf < len(old) && !startsRune(old[len(old)-suf]) {
		suf--
	}
	return TextEdit{Range: m.rangeOf(pre, len(old)-suf), NewText: string(fixed[pre : len(fixed)-suf])}
}

func startsRune(b byte) bool { return b&0xC0 != 0x80 }

// sameText reports whether a file still has the text an analysis saw: the open document's, or the file on disk.
func sameText(docs map[string]*document, name string, text []byte) bool {
	if d, ok := docs[name]; ok {
		return bytes.Equal(d.text, text)
	}
	disk, err := os.ReadFile(name)
	return err == nil && bytes.Equal(disk, text)
}
