package workflows

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// The histories under testdata/histories were recorded from real runs on the dev server (see
// testdata/histories/README.md). Replaying them with today's code proves a change to PipelineRun
// does not break the runs in flight when a new worker is deployed.

func historyFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no recorded histories under testdata/histories: the replay test would prove nothing")
	return files
}

func replayLogger() tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

func replay(t *testing.T, workflowFn any, file string) error {
	t.Helper()
	replayer := worker.NewWorkflowReplayer()
	replayer.RegisterWorkflowWithOptions(workflowFn, workflow.RegisterOptions{Name: pipeline.WorkflowName})
	return replayer.ReplayWorkflowHistoryFromJSONFile(replayLogger(), file)
}

func TestReplayRecordedHistories(t *testing.T) {
	for _, file := range historyFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			require.NoError(t, replay(t, PipelineRun, file))
		})
	}
}

// incompatiblePipelineRun is PipelineRun as it must never become: it schedules a different
// activity first.
func incompatiblePipelineRun(ctx workflow.Context, in pipeline.RunInput) (pipeline.Status, error) {
	ctx = shortOptions(ctx)
	err := workflow.ExecuteActivity(ctx, acts.SetStatus, activities.SetStatusInput{RunID: "x"}).Get(ctx, nil)
	return pipeline.Status{}, err
}

// The replay test can fail: an incompatible workflow does not replay a recorded history.
func TestReplayDetectsIncompatibleWorkflow(t *testing.T) {
	for _, file := range historyFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			err := replay(t, incompatiblePipelineRun, file)
			require.Error(t, err, "an incompatible workflow replayed the history")
			// TMPRL1100 is the SDK's code of every non-determinism error.
			require.ErrorContains(t, err, "[TMPRL1100]")
		})
	}
}
