package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// listenForStop turns the `stop` signal, or a cancel requested from the UI, into a stop: the
// run becomes `stopping` and the running activity is cancelled through its heartbeat.
func (r *run) listenForStop(ctx workflow.Context) {
	stop := workflow.GetSignalChannel(ctx, pipeline.SignalStop)
	for {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(stop, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
		sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
		sel.Select(ctx)
		if !r.stopping && !pipeline.IsTerminal(r.status.Status) {
			r.stopping = true
			r.status.Status = pipeline.StatusStopping
			r.cancelWork()
			workflow.GetLogger(ctx).Info("stop requested", "phase", r.status.Phase)
			r.publish(ctx)
		}
		if ctx.Err() != nil {
			return // cancelled: nothing more will arrive
		}
	}
}

// stopped reports whether a stop was requested (by signal or cancellation).
func (r *run) stopped() bool {
	return r.stopping || r.ctx.Err() != nil
}

// query answers `status` with the live state.
func (r *run) query() (pipeline.Status, error) {
	s := r.status
	if s.EndedAt == nil {
		s.DurationSeconds = workflow.Now(r.ctx).Sub(s.StartedAt).Seconds()
	}
	return s, nil
}

// enter moves the run into a phase.
func (r *run) enter(phase string) {
	r.status.Phase = phase
	r.publish(r.ctx)
}

// publish mirrors status and phase to the search attributes, the UI's current details and the
// pipeline_runs row. ctx is the calling coroutine's context.
func (r *run) publish(ctx workflow.Context) {
	r.upsertSearchAttributes(ctx)
	r.details()
	r.publishing++
	defer func() { r.publishing-- }()
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	err := workflow.ExecuteActivity(shortOptions(ctx), acts.SetStatus, activities.SetStatusInput{
		RunID: r.status.RunID, Status: r.status.Status, Phase: r.status.Phase,
	}).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Warn("could not mirror status to Postgres", "error", err)
	}
}

func (r *run) upsertSearchAttributes(ctx workflow.Context) {
	err := workflow.UpsertTypedSearchAttributes(ctx, statusKey.ValueSet(r.status.Status), phaseKey.ValueSet(r.status.Phase))
	if err != nil {
		workflow.GetLogger(ctx).Warn("could not upsert search attributes", "error", err)
	}
}

// details sets the run page's current details in the Temporal UI.
func (r *run) details() {
	s := r.status
	workflow.SetCurrentDetails(r.ctx, fmt.Sprintf(
		"**%s** · phase **%s** · %d/%d conversations\n\nthemes %d · failed %d · filtered %d · stories %d+%d · orphans %d+%d",
		s.Status, s.Phase, s.Done, s.Total, s.ThemesExtracted, s.ExtractionFailed, s.ThemesFiltered,
		s.StoriesCreated, s.StoriesUpdated, s.OrphansCreated, s.OrphansUpdated))
}

func appendBounded(list, more []pipeline.ItemError) []pipeline.ItemError {
	for _, e := range more {
		if len(list) >= pipeline.MaxReportedErrors {
			break
		}
		list = append(list, e)
	}
	return list
}

func isCancel(err error) bool {
	var canceled *temporal.CanceledError
	return errors.As(err, &canceled) || errors.Is(err, workflow.ErrCanceled)
}

// rootMessage is the innermost application error's message: what the operator must read.
func rootMessage(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Error()
	}
	return err.Error()
}
