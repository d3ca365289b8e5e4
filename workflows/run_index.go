package workflows

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// Run index tuning: how often live runs are reconciled with Temporal when their reports do not
// come (a run terminated from the UI runs no code), and how long the index's history may grow
// before it continues as new.
const (
	reconcileInterval = 30 * time.Second
	indexHistoryLimit = 2000
)

// rebuildChange versions the rebuild of a fresh index's entries (an activity before anything
// else), so index histories recorded before it replay.
const rebuildChange = "rebuild-fresh-index"

// index is the run index's state and handlers.
type index struct {
	ctx        workflow.Context
	state      pipeline.IndexState
	starting   map[string]bool // runs whose start is in flight: Temporal may not know them yet
	rebuilding bool            // a fresh index is rebuilding its entries: admissions wait
}

// RunIndex is the long-lived workflow that holds the bounded index of run workflow IDs. The
// starter is admitted through its `admit` update (update-with-start): the update validates the
// limits, records the run and starts it as a child workflow before it answers, and updates are
// handled one at a time up to their first blocking call, so two simultaneous admissions can
// never both take the last slot. Runs report their transitions by signal; live runs whose report
// cannot come are reconciled with Temporal. Terminal entries are evicted oldest first when the
// index is full; a live entry never is. The index continues as new to keep its history bounded.
// A fresh index (not a continue-as-new: the previous one was cancelled or terminated, or there
// was none) first rebuilds its entries from pipeline_runs and Temporal, so runs that outlived
// the previous index (they are abandoned, not closed, with it) still hold their slots and are
// found by `starter stop`; admissions wait for the rebuild.
func RunIndex(ctx workflow.Context, state pipeline.IndexState) error {
	ix := &index{ctx: ctx, state: state, starting: map[string]bool{}}
	ix.state.Limits = ix.state.Limits.WithDefaults()
	// Decided before the handlers exist, so an admission delivered with the start waits for it.
	ix.rebuilding = workflow.GetInfo(ctx).ContinuedExecutionRunID == "" &&
		workflow.GetVersion(ctx, rebuildChange, workflow.DefaultVersion, 1) == 1
	if err := workflow.SetQueryHandler(ctx, pipeline.QueryRuns, func() (pipeline.IndexState, error) {
		return ix.state, nil
	}); err != nil {
		return fmt.Errorf("register runs query: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, pipeline.UpdateAdmit, ix.admit,
		workflow.UpdateHandlerOptions{Validator: ix.validate}); err != nil {
		return fmt.Errorf("register admit update: %w", err)
	}
	if ix.rebuilding {
		ix.rebuild()
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	reports := workflow.GetSignalChannel(ctx, pipeline.SignalRunReport)
	timer := workflow.NewTimer(ctx, reconcileInterval)
	for {
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(reports, func(c workflow.ReceiveChannel, _ bool) {
			var r pipeline.RunReport
			c.Receive(ctx, &r)
			ix.apply(r)
		})
		fired := false
		sel.AddFuture(timer, func(workflow.Future) { fired = true })
		sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
		sel.Select(ctx)
		if ctx.Err() != nil {
			return ctx.Err() // cancelled: a cancelled timer would fire at once, forever
		}
		if fired {
			ix.reconcile()
			timer = workflow.NewTimer(ctx, reconcileInterval)
		}
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() || workflow.GetInfo(ctx).GetCurrentHistoryLength() > indexHistoryLimit {
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return err
			}
			for {
				var r pipeline.RunReport
				if !reports.ReceiveAsync(&r) {
					break
				}
				ix.apply(r)
			}
			return workflow.NewContinueAsNewError(ctx, RunIndex, ix.state)
		}
	}
}

// validate rejects an admission that would break a limit; a rejected update leaves no trace in
// the history. Retention is never below MaxActive, so an index full of live runs is refused by
// the active-runs limit, with the blocking runs named.
func (ix *index) validate(req pipeline.AdmitRequest) error {
	limits := req.Limits.WithDefaults()
	if req.RunID == "" {
		return errors.New("admission needs a run ID")
	}
	var live []string
	active := 0
	for _, e := range ix.state.Entries {
		if e.RunID == req.RunID {
			return fmt.Errorf("run %s is already in the index", req.RunID)
		}
		if e.Live() {
			live = append(live, fmt.Sprintf("%s (%s, %s)", e.RunID, e.Status, e.Phase))
			active++
		}
	}
	if active >= limits.MaxActive {
		return fmt.Errorf("refused: %d run(s) active, at most %d at a time: %s; stop it with `starter stop` or wait for it to end",
			active, limits.MaxActive, strings.Join(live, ", "))
	}
	return nil
}

// admit records the run and starts it; it answers once the run has started. An admission that
// arrives while a fresh index rebuilds its entries (update-with-start delivers it with the
// index's start) was validated against an empty index: it waits for the rebuild and is checked
// again.
func (ix *index) admit(ctx workflow.Context, req pipeline.AdmitRequest) (string, error) {
	if ix.rebuilding {
		if err := workflow.Await(ctx, func() bool { return !ix.rebuilding }); err != nil {
			return "", err
		}
	}
	if err := ix.validate(req); err != nil { // limits may have changed since validation
		return "", err
	}
	ix.state.Limits = req.Limits.WithDefaults()
	evicted := ix.makeRoom()
	now := workflow.Now(ctx).UTC()
	ix.state.Entries = append(ix.state.Entries, pipeline.IndexEntry{
		RunID: req.RunID, Status: pipeline.StatusRunning, Phase: pipeline.PhaseExtraction,
		DryRun: req.Input.DryRun, StartedAt: now,
	})
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            req.RunID,
		TaskQueue:             req.TaskQueue,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:         req.Summary,
		StaticDetails:         req.Details,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			statusKey.ValueSet(pipeline.StatusRunning), phaseKey.ValueSet(pipeline.PhaseExtraction)),
	})
	child := workflow.ExecuteChildWorkflow(cctx, pipeline.WorkflowName, req.Input)
	ix.starting[req.RunID] = true
	startErr := child.GetChildWorkflowExecution().Get(ctx, nil)
	delete(ix.starting, req.RunID)
	if startErr != nil {
		ix.remove(req.RunID)
	}
	if len(evicted) > 0 { // evicted even when the start failed: their previews go too
		err := workflow.ExecuteActivity(quickOptions(ctx), acts.ForgetRuns, activities.ForgetRunsInput{RunIDs: evicted}).Get(ctx, nil)
		if err != nil {
			workflow.GetLogger(ctx).Warn("could not delete evicted runs' previews", "runs", evicted, "error", err)
		}
	}
	if startErr != nil {
		return "", fmt.Errorf("start run %s: %w", req.RunID, startErr)
	}
	return req.RunID, nil
}

// makeRoom evicts terminal entries, oldest first, until one more entry fits; it returns them.
func (ix *index) makeRoom() []string {
	var evicted []string
	for len(ix.state.Entries) >= ix.state.Limits.Retention {
		id := ix.evictOldestTerminal()
		if id == "" {
			break // only live runs left: validate refuses before this can matter
		}
		evicted = append(evicted, id)
	}
	return evicted
}

// evictOldestTerminal removes the oldest terminal entry and returns its run ID, or "" when every
// entry is live.
func (ix *index) evictOldestTerminal() string {
	oldest := -1
	for i, e := range ix.state.Entries {
		if !e.Live() && (oldest < 0 || e.StartedAt.Before(ix.state.Entries[oldest].StartedAt)) {
			oldest = i
		}
	}
	if oldest < 0 {
		return ""
	}
	id := ix.state.Entries[oldest].RunID
	ix.state.Entries = append(ix.state.Entries[:oldest], ix.state.Entries[oldest+1:]...)
	return id
}

func (ix *index) remove(runID string) {
	for i, e := range ix.state.Entries {
		if e.RunID == runID {
			ix.state.Entries = append(ix.state.Entries[:i], ix.state.Entries[i+1:]...)
			return
		}
	}
}

// apply records a run's report; a terminal entry never goes back to live.
func (ix *index) apply(r pipeline.RunReport) {
	for i := range ix.state.Entries {
		e := &ix.state.Entries[i]
		if e.RunID != r.RunID || !e.Live() {
			continue
		}
		e.Status, e.Phase = r.Status, r.Phase
		if r.EndedAt != nil {
			e.EndedAt = r.EndedAt
		}
	}
}

// reconcile asks Temporal about live entries: a run that closed without reporting (terminated,
// timed out, or never started) is marked with its real end. A run whose start is still in flight
// is not asked about: Temporal may not know it yet, and it would be taken for never started.
func (ix *index) reconcile() {
	var live []string
	for _, e := range ix.state.Entries {
		if e.Live() && !ix.starting[e.RunID] {
			live = append(live, e.RunID)
		}
	}
	if len(live) == 0 {
		return
	}
	sort.Strings(live)
	var reports []pipeline.RunReport
	err := workflow.ExecuteActivity(quickOptions(ix.ctx), acts.ReconcileRuns, activities.ReconcileInput{RunIDs: live}).Get(ix.ctx, &reports)
	if err != nil {
		workflow.GetLogger(ix.ctx).Warn("could not reconcile live runs", "error", err)
		return
	}
	for _, r := range reports {
		ix.apply(r)
	}
}

// rebuild fills a fresh index with the runs pipeline_runs and Temporal know: the live ones, and
// the newest ended ones up to the retention. Entries the index already holds are kept. When the
// rebuild fails the index starts with what it has, as it did before rebuilds existed.
func (ix *index) rebuild() {
	defer func() { ix.rebuilding = false }()
	var found []pipeline.IndexEntry
	err := workflow.ExecuteActivity(quickOptions(ix.ctx), acts.RebuildIndex, activities.RebuildIndexInput{
		TaskQueue: workflow.GetInfo(ix.ctx).TaskQueueName, Retention: ix.state.Limits.Retention,
	}).Get(ix.ctx, &found)
	if err != nil {
		workflow.GetLogger(ix.ctx).Warn("could not rebuild the run index", "error", err)
		return
	}
	known := make(map[string]bool, len(ix.state.Entries))
	for _, e := range ix.state.Entries {
		known[e.RunID] = true
	}
	for _, e := range found {
		if !known[e.RunID] {
			known[e.RunID] = true
			ix.state.Entries = append(ix.state.Entries, e)
		}
	}
	sort.SliceStable(ix.state.Entries, func(i, j int) bool {
		return ix.state.Entries[i].StartedAt.Before(ix.state.Entries[j].StartedAt)
	})
	for len(ix.state.Entries) > ix.state.Limits.Retention {
		if ix.evictOldestTerminal() == "" {
			break // only live runs left: they are all kept
		}
	}
	if len(found) > 0 {
		workflow.GetLogger(ix.ctx).Info("run index rebuilt", "entries", len(ix.state.Entries))
	}
}
