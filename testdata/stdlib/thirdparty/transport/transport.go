// Package transport is a dependency's internal package: the dependency's module is parsed in full.
package transport

import "net"

// Dial connects without a context.
func Dial(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }
