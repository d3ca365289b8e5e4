package workflows

import "go.temporal.io/sdk/workflow"

// The extraction phase's shape. Version 1 (run-wide slots) makes the run's concurrency the run's,
// not each worker's: the workflow hands out the run's C call slots to batch activities, at most
// slotsPerBatch to one, and starts a batch only when slots are free, so at most C LLM calls are
// in flight for the run however many workers execute its batches, also while a dead worker's
// batch waits for its heartbeat timeout (its slots stay taken until it is retried or ends).
// DefaultVersion is the shape released before it (fixed batches, each worker limiting calls by
// itself), kept so runs in flight during a deploy replay.
const (
	extractionShapeChange = "extraction-run-wide-slots"
	extractionRunWide     = workflow.Version(1)
)

// Version 1 of the second-pass change retries, once every batch ended, the items whose calls
// failed for a transient reason; runs of the shape released before it skip the pass.
const (
	secondPassChange = "extraction-second-pass"
	secondPass       = workflow.Version(1)
)

// Version 1 of the background-embedding change embeds the themes stored so far while extraction
// goes on (one EmbedThemes at a time, each taking what has no vector yet), so the embedding phase
// after extraction only embeds the last batches' themes. Runs of the shape released before it
// embed everything after extraction.
const (
	backgroundEmbedChange = "embed-during-extraction"
	backgroundEmbed       = workflow.Version(1)
)

// backgroundEmbedEvery is how many conversations extraction finishes between two background
// embeddings: enough to fill a good part of one embeddings request, few enough events in history.
const backgroundEmbedEvery = 1000

// slotsPerBatch is the most LLM calls one batch activity makes at once; roundsPerBatch how many
// calls each of its slots makes at most, so a batch takes about roundsPerBatch model latencies
// and the pause between a batch and its successor stays a small share of the slot's time.
// Towards the end of the selection batches shrink (guided self-scheduling: each takes about half
// its share of what remains, at least one call per slot), so all slots finish within about one
// model latency of each other instead of some idling while others run a last full batch.
const (
	slotsPerBatch  = 4
	roundsPerBatch = 24
)

// ExtractBatchSize is the most conversations one extraction activity of the released shape
// (DefaultVersion) takes.
const ExtractBatchSize = 50

// legacyBatchSize is DefaultVersion's batch size: 4 per concurrency slot, at least 5, at most 50.
func legacyBatchSize(concurrency int) int { return min(ExtractBatchSize, max(5, 4*concurrency)) }

// extractionPlan hands out batches: each takes some units of the run's capacity and gives them
// back when it ends.
type extractionPlan struct {
	runWide bool
	free    int // units not held by a batch in flight: call slots (run-wide) or batches (legacy)
	conc    int
}

func newExtractionPlan(v workflow.Version, concurrency int) *extractionPlan {
	if v >= extractionRunWide {
		return &extractionPlan{runWide: true, free: concurrency, conc: concurrency}
	}
	size := legacyBatchSize(concurrency)
	return &extractionPlan{free: max(3, 4*concurrency/size+1), conc: concurrency}
}

// next returns the units and the number of conversations of the next batch, given how many
// conversations remain unassigned; zero units when none may start now. slots is what the
// activity is told it may use (0 in the legacy shape).
func (p *extractionPlan) next(remaining int) (units, size, slots int) {
	if p.free <= 0 {
		return 0, 0, 0
	}
	if !p.runWide {
		return 1, legacyBatchSize(p.conc), 0
	}
	units = min(slotsPerBatch, p.free)
	rounds := min(roundsPerBatch, max(1, (remaining+2*p.conc-1)/(2*p.conc)))
	return units, units * rounds, units
}

func (p *extractionPlan) take(units int)    { p.free -= units }
func (p *extractionPlan) release(units int) { p.free += units }
