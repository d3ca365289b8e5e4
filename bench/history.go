package main

import (
	"context"
	"fmt"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// historyStats are the sizes of a workflow's executions (a run and its continue-as-new chain).
type historyStats struct {
	Executions   int   `json:"executions"`
	Events       int64 `json:"events"`
	LargestLen   int64 `json:"largest_history_length"`
	LargestBytes int64 `json:"largest_history_bytes"`
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
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return s, nil
		}
	}
}
