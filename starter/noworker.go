package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/taskqueue"
)

// What the CLI does when no worker is up. Queries (the run index, a run's status) need a worker
// to answer, and an admission waits for one; signals do not, Temporal keeps them. So the CLI
// checks the task queue's pollers first, bounds every wait on a worker, and reads Postgres
// (pipeline_runs) when no worker can answer, saying so on stderr.
const (
	// answerTimeout bounds a query: a live worker answers in well under a second.
	answerTimeout = 5 * time.Second
	// admitTimeout bounds the wait for the run index to admit a run once a worker was seen.
	admitTimeout = 45 * time.Second
)

// postgresNote is appended to the reason a live answer was not available.
const postgresNote = "showing the last state recorded in Postgres"

// unanswered reports whether a query failed for lack of a worker to answer it: the deadline
// passed, the server gave up as it neared (resetting the stream), or the server says it saw no
// poller recently (FailedPrecondition).
func unanswered(qctx context.Context, err error) bool {
	var canceled *serviceerror.Canceled
	var deadline *serviceerror.DeadlineExceeded
	var noPoller *serviceerror.FailedPrecondition
	return qctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &canceled) || errors.As(err, &deadline) || errors.As(err, &noPoller)
}

// note prints a remark for people on stderr, so stdout stays parseable (--json).
func (c *cli) note(format string, args ...any) {
	fmt.Fprintf(c.errOut, "note: "+format+"\n", args...)
}

// workflowWorkerGone says why no worker can answer a query on the task queue, or "" when one
// polled its workflow tasks recently.
func (c *cli) workflowWorkerGone(ctx context.Context, tc client.Client, taskQueue string) string {
	p, err := taskqueue.DescribePollers(ctx, tc, taskQueue, "workflow")
	if err != nil {
		return fmt.Sprintf("could not ask Temporal about task queue %s (%v)", taskQueue, err)
	}
	if time.Since(p.LastPoll["workflow"]) > taskqueue.PollerWindow {
		return fmt.Sprintf("no worker is polling task queue %s", taskQueue)
	}
	return ""
}

// readIndex reads the task queue's run index. When no worker can answer it returns the reason
// instead (and no error), so the caller can turn to Postgres.
func (c *cli) readIndex(ctx context.Context, tc client.Client) (pipeline.IndexState, string, error) {
	queue := c.cfg.TaskQueue
	if reason := c.workflowWorkerGone(ctx, tc, queue); reason != "" {
		return pipeline.IndexState{}, reason, nil
	}
	qctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	state, err := runindex.Runs(qctx, tc, queue)
	switch {
	case err == nil:
		return state, "", nil
	case ctx.Err() != nil:
		return state, "", ctx.Err()
	case unanswered(qctx, err):
		return state, fmt.Sprintf("no worker answered on task queue %s within %s", queue, answerTimeout), nil
	}
	return state, fmt.Sprintf("the run index of task queue %s did not answer (%v)", queue, err), nil
}

// indexFromPostgres is what the run index would hold, rebuilt from pipeline_runs: every live
// run and the newest ended ones, up to the retention, oldest first.
func (c *cli) indexFromPostgres(ctx context.Context) ([]pipeline.IndexEntry, error) {
	st, err := c.openStore(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	runs, err := st.IndexRuns(ctx, c.cfg.Index.WithDefaults().Retention)
	if err != nil {
		return nil, err
	}
	entries := make([]pipeline.IndexEntry, 0, len(runs))
	for _, r := range runs {
		entries = append(entries, pipeline.IndexEntry{RunID: r.ID, Status: r.Status, Phase: r.Phase, DryRun: r.DryRun, StartedAt: r.StartedAt, EndedAt: r.EndedAt})
	}
	return entries, nil
}

// requireWorker refuses at once when no worker polls the task queue's workflow or activity
// tasks. A worker that polled within taskqueue.PollerWindow may have stopped since (an idle one polls
// once a minute, a stopped one leaves its last poll behind), so when the run index exists it is
// asked too: a live worker answers at once.
func (c *cli) requireWorker(ctx context.Context, tc client.Client) error {
	queue := c.cfg.TaskQueue
	p, err := taskqueue.CheckWorkers(ctx, tc, queue, time.Now())
	var none *taskqueue.NoWorkerError
	if errors.As(err, &none) {
		return fmt.Errorf("run not started: %w: %s", err, taskqueue.StartWorkerHint)
	}
	if err != nil {
		return fmt.Errorf("run not started: %w", err)
	}
	qctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	if _, err := runindex.Runs(qctx, tc, queue); err != nil && unanswered(qctx, err) && ctx.Err() == nil {
		return fmt.Errorf("run not started: no worker answered on task queue %s within %s (its last poll was %s ago; it may have stopped): %s",
			queue, answerTimeout, time.Since(p.Newest()).Round(time.Second), taskqueue.StartWorkerHint)
	}
	return nil
}
