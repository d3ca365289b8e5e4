package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// planRun simulates a run of n conversations under a plan: a batch of r rounds ends
// r·call + pause(batch number) after it started, and the plan hands out batches whenever slots
// are free. It returns when the last batch ended, the batches, and the most call slots in flight.
func planRun(p *extractionPlan, n int, call time.Duration, pause func(batch int) time.Duration) (end time.Duration, batches, peak int) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	type running struct {
		id    int
		units int
		until time.Duration
	}
	var now time.Duration
	var inFlight []running
	held, remaining := 0, n
	for {
		for remaining > 0 {
			units, size, _ := p.next(remaining, t0.Add(now))
			if units == 0 {
				break
			}
			size = min(size, remaining)
			remaining -= size
			rounds := (size + units - 1) / units
			id := p.take(units, size, t0.Add(now))
			inFlight = append(inFlight, running{id: id, units: units, until: now + time.Duration(rounds)*call + pause(batches)})
			batches++
			held += units
			peak = max(peak, held)
		}
		if len(inFlight) == 0 {
			return now, batches, peak
		}
		first := 0
		for i, b := range inFlight {
			if b.until < inFlight[first].until {
				first = i
			}
		}
		b := inFlight[first]
		inFlight = append(inFlight[:first], inFlight[first+1:]...)
		now = b.until
		held -= b.units
		p.release(b.id, t0.Add(now))
	}
}

// The balanced plan (finish-ahead) ends a run's extraction sooner than guided self-scheduling when
// each batch costs a pause before its calls, never holds more slots than the run's concurrency,
// and hands out fewer batches. The default benchmark's shape: 5,000 conversations, 64 slots, 1 s
// calls, 20–200 ms between a batch and its successor.
func TestBalancedPlanEndsTogether(t *testing.T) {
	const n, conc = 5000, 64
	pause := func(b int) time.Duration { return time.Duration(20+(b*37)%180) * time.Millisecond }
	guided := newExtractionPlan(extractionRunWide, conc)
	guidedEnd, guidedBatches, guidedPeak := planRun(guided, n, time.Second, pause)
	balanced := newExtractionPlan(extractionRunWide, conc)
	balanced.balanced = true
	balancedEnd, balancedBatches, balancedPeak := planRun(balanced, n, time.Second, pause)
	t.Logf("guided: %v in %d batches; balanced: %v in %d batches", guidedEnd, guidedBatches, balancedEnd, balancedBatches)

	assert.Equal(t, conc, guidedPeak)
	assert.Equal(t, conc, balancedPeak, "every slot used, none more")
	ideal := time.Duration((n+conc-1)/conc) * time.Second // 79 calls for some slot
	assert.Less(t, balancedEnd, guidedEnd-300*time.Millisecond, "the balanced plan ends sooner")
	assert.Less(t, balancedEnd, ideal+800*time.Millisecond, "within the pauses of its few batches of the ideal")
	assert.Less(t, balancedBatches, guidedBatches/2, "fewer batches, so fewer pauses")
}

// A balanced plan with nothing in flight always hands out work, so a run never waits on itself.
func TestBalancedPlanNeverWaitsAlone(t *testing.T) {
	p := newExtractionPlan(extractionRunWide, 8)
	p.balanced, p.perRound = true, time.Second
	units, size, _ := p.next(3, time.Now())
	assert.Equal(t, 4, units)
	assert.Equal(t, 4, size, "one round for the three left")
}

// A finish-ahead run whose items all succeeded skips the second pass, and its phase mirrors,
// which no longer hold the phases up, still land in the order of the phases, before the end.
func TestFinishAheadSkipsAnEmptySecondPass(t *testing.T) {
	h := newHarnessAt(t, finishAhead)
	h.mockBookkeeping(120)
	h.mockExtract(120, nil)
	h.mockEmbed(0)
	h.mockStories(0)
	h.run(pipeline.RunInput{Days: 7, CreateStories: true})
	require.Equal(t, pipeline.StatusCompleted, h.result().Status)
	assert.Zero(t, h.count("start", "RetryFailedExtractions"), "no item failed: no second pass")
	assert.Equal(t, []string{"running/extraction", "running/embedding", "running/stories"}, h.statusesMirrored())
	assert.Less(t, h.index("done", "SetStatus", 2), h.index("start", "FinishRun", 0), "the last mirror lands before the end is recorded")
}

// A finish-ahead run with a failed item still gives it its second pass.
func TestFinishAheadRetriesFailedItems(t *testing.T) {
	h := newHarnessAt(t, finishAhead)
	h.mockBookkeeping(60)
	h.env.OnActivity(acts.ExtractBatch, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ExtractBatchInput) (activities.BatchResult, error) {
			res := batchResult(in.From, in.To)
			if in.From == 0 {
				res.Counters.ExtractionFailed = 1
			}
			return res, nil
		})
	h.mockEmbed(0)
	h.mockStories(0)
	h.run(pipeline.RunInput{Days: 7, CreateStories: true, Concurrency: 64})
	require.Equal(t, pipeline.StatusCompleted, h.result().Status)
	require.Equal(t, 1, h.count("start", "RetryFailedExtractions"))
	assert.Less(t, h.index("done", "RetryFailedExtractions", 0), h.index("start", "EmbedThemes", 0))
}
