//go:build go1.25

package wait_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/blockcheck/blockcheck/shim/wait"
)

func ExampleSleep() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client went away

	// Instead of time.Sleep(time.Minute), which would hold the goroutine:
	err := wait.Sleep(ctx, time.Minute)
	fmt.Println(err)
	// Output: context canceled
}

func ExampleSend() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()

	jobs := make(chan string) // nobody is receiving
	err := wait.Send(ctx, jobs, "job-1")
	fmt.Println(err)
	// Output: context deadline exceeded
}

func ExampleRecv() {
	ctx := context.Background()
	results := make(chan int, 1)
	results <- 42
	close(results)

	v, err := wait.Recv(ctx, results)
	fmt.Println(v, err)
	_, err = wait.Recv(ctx, results)
	fmt.Println(errors.Is(err, wait.ErrClosed))
	// Output:
	// 42 <nil>
	// true
}

func ExampleWait() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()

	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { /* fan-out work that honours ctx */ })
	}
	fmt.Println(wait.Wait(ctx, &wg))
	// Output: <nil>
}
