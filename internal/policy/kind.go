package policy

// A Kind is a kind of finding, one per analyzer, with what the engines need to know of it.
type Kind struct {
	Name string
	// Rooted kinds are reported where a handler reaches them. The others are reported wherever they are made in
	// the user's code (a server without read timeouts serves every handler).
	Rooted bool
	// Outside kinds wait on the world outside the process (the network, a database, a subprocess, an HTTP server):
	// they count inside third-party code too (see Counts). A sleep does not: inside a dependency it is the
	// library's own pacing between its attempts (a retry backoff, a poll interval), which the user cannot change at
	// the call; what each attempt waits on is judged by the kinds that wait outside.
	Outside bool
	// ByContext kinds are fixed by giving the operation the request's context. Inside third-party code they are
	// reported only where the user's call into it could give that context (see Theirs).
	ByContext bool
	// Waits says what an operation of the kind waits on, for documentation.
	Waits string
	// here words the last step of a path, at the operation: "time.Sleep blocks here".
	here string
}

// Here words the last step of a path, at an operation named name.
func (k Kind) Here(name string) string { return name + " " + k.here }

// kinds holds the kinds in the order of rules.Analyzers.
var kinds = []Kind{
	{Name: "sleep", Rooted: true, Waits: "the clock", here: "blocks here"},
	{Name: "nocancel", Rooted: true, Outside: true, Waits: "the network, a subprocess or a peer, without the request's context", here: "blocks here"},
	{Name: "syncdb", Rooted: true, Outside: true, ByContext: true, Waits: "a database, without the request's context", here: "blocks here"},
	{Name: "ctxdetach", Rooted: true, Waits: "nothing: it cuts the work off from the request's cancellation", here: "detaches from the request here"},
	{Name: "clienttimeout", Rooted: true, Outside: true, Waits: "an HTTP server, with no timeout or deadline", here: "blocks here"},
	{Name: "servertimeout", Rooted: false, Waits: "clients, with no read timeout", here: "blocks here"},
	{Name: "gospawn", Rooted: true, Waits: "nothing: it starts goroutines that nothing bounds", here: "blocks here"},
	{Name: "chanwait", Rooted: true, Waits: "other goroutines, without the request's context", here: "blocks here"},
	{Name: "lockio", Rooted: true, Waits: "whatever the call inside a lock shared across requests waits on, with every other request queued on the lock", here: "waits here while the lock is held"},
}

// Kinds returns the kinds, in the order of rules.Analyzers.
func Kinds() []Kind { return kinds }

// KindOf returns the kind of an analyzer; an unknown name is a rooted kind that does not count inside
// third-party code.
func KindOf(analyzer string) Kind {
	for _, k := range kinds {
		if k.Name == analyzer {
			return k
		}
	}
	return Kind{Name: analyzer, Rooted: true, here: "blocks here"}
}
