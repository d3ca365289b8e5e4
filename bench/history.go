package main

import (
	"context"
	"fmt"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"feedbackpipe/pipeline"
)

// historyStats are the sizes of a workflow's executions (a run and its continue-as-new chain).
type historyStats struct {
	Executions   int   `json:"executions"`
	Events       int64 `json:"events"`
	LargestLen   int64 `json:"largest_history_length"`
	LargestBytes int64 `json:"largest_history_bytes"`
	// RetriedActivities counts the activities that ran more than one attempt.
	RetriedActivities int `json:"retried_activities"`
	// phases is when the run first showed each phase (its PipelinePhase search attribute), as
	// recorded in its history.
	phases map[string]time.Time
}

// workflowHistory describes every execution of workflowID in visibility.
func workflowHistory(ctx context.Context, tc client.Client, namespace, workflowID string) (historyStats, error) {
	s := historyStats{phases: map[string]time.Time{}}
	var token []byte
	for {
		resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: namespace, Query: fmt.Sprintf("WorkflowId = '%s'", workflowID), NextPageToken: token,
		})
		if err != nil {
			return s, fmt.Errorf("list executions of %s: %w", workflowID, err)
		}
		for _, e := range resp.Executions {
			d, err := tc.DescribeWorkflowExecution(ctx, workflowID, e.Execution.RunId)
			if err != nil {
				return s, fmt.Errorf("describe %s/%s: %w", workflowID, e.Execution.RunId, err)
			}
			info := d.WorkflowExecutionInfo
			s.Executions++
			s.Events += info.HistoryLength
			s.LargestLen = max(s.LargestLen, info.HistoryLength)
			s.LargestBytes = max(s.LargestBytes, info.HistorySizeBytes)
			if err := s.readEvents(ctx, tc, workflowID, e.Execution.RunId); err != nil {
				return s, err
			}
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return s, nil
		}
	}
}

// readEvents reads one execution's history: the activities whose last attempt was not the first,
// and when each phase was first shown.
func (s *historyStats) readEvents(ctx context.Context, tc client.Client, workflowID, runID string) error {
	it := tc.GetWorkflowHistory(ctx, workflowID, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return fmt.Errorf("read the history of %s/%s: %w", workflowID, runID, err)
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && a.GetAttempt() > 1 {
			s.RetriedActivities++
		}
		p := ev.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields()[pipeline.SearchAttrPhase]
		if p == nil {
			continue
		}
		var phase string
		if err := converter.GetDefaultDataConverter().FromPayload(p, &phase); err != nil {
			return fmt.Errorf("read the phase in the history of %s/%s: %w", workflowID, runID, err)
		}
		if at, seen := s.phases[phase]; !seen || ev.GetEventTime().AsTime().Before(at) {
			s.phases[phase] = ev.GetEventTime().AsTime()
		}
	}
	return nil
}
