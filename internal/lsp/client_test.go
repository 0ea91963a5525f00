package lsp_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// The test speaks to the server as an editor does: a separate process, JSON-RPC 2.0 with Content-Length framing
// over its stdin and stdout, written here by hand so that it does not share the server's library.

// timeout guards each wait against a server that never answers; nothing is measured against it.
const timeout = 3 * time.Minute

type message struct {
	JSONRPC string           `json:"jsonrpc"`
	ID      *json.RawMessage `json:"id,omitempty"`
	Method  string           `json:"method,omitempty"`
	Params  json.RawMessage  `json:"params,omitempty"`
	Result  json.RawMessage  `json:"result,omitempty"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

type client struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	wmu    sync.Mutex
	nextID int

	mu       sync.Mutex
	cond     *sync.Cond
	received []message // notifications and requests from the server, in order
	replies  map[string]message
	closed   bool
	exited   chan error
}

func start(t *testing.T, dir string) *client {
	t.Helper()
	cmd := exec.Command(blockcheck, "lsp")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, cmd: cmd, stdin: stdin, replies: map[string]message{}, exited: make(chan error, 1)}
	c.cond = sync.NewCond(&c.mu)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		c.read(bufio.NewReader(stdout))
	}()
	go func() {
		<-readDone
		c.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = stdin.Close()
		if cmd.ProcessState == nil {
			select {
			case <-c.exited:
			case <-time.After(timeout):
				_ = cmd.Process.Kill()
			}
		}
		if t.Failed() {
			t.Logf("server stderr:\n%s", stderr.String())
		}
	})
	return c
}

func (c *client) read(r *bufio.Reader) {
	defer func() {
		c.mu.Lock()
		c.closed = true
		c.cond.Broadcast()
		c.mu.Unlock()
	}()
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				length, _ = strconv.Atoi(v)
			}
		}
		if length < 0 {
			return
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			c.t.Errorf("server sent invalid JSON: %v: %s", err, body)
			return
		}
		if m.Method != "" && m.ID != nil {
			// A request from the server (window/workDoneProgress/create): answer it as an editor would.
			c.write(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": nil})
		}
		c.mu.Lock()
		if m.Method == "" && m.ID != nil {
			c.replies[string(*m.ID)] = m
		} else {
			c.received = append(c.received, m)
		}
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}

func frame(v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return append([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body))), body...)
}

func (c *client) write(v ...any) {
	var b []byte
	for _, m := range v {
		b = append(b, frame(m)...)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, _ = c.stdin.Write(b) // one write: a burst arrives together
}

func notification(method string, params any) map[string]any {
	return map[string]any{"jsonrpc": "2.0", "method": method, "params": params}
}

func (c *client) notify(method string, params any) { c.write(notification(method, params)) }

// call sends a request and waits for its reply, decoding the result into result.
func (c *client) call(method string, params, result any) {
	c.t.Helper()
	c.wmu.Lock()
	c.nextID++
	id := c.nextID
	c.wmu.Unlock()
	c.write(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	key := strconv.Itoa(id)
	var reply message
	c.waitUntil(method+" reply", func() bool {
		var ok bool
		reply, ok = c.replies[key]
		return ok
	})
	if reply.Error != nil {
		c.t.Fatalf("%s: error %d %s", method, reply.Error.Code, reply.Error.Message)
	}
	if result != nil {
		if err := json.Unmarshal(reply.Result, result); err != nil {
			c.t.Fatalf("%s: decoding %s: %v", method, reply.Result, err)
		}
	}
}

// waitUntil waits, with c.mu held during cond, until cond holds; it fails the test when the server goes away or
// the guard timeout passes.
func (c *client) waitUntil(what string, cond func() bool) {
	c.t.Helper()
	timer := time.AfterFunc(timeout, func() {
		c.mu.Lock()
		c.closed = true
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for !cond() {
		if c.closed {
			c.t.Fatalf("waiting for %s: the server went away or did not answer", what)
		}
		c.cond.Wait()
	}
}

type diagnostic struct {
	Range struct {
		Start struct{ Line, Character int }
		End   struct{ Line, Character int }
	}
	Severity        int
	Code            string
	Source          string
	Message         string
	CodeDescription *struct{ Href string }
	Related         []struct {
		Location struct {
			URI   string
			Range struct{ Start struct{ Line, Character int } }
		}
		Message string
	} `json:"relatedInformation"`
}

type publication struct {
	URI         string
	Version     *int32
	Diagnostics []diagnostic
}

// publications returns the diagnostics published for uri from message index from on.
func (c *client) publications(uri string, from int) []publication {
	var out []publication
	for _, m := range c.received[from:] {
		if m.Method != "textDocument/publishDiagnostics" {
			continue
		}
		var p publication
		if err := json.Unmarshal(m.Params, &p); err != nil {
			c.t.Fatal(err)
		}
		if p.URI == uri {
			out = append(out, p)
		}
	}
	return out
}

// awaitPublication waits for diagnostics for uri published after message index from that satisfy ok, and
// returns them with the index of the message after them.
func (c *client) awaitPublication(uri string, from int, ok func(publication) bool) (publication, int) {
	c.t.Helper()
	var got publication
	next := from
	c.waitUntil("diagnostics for "+uri, func() bool {
		for i := from; i < len(c.received); i++ {
			m := c.received[i]
			if m.Method != "textDocument/publishDiagnostics" {
				continue
			}
			var p publication
			if json.Unmarshal(m.Params, &p) == nil && p.URI == uri && ok(p) {
				got, next = p, i+1
				return true
			}
		}
		return false
	})
	return got, next
}

func (c *client) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.received)
}

func (c *client) initialize(root string, options any) {
	c.t.Helper()
	var res struct {
		Capabilities struct {
			TextDocumentSync   struct{ Change int }
			CodeActionProvider struct{ CodeActionKinds []string }
		}
		ServerInfo struct{ Name string }
	}
	c.call("initialize", map[string]any{
		"processId": os.Getpid(),
		"rootUri":   uri(root),
		"capabilities": map[string]any{
			"workspace": map[string]any{"workspaceEdit": map[string]any{"documentChanges": true}},
			"window":    map[string]any{"workDoneProgress": true},
		},
		"initializationOptions": options,
	}, &res)
	if res.ServerInfo.Name != "blockcheck" || res.Capabilities.TextDocumentSync.Change != 1 ||
		len(res.Capabilities.CodeActionProvider.CodeActionKinds) != 1 {
		c.t.Fatalf("initialize: unexpected result %+v", res)
	}
	c.notify("initialized", map[string]any{})
}

func (c *client) open(name string) string {
	c.t.Helper()
	text, err := os.ReadFile(name)
	if err != nil {
		c.t.Fatal(err)
	}
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri(name), "languageId": "go", "version": 1, "text": string(text)}})
	return string(text)
}

func (c *client) shutdownAndExit() {
	c.t.Helper()
	c.call("shutdown", nil, nil)
	c.notify("exit", nil)
	select {
	case err := <-c.exited:
		if err != nil {
			c.t.Errorf("server exit: %v, want status 0", err)
		}
	case <-time.After(timeout):
		c.t.Fatal("server did not exit")
	}
}

func uri(name string) string {
	return "file://" + filepath.ToSlash(name)
}

// applyEdits applies LSP text edits (UTF-16 positions) to text.
func applyEdits(t *testing.T, text string, edits []textEdit) string {
	t.Helper()
	offset := func(line, char int) int {
		off := 0
		for range line {
			i := strings.IndexByte(text[off:], '\n')
			if i < 0 {
				t.Fatalf("edit past the end of the text")
			}
			off += i + 1
		}
		units := 0
		for i, r := range text[off:] {
			if units >= char || r == '\n' {
				return off + i
			}
			units += len(utf16.Encode([]rune{r}))
		}
		return len(text)
	}
	// Apply from the end so that earlier offsets stay valid.
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		s, end := offset(e.Range.Start.Line, e.Range.Start.Character), offset(e.Range.End.Line, e.Range.End.Character)
		text = text[:s] + e.NewText + text[end:]
	}
	return text
}

type textEdit struct {
	Range struct {
		Start struct{ Line, Character int } `json:"start"`
		End   struct{ Line, Character int } `json:"end"`
	} `json:"range"`
	NewText string `json:"newText"`
}

type codeAction struct {
	Title       string
	Kind        string
	IsPreferred bool
	Edit        struct {
		DocumentChanges []struct {
			TextDocument struct {
				URI     string
				Version *int32
			}
			Edits []textEdit
		}
	}
}
