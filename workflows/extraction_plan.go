package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

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
	// balanced sizes the batches near the end so the run's slots end together (finish-ahead
	// version): see next.
	balanced bool
	// spanSized sizes batches by time once calls are timed (batch-span version): see maxRounds.
	spanSized bool
	perRound  time.Duration // how long one call of a slot takes, from the batches that ended
	inFlight  map[int]plannedBatch
	lastID    int
}

// plannedBatch is a batch in flight as the plan sees it.
type plannedBatch struct {
	units, rounds int
	start         time.Time
	reviews       bool // review calls (review-ahead): not learnt from, their time includes listing
}

func newExtractionPlan(v workflow.Version, concurrency int) *extractionPlan {
	if v >= extractionRunWide {
		return &extractionPlan{runWide: true, free: concurrency, conc: concurrency, inFlight: map[int]plannedBatch{}}
	}
	size := legacyBatchSize(concurrency)
	return &extractionPlan{free: max(3, 4*concurrency/size+1), conc: concurrency, inFlight: map[int]plannedBatch{}}
}

// next returns the units and the number of conversations of the next batch, given how many
// conversations remain unassigned and the time now; zero units when none may start now. slots is
// what the activity is told it may use (0 in the legacy shape).
//
// A run-wide batch makes at most maxRounds calls per slot (roundsPerBatch, or more with fast calls
// in the batch-span version). Before any batch ended, and in
// runs of the shapes released before finish-ahead, it takes half its share of what remains
// (guided self-scheduling). A balanced plan, once batches ended and tell how long a call takes,
// finds the earliest time by which the free slots, and the batches in flight after they end, can
// make every remaining call, and gives the batch the rounds that end by then: near the end every
// batch ends within about one call of the others, and the calls of a last partial round go to the
// slots free first, instead of batches of one round each taking the last calls in turn, as they
// free up, each after the pause between a batch and its successor. A batch whose slots would end
// no round by then waits (zero units) while others are in flight: they make those calls sooner.
func (p *extractionPlan) next(remaining int, now time.Time) (units, size, slots int) {
	if p.free <= 0 {
		return 0, 0, 0
	}
	if !p.runWide {
		return 1, legacyBatchSize(p.conc), 0
	}
	units = min(slotsPerBatch, p.free)
	rounds := min(p.maxRounds(), max(1, (remaining+2*p.conc-1)/(2*p.conc)))
	if p.balanced && p.perRound > 0 {
		rounds = p.balancedRounds(remaining, now)
		if rounds == 0 {
			return 0, 0, 0
		}
	}
	return units, units * rounds, units
}

// balancedRounds is how many rounds a batch starting now makes to end by the earliest time the
// run's slots can make the remaining calls (see next); 0 when it should wait.
func (p *extractionPlan) balancedRounds(remaining int, now time.Time) int {
	most := p.maxRounds()
	horizon := time.Duration(most) * p.perRound
	if p.capacity(horizon, now) < remaining {
		return most
	}
	lo, hi := time.Duration(0), horizon // capacity(lo) < remaining <= capacity(hi)
	for hi-lo > time.Millisecond {
		mid := lo + (hi-lo)/2
		if p.capacity(mid, now) >= remaining {
			hi = mid
		} else {
			lo = mid
		}
	}
	rounds := int(hi / p.perRound)
	if rounds == 0 && len(p.inFlight) == 0 {
		rounds = 1
	}
	return rounds
}

// capacity is how many calls the free slots, and the batches in flight once they end (one past
// its expected end is taken to end now), make within d from now. (A sum: the order inFlight is
// read in does not matter.)
func (p *extractionPlan) capacity(d time.Duration, now time.Time) int {
	n := p.free * int(d/p.perRound)
	for _, b := range p.inFlight {
		busy := max(0, b.start.Add(time.Duration(b.rounds)*p.perRound).Sub(now))
		if d > busy {
			n += b.units * int((d-busy)/p.perRound)
		}
	}
	return n
}

// take holds units for a batch of size conversations started now; its handle is for release.
func (p *extractionPlan) take(units, size int, now time.Time) int {
	p.free -= units
	p.lastID++
	p.inFlight[p.lastID] = plannedBatch{units: units, rounds: (size + units - 1) / units, start: now}
	return p.lastID
}

// itemsEnd is when the last batch of conversations in flight is expected to end; zero when none
// is in flight.
func (p *extractionPlan) itemsEnd() time.Time {
	var end time.Time
	for _, b := range p.inFlight {
		if e := b.start.Add(time.Duration(b.rounds) * p.perRound); !b.reviews && e.After(end) {
			end = e
		}
	}
	return end
}

// takeReviews holds units for a batch of one review call per unit started now.
func (p *extractionPlan) takeReviews(units int, now time.Time) int {
	id := p.take(units, units, now)
	b := p.inFlight[id]
	b.reviews = true
	p.inFlight[id] = b
	return id
}

// release gives a batch's units back when it ended now, and learns from it how long a call takes
// (a moving average, so one batch of cached themes that made no call does not decide it).
func (p *extractionPlan) release(id int, now time.Time) {
	b := p.inFlight[id]
	delete(p.inFlight, id)
	p.free += b.units
	if b.rounds == 0 || b.reviews {
		return
	}
	took := now.Sub(b.start) / time.Duration(b.rounds)
	if p.perRound == 0 {
		p.perRound = took
	} else {
		p.perRound = (3*p.perRound + took) / 4
	}
}
