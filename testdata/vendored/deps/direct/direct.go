// Package direct is a dependency the user's code imports directly.
package direct

import "example.com/deep"

// Wait waits through the other module.
func Wait() { deep.Sleep() }
