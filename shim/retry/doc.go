// Package retry retries an operation with exponential backoff and full jitter,
// and stops as soon as the context ends.
//
// It replaces hand-written retry loops around time.Sleep, which blockcheck
// reports (sleep, nocancel) because they keep retrying for a client that has
// already gone away:
//
//	err := retry.Do(ctx, retry.Policy{Attempts: 5}, func(ctx context.Context) error {
//		resp, err := client.Do(req.WithContext(ctx))
//		if err != nil {
//			return err // retried
//		}
//		defer resp.Body.Close()
//		if resp.StatusCode == http.StatusBadRequest {
//			return retry.Permanent(errBadRequest) // not retried
//		}
//		return nil
//	})
//
// The wait before retry n is drawn uniformly from [0, min(Max, Base·Multiplier^(n-1))]
// ("full jitter"), which spreads out clients that failed together. Waits use
// a stopped timer and return early when the context ends.
package retry
