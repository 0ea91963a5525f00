// Command grpc is a gRPC service (google.golang.org/grpc). Its generated code, in healthpb, is the gRPC health
// service as protoc-gen-go and protoc-gen-go-grpc emit it.
package main

import (
	"context"
	"database/sql"
	"net"
	"time"

	"google.golang.org/grpc"

	"example.com/routers/grpc/healthpb"
	"example.com/routers/store"
)

type healthServer struct {
	healthpb.UnimplementedHealthServer
	db *sql.DB
	st store.Store
}

func (h *healthServer) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from /grpc.health.v1.Health/Check \(healthServer.Check\)`
	return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
}

func (h *healthServer) List(ctx context.Context, req *healthpb.HealthListRequest) (*healthpb.HealthListResponse, error) {
	h.st.Lookup("all") // want `syncdb: this call reaches \(\*sql.DB\).Query in example.com/routers/store .*reached from /grpc.health.v1.Health/List \(healthServer.List\)`
	return &healthpb.HealthListResponse{}, nil
}

func (h *healthServer) Watch(req *healthpb.HealthCheckRequest, stream healthpb.Health_WatchServer) error {
	h.db.Exec("LISTEN health") // want `syncdb: \(\*sql.DB\).Exec .*reached from /grpc.health.v1.Health/Watch \(healthServer.Watch\)`
	return nil
}

// Close is exported but no RPC: nothing a client sends reaches it.
func (h *healthServer) Close() {
	time.Sleep(time.Second)
}

// logging is a unary interceptor: it is on every RPC.
func logging(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	context.Background() // want `ctxdetach: context.Background .*reached from every route \(logging\)`
	return handler(ctx, req)
}

func main() {
	db, _ := sql.Open("postgres", "")
	time.Sleep(time.Second) // startup, not a request path
	lis, _ := net.Listen("tcp", ":50051")
	s := grpc.NewServer(grpc.UnaryInterceptor(logging))
	h := &healthServer{db: db, st: store.NewSQL(db)}
	healthpb.RegisterHealthServer(s, h)
	defer h.Close()
	s.Serve(lis)
}
