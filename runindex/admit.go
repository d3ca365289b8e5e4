// Package runindex is the client side of a task queue's run index (the RunIndex workflow): it
// asks the index to admit and start a PipelineRun (update-with-start), which the starter's `run`
// and the workflows a Temporal Schedule starts both go through, so every run obeys the index's
// limits; and it reads the index's entries.
package runindex

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"feedbackpipe/pipeline"
)

// RefusedError is the index's refusal (its own words: limits and the blocking runs).
type RefusedError struct{ Message string }

func (e *RefusedError) Error() string { return e.Message }

// Admit asks the index of taskQueue to admit the run runID, starting the index first if it is
// not running. It answers once the run has started, or with a *RefusedError. The run's window,
// limits and dry-run flag show on its page in the Temporal UI.
func Admit(ctx context.Context, tc client.Client, taskQueue, runID string, in pipeline.RunInput, limits pipeline.IndexLimits, now time.Time) (string, error) {
	since, until := in.Window(now)
	summary := fmt.Sprintf("Pipeline run, %s → %s", since.Format("2006-01-02"), until.Format("2006-01-02"))
	if in.Source != "" {
		summary += " from " + in.Source
	}
	if in.Schedule != "" {
		summary += " (schedule " + in.Schedule + ")"
	}
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
		var app *temporal.ApplicationError
		if errors.As(err, &app) {
			return "", &RefusedError{Message: app.Message()}
		}
		return "", fmt.Errorf("run not started: %w", err)
	}
	return admitted, nil
}
