package activities_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/activities"
)

// A dry run's preview heartbeats from its start, before its first query ("loading"), so a worker
// lost while it loads is noticed after the heartbeat timeout and a stop reaches it within about a
// second; it reviews its would-be stories and stores the preview of every extraction. (The test
// environment sends only the first heartbeat of each 30 s, so later stages are not seen here.)
func TestThePreviewHeartbeatsFromItsStart(t *testing.T) {
	cfg := activities.DefaultConfig()
	cfg.Grouping.MinSize = 2 // the fixture's dry run then has would-be stories to review
	h := newHarnessWith(t, cfg)
	n := h.startRun("r-dry", true)
	h.extract("r-dry", 0, n, true, 4)

	// The listener sees the first heartbeat: sent as the activity starts, before its first query.
	env := h.env()
	stages := heartbeatStages(env)
	_, err := env.ExecuteActivity(h.acts.BuildPreview, activities.PreviewInput{RunID: "r-dry"})
	require.NoError(t, err)

	var p activities.Preview
	require.NoError(t, h.st.GetPreview(context.Background(), "r-dry", &p))
	assert.Equal(t, n, p.Total, "the preview counts every extraction")
	require.NotEmpty(t, p.WouldBeStories, "the fixture's preview has would-be stories to review")
	require.NotEmpty(t, stages(), "the preview heartbeats")
	assert.Equal(t, "loading", stages()[0], "the preview heartbeats as it starts loading")
}
