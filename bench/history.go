package main

import (
	"context"
	"fmt"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// historyStats are the sizes of a workflow's executions (a run and its continue-as-new chain).
type historyStats struct {
	Executions   int   `json:"executions"`
	Events       int64 `json:"events"`
	LargestLen   int64 `json:"largest_history_length"`
	LargestBytes int64 `json:"largest_history_bytes"`
	// RetriedActivities counts the activities that ran more than one attempt.
	RetriedActivities int `json:"retried_activities"`
}

// workflowHistory describes every execution of workflowID in visibility.
func workflowHistory(ctx context.Context, tc client.Client, namespace, workflowID string) (historyStats, error) {
	var s historyStats
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
			retried, err := retriedActivities(ctx, tc, workflowID, e.Execution.RunId)
			if err != nil {
				return s, err
			}
			s.RetriedActivities += retried
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return s, nil
		}
	}
}

// retriedActivities counts the activities of one execution whose last attempt was not the first.
func retriedActivities(ctx context.Context, tc client.Client, workflowID, runID string) (int, error) {
	n := 0
	it := tc.GetWorkflowHistory(ctx, workflowID, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return n, fmt.Errorf("read the history of %s/%s: %w", workflowID, runID, err)
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && a.GetAttempt() > 1 {
			n++
		}
	}
	return n, nil
}
