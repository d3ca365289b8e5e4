package workflows

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// The histories under testdata/histories were recorded from real runs on the dev server (see
// testdata/SHAPES.md). Replaying them with today's code proves a change to PipelineRun
// or RunIndex does not break the workflows in flight when a new worker is deployed. Histories of
// the run index are named index_*.json; every other history is a PipelineRun's.
// histories/run_20261130_intercom_completed.json is a run with --source intercom (the versioned
// fetch phase before selection), recorded from TestIntercomRunFetchesFirst against the fake
// Intercom (temporal workflow show --namespace feedbackpipe-test --workflow-id RUN_ID --output json).

const indexHistoryPrefix = "index_"

// historyFiles returns the recorded histories of the run index (index) or of PipelineRun.
func historyFiles(t *testing.T, index bool) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	require.NoError(t, err)
	var files []string
	for _, f := range all {
		if strings.HasPrefix(filepath.Base(f), indexHistoryPrefix) == index {
			files = append(files, f)
		}
	}
	kind := pipeline.WorkflowName
	if index {
		kind = pipeline.IndexWorkflowName
	}
	require.NotEmpty(t, files, "no recorded %s histories under testdata/histories: the replay test would prove nothing", kind)
	return files
}

func replayLogger() tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

// replay replays a history with runFn registered as PipelineRun and indexFn as RunIndex, as the
// worker registers them.
func replay(t *testing.T, runFn, indexFn any, file string) error {
	t.Helper()
	replayer := worker.NewWorkflowReplayer()
	replayer.RegisterWorkflowWithOptions(runFn, workflow.RegisterOptions{Name: pipeline.WorkflowName})
	replayer.RegisterWorkflowWithOptions(indexFn, workflow.RegisterOptions{Name: pipeline.IndexWorkflowName})
	return replayer.ReplayWorkflowHistoryFromJSONFile(replayLogger(), file)
}

func TestReplayRecordedHistories(t *testing.T) {
	for _, file := range historyFiles(t, false) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			require.NoError(t, replay(t, PipelineRun, RunIndex, file))
		})
	}
}

func TestReplayRecordedIndexHistories(t *testing.T) {
	for _, file := range historyFiles(t, true) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			require.NoError(t, replay(t, PipelineRun, RunIndex, file))
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
	for _, file := range historyFiles(t, false) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			err := replay(t, incompatiblePipelineRun, RunIndex, file)
			require.Error(t, err, "an incompatible workflow replayed the history")
			// TMPRL1100 is the SDK's code of every non-determinism error.
			require.ErrorContains(t, err, "[TMPRL1100]")
		})
	}
}

// incompatibleRunIndex is RunIndex as it must never become: it schedules an activity first, and
// neither starts runs nor sets its reconcile timer.
func incompatibleRunIndex(ctx workflow.Context, state pipeline.IndexState) error {
	ctx = shortOptions(ctx)
	return workflow.ExecuteActivity(ctx, acts.ForgetRuns, activities.ForgetRunsInput{RunIDs: []string{"x"}}).Get(ctx, nil)
}

// The index's replay test can fail too.
func TestReplayDetectsIncompatibleRunIndex(t *testing.T) {
	for _, file := range historyFiles(t, true) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			err := replay(t, PipelineRun, incompatibleRunIndex, file)
			require.Error(t, err, "an incompatible run index replayed the history")
			require.ErrorContains(t, err, "[TMPRL1100]")
		})
	}
}
