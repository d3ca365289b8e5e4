package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

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
	since, until := in.Window(now)
	summary := fmt.Sprintf("Pipeline run, %s → %s", since.Format("2006-01-02"), until.Format("2006-01-02"))
	if in.DryRun {
		summary += " (dry run)"
	}
	req := pipeline.AdmitRequest{
		RunID: runID, TaskQueue: taskQueue, Input: in, Limits: limits, Summary: summary,
		Details: fmt.Sprintf("**Window:** %s → %s\n\n**Max conversations:** %d (0 = all)\n\n**Concurrency:** %d\n\n**Dry run:** %t\n\n**Stories:** %t",
			since.Format(time.RFC3339), until.Format(time.RFC3339), in.MaxConversations, in.EffectiveConcurrency(), in.DryRun, in.CreateStories),
	}
	indexID := pipeline.IndexWorkflowID(taskQueue)
	op := tc.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       indexID,
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		StaticSummary:            "Index of pipeline runs: admits runs, keeps the latest " + fmt.Sprint(limits.WithDefaults().Retention),
	}, pipeline.IndexWorkflowName, pipeline.IndexState{Limits: limits})
	handle, err := tc.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName: pipeline.UpdateAdmit, Args: []any{req}, WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return "", fmt.Errorf("admit run: %w", err)
	}
	var admitted string
	if err := handle.Get(ctx, &admitted); err != nil {
		return "", fmt.Errorf("run not started: %w", unwrapApplication(err))
	}
	return admitted, nil
}

// unwrapApplication returns the message of the innermost application error (the index's own
// words) rather than the SDK's wrapping.
func unwrapApplication(err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return errors.New(app.Message())
	}
	return err
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
