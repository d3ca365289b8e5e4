package activities

import (
	"context"
	"time"
)

// RunStateSweepInterval is how often a worker drops the per-run state (signature caches) of runs
// that ended: the run's FinishRun drops it on the worker that executes it, the sweep on every
// other worker.
const RunStateSweepInterval = 15 * time.Second

// sweepEndedRuns drops this worker's state of runs that ended, and returns how many it dropped.
func (a *Activities) sweepEndedRuns(ctx context.Context) (int, error) {
	held := a.Signatures.Held()
	if len(held) == 0 {
		return 0, nil
	}
	ctx, cancel := dbContext(ctx)
	defer cancel()
	ended, err := a.Store.EndedRuns(ctx, held)
	if err != nil {
		return 0, err
	}
	for _, id := range ended {
		a.dropRun(id)
	}
	return len(ended), nil
}

// KeepSweeping sweeps the worker's state of ended runs every interval until ctx ends. It is a
// function, not a method, so the worker does not register it as an activity.
func KeepSweeping(ctx context.Context, a *Activities, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := a.sweepEndedRuns(ctx); err != nil {
				a.Logger.Warn("sweep state of ended runs", "error", err)
			} else if n > 0 {
				a.Logger.Debug("dropped state of ended runs", "runs", n)
			}
		}
	}
}
