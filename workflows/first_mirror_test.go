package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// With the first mirror ahead, a run's first batches start as soon as its selection is made, while
// its first status mirror (20 s here: a slow Postgres) is on its way; the mirror still goes out
// first, and the run's end waits for every mirror. A run of the shape before waits for the mirror.
func TestFirstBatchesDoNotWaitForTheFirstMirror(t *testing.T) {
	for name, v := range map[string]workflow.Version{"shape before": workflow.DefaultVersion, "first mirror ahead": firstMirrorAhead} {
		t.Run(name, func(t *testing.T) {
			const total = 200
			h := newHarnessShape(t, finishAhead, reviewAheadLate, v)
			h.env.OnActivity(acts.StartRun, mock.Anything, mock.Anything).Return(total, nil)
			h.env.OnActivity(acts.SetStatus, mock.Anything, mock.Anything).After(20 * time.Second).Return(nil)
			h.env.OnActivity(acts.FinishRun, mock.Anything, mock.Anything).Return(activities.FinishResult{Counters: finalCounters}, nil)
			h.mockTimedExtract()
			h.mockEmbed(0)
			h.mockStories(0)
			h.run(pipeline.RunInput{Days: 30, MaxConversations: total, Concurrency: 8, CreateStories: true})
			require.NoError(t, h.env.GetWorkflowError())
			require.Equal(t, pipeline.StatusCompleted, h.result().Status)

			firstBatch, firstMirrored := h.index("start", "ExtractBatch", 0), h.index("done", "SetStatus", 0)
			require.GreaterOrEqual(t, firstBatch, 0)
			require.GreaterOrEqual(t, firstMirrored, 0)
			if v == firstMirrorAhead {
				assert.Less(t, firstBatch, firstMirrored, "the first batch waited for the first mirror:%s", h.timeline())
			} else {
				assert.Greater(t, firstBatch, firstMirrored, "the shape before starts its batches after the first mirror:%s", h.timeline())
			}
			mirrored := h.statusesMirrored()
			require.NotEmpty(t, mirrored)
			assert.Equal(t, "running/extraction", mirrored[0], "the first mirror shows the run running in extraction")

			fin := h.index("start", "FinishRun", 0)
			require.GreaterOrEqual(t, fin, 0)
			assert.Equal(t, h.countBefore(fin, "start", "SetStatus"), h.countBefore(fin, "done", "SetStatus"),
				"FinishRun started while a status mirror was still being written:%s", h.timeline())
		})
	}
}
