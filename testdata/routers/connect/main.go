// Command connect is a Connect service (connectrpc.com/connect). Its generated code, in gen and gen/genconnect,
// is the test service of protoc-gen-connect-go as protoc-gen-go and protoc-gen-connect-go emit it.
package main

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"connectrpc.com/connect"

	"example.com/routers/connect/gen"
	"example.com/routers/connect/gen/genconnect"
	"example.com/routers/store"
)

type testServer struct {
	genconnect.UnimplementedTestServiceHandler
	db *sql.DB
	st store.Store
}

func (s *testServer) Method(ctx context.Context, req *gen.Request) (*gen.Response, error) {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from /connect.test.simple.TestService/Method \(testServer.Method\)`
	return &gen.Response{}, nil
}

func (s *testServer) MethodServerStream(ctx context.Context, req *gen.Request, stream *connect.ServerStream[gen.Response]) error {
	_, err := s.st.Lookup("x") // want `syncdb: this call reaches \(\*sql.DB\).Query in example.com/routers/store .*reached from /connect.test.simple.TestService/MethodServerStream \(testServer.MethodServerStream\)`
	return err
}

// Reset is exported but no RPC: nothing a client sends reaches it.
func (s *testServer) Reset() {
	s.db.Exec("TRUNCATE cache")
}

// timing is a unary interceptor: it is on every RPC.
func timing(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		context.Background() // want `ctxdetach: context.Background .*reached from every route \(timing.func1\)`
		return next(ctx, req)
	}
}

func main() {
	db, _ := sql.Open("postgres", "")
	time.Sleep(time.Second) // startup, not a request path
	srv := &testServer{db: db, st: store.NewSQL(db)}
	defer srv.Reset()
	mux := http.NewServeMux()
	mux.Handle(genconnect.NewTestServiceHandler(srv, connect.WithInterceptors(connect.UnaryInterceptorFunc(timing))))
	hs := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: time.Second}
	hs.ListenAndServe()
}
