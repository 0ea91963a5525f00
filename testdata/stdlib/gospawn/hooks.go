package gospawn

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"
	"time"
)

// hookSender posts events to webhooks, as gophish does: one client with a Timeout, kept in a package variable
// whose transport may be replaced at start-up.
type hookSender struct {
	client *http.Client
}

var hooks10 = &hookSender{client: &http.Client{
	Timeout: 10 * time.Second,
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		return http.ErrUseLastResponse
	},
}}

// bareSender posts through a client without a Timeout.
type bareSender struct {
	client *http.Client
}

var hooksNoTimeout = &bareSender{client: &http.Client{}}

func (s *bareSender) send(url string) error {
	req, err := http.NewRequest(http.MethodPost, url, nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return nil
}

// forward posts through the client with a Timeout, then closes the body of a response it was given: nothing
// says what that body waits on.
func (s hookSender) forward(url string, prev *http.Response) error {
	defer prev.Body.Close()
	req, err := http.NewRequest(http.MethodPost, url, nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// SetHookTransport replaces the transport; the Timeout stays.
func SetHookTransport(tr *http.Transport) {
	hooks10.client.Transport = tr
}

func (s hookSender) send(url string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		log.Print(err)
		return err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewBuffer(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		log.Print(err)
		return err
	}
	defer resp.Body.Close()
	return nil
}

// sendAllHooks starts one goroutine per webhook; each ends when the client's Timeout does.
func sendAllHooks(urls []string, data any) {
	for _, u := range urls {
		go func(u string) {
			hooks10.send(u, data)
		}(u)
	}
}

// sendAllForever posts through a client without a Timeout: nothing ends the call.
func sendAllForever(urls []string, data any) {
	for _, u := range urls {
		go func(u string) { // want `gospawn: go statement`
			hooksNoTimeout.send(u)
		}(u)
	}
}

// forwardHooks hands each goroutine a response it did not get itself.
func forwardHooks(urls []string, prev *http.Response) {
	for _, u := range urls {
		go func(u string) { // want `gospawn: go statement`
			hooks10.forward(u, prev)
		}(u)
	}
}

func hookEvent(w http.ResponseWriter, r *http.Request) {
	sendAllHooks([]string{r.FormValue("hook")}, r.URL.Path)
}

func hookEventForever(w http.ResponseWriter, r *http.Request) {
	sendAllForever([]string{r.FormValue("hook")}, r.URL.Path)
}

func hookForward(w http.ResponseWriter, r *http.Request) {
	forwardHooks([]string{r.FormValue("hook")}, r.Response)
}

func Routes11(mux *http.ServeMux) {
	mux.HandleFunc("/hook", hookEvent)
	mux.HandleFunc("/hook-forever", hookEventForever)
	mux.HandleFunc("/hook-forward", hookForward)
}
