package a

import (
	"net/http"
	"sync"
	"time"
)

type cache struct {
	mu   sync.Mutex
	data map[string]string
}

func (c *cache) refresh(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	time.Sleep(time.Millisecond) // want `^time.Sleep runs while c.mu is held`
}

// read releases the lock before it waits: not reported.
func (c *cache) read(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	v := c.data[r.URL.Path]
	c.mu.Unlock()
	select {
	case <-time.After(time.Millisecond):
	case <-r.Context().Done():
	}
	_, _ = w.Write([]byte(v))
}

// local locks a mutex made per request: not reported.
func local(w http.ResponseWriter, r *http.Request) {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	select {
	case <-time.After(time.Millisecond):
	case <-r.Context().Done():
	}
}

func Routes(mux *http.ServeMux) {
	c := &cache{data: map[string]string{}}
	mux.HandleFunc("/refresh", c.refresh)
	mux.HandleFunc("/read", c.read)
	mux.HandleFunc("/local", local)
}
