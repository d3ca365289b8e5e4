package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
)

// What a worker that dies mid-activity costs. A heartbeating activity (the phases, the selection)
// is noticed after heartbeatTimeout and retried elsewhere. Bookkeeping activities do not
// heartbeat: one is noticed only when its StartToCloseTimeout ends, and whatever waits for it
// waits that long. A status mirror (SetStatus: one UPDATE) gets mirrorTimeout, since a run's end
// waits for its mirrors, and a worker SIGKILLed as the stories phase began, while the phase's
// mirror ran on it, held a run's end up for two minutes. Bookkeeping of bounded work gets
// quickTimeout: the run's end (FinishRun: a recount off indexes), and the run index's upkeep
// (forgetting evicted runs, which an admission waits for; reconciling live runs; rebuilding a
// fresh index, which admissions wait for), each over at most the index's runs. The selection,
// whose work grows with a run, keeps shortTimeout and heartbeats besides. A dry run's preview
// (BuildPreview) makes a round of review calls per C would-be stories, which no fixed bound of
// minutes fits (a hundred would-be stories at C=4 with 5 s reviews are 25 rounds, about 125 s),
// so it heartbeats and has the phases' phaseTimeout. A bookkeeping activity slower than its
// timeout (a Postgres restarting) is retried like a failed one.
const (
	heartbeatTimeout = 20 * time.Second
	mirrorTimeout    = 10 * time.Second
	quickTimeout     = 30 * time.Second
	shortTimeout     = 2 * time.Minute
	phaseTimeout     = 2 * time.Hour
)

// shortOptions are for bookkeeping activities whose work grows with a run: the selection's base.
func shortOptions(ctx workflow.Context) workflow.Context {
	return bookkeepingOptions(ctx, shortTimeout)
}

// quickOptions are for bookkeeping activities of bounded work.
func quickOptions(ctx workflow.Context) workflow.Context {
	return bookkeepingOptions(ctx, quickTimeout)
}

// selectionOptions are for the run's selection (StartRun), which heartbeats.
func selectionOptions(ctx workflow.Context) workflow.Context {
	return heartbeating(shortOptions(ctx))
}

// previewOptions are for a dry run's preview (BuildPreview), which heartbeats and may take as
// long as a phase.
func previewOptions(ctx workflow.Context) workflow.Context {
	return heartbeating(bookkeepingOptions(ctx, phaseTimeout))
}

// heartbeating adds the heartbeat timeout to ctx's activity options.
func heartbeating(ctx workflow.Context) workflow.Context {
	opts := workflow.GetActivityOptions(ctx)
	opts.HeartbeatTimeout = heartbeatTimeout
	return workflow.WithActivityOptions(ctx, opts)
}

// bookkeepingOptions are for bookkeeping activities that may take up to startToClose.
func bookkeepingOptions(ctx workflow.Context, startToClose time.Duration) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: startToClose,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: 10,
		},
	})
}

// phaseOptions are for the long, heartbeating phase activities. A dead worker is noticed after
// HeartbeatTimeout and the activity resumes elsewhere; a stop is delivered through the heartbeat
// and the workflow waits for the activity to wind down (WaitForCancellation).
func phaseOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: phaseTimeout,
		HeartbeatTimeout:    heartbeatTimeout,
		WaitForCancellation: true,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 20,
			NonRetryableErrorTypes: []string{activities.ErrTypeLLMConfig},
		},
	})
}
