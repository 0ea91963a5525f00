package cache

// SetJoinedHook sets a function called by each request once it has joined a
// singleflight flight, so tests can release a leader only when every
// concurrent request is waiting on it.
func SetJoinedHook(c *Cache, f func()) { c.joined = f }
