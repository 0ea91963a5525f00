package breaker_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/blockcheck/blockcheck/shim/breaker"
	"github.com/blockcheck/blockcheck/shim/monitor"
)

func ExampleBreaker() {
	// One Breaker per dependency, shared by every caller of it.
	payments := breaker.New(gobreaker.Settings{Name: "payments", Timeout: 10 * time.Second})
	err := payments.Execute(context.Background(), func(ctx context.Context) error { return nil })
	fmt.Println(err, payments.State())
	// Output: <nil> closed
}

func ExampleOption() {
	opts := []breaker.Option{
		breaker.WithObserver(monitor.NewMemory()),
		breaker.WithFailureStatus(func(s int) bool { return s >= 500 && s != 501 }),
	}
	b := breaker.New(gobreaker.Settings{Name: "api"}, opts...)
	fmt.Println(b.Name())
	// Output: api
}

func ExampleOpenError_Error() {
	b := breaker.New(gobreaker.Settings{
		Name:        "db",
		Timeout:     3 * time.Second,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
	})
	_ = b.Execute(context.Background(), func(context.Context) error { return errors.New("down") })
	err := b.Execute(context.Background(), func(context.Context) error { return nil })
	var oe *breaker.OpenError
	errors.As(err, &oe)
	oe.RetryAfter = 3 * time.Second // fixed for the example's output
	fmt.Println(oe.Error())
	// Output: breaker "db": circuit breaker is open (retry after 3s)
}

func ExampleOpenError_Unwrap() {
	err := error(&breaker.OpenError{Name: "db"})
	fmt.Println(errors.Unwrap(err) == nil) // only breakers fill in the wrapped error
	b := breaker.New(gobreaker.Settings{Name: "db", ReadyToTrip: func(gobreaker.Counts) bool { return true }})
	_ = b.Execute(context.Background(), func(context.Context) error { return errors.New("down") })
	err = b.Execute(context.Background(), func(context.Context) error { return nil })
	fmt.Println(errors.Is(err, gobreaker.ErrOpenState))
	// Output:
	// true
	// true
}
