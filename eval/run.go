package eval

import (
	"context"

	"feedbackpipe/store"
)

// RunReport is a run's grouping scored against labels.
type RunReport struct {
	RunID string `json:"run_id"`
	Report
}

// ScoreRun scores the grouping of runID (the latest completed non-dry run with stories when
// empty): each conversation themed in the run, with the story or orphan it ended in, against
// labels. `starter eval` and the integration tests both score runs through it.
func ScoreRun(ctx context.Context, st *store.Store, runID string, labels map[string]string) (RunReport, error) {
	if runID == "" {
		id, err := st.LatestGroupedRun(ctx)
		if err != nil {
			return RunReport{}, err
		}
		runID = id
	} else if _, err := st.GetRun(ctx, runID); err != nil {
		return RunReport{}, err
	}
	rows, err := st.RunGroupAssignments(ctx, runID)
	if err != nil {
		return RunReport{}, err
	}
	pred := make(map[string]Assignment, len(rows))
	for _, a := range rows {
		pred[a.ConversationID] = Assignment{Cluster: a.Key, Orphan: a.Orphan}
	}
	return RunReport{RunID: runID, Report: Evaluate(pred, labels)}, nil
}
