package runindex

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"feedbackpipe/pipeline"
)

// StartRun asks the task queue's run index to admit and start a PipelineRun under a fresh,
// human-readable run ID (pipeline-YYYYMMDD-HHMMSS-xxxx), starting the index first if it is not
// running (update-with-start). The index answers only once the run has started, or refuses with
// a message naming the blocking runs. The run's window, limits and dry-run flag show on its page
// in the Temporal UI.
func StartRun(ctx context.Context, tc client.Client, taskQueue string, in pipeline.RunInput, limits pipeline.IndexLimits, now time.Time) (string, error) {
	runID, err := NewRunID(now)
	if err != nil {
		return "", err
	}
	admitted, err := Admit(ctx, tc, taskQueue, runID, in, limits, now)
	if refused := (*RefusedError)(nil); errors.As(err, &refused) {
		return "", fmt.Errorf("run not started: %w", refused)
	}
	return admitted, err
}

// Runs returns the run index of a task queue (empty when no run was ever admitted there).
func Runs(ctx context.Context, tc client.Client, taskQueue string) (pipeline.IndexState, error) {
	var state pipeline.IndexState
	resp, err := tc.QueryWorkflow(ctx, pipeline.IndexWorkflowID(taskQueue), "", pipeline.QueryRuns)
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return state, nil
	}
	if err != nil {
		return state, fmt.Errorf("read the run index: %w", err)
	}
	if err := resp.Get(&state); err != nil {
		return state, fmt.Errorf("decode the run index: %w", err)
	}
	return state, nil
}

// NewRunID makes an ID like pipeline-20261129-153000-ab12.
func NewRunID(now time.Time) (string, error) {
	b := make([]byte, 2)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make run ID: %w", err)
	}
	return fmt.Sprintf("pipeline-%s-%s", now.UTC().Format("20060102-150405"), hex.EncodeToString(b)), nil
}
