package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
)

// IndexRuns gives a fresh run index every live run and the newest ended ones, up to the
// retention in all, oldest first; live runs are never left out.
func TestIndexRunsKeepsLiveRunsAndNewestEnded(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	start := base
	add := func(id, status string, minutes int) {
		at := start.Add(time.Duration(minutes) * time.Minute)
		require.NoError(t, st.CreateRun(ctx, store.Run{
			ID: id, Status: "running", Phase: "extraction", Concurrency: 1,
			WindowSince: base, WindowUntil: base, StartedAt: at,
		}))
		if status != "running" {
			_, err := st.FinishRun(ctx, id, status, "extraction", "", at.Add(time.Minute))
			require.NoError(t, err)
		}
	}
	add("ended-1", "completed", 1)
	add("live-old", "running", 2)
	add("ended-2", "failed", 3)
	add("ended-3", "stopped", 4)
	add("ended-4", "completed", 5)
	add("live-new", "running", 6)

	ids := func(retention int) []string {
		runs, err := st.IndexRuns(ctx, retention)
		require.NoError(t, err)
		var out []string
		for _, r := range runs {
			out = append(out, r.ID)
		}
		return out
	}
	assert.Equal(t, []string{"ended-1", "live-old", "ended-2", "ended-3", "ended-4", "live-new"}, ids(100))
	assert.Equal(t, []string{"live-old", "ended-3", "ended-4", "live-new"}, ids(4), "the newest ended runs fill what the live ones leave")
	assert.Equal(t, []string{"live-old", "live-new"}, ids(1), "live runs are never left out")
}
