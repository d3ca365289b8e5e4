package workflows

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// Bookkeeping activities that do not heartbeat are noticed lost with their worker when their
// StartToCloseTimeout ends. The run's end waits for every status mirror, so a mirror lost with
// its worker may hold it up by mirrorTimeout (10 s), and the run's end itself by quickTimeout,
// not two minutes; the selection, whose work grows with a run, heartbeats and is noticed after
// the phases' heartbeat timeout. (The test environment does not time mocked activities out, so
// the timeouts are read where they are set.)
func TestBookkeepingLostWithItsWorkerHoldsTheRunUpSeconds(t *testing.T) {
	const total = 200
	h := newHarnessShape(t, finishAhead, reviewAheadLate, firstMirrorAhead)
	var mu sync.Mutex
	timeouts, heartbeats := map[string][]time.Duration{}, map[string][]time.Duration{}
	record := func(ctx context.Context) {
		info := activity.GetInfo(ctx)
		mu.Lock()
		defer mu.Unlock()
		timeouts[info.ActivityType.Name] = append(timeouts[info.ActivityType.Name], info.StartToCloseTimeout)
		heartbeats[info.ActivityType.Name] = append(heartbeats[info.ActivityType.Name], info.HeartbeatTimeout)
	}
	h.env.OnActivity(acts.StartRun, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.StartRunInput) (int, error) {
		record(ctx)
		return total, nil
	})
	h.env.OnActivity(acts.SetStatus, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.SetStatusInput) error {
		record(ctx)
		return nil
	})
	h.env.OnActivity(acts.FinishRun, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.FinishRunInput) (activities.FinishResult, error) {
		record(ctx)
		return activities.FinishResult{Counters: finalCounters}, nil
	})
	h.mockTimedExtract()
	h.mockEmbed(0)
	h.mockStories(0)
	h.run(pipeline.RunInput{Days: 30, MaxConversations: total, Concurrency: 8, CreateStories: true})
	require.Equal(t, pipeline.StatusCompleted, h.result().Status)

	require.NotEmpty(t, timeouts["SetStatus"])
	for _, d := range timeouts["SetStatus"] {
		assert.Equal(t, 10*time.Second, d, "a status mirror")
	}
	assert.Equal(t, []time.Duration{30 * time.Second}, timeouts["FinishRun"], "the run's end")
	assert.Equal(t, []time.Duration{2 * time.Minute}, timeouts["StartRun"], "the selection")
	assert.Equal(t, []time.Duration{20 * time.Second}, heartbeats["StartRun"], "the selection heartbeats")
	assert.Equal(t, []time.Duration{0}, heartbeats["FinishRun"], "the run's end does not")
}
