package activities

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

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

// RebuildIndexInput asks for the entries of a run index that starts without carried state.
type RebuildIndexInput struct {
	TaskQueue string
	Retention int
}

// RebuildIndex rebuilds a fresh run index's entries (one started after the last was cancelled or
// terminated) from pipeline_runs and Temporal: every run that has not ended, and the newest ended
// ones up to the retention, oldest first. A run whose row says live but whose workflow no longer
// runs is reconciled as ReconcileRuns does (its row is marked failed); a run Temporal lists as
// running on the task queue but that has no row yet (its first activity has not run) is live too.
// Runs whose workflow belongs to another task queue belong to another index and are left out.
func (a *Activities) RebuildIndex(ctx context.Context, in RebuildIndexInput) ([]pipeline.IndexEntry, error) {
	rows, err := a.Store.IndexRuns(ctx, in.Retention)
	if err != nil {
		return nil, err
	}
	tc := activity.GetClient(ctx)
	running, err := runningRuns(ctx, tc, in.TaskQueue)
	if err != nil {
		return nil, err
	}
	entries := make([]pipeline.IndexEntry, 0, len(rows)+len(running))
	seen := make(map[string]bool, len(rows))
	for _, row := range rows {
		seen[row.ID] = true
		e := pipeline.IndexEntry{RunID: row.ID, Status: row.Status, Phase: row.Phase, DryRun: row.DryRun,
			StartedAt: row.StartedAt.UTC(), EndedAt: row.EndedAt}
		if pipeline.IsTerminal(row.Status) {
			entries = append(entries, e)
			continue
		}
		if _, ok := running[row.ID]; ok {
			entries = append(entries, e)
			continue
		}
		desc, err := tc.DescribeWorkflowExecution(ctx, row.ID, "")
		var nf *serviceerror.NotFound
		status := enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED
		switch {
		case errors.As(err, &nf):
		case err != nil:
			return nil, fmt.Errorf("describe run %s: %w", row.ID, err)
		default:
			info := desc.GetWorkflowExecutionInfo()
			if info.GetTaskQueue() != "" && info.GetTaskQueue() != in.TaskQueue {
				continue
			}
			status = info.GetStatus()
		}
		if status == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			entries = append(entries, e) // visibility had not caught up yet
			continue
		}
		report, err := a.closedRunReport(ctx, row.ID, status)
		if err != nil {
			return nil, err
		}
		e.Status, e.Phase, e.EndedAt = report.Status, report.Phase, report.EndedAt
		entries = append(entries, e)
	}
	for id, e := range running {
		if !seen[id] {
			entries = append(entries, e)
		}
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if !entries[i].StartedAt.Equal(entries[j].StartedAt) {
			return entries[i].StartedAt.Before(entries[j].StartedAt)
		}
		return entries[i].RunID < entries[j].RunID
	})
	return entries, nil
}

// runningRuns lists the PipelineRun workflows Temporal's visibility shows running on the task
// queue, as live entries taking their status and phase from the run's search attributes.
func runningRuns(ctx context.Context, tc client.Client, taskQueue string) (map[string]pipeline.IndexEntry, error) {
	query := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running' AND TaskQueue = '%s'",
		pipeline.WorkflowName, strings.ReplaceAll(taskQueue, "'", "\\'"))
	out := map[string]pipeline.IndexEntry{}
	var token []byte
	for {
		resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("list running runs on %s: %w", taskQueue, err)
		}
		for _, w := range resp.GetExecutions() {
			id := w.GetExecution().GetWorkflowId()
			e := pipeline.IndexEntry{RunID: id, Status: pipeline.StatusRunning, Phase: pipeline.PhaseExtraction,
				StartedAt: w.GetStartTime().AsTime().UTC()}
			fields := w.GetSearchAttributes().GetIndexedFields()
			if v := keyword(fields[pipeline.SearchAttrStatus]); v != "" && !pipeline.IsTerminal(v) {
				e.Status = v
			}
			if v := keyword(fields[pipeline.SearchAttrPhase]); v != "" {
				e.Phase = v
			}
			out[id] = e
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return out, nil
		}
	}
}

// keyword decodes a Keyword search attribute's value; it is empty when absent or not a string.
func keyword(p *commonpb.Payload) string {
	var s string
	if p == nil || converter.GetDefaultDataConverter().FromPayload(p, &s) != nil {
		return ""
	}
	return s
}
