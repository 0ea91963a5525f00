// Package wire is a package of the module the user's code imports that the user's code does not import itself:
// parsed with bodies all the same, as the package of its module the user calls imports it.
package wire

import "net/http"

// Conn gets a URL.
type Conn struct{ URL string }

// Get gets the URL with the default client, which has no timeout.
func (c *Conn) Get() {
	if resp, err := http.Get(c.URL); err == nil {
		resp.Body.Close()
	}
}
