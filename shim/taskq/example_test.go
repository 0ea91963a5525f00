package taskq_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/blockcheck/blockcheck/shim/retry"
	"github.com/blockcheck/blockcheck/shim/taskq"
)

func ExampleNew() {
	q := taskq.New(taskq.WithWorkers(2), taskq.WithQueueSize(100), taskq.WithMaxAttempts(5))
	_ = q.Register("email", func(ctx context.Context, payload []byte) error {
		fmt.Printf("sending %s\n", payload)
		return nil
	})
	_ = q.Start()

	id, _ := q.Enqueue(context.Background(), "email", []byte("receipt #1"))
	left, err := q.Shutdown(context.Background()) // drains the queue
	s, _ := q.Status(id)
	fmt.Println(s.State, len(left), err)
	// Output:
	// sending receipt #1
	// done 0 <nil>
}

func ExampleQueue_Register() {
	q := taskq.New()
	fmt.Println(q.Register("resize", func(ctx context.Context, payload []byte) error { return nil }))
	_ = q.Start()
	err := q.Register("late", func(ctx context.Context, payload []byte) error { return nil })
	fmt.Println(errors.Is(err, taskq.ErrStarted))
	_, _ = q.Shutdown(context.Background())
	// Output:
	// <nil>
	// true
}

func ExampleQueue_Start() {
	q := taskq.New(taskq.WithWorkers(1))
	_ = q.Register("t", func(context.Context, []byte) error { return nil })
	fmt.Println(q.Start())
	fmt.Println(q.Start())
	_, _ = q.Shutdown(context.Background())
	// Output:
	// <nil>
	// taskq: start: taskq: already started
}

func ExampleQueue_Enqueue() {
	q := taskq.New(taskq.WithQueueSize(1))
	_ = q.Register("index", func(context.Context, []byte) error { return nil })

	// Not started yet, so the queue fills up.
	_, err := q.Enqueue(context.Background(), "index", []byte("doc-1"))
	fmt.Println(err)
	_, err = q.Enqueue(context.Background(), "index", []byte("doc-2"))
	fmt.Println(err, errors.Is(err, taskq.ErrFull))
	_, err = q.Enqueue(context.Background(), "reindex", nil)
	fmt.Println(errors.Is(err, taskq.ErrUnknownTask))
	_, _ = q.Shutdown(context.Background())
	// Output:
	// <nil>
	// taskq: enqueue "index": taskq: queue full (size 1) true
	// true
}

func ExampleQueue_Status() {
	q := taskq.New(taskq.WithMaxAttempts(3), taskq.WithJitter(func(time.Duration) time.Duration { return 0 }))
	calls := 0
	_ = q.Register("sync", func(context.Context, []byte) error {
		calls++
		if calls < 3 {
			return errors.New("upstream 503")
		}
		return nil
	})
	_ = q.Start()
	id, _ := q.Enqueue(context.Background(), "sync", nil)
	_, _ = q.Shutdown(context.Background())

	s, ok := q.Status(id)
	fmt.Println(ok, s.State, s.Attempts, s.Err)
	// Output: true done 3 <nil>
}

func ExampleQueue_Shutdown() {
	q := taskq.New(taskq.WithWorkers(1))
	started := make(chan struct{}, 3)
	_ = q.Register("slow", func(ctx context.Context, payload []byte) error {
		started <- struct{}{}
		<-ctx.Done() // honours the context
		return ctx.Err()
	})
	_ = q.Start()
	for _, p := range []string{"a", "b", "c"} {
		_, _ = q.Enqueue(context.Background(), "slow", []byte(p))
	}
	<-started // "a" is running

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	left, err := q.Shutdown(ctx)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	for _, t := range left {
		fmt.Printf("%s interrupted=%v\n", t.Payload, t.Interrupted) // persist, re-enqueue later
	}
	_, _ = q.Shutdown(context.Background()) // wait for the worker to exit
	// Output:
	// true
	// a interrupted=true
	// b interrupted=false
	// c interrupted=false
}

func ExampleQueue_Stats() {
	q := taskq.New()
	_ = q.Register("t", func(context.Context, []byte) error { return nil })
	_ = q.Start()
	for range 3 {
		_, _ = q.Enqueue(context.Background(), "t", nil)
	}
	_, _ = q.Shutdown(context.Background())
	st := q.Stats()
	fmt.Println(st.Enqueued, st.Done, st.Failed, st.HandedBack)
	// Output: 3 3 0 0
}

func ExampleStats() {
	q := taskq.New()
	_ = q.Register("t", func(context.Context, []byte) error { return nil })
	_, _ = q.Enqueue(context.Background(), "t", nil)
	fmt.Printf("%+v\n", q.Stats())
	_, _ = q.Shutdown(context.Background())
	// Output: {Queued:1 Waiting:0 Running:0 Enqueued:1 Done:0 Failed:0 Retries:0 Rejected:0 HandedBack:0 CallbackPanics:0}
}

func ExampleHandler() {
	var h taskq.Handler = func(ctx context.Context, payload []byte) error {
		if len(payload) == 0 {
			return retry.Permanent(errors.New("empty payload")) // not retried
		}
		return nil
	}
	q := taskq.New()
	_ = q.Register("check", h)
	_ = q.Start()
	id, _ := q.Enqueue(context.Background(), "check", nil)
	_, _ = q.Shutdown(context.Background())
	s, _ := q.Status(id)
	fmt.Println(s.State, s.Attempts, s.Err)
	// Output: failed 1 empty payload
}

func ExampleState() {
	fmt.Println(taskq.StateQueued, taskq.StateRunning, taskq.StateDone, taskq.StateFailed)
	// Output: queued running done failed
}

func ExampleTaskStatus() {
	q := taskq.New()
	_ = q.Register("t", func(context.Context, []byte) error { return nil })
	id, _ := q.Enqueue(context.Background(), "t", nil) // not started: stays queued
	s, _ := q.Status(id)
	fmt.Println(s.Name, s.State, s.Attempts)
	_, _ = q.Shutdown(context.Background())
	// Output: t queued 0
}

func ExampleTask() {
	q := taskq.New()
	_ = q.Register("t", func(context.Context, []byte) error { return nil })
	_, _ = q.Enqueue(context.Background(), "t", []byte("payload"))
	left, _ := q.Shutdown(context.Background()) // never started: everything comes back
	for _, t := range left {
		fmt.Println(t.Name, string(t.Payload), t.Attempts)
	}
	// Output: t payload 0
}

func ExamplePanicError() {
	q := taskq.New(taskq.WithMaxAttempts(1))
	_ = q.Register("t", func(context.Context, []byte) error { panic("bug") })
	_ = q.Start()
	id, _ := q.Enqueue(context.Background(), "t", nil)
	_, _ = q.Shutdown(context.Background())
	s, _ := q.Status(id)
	var pe *taskq.PanicError
	fmt.Println(errors.As(s.Err, &pe), pe.Value)
	// Output: true bug
}

func ExampleWithWorkers() {
	q := taskq.New(taskq.WithWorkers(8))
	_ = q.Register("t", func(context.Context, []byte) error { return nil })
	fmt.Println(q.Start())
	_, _ = q.Shutdown(context.Background())
	// Output: <nil>
}

func ExampleWithQueueSize() {
	q := taskq.New(taskq.WithQueueSize(2))
	_ = q.Register("t", func(context.Context, []byte) error { return nil })
	for range 3 {
		_, err := q.Enqueue(context.Background(), "t", nil)
		fmt.Println(err)
	}
	_, _ = q.Shutdown(context.Background())
	// Output:
	// <nil>
	// <nil>
	// taskq: enqueue "t": taskq: queue full (size 2)
}

func ExampleWithMaxAttempts() {
	q := taskq.New(taskq.WithMaxAttempts(2), taskq.WithJitter(func(time.Duration) time.Duration { return 0 }))
	_ = q.Register("t", func(context.Context, []byte) error { return errors.New("down") })
	_ = q.Start()
	id, _ := q.Enqueue(context.Background(), "t", nil)
	_, _ = q.Shutdown(context.Background())
	s, _ := q.Status(id)
	fmt.Println(s.State, s.Attempts)
	// Output: failed 2
}

func ExampleWithBackoff() {
	var bounds []time.Duration
	q := taskq.New(
		taskq.WithWorkers(1),
		taskq.WithMaxAttempts(4),
		taskq.WithBackoff(time.Second, 3*time.Second),
		taskq.WithJitter(func(bound time.Duration) time.Duration {
			bounds = append(bounds, bound)
			return 0 // do not actually wait in the example
		}),
	)
	_ = q.Register("t", func(context.Context, []byte) error { return errors.New("down") })
	_ = q.Start()
	_, _ = q.Enqueue(context.Background(), "t", nil)
	_, _ = q.Shutdown(context.Background())
	fmt.Println(bounds)
	// Output: [1s 2s 3s]
}

func ExampleWithJitter() {
	q := taskq.New(taskq.WithJitter(func(bound time.Duration) time.Duration { return bound / 2 }))
	_ = q.Register("t", func(context.Context, []byte) error { return nil })
	_ = q.Start()
	_, err := q.Enqueue(context.Background(), "t", nil)
	fmt.Println(err)
	_, _ = q.Shutdown(context.Background())
	// Output: <nil>
}

func ExampleWithHistory() {
	q := taskq.New(taskq.WithWorkers(1), taskq.WithHistory(1))
	_ = q.Register("t", func(context.Context, []byte) error { return nil })
	_ = q.Start()
	first, _ := q.Enqueue(context.Background(), "t", nil)
	second, _ := q.Enqueue(context.Background(), "t", nil)
	_, _ = q.Shutdown(context.Background())
	_, ok1 := q.Status(first)
	_, ok2 := q.Status(second)
	fmt.Println(ok1, ok2)
	// Output: false true
}

func ExampleWithFailureHandler() {
	q := taskq.New(
		taskq.WithMaxAttempts(1),
		taskq.WithFailureHandler(func(t taskq.Task) {
			fmt.Printf("dead letter: %s %q after %d attempt(s): %v\n", t.Name, t.Payload, t.Attempts, t.Err)
		}),
	)
	_ = q.Register("charge", func(context.Context, []byte) error { return errors.New("card declined") })
	_ = q.Start()
	_, _ = q.Enqueue(context.Background(), "charge", []byte("order-9"))
	_, _ = q.Shutdown(context.Background())
	// Output: dead letter: charge "order-9" after 1 attempt(s): card declined
}

func ExampleOption() {
	opts := []taskq.Option{taskq.WithWorkers(2), taskq.WithQueueSize(10)}
	q := taskq.New(opts...)
	_ = q.Register("t", func(context.Context, []byte) error { return nil })
	fmt.Println(q.Start())
	_, _ = q.Shutdown(context.Background())
	// Output: <nil>
}

func ExampleQueue() {
	q := taskq.New(taskq.WithWorkers(1))
	_ = q.Register("greet", func(ctx context.Context, payload []byte) error {
		fmt.Printf("hello, %s\n", payload)
		return nil
	})
	_ = q.Start()
	for _, name := range []string{"ada", "grace"} {
		_, _ = q.Enqueue(context.Background(), "greet", []byte(name))
	}
	_, _ = q.Shutdown(context.Background())
	// Output:
	// hello, ada
	// hello, grace
}

func ExampleState_String() {
	fmt.Println(taskq.StateFailed.String())
	// Output: failed
}

func ExamplePanicError_Error() {
	err := &taskq.PanicError{Value: "boom", Stack: []byte("goroutine 7 [running]:")}
	fmt.Println(err.Error())
	// Output:
	// panic: boom
	//
	// goroutine 7 [running]:
}

func ExamplePanicError_Unwrap() {
	errBug := errors.New("bug")
	fmt.Println(errors.Is(&taskq.PanicError{Value: errBug}, errBug))
	// Output: true
}
