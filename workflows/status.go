package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// The run's status as others see it: the `status` query, the phase mirrored to the search
// attributes, the UI's current details and the pipeline_runs row, and the reports to the run index.

// query answers `status` with the live state. A live run's duration is as of its latest event
// (workflow time); `starter status` brings it up to the wall clock.
func (r *run) query() (pipeline.Status, error) {
	s := r.status
	if s.EndedAt == nil {
		s.DurationSeconds = workflow.Now(r.ctx).Sub(s.StartedAt).Seconds()
	}
	if s.Errors == nil {
		s.Errors = []pipeline.ItemError{}
	}
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	return s, nil
}

// enter moves the run into a phase. In the finish-ahead shape the phase goes on while its mirror
// is on its way, the mirrors landing in the order the phases were entered; the run's end
// waits for them (publishing).
func (r *run) enter(phase string) {
	r.status.Phase = phase
	if !r.finishAhead {
		r.publish(r.ctx)
		return
	}
	r.mirrorInTurn()
}

// mirrorInTurn publishes the run's status while the run goes on, after the mirrors queued before
// it (each shows the status as it is when it goes out); the run's end waits for it (publishing).
func (r *run) mirrorInTurn() {
	turn := r.mirrorsQueued
	r.mirrorsQueued++
	r.publishing++
	workflow.Go(r.ctx, func(ctx workflow.Context) {
		defer func() { r.publishing--; r.mirrorsDone++ }()
		_ = workflow.Await(ctx, func() bool { return r.mirrorsDone == turn })
		r.publish(ctx)
	})
}

// publish mirrors status and phase to the search attributes, the UI's current details and the
// pipeline_runs row, and reports it to the run index. ctx is the calling coroutine's context.
func (r *run) publish(ctx workflow.Context) {
	r.upsertSearchAttributes(ctx)
	r.details()
	r.publishing++
	defer func() { r.publishing-- }()
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	err := workflow.ExecuteActivity(bookkeepingOptions(ctx, mirrorTimeout), acts.SetStatus, activities.SetStatusInput{
		RunID: r.status.RunID, Status: r.status.Status, Phase: r.status.Phase,
	}).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Warn("could not mirror status to Postgres", "error", err)
	}
	r.report(ctx, r.status)
}

func (r *run) upsertSearchAttributes(ctx workflow.Context) {
	err := workflow.UpsertTypedSearchAttributes(ctx, statusKey.ValueSet(r.status.Status), phaseKey.ValueSet(r.status.Phase))
	if err != nil {
		workflow.GetLogger(ctx).Warn("could not upsert search attributes", "error", err)
	}
}

// details sets the run page's current details in the Temporal UI: phase, progress, rate, ETA.
func (r *run) details() {
	s := r.status
	progress := fmt.Sprintf("%d/%d conversations", s.Done, s.Total)
	if elapsed := workflow.Now(r.ctx).Sub(s.StartedAt).Seconds(); s.Done > 0 && elapsed > 0 && !pipeline.IsTerminal(s.Status) {
		rate := float64(s.Done) / elapsed
		eta := time.Duration(float64(s.Total-s.Done) / rate * float64(time.Second)).Round(time.Second)
		progress += fmt.Sprintf(" · %.1f/s · ETA %s", rate, eta)
	}
	workflow.SetCurrentDetails(r.ctx, fmt.Sprintf(
		"**%s** · phase **%s** · %s\n\nthemes %d · new signatures %d · failed %d · filtered %d\n\nstories %d new, %d updated · orphans %d new, %d updated, %d graduated",
		s.Status, s.Phase, progress, s.ThemesExtracted, s.ThemesNew, s.ExtractionFailed, s.ThemesFiltered,
		s.StoriesCreated, s.StoriesUpdated, s.OrphansCreated, s.OrphansUpdated, s.OrphansGraduated))
}

// report tells the run index that started this run (its parent) about a transition. Runs started
// without the index (e.g. by the plain temporal CLI) have no parent and report nothing.
func (r *run) report(ctx workflow.Context, s pipeline.Status) {
	parent := workflow.GetInfo(ctx).ParentWorkflowExecution
	if parent == nil {
		return
	}
	rep := pipeline.RunReport{RunID: s.RunID, Status: s.Status, Phase: s.Phase, EndedAt: s.EndedAt}
	if err := workflow.SignalExternalWorkflow(ctx, parent.ID, "", pipeline.SignalRunReport, rep).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("could not report to the run index", "index", parent.ID, "error", err)
	}
}
