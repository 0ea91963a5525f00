package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// startHeap lets the heap of a go vet unit grow to size before the first collection, as the Go compiler does with
// its own short-lived processes. A unit lives a fraction of a second, and from the runtime's default start of
// 4 MB the collector runs many times while the package is parsed and type-checked and its imports' export data
// and facts are read: a fifth of the unit's CPU. After the first collection the default pace applies again, so a
// large package costs no more memory than before. Nothing changes when GOGC is set.
func startHeap(size uint64) {
	if os.Getenv("GOGC") != "" {
		return
	}
	const runtimeStart = 4 << 20
	if size <= runtimeStart {
		return
	}
	debug.SetGCPercent(int(100 * size / runtimeStart))
	sentinel := new([16]byte)
	runtime.SetFinalizer(sentinel, func(*[16]byte) { debug.SetGCPercent(100) })
}

// capHeadroom bounds how far the heap grows past the live heap before the next collection to headroom, once the
// live heap is larger than headroom. At the default pace (GOGC=100) the heap grows to twice the live heap, so on a
// large service half of the peak memory is garbage waiting for a collection (loki: 2.3 GB live after loading,
// 4.4 GB peak RSS). A standalone run then collects more often, as if GOGC were lowered to keep the garbage under
// headroom (never below 25): CPU traded for memory, only where the heap is large. After each collection the pace
// is set again from the live heap. Nothing changes when GOGC or GOMEMLIMIT is set. On loki (docs/scale.md) 640 MiB
// rather than 1 GiB takes 400 MB off the peak for under 10% more CPU; 512 MiB 100 MB more for another 15%.
func capHeadroom(headroom uint64) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		sentinel := new([16]byte)
		runtime.SetFinalizer(sentinel, func(*[16]byte) {
			metrics.Read(sample)
			percent := 100
			if live := sample[0].Value.Uint64(); live > headroom {
				percent = max(25, int(100*headroom/live))
			}
			debug.SetGCPercent(percent)
			arm()
		})
	}
	arm()
}
