// Package assumed checks that the implementations assumed for an interface call VTA leaves without callees are
// those of the call's own interface: a call of Open on a Closer and one on a Source (which Closer embeds, so that
// both calls name the same method) are each resolved to their own implementations, whichever is met first.
package assumed

import (
	"net/http"
	"reflect"
	"time"
)

// Source is implemented by plain and closing; Closer, which embeds it, by closing only.
type Source interface {
	Open(key string) string
}

type Closer interface {
	Source
	Close()
}

type plain struct{}

func (*plain) Open(key string) string {
	time.Sleep(time.Second) // want `time.Sleep .*reached from GET /source/{name} \(openSource\); fix`
	return key
}

type closing struct{}

func (*closing) Open(key string) string { return key }
func (*closing) Close()                 {}

var (
	sources = map[string]Source{}
	closers = map[string]Closer{}
)

// init makes the implementations by reflection: no value flow reaches the calls below.
func init() {
	for _, t := range []reflect.Type{reflect.TypeOf(plain{}), reflect.TypeOf(closing{})} {
		if s, ok := reflect.New(t).Interface().(Source); ok {
			sources[t.Name()] = s
		}
		if c, ok := reflect.New(t).Interface().(Closer); ok {
			closers[t.Name()] = c
		}
	}
}

// openClosing is declared first, so that its call is met first: it may reach closing only.
func openClosing(w http.ResponseWriter, r *http.Request) {
	c := closers[r.PathValue("name")]
	_, _ = w.Write([]byte(c.Open("key")))
	c.Close()
}

func openSource(w http.ResponseWriter, r *http.Request) {
	s := sources[r.PathValue("name")]
	_, _ = w.Write([]byte(s.Open("key")))
}

func Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /closer/{name}", openClosing)
	mux.HandleFunc("GET /source/{name}", openSource)
}
