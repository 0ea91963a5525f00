package thirdparty

import "net/http"

// Fetcher is an interface of the dependency that the user's code implements too.
type Fetcher interface {
	Fetch(url string) error
}

// SlowFetcher is the dependency's own implementation: outside the user's module, never assumed for a call the
// call graph leaves unresolved.
type SlowFetcher struct{}

func (SlowFetcher) Fetch(url string) error {
	_, err := http.Get(url)
	return err
}
