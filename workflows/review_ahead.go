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
const (
	reviewAheadChange = "stories-review-ahead"
	reviewAheadV1     = workflow.Version(1)
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
	started bool
}

func (r *run) reviewAhead(runWide bool) *reviewAhead {
	v := workflow.GetVersion(r.ctx, reviewAheadChange, workflow.DefaultVersion, reviewAheadV1)
	return &reviewAhead{r: r, enabled: v >= reviewAheadV1 && r.finishAhead && runWide &&
		r.in.CreateStories && !r.in.DryRun && r.status.Total <= aheadMaxConversations}
}

// ready says whether, every conversation being handed out, the free slots go to the review ahead
// now: batches of conversations are still in flight, and a review started now ends by about when
// the stories phase would start its own.
func (ra *reviewAhead) ready(plan *extractionPlan, now time.Time) bool {
	if !ra.enabled || ra.started || plan.free == 0 || plan.perRound < aheadMinCall {
		return false
	}
	end := plan.itemsEnd()
	return !end.IsZero() && !now.Add(plan.perRound).After(end.Add(aheadSlack))
}

// start starts the review ahead on n call slots.
func (ra *reviewAhead) start(n int) workflow.Future {
	ra.started = true
	return workflow.ExecuteActivity(phaseOptions(ra.r.workCtx), acts.ReviewAhead,
		activities.ReviewAheadInput{RunID: ra.r.status.RunID, Slots: n})
}
