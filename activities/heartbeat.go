package activities

import (
	"context"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/activity"
)

// heartbeatInterval is how often long activities report progress. Cancellation (a stop) reaches
// an activity only through a heartbeat, so this bounds how late a stop is noticed.
const heartbeatInterval = time.Second

// keepBeating heartbeats progress every interval until the returned stop is called.
func keepBeating(ctx context.Context, progress *atomic.Int64) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(heartbeatInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx, progress.Load())
			}
		}
	}()
	return func() { close(done) }
}
