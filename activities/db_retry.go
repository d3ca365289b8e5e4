package activities

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"feedbackpipe/store"
)

// dbRetry bounds how a database call that failed for a transient reason (store.Transient: a
// serialization failure, a deadlock, a dropped connection, a restarting server) is tried again
// within an activity. Eight attempts with doubling delays from 200 ms up to 5 s span about 20 s,
// long enough for a Postgres restart; a failure that outlasts them fails the activity, which
// Temporal retries. Only errors of the data itself are left to the caller at once.
type dbRetry struct {
	Attempts int
	First    time.Duration
	Max      time.Duration
	Timeout  time.Duration // bound of each attempt
}

func defaultDBRetry() dbRetry {
	return dbRetry{Attempts: 8, First: 200 * time.Millisecond, Max: 5 * time.Second, Timeout: dbTimeout}
}

// loadThemesTimeout bounds one load of a run's whole set (its themes with their vectors, its
// extractions: one query, big for a big run), where every other database call has dbTimeout.
const loadThemesTimeout = 5 * time.Minute

// loadDBRetry is defaultDBRetry for a load of a run's whole set: each attempt has
// loadThemesTimeout.
func loadDBRetry() dbRetry {
	r := defaultDBRetry()
	r.Timeout = loadThemesTimeout
	return r
}

// retried runs call under r as r.do does and returns what its successful attempt returned.
func retried[T any](ctx context.Context, r dbRetry, logger *slog.Logger, what string, call func(ctx context.Context) (T, error)) (T, error) {
	var v T
	err := r.do(ctx, logger, what, func(ctx context.Context) (err error) {
		v, err = call(ctx)
		return err
	})
	return v, err
}

// getRun reads the run's row under defaultDBRetry.
func (a *Activities) getRun(ctx context.Context, runID string) (*store.Run, error) {
	return retried(ctx, defaultDBRetry(), a.Logger, "read the run", func(ctx context.Context) (*store.Run, error) {
		return a.Store.GetRun(ctx, runID)
	})
}

// do runs call, each attempt under its own timeout, until it succeeds, fails for a reason that is
// not transient, the attempts run out, or ctx ends (then ctx's error is returned).
func (r dbRetry) do(ctx context.Context, logger *slog.Logger, what string, call func(ctx context.Context) error) error {
	delay := r.First
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, r.Timeout)
		err := call(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !store.Transient(err) {
			return err
		}
		if attempt >= r.Attempts {
			return fmt.Errorf("%s: still failing after %d attempts: %w", what, attempt, err)
		}
		wait := delay/2 + rand.N(delay/2+1) // jitter, so writers that collided do not collide again
		logger.Warn("database call failed for a transient reason; retrying", "call", what, "attempt", attempt,
			"retry_in", wait, "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		delay = min(2*delay, r.Max)
	}
}
