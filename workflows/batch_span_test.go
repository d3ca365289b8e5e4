package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// A time-sized plan's batches last about batchSpan once calls are timed, within their bounds;
// before calls are timed, and in plans of the shapes before, they make roundsPerBatch.
func TestMaxRoundsFollowTheCallTime(t *testing.T) {
	p := newExtractionPlan(extractionRunWide, 64)
	p.balanced, p.spanSized = true, true
	for _, c := range []struct {
		perRound time.Duration
		want     int
	}{{0, roundsPerBatch}, {time.Second, roundsPerBatch}, {1100 * time.Millisecond, roundsPerBatch},
		{100 * time.Millisecond, 100}, {time.Millisecond, maxRoundsPerBatch}} {
		p.perRound = c.perRound
		assert.Equal(t, c.want, p.maxRounds(), "calls of %v", c.perRound)
	}
	p.spanSized, p.perRound = false, time.Millisecond
	assert.Equal(t, roundsPerBatch, p.maxRounds(), "shapes before batch-span")

	// The run's batches hold at most maxConversationsInFlight conversations at once.
	for conc, want := range map[int]int{64: maxRoundsPerBatch, 128: 128, 512: 32, 1024: roundsPerBatch} {
		wide := newExtractionPlan(extractionRunWide, conc)
		wide.balanced, wide.spanSized, wide.perRound = true, true, time.Millisecond
		assert.Equal(t, want, wide.maxRounds(), "concurrency %d", conc)
	}
}

// With fast calls a time-sized plan hands out a few long batches instead of many short ones, so
// the run pays fewer pauses between a batch and its successor and ends sooner, still never
// holding more slots than its concurrency. (10,000 conversations at 64 slots, calls of 100 ms,
// 30 ms between a batch and its successor: a busy two-core machine's cpu benchmark.)
func TestFastCallsMakeLongerBatches(t *testing.T) {
	const n, conc = 10000, 64
	call := 100 * time.Millisecond
	pause := func(int) time.Duration { return 30 * time.Millisecond }
	before := newExtractionPlan(extractionRunWide, conc)
	before.balanced = true
	endBefore, batchesBefore, _ := planRun(before, n, call, pause)
	sized := newExtractionPlan(extractionRunWide, conc)
	sized.balanced, sized.spanSized = true, true
	endSized, batchesSized, peak := planRun(sized, n, call, pause)
	t.Logf("rounds of at most %d: %v in %d batches; time-sized: %v in %d batches",
		roundsPerBatch, endBefore, batchesBefore, endSized, batchesSized)

	assert.Equal(t, conc, peak, "every slot used, none more")
	assert.Less(t, batchesSized, batchesBefore/2)
	assert.Less(t, endSized, endBefore)
	ideal := time.Duration((n+conc-1)/conc) * call
	assert.Less(t, endSized, ideal+time.Second)
}

// The workflow sizes its batches by time from the batch-span version on; a run of the shapes
// before (replayed during a deploy) keeps batches of roundsPerBatch.
func TestRunsSizeBatchesByTimeFromBatchSpan(t *testing.T) {
	for name, c := range map[string]struct {
		v       workflow.Version
		longest int
	}{
		"batch-span":   {batchSpanV1, slotsPerBatch * maxRoundsPerBatch},
		"shape before": {workflow.DefaultVersion, slotsPerBatch * roundsPerBatch},
	} {
		t.Run(name, func(t *testing.T) {
			const total, conc = 20000, 64
			h := newHarnessAt(t, finishAhead)
			h.env.OnGetVersion(batchSpanChange, workflow.DefaultVersion, batchSpanV1).Return(c.v)
			h.mockBookkeeping(total)
			h.env.OnActivity(acts.ExtractBatch, mock.Anything, mock.Anything).Return(
				func(_ context.Context, in activities.ExtractBatchInput) (activities.BatchResult, error) {
					return activities.BatchResult{Items: in.To - in.From}, nil
				}).After(100 * time.Millisecond)
			h.mockEmbed(0)
			h.run(pipeline.RunInput{Days: 30, MaxConversations: total, Concurrency: conc})
			require.NoError(t, h.env.GetWorkflowError())
			longest, covered := 0, 0
			for _, r := range h.extractRanges() {
				longest = max(longest, r[1]-r[0])
				covered += r[1] - r[0]
			}
			assert.Equal(t, c.longest, longest)
			assert.Equal(t, total, covered, "every conversation in exactly one batch")
			assert.LessOrEqual(t, h.peakSlots(), conc)
		})
	}
}
