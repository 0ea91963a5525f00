// Package deep is a dependency the user's code reaches only through another module.
package deep

import "time"

// Sleep sleeps.
func Sleep() { time.Sleep(time.Second) }
