package workflows

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// mockTimedExtract mocks ExtractBatch so a batch takes one second of workflow time per round of
// calls (up to 24 rounds).
func (h *harness) mockTimedExtract() {
	for rounds := 1; rounds <= roundsPerBatch; rounds++ {
		h.env.OnActivity(acts.ExtractBatch, mock.Anything, mock.MatchedBy(func(in activities.ExtractBatchInput) bool {
			return (in.To-in.From+in.Slots-1)/in.Slots == rounds
		})).After(time.Duration(rounds) * time.Second).Return(
			func(_ context.Context, in activities.ExtractBatchInput) (activities.BatchResult, error) {
				return batchResult(in.From, in.To), nil
			})
	}
}

// newTimedRun is a harness at the finish-ahead shape and the given review-ahead version (with the
// first mirror sent ahead from the latest), whose run of total conversations extracts in batches
// of one second a round and whose embedding and stories phases end at once.
func newTimedRun(t *testing.T, ahead workflow.Version, total int) *harness {
	first := workflow.DefaultVersion
	if ahead == reviewAheadLate {
		first = firstMirrorAhead
	}
	h := newHarnessShape(t, finishAhead, ahead, first)
	h.mockBookkeeping(total)
	h.mockTimedExtract()
	h.mockEmbed(0)
	h.mockStories(0)
	return h
}

// Once every conversation of a run with stories is handed out, the first slots freed while its
// last batches still run go to one ReviewAhead, within the run's concurrency, whose review ends
// by about when the stories phase would start its own; the stories phase starts after it.
func TestReviewAheadOnTheFirstFreeSlots(t *testing.T) {
	for _, v := range []workflow.Version{reviewAheadV1, reviewAheadLate} {
		t.Run(fmt.Sprintf("version %d", v), func(t *testing.T) {
			const total, conc = 1000, 16
			h := newTimedRun(t, v, total)
			h.env.OnActivity(acts.ReviewAhead, mock.Anything, mock.Anything).After(time.Second).
				Return(activities.ReviewAheadResult{Listed: 5, Taken: 1, Calls: 1}, nil)
			h.run(pipeline.RunInput{Days: 30, MaxConversations: total, Concurrency: conc, CreateStories: true})
			require.NoError(t, h.env.GetWorkflowError())
			require.Equal(t, pipeline.StatusCompleted, h.result().Status)

			require.Equal(t, 1, h.count("start", "ReviewAhead"), "one review ahead")
			in := h.starts("ReviewAhead")[0].(*activities.ReviewAheadInput)
			assert.Positive(t, in.Slots)
			assert.Equal(t, conc, h.peakSlots(), "every slot used, the review ahead's of the run's concurrency, none more")
			extractEnd := h.lastAt("done", "ExtractBatch")
			started := h.at("start", "ReviewAhead", 0)
			assert.Greater(t, started, h.lastAt("start", "ExtractBatch"), "after the last conversations went out")
			assert.Less(t, started, extractEnd, "while batches still run")
			assert.LessOrEqual(t, h.at("done", "ReviewAhead", 0), extractEnd+aheadSlack, "ending by about when the stories phase would review")
			assert.Less(t, h.index("done", "ReviewAhead", 0), h.index("start", "BuildStories", 0))
		})
	}
}

// Runs of the shape before review-ahead and runs without stories review nothing ahead.
func TestReviewAheadOnlyWhereItPays(t *testing.T) {
	for name, c := range map[string]struct {
		ahead workflow.Version
		in    pipeline.RunInput
	}{
		"released shape": {workflow.DefaultVersion, pipeline.RunInput{Days: 30, MaxConversations: 1000, Concurrency: 16, CreateStories: true}},
		"no stories":     {reviewAheadLate, pipeline.RunInput{Days: 30, MaxConversations: 1000, Concurrency: 16}},
	} {
		t.Run(name, func(t *testing.T) {
			h := newTimedRun(t, c.ahead, 1000)
			h.run(c.in)
			require.NoError(t, h.env.GetWorkflowError())
			assert.Zero(t, h.count("start", "ReviewAhead"))
		})
	}
}

// The free slots go to the review ahead only while its review can end by about when the stories
// phase would start its own (version 1), or at most half a call after it (version 2: it holds the
// stories phase up for less than the round of calls it spares), only once, and only when calls
// take long enough to pay for listing.
func TestReviewAheadNeverHoldsTheStoriesPhaseUpLong(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		v    workflow.Version
		late time.Duration // how long after the stories phase would start its review may end
	}{{reviewAheadV1, 0}, {reviewAheadLate, 500 * time.Millisecond}} {
		t.Run(fmt.Sprintf("version %d", c.v), func(t *testing.T) {
			plan := newExtractionPlan(extractionRunWide, 8)
			plan.balanced, plan.perRound = true, time.Second
			plan.take(4, 20, t0) // 5 rounds: ends at t0+5s
			ra := &reviewAhead{enabled: true, late: c.v >= reviewAheadLate}
			assert.True(t, ra.ready(plan, t0.Add(3*time.Second)), "the first free slots: ends before the batch")
			assert.True(t, ra.ready(plan, t0.Add(4*time.Second)), "ends with the batch")
			assert.True(t, ra.ready(plan, t0.Add(4*time.Second+aheadSlack)), "ends by when the stories phase would review")
			assert.True(t, ra.ready(plan, t0.Add(4*time.Second+aheadSlack+c.late)), "ends within what it may hold the stories phase up")
			assert.False(t, ra.ready(plan, t0.Add(4*time.Second+aheadSlack+c.late+time.Millisecond)), "would hold the stories phase up too long")

			ra.started = true
			assert.False(t, ra.ready(plan, t0.Add(4*time.Second)), "once a run")
			ra.started = false
			plan.perRound = aheadMinCall - time.Millisecond
			assert.False(t, ra.ready(plan, t0.Add(5*time.Second-plan.perRound)), "short calls: not worth a listing")
			plan.perRound = time.Second
			plan.free = 0
			assert.False(t, ra.ready(plan, t0.Add(4*time.Second)), "no free slot")
		})
	}
}

// A stop while the review ahead runs cancels it and ends the run stopped, with no stories phase.
func TestStopDuringReviewAhead(t *testing.T) {
	const total, conc = 1000, 16
	h := newTimedRun(t, reviewAheadLate, total)
	h.env.OnActivity(acts.ReviewAhead, mock.Anything, mock.Anything).After(time.Hour).Return(activities.ReviewAheadResult{}, nil)
	h.stopAt(2*time.Minute, nil) // extraction's last batch ends after about a minute
	h.run(pipeline.RunInput{Days: 30, MaxConversations: total, Concurrency: conc, CreateStories: true})
	require.NoError(t, h.env.GetWorkflowError())
	assert.Equal(t, pipeline.StatusStopped, h.result().Status)
	require.Equal(t, 1, h.count("start", "ReviewAhead"))
	assert.Equal(t, 1, h.count("cancel", "ReviewAhead"), "the review ahead is cancelled")
	assert.Less(t, h.lastAt("done", "ExtractBatch"), 2*time.Minute, "every batch ended before the stop")
	assert.Zero(t, h.count("start", "BuildStories"))
}
