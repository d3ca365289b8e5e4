package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"feedbackpipe/pipeline"
)

// StartRun starts a PipelineRun under a fresh, human-readable run ID (pipeline-YYYYMMDD-HHMMSS-xxxx)
// with its window, limits and dry-run flag shown on the run's page in the Temporal UI. A
// duplicate ID is an error, never a silent attach to the existing run.
func StartRun(ctx context.Context, tc client.Client, taskQueue string, in pipeline.RunInput, now time.Time) (string, error) {
	runID, err := NewRunID(now)
	if err != nil {
		return "", err
	}
	since, until := in.Window(now)
	summary := fmt.Sprintf("Pipeline run, %s → %s", since.Format("2006-01-02"), until.Format("2006-01-02"))
	if in.DryRun {
		summary += " (dry run)"
	}
	_, err = tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                                       runID,
		TaskQueue:                                taskQueue,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(pipeline.SearchAttrStatus).ValueSet(pipeline.StatusRunning),
			temporal.NewSearchAttributeKeyKeyword(pipeline.SearchAttrPhase).ValueSet(pipeline.PhaseExtraction),
		),
		StaticSummary: summary,
		StaticDetails: fmt.Sprintf("**Window:** %s → %s\n\n**Max conversations:** %d (0 = all)\n\n**Concurrency:** %d\n\n**Dry run:** %t\n\n**Stories:** %t",
			since.Format(time.RFC3339), until.Format(time.RFC3339), in.MaxConversations, in.EffectiveConcurrency(), in.DryRun, in.CreateStories),
	}, pipeline.WorkflowName, in)
	if err != nil {
		return "", fmt.Errorf("start run %s: %w", runID, err)
	}
	return runID, nil
}

// NewRunID makes an ID like pipeline-20261129-153000-ab12.
func NewRunID(now time.Time) (string, error) {
	b := make([]byte, 2)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make run ID: %w", err)
	}
	return fmt.Sprintf("pipeline-%s-%s", now.UTC().Format("20060102-150405"), hex.EncodeToString(b)), nil
}
