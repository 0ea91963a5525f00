// Package lsp is blockcheck's language server: it runs the whole-program engine over the workspace in the
// background when files are opened, edited or saved, publishes the findings as diagnostics with the path from the handler,
// and offers the suggested fixes and a //blockcheck:ignore directive as quick fixes. It runs beside gopls, which
// cannot load third-party analyzers.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"golang.org/x/tools/go/analysis"
)

// Options configure a server; the zero value is the default.
type Options struct {
	Version string
	Log     io.Writer // server log (stderr); nil discards it
}

// Serve runs the server on the connection until the client sends exit or goes away, and returns the exit
// status: 0 after shutdown and exit, 1 otherwise.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, analyzers []*analysis.Analyzer, opts Options) int {
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	s := &Server{
		analyzers: analyzers,
		version:   opts.Version,
		log:       log.New(logw, "blockcheck lsp: ", log.LstdFlags),
		docs:      map[string]*document{},
		published: map[string]*fileResult{},
		sessions:  map[string]*moduleSession{},
		trigger:   make(chan struct{}, 1),
		exit:      make(chan int, 1),
		settings:  defaultSettings(),
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.conn = jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(rwc, jsonrpc2.VSCodeObjectCodec{}),
		jsonrpc2.HandlerWithError(s.handle).SuppressErrClosed(), jsonrpc2.SetLogger(s.log))
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		s.loop(ctx)
	}()
	code := 1
	select {
	case code = <-s.exit:
	case <-s.conn.DisconnectNotify():
		s.log.Print("client disconnected")
	}
	cancel() // stops the loop and cancels a running analysis
	_ = s.conn.Close()
	<-loopDone
	return code
}

// Server holds the state of one session.
type Server struct {
	conn      *jsonrpc2.Conn
	analyzers []*analysis.Analyzer
	version   string
	log       *log.Logger
	trigger   chan struct{} // a pending request for analysis
	exit      chan int

	mu          sync.Mutex
	initialized bool
	shutdown    bool
	folders     []string             // workspace directories
	docs        map[string]*document // by file name
	settings    settings
	caps        clientCaps
	published   map[string]*fileResult // by URI: what the client was last sent

	sessions map[string]*moduleSession // by module directory; used by one analysis at a time (loop)
}

type clientCaps struct {
	documentChanges  bool
	workDoneProgress bool
}

// A document is a file the client has open, with its unsaved text.
type document struct {
	uri     string // as the client spells it
	version int32
	text    []byte
}

// settings is the configuration from initializationOptions and workspace/didChangeConfiguration.
type settings struct {
	// Analyzers turns analyzers on or off by name; all are on by default.
	Analyzers map[string]bool `json:"analyzers"`
	// Rules lists rules files that extend the default catalog; relative names are relative to the first
	// workspace folder.
	Rules []string `json:"rules"`
	// Tests includes _test.go files.
	Tests bool `json:"tests"`
	// Debounce is how long a burst of edits and saves must be quiet before an analysis starts (a Go duration).
	Debounce string `json:"debounce"`
	// ProgressDelay is how long an analysis runs before the client is shown its progress.
	ProgressDelay string `json:"progressDelay"`

	debounce, progressDelay time.Duration
}

func defaultSettings() settings {
	return settings{debounce: 200 * time.Millisecond, progressDelay: 500 * time.Millisecond}
}

// parseSettings reads settings from raw JSON: the object itself, or the "blockcheck" member of it (as editors
// send workspace/didChangeConfiguration for every server).
func parseSettings(raw json.RawMessage) (settings, error) {
	st := defaultSettings()
	if len(raw) == 0 || string(raw) == "null" {
		return st, nil
	}
	var wrapped struct {
		Blockcheck json.RawMessage `json:"blockcheck"`
	}
	if err := json.Unmarshal(raw, &wrapped); err == nil && len(wrapped.Blockcheck) > 0 {
		raw = wrapped.Blockcheck
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return defaultSettings(), fmt.Errorf("reading settings: %w", err)
	}
	for _, d := range []struct {
		text string
		into *time.Duration
	}{{st.Debounce, &st.debounce}, {st.ProgressDelay, &st.progressDelay}} {
		if d.text == "" {
			continue
		}
		v, err := time.ParseDuration(d.text)
		if err != nil || v < 0 {
			return defaultSettings(), fmt.Errorf("reading settings: bad duration %q", d.text)
		}
		*d.into = v
	}
	return st, nil
}

func (s *Server) handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
	s.mu.Lock()
	ready, down := s.initialized, s.shutdown
	s.mu.Unlock()
	switch {
	case req.Method == "exit":
		code := 1
		if down {
			code = 0
		}
		select {
		case s.exit <- code:
		default:
		}
		return nil, nil
	case req.Method == "initialize":
		return s.initialize(req)
	case !ready:
		return nil, &jsonrpc2.Error{Code: -32002, Message: "server not initialized"} // ServerNotInitialized
	case down && !req.Notif:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: "server is shut down"}
	}
	switch req.Method {
	case "initialized":
		s.request()
	case "shutdown":
		s.mu.Lock()
		s.shutdown = true
		s.mu.Unlock()
		return nil, nil
	case "textDocument/didOpen":
		var p didOpenParams
		if err := unmarshal(req, &p); err != nil {
			return nil, err
		}
		name, err := uriToPath(p.TextDocument.URI)
		if err != nil {
			return nil, nil // not a file: nothing to analyze
		}
		s.mu.Lock()
		s.docs[name] = &document{uri: p.TextDocument.URI, version: p.TextDocument.Version, text: []byte(p.TextDocument.Text)}
		s.mu.Unlock()
		s.request()
	case "textDocument/didChange":
		var p didChangeParams
		if err := unmarshal(req, &p); err != nil {
			return nil, err
		}
		s.mu.Lock()
		if d := s.doc(p.TextDocument.URI); d != nil {
			for _, c := range p.ContentChanges {
				if c.Range == nil {
					d.text = []byte(c.Text)
				} else {
					d.text = applyChange(d.text, *c.Range, c.Text)
				}
			}
			d.version = p.TextDocument.Version
		}
		s.mu.Unlock()
		s.request() // the unsaved text is analyzed as an overlay
	case "textDocument/didSave":
		var p didSaveParams
		if err := unmarshal(req, &p); err != nil {
			return nil, err
		}
		s.mu.Lock()
		if d := s.doc(p.TextDocument.URI); d != nil && p.Text != nil {
			d.text = []byte(*p.Text)
		}
		s.mu.Unlock()
		s.request()
	case "textDocument/didClose":
		var p didCloseParams
		if err := unmarshal(req, &p); err != nil {
			return nil, err
		}
		if name, err := uriToPath(p.TextDocument.URI); err == nil {
			s.mu.Lock()
			delete(s.docs, name)
			s.mu.Unlock()
		}
	case "workspace/didChangeConfiguration":
		var p didChangeConfigurationParams
		if err := unmarshal(req, &p); err != nil {
			return nil, err
		}
		st, err := parseSettings(p.Settings)
		if err != nil {
			s.showError(err)
			return nil, nil
		}
		s.mu.Lock()
		s.settings = st
		s.mu.Unlock()
		s.request()
	case "workspace/didChangeWorkspaceFolders":
		var p didChangeWorkspaceFoldersParams
		if err := unmarshal(req, &p); err != nil {
			return nil, err
		}
		s.mu.Lock()
		for _, f := range p.Event.Removed {
			if dir, err := uriToPath(f.URI); err == nil {
				s.folders = slices.DeleteFunc(s.folders, func(d string) bool { return d == dir })
			}
		}
		for _, f := range p.Event.Added {
			if dir, err := uriToPath(f.URI); err == nil && !slices.Contains(s.folders, dir) {
				s.folders = append(s.folders, dir)
			}
		}
		s.mu.Unlock()
		s.request()
	case "textDocument/codeAction":
		var p codeActionParams
		if err := unmarshal(req, &p); err != nil {
			return nil, err
		}
		return s.codeActions(&p), nil
	default:
		if req.Notif {
			return nil, nil // $/cancelRequest, $/setTrace and the like need no answer
		}
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not supported: " + req.Method}
	}
	return nil, nil
}

func (s *Server) initialize(req *jsonrpc2.Request) (any, error) {
	var p initializeParams
	if err := unmarshal(req, &p); err != nil {
		return nil, err
	}
	st, err := parseSettings(p.InitializationOptions)
	if err != nil {
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: err.Error()}
	}
	var folders []string
	for _, f := range p.WorkspaceFolders {
		if dir, err := uriToPath(f.URI); err == nil {
			folders = append(folders, dir)
		}
	}
	if len(folders) == 0 && p.RootURI != "" {
		if dir, err := uriToPath(p.RootURI); err == nil {
			folders = append(folders, dir)
		}
	}
	if len(folders) == 0 && p.RootPath != "" {
		folders = append(folders, filepath.Clean(p.RootPath))
	}
	s.mu.Lock()
	s.initialized = true
	s.folders = folders
	s.settings = st
	s.caps = clientCaps{
		documentChanges:  p.Capabilities.Workspace.WorkspaceEdit.DocumentChanges,
		workDoneProgress: p.Capabilities.Window.WorkDoneProgress,
	}
	s.mu.Unlock()
	res := initializeResult{ServerInfo: serverInfo{Name: "blockcheck", Version: s.version}}
	res.Capabilities.TextDocumentSync = textDocumentSyncOptions{OpenClose: true, Change: 1}
	res.Capabilities.CodeActionProvider = codeActionOptions{CodeActionKinds: []string{"quickfix"}}
	res.Capabilities.Workspace.WorkspaceFolders.Supported = true
	res.Capabilities.Workspace.WorkspaceFolders.ChangeNotifications = true
	return res, nil
}

// doc returns the open document of a URI, or nil; s.mu is held.
func (s *Server) doc(uri string) *document {
	name, err := uriToPath(uri)
	if err != nil {
		return nil
	}
	return s.docs[name]
}

// request asks for an analysis; it never blocks. Requests made while one is pending merge into it.
func (s *Server) request() {
	select {
	case s.trigger <- struct{}{}:
	default:
	}
}

func (s *Server) showError(err error) {
	s.log.Print(err)
	_ = s.conn.Notify(context.Background(), "window/showMessage", showMessageParams{Type: 1, Message: "blockcheck: " + err.Error()})
}

func unmarshal(req *jsonrpc2.Request, v any) error {
	if req.Params == nil {
		return &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: "missing params"}
	}
	if err := json.Unmarshal(*req.Params, v); err != nil {
		return &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: err.Error()}
	}
	return nil
}

// uriToPath turns a file: URI into a file name.
func uriToPath(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", err
	}
	if u.Scheme != "file" {
		return "", errors.New("not a file URI: " + uri)
	}
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' { // file:///C:/x on Windows
		p = p[1:]
	}
	return filepath.FromSlash(p), nil
}

// pathToURI turns an absolute file name into a file: URI.
func pathToURI(name string) string {
	p := filepath.ToSlash(name)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
