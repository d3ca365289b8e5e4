package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/store"
)

// ErrTypeScheduledRunRefused is the application error type of a scheduled run the run index
// refused (another run active, say): the schedule's recent actions show it failed with the
// index's words, and the next start tries again over the whole missed window.
const ErrTypeScheduledRunRefused = "ScheduledRunRefused"

// AdmitScheduledInput is one start of a schedule: the run ID its workflow chose, and the time the
// window ends.
type AdmitScheduledInput struct {
	Scheduled pipeline.ScheduledRunInput
	RunID     string
	Now       time.Time
}

// AdmitScheduledResult is the admitted run and its window.
type AdmitScheduledResult struct {
	RunID       string
	WindowSince time.Time
	WindowUntil time.Time
}

// AdmitScheduledRun computes a scheduled run's window and asks the run index to admit the run.
// The window starts where the window of the schedule's last completed run ended (so windows tile,
// and a pause, an outage or a failed run is caught up), at most the schedule's maximum window
// back, and ends at in.Now. The request is recorded in Postgres before it is sent, so a retried
// activity asks again for the same run and window, and the index's answer after it. A refusal is
// a non-retryable error carrying the index's message.
func (a *Activities) AdmitScheduledRun(ctx context.Context, in AdmitScheduledInput) (AdmitScheduledResult, error) {
	sch := in.Scheduled
	req, ok, err := a.Store.GetScheduleRun(ctx, sch.Schedule, in.RunID)
	if err != nil {
		return AdmitScheduledResult{}, err
	}
	if !ok {
		since, until, err := a.scheduleWindow(ctx, sch, in.Now)
		if err != nil {
			return AdmitScheduledResult{}, err
		}
		req = store.ScheduleRun{Schedule: sch.Schedule, RunID: in.RunID, WindowSince: since, WindowUntil: until, Outcome: store.ScheduleRequested}
		if err := a.Store.RecordScheduleRun(ctx, req); err != nil {
			return AdmitScheduledResult{}, err
		}
	}
	res := AdmitScheduledResult{RunID: in.RunID, WindowSince: req.WindowSince.UTC(), WindowUntil: req.WindowUntil.UTC()}
	if req.Outcome == store.ScheduleAdmitted {
		return res, nil
	}
	run := sch.Input
	run.Since, run.Until, run.Schedule = &res.WindowSince, &res.WindowUntil, sch.Schedule
	_, err = runindex.Admit(ctx, activity.GetClient(ctx), sch.TaskQueue, in.RunID, run, sch.Limits, res.WindowUntil)
	var refused *runindex.RefusedError
	switch {
	case errors.As(err, &refused) && strings.Contains(refused.Message, "already in the index"):
		// an earlier attempt was admitted but could not record it
	case errors.As(err, &refused):
		req.Outcome, req.Message = store.ScheduleRefused, refused.Message
		if err := a.Store.RecordScheduleRun(ctx, req); err != nil {
			return AdmitScheduledResult{}, err
		}
		return res, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("schedule %s: run %s not started: %s", sch.Schedule, in.RunID, refused.Message),
			ErrTypeScheduledRunRefused, nil)
	case err != nil:
		return AdmitScheduledResult{}, err
	}
	req.Outcome = store.ScheduleAdmitted
	if err := a.Store.RecordScheduleRun(ctx, req); err != nil {
		return AdmitScheduledResult{}, err
	}
	return res, nil
}

// scheduleWindow is [end of the last completed run's window, now), bounded by the schedule's
// maximum window (its run's --days when unset).
func (a *Activities) scheduleWindow(ctx context.Context, sch pipeline.ScheduledRunInput, now time.Time) (since, until time.Time, err error) {
	until = now.UTC()
	maxWindow := time.Duration(sch.MaxWindowSeconds) * time.Second
	if maxWindow <= 0 {
		days := sch.Input.Days
		if days <= 0 {
			days = pipeline.DefaultDays
		}
		maxWindow = time.Duration(days) * 24 * time.Hour
	}
	since = until.Add(-maxWindow)
	end, ok, err := a.Store.LastScheduleWindowEnd(ctx, sch.Schedule)
	if err != nil {
		return since, until, err
	}
	if ok && end.After(since) {
		since = end
	}
	if !since.Before(until) {
		return since, until, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("schedule %s: nothing to fetch: the last completed run's window already ends at %s", sch.Schedule, since.Format(time.RFC3339Nano)),
			ErrTypeScheduledRunRefused, nil)
	}
	return since, until, nil
}
