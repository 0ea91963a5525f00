// Package tie registers handlers from several files that all reach one helper at the same depth, so which route a
// finding names depends only on how routes are ordered: by file and offset, never by the order files were parsed.
package tie

import (
	"net/http"
	"time"
)

func shared() { time.Sleep(time.Millisecond) }

var mux = http.NewServeMux()
