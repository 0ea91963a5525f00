// Package watchdog shows, at run time, where slow requests are stuck: the
// run-time partner of blockcheck's static findings.
//
// [Watchdog.Middleware] tags each request's goroutine with pprof labels (a
// request id and the route, through [runtime/pprof.Do], which restores the
// connection goroutine's previous labels afterwards) and records the request
// and its start time while it is in flight. The loop started by
// [Watchdog.Start] wakes every interval; when some request has run longer than
// the threshold, it takes one goroutine profile
// (pprof.Lookup("goroutine").WriteTo(w, 1)), finds each slow request's
// goroutine by its label and classifies what it is waiting on:
//
//	sleep          time.Sleep
//	lock           sync.Mutex, RWMutex, WaitGroup, Cond
//	network        a read or write on a socket (internal/poll)
//	outbound-http  an http.Client / Transport round trip
//	channel        a channel send or receive
//	select         a select statement (or select {})
//	syscall        a system call (files, subprocesses)
//	running        none of these: running or runnable
//	unknown        not found in the profile (finished meanwhile, or cut
//	               off by the size cap)
//
// The classification looks at the frames above the first frame outside the
// standard library, so a handler blocked deep inside net/http's client is
// outbound-http rather than select. The frames come from the PCs in the
// profile, resolved in this process, so the runtime frames the text format
// hides (channel and select operations) are seen too.
//
// Goroutines that a handler starts inherit its labels; so do net/http
// Transport's readLoop and writeLoop, which keep the label of the request that
// dialled the connection long after it ended. A profile record is attributed
// to a request only if it holds the middleware's own frame. Stacks deeper than
// the profile's depth limit (128 frames by default) lose that frame and are
// reported as unknown. Use one Watchdog per server: a nested one overwrites
// the outer one's labels.
//
// Cost, as measured by the package's benchmarks (see docs/shim/watchdog.md):
// per request about 1-1.4 µs of CPU and 7 allocations (BenchmarkMiddleware);
// per check, one goroutine profile, in proportion to the number of
// goroutines: about 340 ms of CPU with 10,000 slow requests
// (BenchmarkCheck10000Slow), with two brief stop-the-world pauses. Nothing is
// taken while no request is slow; at most one profile is taken per interval,
// whoever asks (no two less than 0.9 of an interval apart), and no more than
// [WithMaxOverhead] of a core (1%: after a profile that took d, none for
// d/0.01); only the [WithMaxReports] longest running slow requests are
// symbolised and reported; the profile read is capped by
// [WithMaxProfileBytes].
//
// Reports go to a [Reporter] and are kept for [Watchdog.Handler], which serves
// the latest as JSON. A request slow for a long time is reported at every
// check until it ends; deduplicate by [Report].ID.
package watchdog
