package adaptive

// OnGrant sets a function called, under the limiter's lock, with the permits
// out and the limit each time a permit is granted.
func OnGrant(l *Limiter, f func(inFlight, limit int)) { l.granted = f }
