// Command grpcdep registers a gRPC service whose generated code lives in another module (the real
// google.golang.org/grpc/health/grpc_health_v1): its RegisterService call is not in the analyzed code, so a rule
// names the generated RegisterHealthServer (see TestGRPCGeneratedElsewhere).
package main

import (
	"context"
	"net"
	"time"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

type healthServer struct {
	healthpb.UnimplementedHealthServer
}

func (h *healthServer) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from Check \(healthServer.Check\)`
	return &healthpb.HealthCheckResponse{}, nil
}

// Close is exported but no RPC.
func (h *healthServer) Close() { time.Sleep(time.Second) }

func main() {
	lis, _ := net.Listen("tcp", ":50051")
	s := grpc.NewServer()
	h := &healthServer{}
	healthpb.RegisterHealthServer(s, h)
	defer h.Close()
	s.Serve(lis)
}
