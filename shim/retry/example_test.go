package retry_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/blockcheck/blockcheck/shim/retry"
)

func ExampleDo() {
	calls := 0
	err := retry.Do(context.Background(), retry.Policy{Attempts: 5, Base: time.Millisecond},
		func(ctx context.Context) error {
			calls++
			if calls < 3 {
				return errors.New("connection reset")
			}
			return nil
		})
	fmt.Println(calls, err)
	// Output: 3 <nil>
}

func ExamplePermanent() {
	errNotFound := errors.New("not found")
	calls := 0
	err := retry.Do(context.Background(), retry.Policy{Attempts: 5}, func(ctx context.Context) error {
		calls++
		return retry.Permanent(errNotFound) // retrying will not help
	})
	fmt.Println(calls, errors.Is(err, errNotFound))
	// Output: 1 true
}

func ExampleIsPermanent() {
	err := fmt.Errorf("lookup: %w", retry.Permanent(errors.New("bad key")))
	fmt.Println(retry.IsPermanent(err), retry.IsPermanent(errors.New("timeout")))
	// Output: true false
}

func ExamplePolicy() {
	p := retry.Policy{
		Base: 100 * time.Millisecond,
		Max:  time.Second,
		// Always wait the full bound, to show the schedule.
		Jitter: func(d time.Duration) time.Duration { return d },
	}
	for n := 1; n <= 5; n++ {
		fmt.Println(p.Backoff(n))
	}
	// Output:
	// 100ms
	// 200ms
	// 400ms
	// 800ms
	// 1s
}

func ExamplePolicy_Bound() {
	p := retry.Policy{Base: time.Second, Max: 5 * time.Second, Multiplier: 3}
	fmt.Println(p.Bound(1), p.Bound(2), p.Bound(3))
	// Output: 1s 3s 5s
}

func ExamplePolicy_Backoff() {
	p := retry.Policy{
		Base:   time.Second,
		Jitter: func(d time.Duration) time.Duration { return d / 2 }, // deterministic for the example
	}
	fmt.Println(p.Backoff(1), p.Backoff(2))
	// Output: 500ms 1s
}
