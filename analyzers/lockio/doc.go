// Package lockio defines an Analyzer that reports locks shared across requests held across a wait.
//
// # Analyzer lockio
//
// lockio: report locks shared across requests that are held across I/O or another wait
//
// The lockio analyzer reports, in code that a handler reaches, a sync.Mutex or sync.RWMutex shared
// across requests (a package variable, or a field of a long-lived object rather than of one made per
// request) that is held across a wait: a database or HTTP call (even one given the request's context),
// a subprocess, a sleep, a channel wait, or a call that reaches one. Every other request that needs
// the lock queues behind that one slow call: a lock convoy.
//
// A lock released before the call, on every path, is not held across it; a deferred Unlock holds the
// lock until the function returns. Copy what the call needs under the lock, call without it, and lock
// again to store the result, or use singleflight so that only requests for the same key wait.
//
// See https://github.com/blockcheck/blockcheck/blob/main/docs/analyzers/lockio.md.
package lockio
