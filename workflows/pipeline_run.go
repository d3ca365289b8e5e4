// Package workflows holds the deterministic workflow code: PipelineRun, one pipeline run whose
// phases (extraction → embedding → stories) are activities. No I/O, no wall clock, no goroutines
// or map-ordered output here.
package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// The search attributes the run keeps current, so the Temporal UI can filter runs.
var (
	statusKey = temporal.NewSearchAttributeKeyKeyword(pipeline.SearchAttrStatus)
	phaseKey  = temporal.NewSearchAttributeKeyKeyword(pipeline.SearchAttrPhase)
)

// activity method references; the struct is never dereferenced in workflow code.
var acts *activities.Activities

// run is one execution's state; it lives only in workflow memory and in Progress on continue-as-new.
type run struct {
	ctx        workflow.Context
	in         pipeline.RunInput
	status     pipeline.Status
	nextSeq    int
	stopping   bool
	cancelWork workflow.CancelFunc
	workCtx    workflow.Context
	publishing int // status mirrors (SetStatus) in flight
	// finishAhead: the run has the finish-ahead shape (finish_ahead.go); mirrorsQueued and
	// mirrorsDone keep its phase mirrors, which go out while the next phase runs, in order (enter).
	finishAhead                bool
	mirrorsQueued, mirrorsDone int
	finishing                  bool // the end is being recorded: stops are moot
}

// PipelineRun runs one pipeline: it selects the window's conversations, extracts themes in
// batches, embeds them, and groups them into stories. Signal `stop` (or a cancel from the UI)
// winds it down within seconds, keeping everything already stored, and it ends `stopped`.
// Query `status` answers at any moment.
func PipelineRun(ctx workflow.Context, in pipeline.RunInput) (pipeline.Status, error) {
	r := &run{ctx: ctx, in: in}
	r.workCtx, r.cancelWork = workflow.WithCancel(ctx)
	fresh := in.Resume == nil
	if fresh {
		now := workflow.Now(ctx).UTC()
		since, until := in.Window(now)
		r.status = pipeline.Status{
			RunID: workflow.GetInfo(ctx).WorkflowExecution.ID, Status: pipeline.StatusRunning,
			Phase: pipeline.PhaseExtraction, DryRun: in.DryRun, CreateStories: in.CreateStories,
			WindowSince: since, WindowUntil: until, StartedAt: now,
		}
	} else {
		r.status, r.nextSeq, r.stopping = in.Resume.Status, in.Resume.NextSeq, in.Resume.Stopping
		r.in.Resume = nil
	}
	if err := workflow.SetQueryHandlerWithOptions(ctx, pipeline.QueryStatus, r.query, workflow.QueryHandlerOptions{
		Description: "The run's status, phase, progress, every counter, errors and warnings (JSON)",
	}); err != nil {
		return r.status, fmt.Errorf("register status query: %w", err)
	}
	workflow.Go(ctx, r.listenForStop)
	if r.stopping {
		r.cancelWork()
	}
	if fresh {
		if err := r.fetchFirst(); err != nil || r.stopped() {
			return r.finish(err)
		}
		var total int
		err := workflow.ExecuteActivity(selectionOptions(ctx), acts.StartRun, activities.StartRunInput{
			RunID: r.status.RunID, Input: in, WindowSince: r.status.WindowSince,
			WindowUntil: r.status.WindowUntil, StartedAt: r.status.StartedAt,
		}).Get(ctx, &total)
		if err != nil {
			return r.finish(fmt.Errorf("start run: %w", err))
		}
		r.status.Total, r.status.ConversationsSelected = total, total
		if workflow.GetVersion(ctx, firstMirrorChange, workflow.DefaultVersion, firstMirrorAhead) >= firstMirrorAhead {
			r.mirrorInTurn()
		} else {
			r.publish(ctx)
		}
	}
	err := r.phases()
	if can := (*workflow.ContinueAsNewError)(nil); errors.As(err, &can) {
		return r.status, err
	}
	return r.finish(err)
}

// phases runs whatever phases remain, in order.
func (r *run) phases() error {
	if r.status.Phase == pipeline.PhaseExtraction {
		if err := r.extract(); err != nil || r.stopped() {
			return err
		}
	}
	if r.in.DryRun {
		return workflow.ExecuteActivity(previewOptions(r.workCtx), acts.BuildPreview, activities.PreviewInput{RunID: r.status.RunID}).Get(r.workCtx, nil)
	}
	if r.status.Phase == pipeline.PhaseExtraction {
		r.enter(pipeline.PhaseEmbedding)
	}
	if r.status.Phase == pipeline.PhaseEmbedding {
		if err := r.runPhase(acts.EmbedThemes, activities.EmbedInput{RunID: r.status.RunID}); err != nil || r.stopped() {
			return err
		}
		if !r.in.CreateStories {
			return nil
		}
		r.enter(pipeline.PhaseStories)
	}
	if r.status.Phase == pipeline.PhaseStories {
		return r.runPhase(acts.BuildStories, activities.StoriesInput{RunID: r.status.RunID})
	}
	return nil
}

// extract runs the extraction batches under the run's concurrency (see extractionPlan), and
// continues-as-new when the history grows large, carrying its progress.
func (r *run) extract() error {
	conc := r.in.EffectiveConcurrency()
	plan := newExtractionPlan(workflow.GetVersion(r.ctx, extractionShapeChange, workflow.DefaultVersion, extractionRunWide), conc)
	opts := phaseOptions(r.workCtx)
	sel := workflow.NewSelector(r.ctx)
	pending, started := 0, 0
	var firstErr error
	fail := func(err error) {
		if !isCancel(err) && firstErr == nil {
			firstErr = err
			r.cancelWork()
		}
	}
	embedder := r.backgroundEmbedder(sel, fail)
	r.finishAhead = workflow.GetVersion(r.ctx, finishAheadChange, workflow.DefaultVersion, finishAhead) >= finishAhead
	plan.balanced = r.finishAhead && plan.runWide
	plan.spanSized = plan.balanced && workflow.GetVersion(r.ctx, batchSpanChange, workflow.DefaultVersion, batchSpanV1) >= batchSpanV1
	ahead := r.reviewAhead(plan.runWide)
	for {
		for !r.stopped() && firstErr == nil && !r.continueSuggested(started) {
			if r.nextSeq >= r.status.Total { // every conversation is handed out: free slots may review ahead
				if !ahead.ready(plan, workflow.Now(r.ctx)) {
					break
				}
				slots := plan.free
				batch := plan.takeReviews(slots, workflow.Now(r.ctx))
				started++
				pending++
				sel.AddFuture(ahead.start(slots), func(f workflow.Future) {
					pending--
					plan.release(batch, workflow.Now(r.ctx))
					if err := f.Get(r.ctx, nil); err != nil {
						fail(fmt.Errorf("review ahead: %w", err))
					}
				})
				continue
			}
			units, size, slots := plan.next(r.status.Total-r.nextSeq, workflow.Now(r.ctx))
			if units == 0 {
				break
			}
			from, to := r.nextSeq, min(r.nextSeq+size, r.status.Total)
			batch := plan.take(units, to-from, workflow.Now(r.ctx))
			r.nextSeq = to
			started++
			f := workflow.ExecuteActivity(opts, acts.ExtractBatch, activities.ExtractBatchInput{
				RunID: r.status.RunID, From: from, To: to, DryRun: r.in.DryRun, Concurrency: conc, Slots: slots,
			})
			pending++
			sel.AddFuture(f, func(f workflow.Future) {
				pending--
				plan.release(batch, workflow.Now(r.ctx))
				var res activities.BatchResult
				if err := f.Get(r.ctx, &res); err != nil {
					fail(err)
					return
				}
				r.status.Done += res.Items
				r.status.Counters.Add(res.Counters)
				r.status.Errors = appendBounded(r.status.Errors, res.Errors)
				r.details()
			})
		}
		if pending > 0 && !r.stopped() && firstErr == nil {
			embedder.maybeStart()
		}
		if pending == 0 && !embedder.running {
			break
		}
		sel.Select(r.ctx)
	}
	switch {
	case firstErr != nil:
		return fmt.Errorf("extraction: %w", firstErr)
	case r.stopped():
		return nil
	case r.nextSeq >= r.status.Total && r.finishAhead && r.status.Counters.ExtractionFailed == 0:
		return nil // no item failed: no second pass (finish-ahead)
	case r.nextSeq >= r.status.Total:
		return r.retryTransientFailures()
	}
	return r.continueAsNew()
}

// backgroundEmbedder embeds, while extraction goes on, the themes stored so far: one EmbedThemes
// in background mode (it leaves what fails for the embedding phase) whenever backgroundEmbedEvery
// more conversations are done and none is running. Its counters are not taken: the embedding
// phase recounts the run. Dry runs, and runs of the shape released before it, embed nothing here.
type backgroundEmbedder struct {
	r        *run
	sel      workflow.Selector
	fail     func(error)
	enabled  bool
	running  bool
	lastDone int
}

func (r *run) backgroundEmbedder(sel workflow.Selector, fail func(error)) *backgroundEmbedder {
	v := workflow.GetVersion(r.ctx, backgroundEmbedChange, workflow.DefaultVersion, backgroundEmbed)
	return &backgroundEmbedder{r: r, sel: sel, fail: fail, enabled: v >= backgroundEmbed && !r.in.DryRun,
		lastDone: r.status.Done}
}

func (e *backgroundEmbedder) maybeStart() {
	if !e.enabled || e.running || e.r.status.Done-e.lastDone < backgroundEmbedEvery {
		return
	}
	e.running, e.lastDone = true, e.r.status.Done
	f := workflow.ExecuteActivity(phaseOptions(e.r.workCtx), acts.EmbedThemes,
		activities.EmbedInput{RunID: e.r.status.RunID, Background: true})
	e.sel.AddFuture(f, func(f workflow.Future) {
		e.running = false
		if err := f.Get(e.r.ctx, nil); err != nil {
			e.fail(fmt.Errorf("background embedding: %w", err))
		}
	})
}

// retryTransientFailures gives the items that failed for a transient reason (a provider outage
// that outlasted their calls' retries) one more pass once every batch ended. Its counts reach the
// status with the next phase's, which recounts the run from Postgres.
func (r *run) retryTransientFailures() error {
	if workflow.GetVersion(r.ctx, secondPassChange, workflow.DefaultVersion, secondPass) < secondPass {
		return nil
	}
	var res activities.BatchResult
	err := workflow.ExecuteActivity(phaseOptions(r.workCtx), acts.RetryFailedExtractions, activities.RetryFailedInput{
		RunID: r.status.RunID, DryRun: r.in.DryRun, Concurrency: r.in.EffectiveConcurrency(),
	}).Get(r.ctx, &res)
	if err != nil && !(isCancel(err) && r.stopped()) {
		return fmt.Errorf("extraction: second pass: %w", err)
	}
	return nil
}

// runPhase runs one phase activity and takes its counters.
func (r *run) runPhase(activity any, input any) error {
	var res activities.PhaseResult
	err := workflow.ExecuteActivity(phaseOptions(r.workCtx), activity, input).Get(r.ctx, &res)
	if err != nil {
		if isCancel(err) && r.stopped() {
			return nil
		}
		return fmt.Errorf("%s: %w", r.status.Phase, err)
	}
	r.status.Counters = res.Counters
	r.status.Errors = res.Errors
	return nil
}

// continueSuggested says when to carry the run into a fresh history; never before this history
// has started a batch, so a run cannot continue as new in a loop without progress.
func (r *run) continueSuggested(started int) bool {
	return started > 0 && workflow.GetInfo(r.ctx).GetContinueAsNewSuggested()
}

func (r *run) continueAsNew() error {
	// A stop that arrived but was not handled yet would be lost with this history: take it now.
	if workflow.GetSignalChannel(r.ctx, pipeline.SignalStop).ReceiveAsync(nil) {
		r.stopping, r.status.Status = true, pipeline.StatusStopping
		r.publish(r.ctx)
		return nil
	}
	_ = workflow.Await(r.ctx, func() bool { return workflow.AllHandlersFinished(r.ctx) })
	next := r.in
	next.Resume = &pipeline.Progress{Status: r.status, NextSeq: r.nextSeq, Stopping: r.stopping}
	return workflow.NewContinueAsNewError(r.ctx, PipelineRun, next)
}

// finish records the run's end state with counters recomputed from Postgres, in a context that
// survives cancellation, and returns the status (and the failure, so Temporal shows it failed).
// The index hears of the end before the status query shows it, so a caller who sees the run
// ended can start the next one at once.
func (r *run) finish(runErr error) (pipeline.Status, error) {
	final := r.status
	switch {
	case runErr != nil && !(isCancel(runErr) && r.stopped()):
		final.Status, final.FailureMessage = pipeline.StatusFailed, rootMessage(runErr)
	case r.stopped():
		final.Status = pipeline.StatusStopped
	default:
		final.Status, final.Phase = pipeline.StatusCompleted, pipeline.PhaseCompleted
	}
	r.finishing = true
	ctx, _ := workflow.NewDisconnectedContext(r.ctx)
	// A stop's "stopping" mirror may still be on its way to Postgres (the stop listener runs it
	// concurrently): let it land first, so the final status is the last write.
	_ = workflow.Await(ctx, func() bool { return r.publishing == 0 })
	now := workflow.Now(ctx).UTC()
	var res activities.FinishResult
	err := workflow.ExecuteActivity(quickOptions(ctx), acts.FinishRun, activities.FinishRunInput{
		RunID: final.RunID, Status: final.Status, Phase: final.Phase,
		Failure: final.FailureMessage, EndedAt: now,
	}).Get(ctx, &res)
	if err == nil {
		final.Counters = res.Counters
		final.Errors, final.Warnings = res.Errors, res.Warnings
	}
	final.EndedAt = &now
	final.DurationSeconds = now.Sub(final.StartedAt).Seconds()
	r.report(ctx, final)
	r.status = final
	r.upsertSearchAttributes(ctx)
	r.details()
	if final.Status == pipeline.StatusFailed {
		return final, temporal.NewNonRetryableApplicationError(final.FailureMessage, "PipelineRunFailed", runErr)
	}
	if err != nil {
		return final, fmt.Errorf("record end of run: %w", err)
	}
	return final, nil
}
