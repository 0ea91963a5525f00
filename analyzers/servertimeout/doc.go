// Package servertimeout defines an Analyzer that reports HTTP servers without read timeouts.
//
// # Analyzer servertimeout
//
// servertimeout: report HTTP servers without read timeouts
//
// The servertimeout analyzer reports http.ListenAndServe, ListenAndServeTLS, Serve and ServeTLS, which
// serve with no timeouts at all, and http.Server values that are served without ReadHeaderTimeout or
// ReadTimeout. It reports where the server is made, handler or not.
//
// A server without a header read timeout lets any client hold a connection and a goroutine forever by
// sending its headers slowly (slowloris). Set ReadHeaderTimeout (ReadTimeout also bounds the headers, so
// either satisfies the check) and IdleTimeout.
//
// Listeners on a constant loopback address (a pprof port on localhost) are not reported, nor servers
// handed to another function before they are served, which may configure them.
//
// See https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/servertimeout.md.
package servertimeout
