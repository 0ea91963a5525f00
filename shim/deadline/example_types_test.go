package deadline_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/blockcheck/blockcheck/shim/deadline"
)

func ExampleOption() {
	opts := []deadline.Option{
		deadline.WithStatus(http.StatusGatewayTimeout),
		deadline.WithRetryAfter(5 * time.Second),
	}
	h := deadline.Middleware(time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}), opts...)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code, rec.Header().Get("Retry-After"))
	// Output: 504 5
}
