package workflows

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// ScheduledRun is what a Temporal Schedule starts: it names the run, has its window computed
// (from the end of the schedule's last completed run's window to now, bounded by the schedule's
// maximum window) and asks the run index to admit it, then ends. A refusal of the index fails it
// with the index's words, so the schedule's recent actions show why no run started.
func ScheduledRun(ctx workflow.Context, in pipeline.ScheduledRunInput) (activities.AdmitScheduledResult, error) {
	var suffix string
	if err := workflow.SideEffect(ctx, func(workflow.Context) any {
		b := make([]byte, 2)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b)
	}).Get(&suffix); err != nil {
		return activities.AdmitScheduledResult{}, fmt.Errorf("name the run: %w", err)
	}
	now := workflow.Now(ctx).UTC()
	runID := fmt.Sprintf("pipeline-%s-%s", now.Format("20060102-150405"), suffix)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Second, MaximumAttempts: 5,
			NonRetryableErrorTypes: []string{activities.ErrTypeScheduledRunRefused},
		},
	})
	var res activities.AdmitScheduledResult
	err := workflow.ExecuteActivity(actx, acts.AdmitScheduledRun, activities.AdmitScheduledInput{
		Scheduled: in, RunID: runID, Now: now,
	}).Get(ctx, &res)
	if err != nil {
		return res, temporal.NewNonRetryableApplicationError(rootMessage(err), activities.ErrTypeScheduledRunRefused, nil)
	}
	return res, nil
}
