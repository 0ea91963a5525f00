package shed_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/blockcheck/blockcheck/shim/shed"
)

func ExampleShedder() {
	// One Shedder per expensive route; each has its own limit.
	reports := shed.New(4)
	search := shed.New(64, shed.WithWait(20*time.Millisecond))
	mux := http.NewServeMux()
	mux.Handle("GET /report", reports.Middleware(http.NotFoundHandler()))
	mux.Handle("GET /search", search.Middleware(http.NotFoundHandler()))
	fmt.Println(reports.Limit(), search.Limit())
	// Output: 4 64
}

func ExampleOption() {
	opts := []shed.Option{shed.WithWait(10 * time.Millisecond), shed.WithRetryAfter(3 * time.Second)}
	fmt.Println(shed.New(8, opts...).Limit())
	// Output: 8
}
