//go:build go1.25

package wait_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/blockcheck/blockcheck/shim/wait"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestSleep(t *testing.T) {
	t.Run("full", func(t *testing.T) {
		start := time.Now()
		require.NoError(t, wait.Sleep(context.Background(), 5*time.Millisecond))
		assert.GreaterOrEqual(t, time.Since(start), 5*time.Millisecond)
	})
	t.Run("cancelled during sleep", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- wait.Sleep(ctx, time.Hour) }()
		cancel()
		select {
		case err := <-done:
			require.ErrorIs(t, err, context.Canceled)
		case <-time.After(10 * time.Second):
			t.Fatal("Sleep did not return after cancel")
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		require.ErrorIs(t, wait.Sleep(ctx, time.Hour), context.Canceled)
		require.ErrorIs(t, wait.Sleep(ctx, 0), context.Canceled)
	})
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		require.ErrorIs(t, wait.Sleep(ctx, time.Hour), context.DeadlineExceeded)
	})
	t.Run("non-positive", func(t *testing.T) {
		require.NoError(t, wait.Sleep(context.Background(), 0))
		require.NoError(t, wait.Sleep(context.Background(), -time.Second))
	})
}

func TestSend(t *testing.T) {
	t.Run("delivers", func(t *testing.T) {
		ch := make(chan int, 1)
		require.NoError(t, wait.Send(context.Background(), ch, 7))
		assert.Equal(t, 7, <-ch)
	})
	t.Run("blocked send cancelled", func(t *testing.T) {
		ch := make(chan int) // nobody receives
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- wait.Send(ctx, ch, 1) }()
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
	})
	t.Run("already cancelled does not send", func(t *testing.T) {
		ch := make(chan int, 1)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		require.ErrorIs(t, wait.Send(ctx, ch, 1), context.Canceled)
		assert.Empty(t, ch)
	})
}

func TestRecv(t *testing.T) {
	t.Run("receives", func(t *testing.T) {
		ch := make(chan string, 1)
		ch <- "x"
		v, err := wait.Recv(context.Background(), ch)
		require.NoError(t, err)
		assert.Equal(t, "x", v)
	})
	t.Run("closed", func(t *testing.T) {
		ch := make(chan int, 1)
		ch <- 3
		close(ch)
		v, err := wait.Recv(context.Background(), ch)
		require.NoError(t, err, "buffered values come first")
		assert.Equal(t, 3, v)
		v, err = wait.Recv(context.Background(), ch)
		require.ErrorIs(t, err, wait.ErrClosed)
		assert.Zero(t, v)
	})
	t.Run("blocked receive cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := wait.Recv(ctx, make(chan int))
			done <- err
		}()
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
	})
	t.Run("already cancelled does not receive", func(t *testing.T) {
		ch := make(chan int, 1)
		ch <- 1
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := wait.Recv(ctx, ch)
		require.ErrorIs(t, err, context.Canceled)
		assert.Len(t, ch, 1)
	})
}

func TestWait(t *testing.T) {
	t.Run("group finishes", func(t *testing.T) {
		var wg sync.WaitGroup
		release := make(chan struct{})
		wg.Go(func() { <-release })
		done := make(chan error, 1)
		go func() { done <- wait.Wait(context.Background(), &wg) }()
		close(release)
		require.NoError(t, <-done)
	})
	t.Run("context ends first; helper ends with the group", func(t *testing.T) {
		var wg sync.WaitGroup
		release := make(chan struct{})
		wg.Go(func() { <-release })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		require.ErrorIs(t, wait.Wait(ctx, &wg), context.Canceled)

		ctx, cancel = context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- wait.Wait(ctx, &wg) }()
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
		close(release) // lets the helper goroutine end; goleak checks it did
		wg.Wait()
	})
	t.Run("empty group", func(t *testing.T) {
		var wg sync.WaitGroup
		require.NoError(t, wait.Wait(context.Background(), &wg))
	})
}
