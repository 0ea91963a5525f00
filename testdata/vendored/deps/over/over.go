// Package over is a dependency the user's code reaches only through another module, which imports a package
// parsed with bodies: read from export data over that package's source, its types must be that package's.
package over

import "example.com/direct/wire"

// Dial returns a connection to url.
func Dial(url string) *wire.Conn { return &wire.Conn{URL: url} }

// Pair embeds a connection: its Get is wire's.
type Pair struct{ *wire.Conn }
