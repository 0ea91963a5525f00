// Package direct is a dependency the user's code imports directly.
package direct

import (
	"net/http"

	"example.com/deep"
)

// Wait waits through the other module.
func Wait() { deep.Sleep() }

// Box holds a value it checks with a server before returning it.
type Box[T any] struct {
	V   T
	URL string
}

// Get checks, then returns the value. SSA builds its instance for Box[string] only when a method value of it is
// asked for, late: through the Getter interface a handler calls.
func (b *Box[T]) Get() T {
	if resp, err := http.Get(b.URL); err == nil {
		resp.Body.Close()
	}
	return b.V
}

// Value returns the value without asking anyone.
func (b *Box[T]) Value() T { return b.V }

// Getter returns a value.
type Getter[T any] interface{ Get() T }

// Fetch gets every URL with the default client, which has no timeout.
func Fetch[T any](urls []T, url func(T) string) {
	for _, u := range urls {
		resp, err := http.Get(url(u))
		if err == nil {
			resp.Body.Close()
		}
	}
}

// Ping gets a URL: not generic, so its body is dropped once its SSA is built.
func Ping(url string) {
	if resp, err := http.Get(url); err == nil {
		resp.Body.Close()
	}
}
