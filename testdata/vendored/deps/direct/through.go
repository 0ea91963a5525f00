package direct

import (
	"example.com/direct/wire"
	"example.com/over"
)

// Through gets a URL on a connection another module makes.
func Through(url string) {
	var c *wire.Conn = over.Dial(url)
	c.Get()
}

// Paired gets a URL through a connection another module's type embeds.
func Paired(url string) {
	p := over.Pair{Conn: over.Dial(url)}
	p.Get()
}
