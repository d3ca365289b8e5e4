package integration

import (
	"testing"
	"time"
)

// Two worker processes on one task queue and calls of 400 ms: the run lists its story groups on
// the call slots its last batches free first and reviews ahead what fits there; it completes with
// every conversation accounted once, the calls in flight within its concurrency, and each
// candidate group reviewed at most once more than its verdict (a review ahead of a group that
// changed since), never more than the slots the review ahead held.
func TestTwoWorkersReviewAhead(t *testing.T) {
	const conc = 16
	f := newFleet(t, 400*time.Millisecond)
	f.start("worker-0")
	f.start("worker-1")
	in := allTime()
	in.Concurrency = conc
	id := f.run(in)
	f.completedWithin(id, conc)
	listed := f.count(`SELECT count(*) FROM run_review_ahead WHERE run_id = $1`, id)
	if listed == 0 {
		t.Fatalf("the run made no review-ahead list\n%s", f.logTails())
	}
	verdicts := f.count(`SELECT count(*) FROM run_group_reviews WHERE run_id = $1`, id)
	calls := f.count(`SELECT coalesce(sum(llm_calls), 0)::int FROM run_llm_usage WHERE run_id = $1 AND phase = 'stories'`, id)
	if calls < verdicts || calls > verdicts+conc {
		t.Errorf("%d review calls for %d reviewed groups (%d listed ahead)", calls, verdicts, listed)
	}
	t.Logf("%d groups listed ahead, %d reviewed, %d review calls", listed, verdicts, calls)
}
