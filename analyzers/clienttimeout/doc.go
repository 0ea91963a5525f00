// Package clienttimeout defines an Analyzer that reports outbound HTTP requests with no timeout at all.
//
// # Analyzer clienttimeout
//
// clienttimeout: report outbound HTTP requests with no timeout at all
//
// The clienttimeout analyzer reports Client.Do on a request path where the client has no Timeout and
// the request's context carries no deadline set on the way (context.WithTimeout or WithDeadline).
//
// The request's own context ends when the client of this service goes away, but while it waits, a
// dependency that accepts the connection and never answers holds this request's goroutine and a
// connection of the client's pool without bound. Give the client a Timeout, or the request a deadline
// with context.WithTimeout.
//
// Clients whose construction cannot be seen (passed in as parameters) are not reported.
//
// See https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/clienttimeout.md.
package clienttimeout
