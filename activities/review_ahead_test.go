package activities_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/activities"
)

func (h *harness) reviewAhead(runID string, slots int) activities.ReviewAheadResult {
	h.t.Helper()
	val, err := h.env().ExecuteActivity(h.acts.ReviewAhead, activities.ReviewAheadInput{RunID: runID, Slots: slots})
	require.NoError(h.t, err)
	var res activities.ReviewAheadResult
	require.NoError(h.t, val.Get(&res))
	return res
}

// A review ahead lists the run's candidate groups and reviews the overflow of the stories phase's
// last round when its slots suffice; the stories phase reuses those answers and reviews only the
// rest, so no group is reviewed twice. With too few slots for the overflow it reviews none.
func TestReviewAheadTakesTheOverflowAndTheStoriesPhaseReusesIt(t *testing.T) {
	h := newHarness(t)
	n := h.startRun("r1", false) // concurrency 4
	h.extract("r1", 0, n, false, 4)
	h.embed("r1")

	before := h.model.Stats().ChatRequests
	res := h.reviewAhead("r1", 64)
	require.Positive(t, res.Listed, "the fixture has candidate groups")
	overflow := res.Listed - 4*((res.Listed+3)/4-1)
	assert.Equal(t, overflow, res.Taken, "the groups of the stories phase's last round")
	assert.Equal(t, res.Taken, res.Calls)
	assert.EqualValues(t, res.Taken, h.model.Stats().ChatRequests-before)

	again := h.reviewAhead("r1", 64)
	assert.Equal(t, res.Listed, again.Listed, "a retry reads the list made")
	assert.Zero(t, again.Calls, "and finds its answers cached")

	before = h.model.Stats().ChatRequests
	h.stories("r1")
	assert.EqualValues(t, res.Listed-res.Taken, h.model.Stats().ChatRequests-before,
		"the stories phase reviews only what was not reviewed ahead")

	// Too few slots for the overflow: nothing ahead.
	require.Equal(t, n, h.startRun("r2", false))
	h.extract("r2", 0, n, false, 4)
	short := h.reviewAhead("r2", overflow-1)
	assert.Equal(t, res.Listed, short.Listed)
	assert.Zero(t, short.Taken)
	assert.Zero(t, short.Calls)

	// A backlog bigger than the bound: the list would group it beside extraction's memory, so a
	// review ahead lists nothing and leaves every review to the stories phase.
	h.stories("r2")
	h.acts.Config.AheadMaxBacklog = 1
	require.Equal(t, n, h.startRun("r3", false))
	h.extract("r3", 0, n, false, 4)
	none := h.reviewAhead("r3", 64)
	assert.Zero(t, none.Listed)
	assert.Zero(t, none.Calls)
}
