package main

import (
	"os"
	"runtime"
	"runtime/debug"
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
