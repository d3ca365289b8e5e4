package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// Version 1 of the batch-span change sizes a run's batches by time once calls are timed: a batch
// makes as many rounds as last about batchSpan (at least roundsPerBatch, at most
// maxRoundsPerBatch). With calls of a second or more, as from a hosted model, that is
// roundsPerBatch, as before. With fast calls (a cached or local model, or many calls queueing
// on a busy machine) a batch of roundsPerBatch lasted a second or two, and the run spent its
// time on hand-overs: every batch is a scheduled activity, a load, an account and a workflow
// task. In the `cpu` benchmark (10,000 conversations, 1 ms calls, two cores) the run's history
// went from 59 to 30–32 events per 1,000 conversations and Temporal's CPU per conversation was
// lower in six of seven alternating pairs; its throughput gain was within the hour's noise. Runs
// of the shapes released before it keep roundsPerBatch.
const (
	batchSpanChange = "extraction-batch-span"
	batchSpanV1     = workflow.Version(1)
)

// batchSpan is about how long a batch lasts with fast calls. maxRoundsPerBatch bounds a batch's
// rounds (a batch of slotsPerBatch·maxRoundsPerBatch conversations loads them in one query), and
// maxConversationsInFlight the conversations the run's batches hold at once, which worker memory
// follows: at --concurrency 64 a batch may grow to 240 rounds, at 512 to 32 (never below
// roundsPerBatch).
const (
	batchSpan                = 10 * time.Second
	maxRoundsPerBatch        = 240
	maxConversationsInFlight = 16384
)

// maxRounds is the most rounds a batch makes now: roundsPerBatch, or in a time-sized plan with
// calls timed, the rounds of about batchSpan within the bounds above.
func (p *extractionPlan) maxRounds() int {
	if !p.spanSized || p.perRound <= 0 {
		return roundsPerBatch
	}
	most := min(maxRoundsPerBatch, maxConversationsInFlight/max(p.conc, 1))
	return max(roundsPerBatch, min(most, int(batchSpan/p.perRound)))
}
