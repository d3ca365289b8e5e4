package activities_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// The selection heartbeats ("selecting"), so a worker that dies while it selects is noticed after
// the heartbeat timeout instead of when its two minutes run out; it selects the window's
// conversations.
func TestTheSelectionHeartbeats(t *testing.T) {
	h := newHarness(t)
	env := h.env()
	stages := heartbeatStages(env)
	since, until := windowStart, windowStart.Add(24*time.Hour)
	val, err := env.ExecuteActivity(h.acts.StartRun, activities.StartRunInput{
		RunID: "r-selection", Input: pipeline.RunInput{Since: &since, Until: &until, Concurrency: 4},
		WindowSince: since, WindowUntil: until, StartedAt: time.Now().UTC(),
	})
	require.NoError(t, err)
	var n int
	require.NoError(t, val.Get(&n))
	assert.Positive(t, n)
	assert.Contains(t, stages(), "selecting")
}
