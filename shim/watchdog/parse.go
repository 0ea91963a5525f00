package watchdog

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
)

// findRecords scans a debug=1 goroutine profile for the records labelled with
// the ids of slow requests and holding the marker frame, and returns their
// stacks as PCs by id. Records are separated by blank lines; each starts with
// "N @ 0x... 0x..." and, if labelled, a "# labels: {...}" line.
func findRecords(profile []byte, marker string, slow []request) map[string][]uintptr {
	want := make(map[string]bool, len(slow))
	for _, r := range slow {
		want[r.id] = true
	}
	found := make(map[string][]uintptr)
	for len(profile) > 0 {
		var rec []byte
		if i := bytes.Index(profile, []byte("\n\n")); i >= 0 {
			rec, profile = profile[:i+1], profile[i+2:]
		} else {
			// The last record, or one cut off by the size cap; a cut
			// record lacks frames and is skipped by the marker test.
			rec, profile = profile, nil
		}
		id := labelValue(rec, "req")
		if id == "" || !want[id] {
			continue
		}
		if _, dup := found[id]; dup {
			continue
		}
		pcs := recordPCs(rec)
		if len(pcs) == 0 || !holdsFrame(pcs, marker) {
			continue // a goroutine the request started, or a transport loop
		}
		found[id] = pcs
	}
	return found
}

// labelValue returns the value of key on the record's labels line.
func labelValue(rec []byte, key string) string {
	i := bytes.Index(rec, []byte("\n# labels: {"))
	if i < 0 {
		return ""
	}
	line := rec[i+1:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	k := []byte(strconv.Quote(key) + ":")
	j := bytes.Index(line, k)
	if j < 0 {
		return ""
	}
	v := line[j+len(k):]
	if !bytes.HasPrefix(v, []byte(`"`)) {
		return ""
	}
	// Values are printed with %q; find the closing quote and unquote.
	end := 1
	for end < len(v) && v[end] != '"' {
		if v[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(v) {
		return ""
	}
	s, err := strconv.Unquote(string(v[:end+1]))
	if err != nil {
		return ""
	}
	return s
}

// recordPCs parses the "N @ 0x... 0x..." line that starts a record.
func recordPCs(rec []byte) []uintptr {
	line := rec
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	at := bytes.Index(line, []byte(" @ "))
	if at < 0 {
		return nil
	}
	fields := strings.Fields(string(line[at+3:]))
	pcs := make([]uintptr, 0, len(fields))
	for _, f := range fields {
		pc, err := strconv.ParseUint(strings.TrimPrefix(f, "0x"), 16, 64)
		if err != nil {
			return nil
		}
		pcs = append(pcs, uintptr(pc))
	}
	return pcs
}

func holdsFrame(pcs []uintptr, function string) bool {
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function == function {
			return true
		}
		if !more {
			return false
		}
	}
}

// symbolize resolves return PCs from this process's profile into frames,
// inlined calls included, innermost first.
func symbolize(pcs []uintptr) []Frame {
	var out []Frame
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function != "" && f.Function != "runtime.goexit" {
			out = append(out, Frame{Function: f.Function, File: f.File, Line: f.Line})
		}
		if !more {
			return out
		}
	}
}

// classify finds what the goroutine waits on from the frames above the first
// frame outside the standard library, and returns that wait, the frame that
// shows it, and that first outside frame.
func classify(frames []Frame) (Wait, string, Frame) {
	var user Frame
	top := frames
	for i, f := range frames {
		if !isStd(f.Function) {
			user, top = f, frames[:i]
			break
		}
	}
	// Priority, not position: an outbound request waits in a select inside
	// net/http, a socket read waits in the poller, and so on.
	rules := []struct {
		wait Wait
		is   func(string) bool
	}{
		{WaitOutboundHTTP, func(fn string) bool {
			return strings.HasPrefix(fn, "net/http.(*Transport).") || strings.HasPrefix(fn, "net/http.(*persistConn).") ||
				strings.HasPrefix(fn, "net/http.(*Client).") || fn == "net/http.send"
		}},
		{WaitNetwork, func(fn string) bool { return strings.HasPrefix(fn, "internal/poll.") }},
		{WaitSleep, func(fn string) bool { return fn == "time.Sleep" }},
		{WaitLock, func(fn string) bool {
			return strings.HasPrefix(fn, "sync.") || strings.HasPrefix(fn, "internal/sync.")
		}},
		{WaitChannel, func(fn string) bool {
			return strings.HasPrefix(fn, "runtime.chanrecv") || strings.HasPrefix(fn, "runtime.chansend")
		}},
		{WaitSelect, func(fn string) bool { return fn == "runtime.selectgo" || fn == "runtime.block" }},
		{WaitSyscall, func(fn string) bool {
			return strings.HasPrefix(fn, "syscall.") || strings.HasPrefix(fn, "internal/syscall/")
		}},
	}
	for _, rule := range rules {
		// The outermost matching frame is the one the user called.
		for i := len(top) - 1; i >= 0; i-- {
			if rule.is(top[i].Function) {
				return rule.wait, top[i].Function, user
			}
		}
	}
	return WaitRunning, "", user
}

// isStd reports whether a function belongs to the standard library (or the
// runtime): its import path's first element has no dot. Package main is not.
func isStd(function string) bool {
	path := function
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		if j := strings.IndexByte(path[i:], '.'); j >= 0 {
			path = path[:i+j]
		}
	} else if j := strings.IndexByte(path, '.'); j >= 0 {
		path = path[:j]
	}
	if path == "main" {
		return false
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}
