package watchdog

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func frames(fns ...string) []Frame {
	out := make([]Frame, len(fns))
	for i, fn := range fns {
		out[i] = Frame{Function: fn, File: "f.go", Line: i + 1}
	}
	return out
}

func TestClassifyFrames(t *testing.T) {
	for _, tc := range []struct {
		frames    []Frame
		wait      Wait
		waitFrame string
		user      string
	}{
		{frames("runtime.gopark", "time.Sleep", "example.com/app.h"), WaitSleep, "time.Sleep", "example.com/app.h"},
		{frames("runtime.gopark", "runtime.chanrecv", "runtime.chanrecv1", "main.h"), WaitChannel, "runtime.chanrecv1", "main.h"},
		{frames("runtime.gopark", "runtime.chansend", "runtime.chansend1", "main.h"), WaitChannel, "runtime.chansend1", "main.h"},
		{frames("runtime.gopark", "runtime.selectgo", "main.h"), WaitSelect, "runtime.selectgo", "main.h"},
		{frames("runtime.gopark", "runtime.block", "main.h"), WaitSelect, "runtime.block", "main.h"},
		{frames("sync.runtime_SemacquireRWMutexR", "sync.(*RWMutex).RLock", "main.h"), WaitLock, "sync.(*RWMutex).RLock", "main.h"},
		{frames("sync.runtime_SemacquireWaitGroup", "sync.(*WaitGroup).Wait", "main.h"), WaitLock, "sync.(*WaitGroup).Wait", "main.h"},
		{frames("runtime.gopark", "runtime.selectgo", "net/http.(*persistConn).roundTrip", "net/http.(*Transport).roundTrip",
			"net/http.(*Transport).RoundTrip", "net/http.send", "net/http.(*Client).send", "net/http.(*Client).do",
			"net/http.(*Client).Do", "github.com/x/y.call"), WaitOutboundHTTP, "net/http.(*Client).Do", "github.com/x/y.call"},
		{frames("internal/poll.runtime_pollWait", "internal/poll.(*FD).Read", "net.(*conn).Read", "net/http.(*body).Read", "main.h"),
			WaitNetwork, "internal/poll.(*FD).Read", "main.h"},
		{frames("syscall.Syscall6", "os.(*Process).blockUntilWaitable", "os/exec.(*Cmd).Wait", "main.h"), WaitSyscall, "syscall.Syscall6", "main.h"},
		{frames("main.spin", "main.h"), WaitRunning, "", "main.spin"},
		{frames("runtime.mallocgc", "main.h"), WaitRunning, "", "main.h"},
		// A channel op inside a dependency is classified by the std frames
		// above the dependency only.
		{frames("runtime.chanrecv1", "github.com/lib/pq.wait", "main.h"), WaitChannel, "runtime.chanrecv1", "github.com/lib/pq.wait"},
	} {
		w, wf, u := classify(tc.frames)
		assert.Equal(t, tc.wait, w, tc.frames)
		assert.Equal(t, tc.waitFrame, wf, tc.frames)
		assert.Equal(t, tc.user, u.Function, tc.frames)
	}
}

func TestIsStd(t *testing.T) {
	for fn, want := range map[string]bool{
		"time.Sleep":                        true,
		"net/http.(*Client).Do":             true,
		"internal/poll.runtime_pollWait":    true,
		"main.main.func1":                   false,
		"github.com/a/b.(*T).M":             false,
		"github.com/a/b/c.F.func1.2":        false,
		"golang.org/x/net/http2.(*T).Read":  false,
		"example.com/m.F":                   false,
		"gopkg.in/yaml.v3.(*parser).parse":  false,
		"vendor/golang.org/x/net/idna.Func": true,
	} {
		assert.Equal(t, want, isStd(fn), fn)
	}
}

func TestLabelValue(t *testing.T) {
	rec := []byte("1 @ 0x1 0x2\n# labels: {\"req\":\"ab-12\", \"route\":\"GET /a \\\"b\\\"\"}\n#\t0x1\tmain.f+0x1\tf.go:1\n")
	assert.Equal(t, "ab-12", labelValue(rec, "req"))
	assert.Equal(t, `GET /a "b"`, labelValue(rec, "route"))
	assert.Equal(t, "", labelValue(rec, "nope"))
	assert.Equal(t, []uintptr{1, 2}, recordPCs(rec))
	assert.Nil(t, recordPCs([]byte("garbage\n")))
}

func TestFindRecordsNeedsMarker(t *testing.T) {
	profile := []byte("goroutine profile: total 2\n1 @ 0x1\n# labels: {\"req\":\"a-1\"}\n#\t0x1\tx\n\n")
	found := findRecords(profile, "no.such.marker", []request{{id: "a-1"}})
	assert.Empty(t, found)
}
