package activities_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// The selection heartbeats ("selecting"), so a worker that dies while it selects is noticed after
// the heartbeat timeout instead of when its two minutes run out; it selects the window's
// conversations.
func TestTheSelectionHeartbeats(t *testing.T) {
	h := newHarness(t)
	env := h.env()
	var mu sync.Mutex
	var stages []string
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		var hb activities.Heartbeat
		if details.Get(&hb) == nil {
			mu.Lock()
			stages = append(stages, hb.Stage)
			mu.Unlock()
		}
	})
	since, until := windowStart, windowStart.Add(24*time.Hour)
	val, err := env.ExecuteActivity(h.acts.StartRun, activities.StartRunInput{
		RunID: "r-selection", Input: pipeline.RunInput{Since: &since, Until: &until, Concurrency: 4},
		WindowSince: since, WindowUntil: until, StartedAt: time.Now().UTC(),
	})
	require.NoError(t, err)
	var n int
	require.NoError(t, val.Get(&n))
	assert.Positive(t, n)
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, stages, "selecting")
}
