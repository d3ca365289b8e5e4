package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/pipeline"
)

// Bookkeeping activities that do not heartbeat are noticed lost with their worker when their
// StartToCloseTimeout ends. The run's end waits for every status mirror, so a mirror lost with
// its worker may hold it up by mirrorTimeout (10 s), and the run's end itself by quickTimeout,
// not two minutes; the selection, whose work grows with a run, heartbeats and is noticed after
// the phases' heartbeat timeout. (The test environment does not time mocked activities out, so
// the timeouts are read from each attempt's start.)
func TestBookkeepingLostWithItsWorkerHoldsTheRunUpSeconds(t *testing.T) {
	const total = 200
	h := newHarnessShape(t, finishAhead, reviewAheadLate, firstMirrorAhead)
	h.mockBookkeeping(total)
	h.mockTimedExtract()
	h.mockEmbed(0)
	h.mockStories(0)
	h.run(pipeline.RunInput{Days: 30, MaxConversations: total, Concurrency: 8, CreateStories: true})
	require.Equal(t, pipeline.StatusCompleted, h.result().Status)

	want := map[string][2]time.Duration{ // StartToCloseTimeout, HeartbeatTimeout
		"SetStatus": {10 * time.Second, 0},               // a status mirror
		"FinishRun": {30 * time.Second, 0},               // the run's end
		"StartRun":  {2 * time.Minute, 20 * time.Second}, // the selection heartbeats
	}
	for name, w := range want {
		got := h.timeouts(name)
		require.NotEmpty(t, got, "no %s started", name)
		for _, g := range got {
			assert.Equal(t, w, g, "%s's timeouts", name)
		}
	}
}

// A dry run's preview makes a round of review calls per C would-be stories, which no fixed bound
// of minutes fits: it heartbeats, so a worker lost while it builds is noticed after the heartbeat
// timeout, and it may take as long as a phase instead of being cut off (and retried from scratch)
// after two minutes.
func TestThePreviewHeartbeatsAndHasAPhasesTime(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(120)
	h.mockExtract(120, nil)
	h.mockPreview(0)
	h.run(pipeline.RunInput{Days: 7, DryRun: true, CreateStories: true})
	require.Equal(t, pipeline.StatusCompleted, h.result().Status)

	assert.Equal(t, [][2]time.Duration{{2 * time.Hour, 20 * time.Second}}, h.timeouts("BuildPreview"),
		"BuildPreview's one start: its StartToCloseTimeout and HeartbeatTimeout")
}

// timeouts returns the StartToCloseTimeout and HeartbeatTimeout of each start of the activity.
func (h *harness) timeouts(name string) [][2]time.Duration {
	var out [][2]time.Duration
	for _, e := range h.eventsOf("start") {
		if e.name == name {
			out = append(out, [2]time.Duration{e.startToClose, e.heartbeat})
		}
	}
	return out
}
