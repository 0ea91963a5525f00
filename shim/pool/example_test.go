package pool_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/blockcheck/blockcheck/shim/pool"
)

func ExampleNew() {
	// 4 workers, up to 16 tasks waiting.
	p := pool.New(4, 16)
	var sent atomic.Int64
	for range 10 {
		_ = p.Submit(context.Background(), func(ctx context.Context) error {
			sent.Add(1) // e.g. send a receipt
			return nil
		})
	}
	_ = p.Shutdown(context.Background()) // runs everything queued
	fmt.Println(sent.Load())
	// Output: 10
}

func ExampleNewCPU() {
	p := pool.NewCPU()
	defer p.Shutdown(context.Background())
	r, _ := pool.Go(context.Background(), p, func(context.Context) (int, error) {
		return 6 * 7, nil // CPU-bound work
	})
	v, _ := r.Wait(context.Background())
	fmt.Println(v)
	// Output: 42
}

func ExamplePool_Submit() {
	failures := make(chan error, 1)
	p := pool.New(1, 0, pool.WithErrorHandler(func(err error) { failures <- err }))

	// Submit waits for room until its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := p.Submit(ctx, func(ctx context.Context) error {
		return errors.New("mail server down")
	})
	fmt.Println("submitted:", err)
	fmt.Println("task failed:", <-failures)
	_ = p.Shutdown(context.Background())
	// Output:
	// submitted: <nil>
	// task failed: mail server down
}

func ExamplePool_TryGo() {
	p := pool.New(1, 1)
	started, release := make(chan struct{}), make(chan struct{})
	p.TryGo(func(context.Context) error { close(started); <-release; return nil })
	<-started // the only worker is busy

	fmt.Println(p.TryGo(func(context.Context) error { return nil })) // queued
	fmt.Println(p.TryGo(func(context.Context) error { return nil })) // no room: shed the work
	close(release)
	_ = p.Shutdown(context.Background())
	// Output:
	// true
	// false
}

func ExampleGo() {
	p := pool.New(2, 2)
	defer p.Shutdown(context.Background())

	r, err := pool.Go(context.Background(), p, func(ctx context.Context) (string, error) {
		return "thumbnail.png", nil
	})
	if err != nil {
		fmt.Println(err) // the pool is full until ctx ended, or shut down
		return
	}
	name, err := r.Wait(context.Background())
	fmt.Println(name, err)
	// Output: thumbnail.png <nil>
}

func ExampleResult() {
	p := pool.New(2, 2)
	defer p.Shutdown(context.Background())

	a, _ := pool.Go(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
	b, _ := pool.Go(context.Background(), p, func(context.Context) (int, error) { return 2, nil })
	va, _ := a.Wait(context.Background())
	vb, _ := b.Wait(context.Background())
	fmt.Println(va + vb)
	// Output: 3
}

func ExampleResult_Wait() {
	p := pool.New(1, 1)
	release := make(chan struct{})
	r, _ := pool.Go(context.Background(), p, func(context.Context) (int, error) {
		<-release
		return 1, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := r.Wait(ctx) // gives up; the task goes on
	fmt.Println(err)
	close(release)
	fmt.Println(r.Wait(context.Background()))
	_ = p.Shutdown(context.Background())
	// Output:
	// pool: wait: context deadline exceeded
	// 1 <nil>
}

func ExampleResult_Done() {
	p := pool.New(1, 1)
	defer p.Shutdown(context.Background())
	r, _ := pool.Go(context.Background(), p, func(context.Context) (string, error) { return "ok", nil })
	select {
	case <-r.Done():
		fmt.Println(r.Wait(context.Background()))
	case <-time.After(time.Minute):
		fmt.Println("slow")
	}
	// Output: ok <nil>
}

func ExamplePool_Shutdown() {
	p := pool.New(1, 4)
	for range 4 {
		_ = p.Submit(context.Background(), func(ctx context.Context) error {
			<-ctx.Done() // stuck until the pool gives up
			return ctx.Err()
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := p.Shutdown(ctx)
	var se *pool.ShutdownError
	if errors.As(err, &se) {
		fmt.Println(se.Unfinished, "tasks unfinished:", errors.Is(err, context.DeadlineExceeded))
	}
	_ = p.Shutdown(context.Background()) // wait for the workers to exit
	// Output: 4 tasks unfinished: true
}

func ExampleShutdownError() {
	p := pool.New(1, 0)
	_ = p.Submit(context.Background(), func(ctx context.Context) error { <-ctx.Done(); return nil })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fmt.Println(p.Shutdown(ctx))
	_ = p.Shutdown(context.Background())
	// Output: pool: shutdown: 1 tasks unfinished: context canceled
}

func ExamplePool_Stats() {
	p := pool.New(2, 8)
	for range 5 {
		_ = p.Submit(context.Background(), func(context.Context) error { return nil })
	}
	_ = p.Shutdown(context.Background())
	st := p.Stats()
	fmt.Println(st.Workers, st.Submitted, st.Completed, st.Running, st.Queued)
	// Output: 2 5 5 0 0
}

func ExampleStats() {
	p := pool.New(1, 1)
	p.TryGo(func(context.Context) error { return errors.New("x") })
	_ = p.Shutdown(context.Background())
	fmt.Printf("%+v\n", p.Stats())
	// Output: {Workers:1 Queued:0 Running:0 Submitted:1 Completed:1 Failed:1 Rejected:0 Dropped:0 CallbackPanics:0}
}

func ExampleWithErrorHandler() {
	p := pool.New(1, 1, pool.WithErrorHandler(func(err error) {
		var pe *pool.PanicError
		if errors.As(err, &pe) {
			fmt.Println("recovered:", pe.Value)
		}
	}))
	_ = p.Submit(context.Background(), func(context.Context) error { panic("nil map") })
	_ = p.Shutdown(context.Background())
	// Output: recovered: nil map
}

func ExamplePanicError() {
	p := pool.New(1, 1)
	defer p.Shutdown(context.Background())
	r, _ := pool.Go(context.Background(), p, func(context.Context) (int, error) {
		panic("invariant violated") // a bug in the task
	})
	_, err := r.Wait(context.Background())
	var pe *pool.PanicError
	fmt.Println(errors.As(err, &pe), pe.Value, len(pe.Stack) > 0)
	// Output: true invariant violated true
}

func ExampleOption() {
	opts := []pool.Option{pool.WithErrorHandler(func(error) {})}
	p := pool.New(2, 2, opts...)
	fmt.Println(p.Stats().Workers)
	_ = p.Shutdown(context.Background())
	// Output: 2
}

func ExamplePool() {
	// One pool for the whole program, created at start-up.
	p := pool.New(2, 8)
	results := make(chan int, 3)
	for i := range 3 {
		_ = p.Submit(context.Background(), func(ctx context.Context) error {
			results <- i * i
			return nil
		})
	}
	_ = p.Shutdown(context.Background())
	close(results)
	sum := 0
	for v := range results {
		sum += v
	}
	fmt.Println(sum)
	// Output: 5
}

func ExamplePanicError_Error() {
	err := &pool.PanicError{Value: "boom", Stack: []byte("goroutine 7 [running]:\n...")}
	fmt.Println(err.Error())
	// Output:
	// panic: boom
	//
	// goroutine 7 [running]:
	// ...
}

func ExamplePanicError_Unwrap() {
	errAbort := errors.New("abort")
	err := error(&pool.PanicError{Value: errAbort})
	fmt.Println(errors.Is(err, errAbort))
	// Output: true
}

func ExampleShutdownError_Error() {
	err := &pool.ShutdownError{Unfinished: 3, Err: context.DeadlineExceeded}
	fmt.Println(err.Error())
	// Output: pool: shutdown: 3 tasks unfinished: context deadline exceeded
}

func ExampleShutdownError_Unwrap() {
	err := error(&pool.ShutdownError{Unfinished: 3, Err: context.DeadlineExceeded})
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output: true
}
