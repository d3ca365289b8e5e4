package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"

	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

// ForgetRunsInput names runs evicted from the run index.
type ForgetRunsInput struct {
	RunIDs []string
}

// ForgetRuns deletes what the run index's evicted runs kept outside Temporal that only makes
// sense while they are listed: their dry-run previews.
func (a *Activities) ForgetRuns(ctx context.Context, in ForgetRunsInput) error {
	return a.Store.DeletePreviews(ctx, in.RunIDs)
}

// ReconcileInput names live runs whose reports the index is waiting for.
type ReconcileInput struct {
	RunIDs []string
}

// ReconcileRuns asks Temporal how each run stands and reports those that have closed: a run
// terminated from the UI, timed out or never started cannot report itself. A closed run whose
// pipeline_runs row is still live is marked failed there too.
func (a *Activities) ReconcileRuns(ctx context.Context, in ReconcileInput) ([]pipeline.RunReport, error) {
	tc := activity.GetClient(ctx)
	var reports []pipeline.RunReport
	for _, id := range in.RunIDs {
		desc, err := tc.DescribeWorkflowExecution(ctx, id, "")
		var nf *serviceerror.NotFound
		status := enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED
		switch {
		case errors.As(err, &nf):
		case err != nil:
			return nil, fmt.Errorf("describe run %s: %w", id, err)
		default:
			status = desc.GetWorkflowExecutionInfo().GetStatus()
		}
		if status == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			continue
		}
		report, err := a.closedRunReport(ctx, id, status)
		if err != nil {
			return nil, err
		}
		reports = append(reports, report)
	}
	return reports, nil
}

func (a *Activities) closedRunReport(ctx context.Context, runID string, status enumspb.WorkflowExecutionStatus) (pipeline.RunReport, error) {
	now := time.Now().UTC()
	row, err := a.Store.GetRun(ctx, runID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return pipeline.RunReport{}, err
	}
	if row != nil && pipeline.IsTerminal(row.Status) {
		return pipeline.RunReport{RunID: runID, Status: row.Status, Phase: row.Phase, EndedAt: row.EndedAt}, nil
	}
	phase := pipeline.PhaseExtraction
	if row != nil {
		phase = row.Phase
		why := fmt.Sprintf("the run's workflow ended (%s) without recording its end", strings.ToLower(status.String()))
		if status == enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED {
			why = "the run's workflow does not exist in Temporal"
		}
		if _, err := a.Store.FinishRun(ctx, runID, pipeline.StatusFailed, phase, why, now); err != nil {
			return pipeline.RunReport{}, err
		}
	}
	return pipeline.RunReport{RunID: runID, Status: pipeline.StatusFailed, Phase: phase, EndedAt: &now}, nil
}
