package testenv

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// Schedule creates a Temporal Schedule with c (a client of the test namespace) and deletes it
// when the test ends, so no schedule outlives its test. The schedule's ID is made unique.
func Schedule(t testing.TB, c client.Client, opts client.ScheduleOptions) client.ScheduleHandle {
	t.Helper()
	opts.ID = UniqueName(opts.ID)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	h, err := c.ScheduleClient().Create(ctx, opts)
	if err != nil {
		t.Fatalf("create schedule %s: %v", opts.ID, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := h.Delete(ctx); err != nil {
			t.Logf("delete schedule %s: %v", opts.ID, err)
		}
	})
	return h
}
