package nocancel

import (
	"context"
	"net"
	"net/http"
	"net/smtp"
	"os/exec"
	"sync"
	"time"
)

// client has no Timeout: a request through it without the request's context waits as long as the server does.
var client = &http.Client{}

// bounded has a Timeout: its requests ignore the request's cancellation, but their wait is bounded, so they are
// not reported (the same judgement as clienttimeout's).
var bounded = &http.Client{Timeout: 5 * time.Second}

var auditMu sync.Mutex

func boundedWaits(w http.ResponseWriter, r *http.Request) {
	// Bounded, but still a wait: a goroutine per request that makes it does not end on its own (gospawn), and a
	// lock shared across requests held across it queues them all (lockio).
	go func() { // want `gospawn: go statement`
		_, _ = bounded.Get("http://audit/ping")
	}()
	auditMu.Lock()
	_, _ = bounded.Post("http://audit/log", "text/plain", nil) // want `lockio: .*while auditMu is held`
	auditMu.Unlock()
	_, _ = bounded.PostForm("http://audit/form", nil)
	req, _ := http.NewRequest("GET", "http://inventory/items", nil)
	_, _ = bounded.Do(req)
}

func fetch(w http.ResponseWriter, r *http.Request) {
	_, _ = http.Get("http://inventory/items")                 // want `nocancel: http.Get sends an HTTP request that carries no context`
	_, _ = client.Post("http://audit/log", "text/plain", nil) // want `nocancel: \(\*http.Client\).Post`
	_, _ = http.PostForm("http://audit/form", nil)            // want `nocancel: http.PostForm`
}

func do(w http.ResponseWriter, r *http.Request) {
	req, _ := http.NewRequest("GET", "http://inventory/items", nil)
	_, _ = client.Do(req) // want `nocancel: \(\*http.Client\).Do sends a request made by http.NewRequest`

	req2, _ := http.NewRequest("GET", "http://inventory/items", nil)
	req2 = req2.WithContext(r.Context())
	_, _ = bounded.Do(req2) // the context was attached

	req3, _ := http.NewRequestWithContext(r.Context(), "GET", "http://inventory/items", nil)
	_, _ = bounded.Do(req3)
	send(bounded, req3)
}

// send cannot know where req came from: not reported.
func send(c *http.Client, req *http.Request) {
	_, _ = c.Do(req)
}

func run(w http.ResponseWriter, r *http.Request) {
	_ = exec.Command("convert", "in.png", "out.jpg").Run() // want `nocancel: \(\*exec.Cmd\).Run waits for a subprocess started by exec.Command`
	out, _ := exec.Command("git", "log").Output()          // want `nocancel: \(\*exec.Cmd\).Output`
	_ = out
	cmd := exec.Command("sleep", "1")
	_ = cmd.Start()
	_ = cmd.Wait() // want `nocancel: \(\*exec.Cmd\).Wait`

	ok := exec.CommandContext(r.Context(), "true")
	_ = ok.Run()
	_ = newCmd().Run() // want `nocancel: \(\*exec.Cmd\).Run`
}

func newCmd() *exec.Cmd { return exec.Command("uptime") }

func dial(w http.ResponseWriter, r *http.Request) {
	c, _ := net.Dial("tcp", "cache:6379") // want `nocancel: net.Dial dials without a context`
	_ = c
	var d net.Dialer
	c2, _ := d.DialContext(r.Context(), "tcp", "cache:6379")
	_ = c2
	c3, _ := net.DialTimeout("tcp", "cache:6379", time.Second) // bounded by its timeout
	_ = c3
	addrs, _ := net.LookupHost("inventory") // want `nocancel: net.LookupHost resolves a name without a context`
	_ = addrs
	addrs2, _ := net.DefaultResolver.LookupHost(r.Context(), "inventory")
	_ = addrs2
	_ = smtp.SendMail("mail:25", nil, "a@b", []string{"c@d"}, nil) // want `nocancel: smtp.SendMail`
}

func setup(ctx context.Context) {
	_, _ = http.Get("http://config/") // start-up: no request to cancel with
}

func Routes(mux *http.ServeMux) {
	setup(context.Background())
	mux.HandleFunc("/fetch", fetch)
	mux.HandleFunc("/do", do)
	mux.HandleFunc("/bounded", boundedWaits)
	mux.HandleFunc("/run", run)
	mux.HandleFunc("/dial", dial)
}
