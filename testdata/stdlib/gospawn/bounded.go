package gospawn

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"example.com/stdlib/gospawn/importer"
)

// poll's goroutine waits on the network through a client with a Timeout, as ntfy forwards poll requests: the
// request has no context, but the client's Timeout ends the call, so the goroutine ends on its own.
func poll(w http.ResponseWriter, r *http.Request) {
	go func() {
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/poll", nil)
		if err != nil {
			return
		}
		client := &http.Client{Timeout: 10 * time.Second}
		resp, err := client.Do(req)
		if err == nil && resp.StatusCode != http.StatusOK {
			log.Printf("poll: %s", resp.Status)
		}
	}()
}

// pollForever sends through a client without Timeout: nothing ends the call.
func pollForever(w http.ResponseWriter, r *http.Request) {
	go func() { // want `gospawn: go statement`
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/poll", nil)
		if err != nil {
			return
		}
		client := &http.Client{}
		resp, err := client.Do(req)
		if err == nil && resp.StatusCode != http.StatusOK {
			log.Printf("poll: %s", resp.Status)
		}
	}()
}

// app restarts itself on SIGHUP, as listmonk does: a handler raises the signal on the process's own signal
// channel after a short delay, so that its response goes out first.
type app struct {
	reload chan os.Signal
	events chan string
}

func (a *app) restart(w http.ResponseWriter, r *http.Request) {
	go func() {
		<-time.After(500 * time.Millisecond)
		a.reload <- syscall.SIGHUP
	}()
}

func (a *app) restartLater(w http.ResponseWriter, r *http.Request) {
	go func() {
		time.Sleep(time.Second)
		a.reload <- syscall.SIGHUP
	}()
}

// announce sends on a channel of its own after the delay: whether anything receives is not known.
func (a *app) announce(w http.ResponseWriter, r *http.Request) {
	go func() { // want `gospawn: go statement`
		<-time.After(500 * time.Millisecond)
		a.events <- r.URL.Path
	}()
}

// restartTomorrow waits a day: a goroutine per request lives that long.
func (a *app) restartTomorrow(w http.ResponseWriter, r *http.Request) {
	go func() { // want `gospawn: go statement`
		time.Sleep(24 * time.Hour)
		a.reload <- syscall.SIGHUP
	}()
}

// nag signals again and again: the delay is in a loop.
func (a *app) nag(w http.ResponseWriter, r *http.Request) {
	go func() { // want `gospawn: go statement`
		for {
			time.Sleep(time.Second)
			a.reload <- syscall.SIGHUP
		}
	}()
}

// blobs stores thumbnails, as filebrowser's preview cache does: the implementations the program creates write a
// local file under a per-key lock, or nothing, and ignore the context they are given.
type blobs interface {
	Store(ctx context.Context, key string, b []byte) error
}

type diskBlobs struct {
	mu  sync.Mutex
	dir string
}

func (d *diskBlobs) Store(_ context.Context, key string, b []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return os.WriteFile(filepath.Join(d.dir, key), b, 0o600)
}

type noBlobs struct{}

func (noBlobs) Store(context.Context, string, []byte) error { return nil }

// hooks runs a command under the context it is given: under a new root context, nothing ends it.
type hooks interface {
	Run(ctx context.Context, name string) error
}

type execHooks struct{}

func (execHooks) Run(ctx context.Context, name string) error {
	return exec.CommandContext(ctx, name).Run()
}

// outbox hands what it stores to a channel: the goroutine waits until something receives.
type outbox interface {
	Put(key string, b []byte) error
}

type queuedBox struct{ ch chan []byte }

func (q *queuedBox) Put(key string, b []byte) error {
	q.ch <- b
	return nil
}

// forwarder sends on a request it keeps, through a client kept beside it: neither the client's Timeout nor the
// request's context is known, so no analyzer reports the call, but it waits on the network.
type forwarder interface {
	Forward() error
}

type relay struct {
	client *http.Client
	req    *http.Request
}

func (f *relay) Forward() error {
	_, err := f.client.Do(f.req)
	return err
}

type thumbs struct {
	cache blobs
	box   outbox
	hooks hooks
	fwd   forwarder
}

func (t *thumbs) preview(w http.ResponseWriter, r *http.Request) {
	buf := []byte("thumbnail")
	go func() {
		_ = t.cache.Store(context.Background(), r.URL.Path, buf)
	}()
	go func() { // want `gospawn: go statement`
		_ = t.hooks.Run(context.Background(), "thumbnail")
	}()
	go func() { // want `gospawn: go statement`
		_ = t.fwd.Forward()
	}()
	go func() { // want `gospawn: go statement`
		_ = t.box.Put(r.URL.Path, buf)
	}()
}

// imports starts an import's goroutines only when the importer, in another package, agreed to start a session:
// at most one runs at a time.
type imports struct{ im *importer.Importer }

func (i *imports) start(w http.ResponseWriter, r *http.Request) {
	sess, err := i.im.NewSession(r.URL.Path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	go sess.Start()
	go sess.Load(r.URL.Path)
}

// batch starts a session that any number of requests may start at once.
func (i *imports) batch(w http.ResponseWriter, r *http.Request) {
	sess, err := i.im.NewBatch(r.URL.Path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	go sess.Start()          // want `gospawn: go statement`
	go sess.Load(r.URL.Path) // want `gospawn: go statement`
}

// stream starts goroutines on what a call returned whose error is a recorded failure: nothing refuses a second
// stream.
func (i *imports) stream(w http.ResponseWriter, r *http.Request) {
	sess, err := i.im.Stream(r.URL.Path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	go sess.Load(r.URL.Path) // want `gospawn: go statement`
}

// startIgnoring starts the session's goroutines whatever NewSession said.
func (i *imports) startIgnoring(w http.ResponseWriter, r *http.Request) {
	sess, _ := i.im.NewSession(r.URL.Path)
	if sess != nil {
		go sess.Start() // want `gospawn: go statement`
	}
}

func Routes10(mux *http.ServeMux) {
	a := &app{reload: make(chan os.Signal, 1), events: make(chan string)}
	signal.Notify(a.reload, syscall.SIGHUP)
	mux.HandleFunc("/poll", poll)
	mux.HandleFunc("/poll-forever", pollForever)
	mux.HandleFunc("/restart", a.restart)
	mux.HandleFunc("/restart-later", a.restartLater)
	mux.HandleFunc("/announce", a.announce)
	mux.HandleFunc("/restart-tomorrow", a.restartTomorrow)
	mux.HandleFunc("/nag", a.nag)
	var c blobs = noBlobs{}
	if os.Getenv("CACHE") != "" {
		c = &diskBlobs{dir: os.Getenv("CACHE")}
	}
	t := &thumbs{cache: c, box: &queuedBox{ch: make(chan []byte)}, hooks: execHooks{}, fwd: &relay{}}
	mux.HandleFunc("/preview", t.preview)
	i := &imports{im: &importer.Importer{}}
	mux.HandleFunc("/import", i.start)
	mux.HandleFunc("/batch", i.batch)
	mux.HandleFunc("/stream", i.stream)
	mux.HandleFunc("/import-anyway", i.startIgnoring)
}
