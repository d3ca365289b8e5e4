package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
)

// Version 1 of the review-ahead change reviews some story groups on the call slots extraction's
// last batches free first (activities/review_ahead.go): once every conversation is handed out, the
// first slots freed while batches of conversations are still in flight go to one ReviewAhead, when
// its review would end by about when the stories phase starts its own. It reviews the groups that
// would make the stories phase's last round of review calls, when the slots suffice. Runs of the
// shapes released before it, dry runs and runs without stories review everything in the stories
// phase. Its recorded histories have the prefix 20261203_review_ahead.
//
// Version 2 also starts the review ahead when it would end up to half a call after the stories
// phase would start its own: the stories phase then waits for it, but less than the round of calls
// it spares. Version 1 gave up as soon as the review ahead would hold the stories phase up at all,
// and a seed run whose first free slots came 35 ms too late reviewed in three rounds instead of
// two (90.4 s instead of 89.6 s). Its recorded histories have the prefix 20261204_ahead_late.
const (
	reviewAheadChange = "stories-review-ahead"
	reviewAheadV1     = workflow.Version(1)
	reviewAheadLate   = workflow.Version(2)
)

// Reviewing ahead pays when a call takes long against grouping the run's themes once more (to make
// the list): the run reviews ahead when its calls take at least aheadMinCall (as the plan learnt
// it) and it has at most aheadMaxConversations, which also keeps that grouping's memory small
// beside the extraction's. aheadSlack is about how long after extraction's end the stories phase
// starts its reviews (the phase changes, loading and grouping): a review ahead that ends by then
// holds nothing up.
const (
	aheadMinCall          = 250 * time.Millisecond
	aheadMaxConversations = 20000
	aheadSlack            = 300 * time.Millisecond
)

// reviewAhead is the extraction loop's account of its review ahead.
type reviewAhead struct {
	r       *run
	enabled bool
	late    bool // version 2: it may end up to half a call after the stories phase would start
	started bool
}

func (r *run) reviewAhead(runWide bool) *reviewAhead {
	v := workflow.GetVersion(r.ctx, reviewAheadChange, workflow.DefaultVersion, reviewAheadLate)
	return &reviewAhead{r: r, late: v >= reviewAheadLate, enabled: v >= reviewAheadV1 && r.finishAhead && runWide &&
		r.in.CreateStories && !r.in.DryRun && r.status.Total <= aheadMaxConversations}
}

// ready says whether, every conversation being handed out, the free slots go to the review ahead
// now: batches of conversations are still in flight, and a review started now ends by about when
// the stories phase would start its own (version 1), or at most half a call after (version 2).
func (ra *reviewAhead) ready(plan *extractionPlan, now time.Time) bool {
	if !ra.enabled || ra.started || plan.free == 0 || plan.perRound < aheadMinCall {
		return false
	}
	end := plan.itemsEnd()
	if end.IsZero() {
		return false
	}
	deadline := end.Add(aheadSlack)
	if ra.late {
		deadline = deadline.Add(plan.perRound / 2)
	}
	return !now.Add(plan.perRound).After(deadline)
}

// start starts the review ahead on n call slots.
func (ra *reviewAhead) start(n int) workflow.Future {
	ra.started = true
	return workflow.ExecuteActivity(phaseOptions(ra.r.workCtx), acts.ReviewAhead,
		activities.ReviewAheadInput{RunID: ra.r.status.RunID, Slots: n})
}
