// Package registry checks interface calls whose implementations are made by reflection and kept in a registry
// filled by init: no value flow reaches the call, so the implementations in the user's module are assumed.
package registry

import (
	"context"
	"net/http"
	"reflect"
	"time"

	"example.com/thirdparty"
)

// Provider is implemented by the types registered in init.
type Provider interface {
	Fetch(ctx context.Context, key string) (string, error)
}

type slowProvider struct{}

func (*slowProvider) Fetch(ctx context.Context, key string) (string, error) {
	time.Sleep(time.Second) // want `time.Sleep .*reached from GET /fetch/{name}`
	return key, nil
}

type fastProvider struct{}

func (*fastProvider) Fetch(ctx context.Context, key string) (string, error) { return key, nil }

var providers = map[string]Provider{}

// init makes each provider by reflection, as plugin registries do.
func init() {
	for _, t := range []reflect.Type{reflect.TypeOf(slowProvider{}), reflect.TypeOf(fastProvider{})} {
		providers[t.Name()] = reflect.New(t).Interface().(Provider)
	}
	for _, t := range []reflect.Type{reflect.TypeOf(thirdparty.SlowFetcher{}), reflect.TypeOf(quietFetcher{})} {
		fetchers[t.Name()] = reflect.New(t).Elem().Interface().(thirdparty.Fetcher)
	}
}

func fetch(w http.ResponseWriter, r *http.Request) {
	p, ok := providers[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	v, _ := p.Fetch(r.Context(), r.URL.Query().Get("key"))
	_, _ = w.Write([]byte(v))
}

// Store is resolved by VTA: only memStore flows to the call, so diskStore, which blocks, is not assumed.
type Store interface {
	Get(key string) string
}

type memStore struct{ m map[string]string }

func (s *memStore) Get(key string) string {
	time.Sleep(time.Millisecond) // want `time.Sleep .*reached from GET /store`
	return s.m[key]
}

type diskStore struct{}

func (diskStore) Get(key string) string {
	time.Sleep(time.Second) // not reached: no diskStore flows to the call
	return ""
}

var _ Store = diskStore{}

type server struct{ st Store }

func (s *server) get(w http.ResponseWriter, r *http.Request) {
	_, _ = w.Write([]byte(s.st.Get(r.URL.Query().Get("key"))))
}

// fetchers holds the dependency's implementation and the user's, both made by reflection.
var fetchers = map[string]thirdparty.Fetcher{}

// quietFetcher is the only implementation of thirdparty.Fetcher in the user's module: thirdparty.SlowFetcher,
// which blocks, is the dependency's own and is not assumed.
type quietFetcher struct{}

func (quietFetcher) Fetch(url string) error { return nil }

func proxy(w http.ResponseWriter, r *http.Request) {
	if f, ok := fetchers[r.PathValue("name")]; ok {
		_ = f.Fetch(r.URL.Query().Get("url"))
	}
}

func Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /fetch/{name}", fetch)
	s := &server{st: &memStore{m: map[string]string{}}}
	mux.HandleFunc("GET /store", s.get)
	mux.HandleFunc("GET /proxy/{name}", proxy)
}
