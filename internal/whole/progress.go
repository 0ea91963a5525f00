package whole

import (
	"runtime"
	"time"
)

// A Stage is a step of a run: listing packages, loading them, building SSA, finding handlers, the call graph,
// reachability, reporting.
type Stage struct {
	Name string
	// Items counts what the stage works on: packages listed or loaded, functions searched for registrations,
	// roots, findings.
	Items int
	// Start is the time since the run began at which the stage started.
	Start time.Duration
	// Duration, HeapInuse and Alloc are set when the stage ends: its wall time, the heap in use at its end, and
	// the bytes it allocated.
	Duration  time.Duration
	HeapInuse uint64
	Alloc     uint64
}

// stages times the stages of a run and tells Config.Progress as each starts.
type stages struct {
	progress func(Stage)
	began    time.Time
	list     []Stage
	alloc    uint64 // total allocation when the current stage started
}

func newStages(cfg *Config) *stages {
	return &stages{progress: cfg.Progress, began: time.Now(), alloc: totalAlloc()}
}

func (s *stages) start(name string, items int) {
	s.end()
	st := Stage{Name: name, Items: items, Start: time.Since(s.began)}
	s.list = append(s.list, st)
	if s.progress != nil {
		s.progress(st)
	}
}

// end closes the current stage.
func (s *stages) end() {
	if len(s.list) == 0 {
		return
	}
	cur := &s.list[len(s.list)-1]
	if cur.Duration != 0 {
		return
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	cur.Duration = max(time.Since(s.began)-cur.Start, 1)
	cur.HeapInuse = ms.HeapInuse
	cur.Alloc = ms.TotalAlloc - s.alloc
	s.alloc = ms.TotalAlloc
}

func (s *stages) finish(res *Result) {
	s.end()
	res.Stages = s.list
}

func totalAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}
