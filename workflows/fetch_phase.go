package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// fetchPhaseChange versions the fetch phase that runs from Intercom start with. Only runs whose
// Source is intercom reach the GetVersion call, so other runs' histories are unchanged.
const (
	fetchPhaseChange = "intercom-fetch-phase"
	fetchPhase       = 1
)

// fetchFirst runs the fetch phase when the run's conversations come from Intercom: the window's
// conversations are fetched and stored (the activity checkpoints its cursor in Postgres after
// each page, so a retry resumes at the next page) before the run selects them. A stop during the
// fetch ends the run stopped with what was stored; a token Intercom refuses fails it at once.
func (r *run) fetchFirst() error {
	if r.in.Source != pipeline.SourceIntercom {
		return nil
	}
	if workflow.GetVersion(r.ctx, fetchPhaseChange, workflow.DefaultVersion, fetchPhase) < fetchPhase {
		return nil
	}
	r.enter(pipeline.PhaseFetch)
	var res activities.FetchResult
	err := workflow.ExecuteActivity(fetchOptions(r.workCtx), acts.FetchIntercom, activities.FetchInput{
		RunID: r.status.RunID, Input: r.in, WindowSince: r.status.WindowSince,
		WindowUntil: r.status.WindowUntil, StartedAt: r.status.StartedAt,
	}).Get(r.ctx, &res)
	if err != nil {
		if isCancel(err) && r.stopped() {
			return nil
		}
		return fmt.Errorf("fetch: %w", err)
	}
	r.status.FetchCounters = res.Counters
	r.status.Phase = pipeline.PhaseExtraction // published once the selection is made
	return nil
}

// fetchOptions are the fetch activity's: heartbeating (a dead worker's fetch resumes elsewhere
// within HeartbeatTimeout), waiting for a stop to wind it down, and never retrying a fetch that
// cannot work as configured.
func fetchOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 6 * time.Hour,
		HeartbeatTimeout:    20 * time.Second,
		WaitForCancellation: true,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 20,
			NonRetryableErrorTypes: []string{activities.ErrTypeIntercomConfig},
		},
	})
}
