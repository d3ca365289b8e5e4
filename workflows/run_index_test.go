package workflows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"feedbackpipe/activities"
	"feedbackpipe/pipeline"
)

// The RunIndex tests drive the index the way the starter and the runs do: `admit` updates (the
// update half of the starter's update-with-start), `run-report` signals (what a run sends its
// parent index in finish) and the `runs` query. The child PipelineRun is mocked: its start goes
// through (or fails) after a chosen delay on the workflow clock, and a run's reports are sent by
// the test. Every step is a delayed callback on the workflow clock; update callbacks run inside
// the workflow and only record what they saw.

// maxIndexTimers bounds the timers one index history may schedule in a test: far more than any
// test needs, far fewer than a loop that schedules timers without blocking.
const maxIndexTimers = 5000

// admission is what the test saw of one `admit` update.
type admission struct {
	runID string

	mu        sync.Mutex
	accepted  bool
	rejected  error // the validator's refusal
	completed bool
	result    string
	err       error // the handler's error
}

func (a *admission) snapshot() (accepted bool, rejected error, completed bool, result string, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.accepted, a.rejected, a.completed, a.result, a.err
}

// requireAdmitted checks that the admission was accepted and answered with its run ID.
func (a *admission) requireAdmitted(t *testing.T) {
	t.Helper()
	accepted, rejected, completed, result, err := a.snapshot()
	require.NoError(t, rejected, "admission of %s was rejected", a.runID)
	require.True(t, accepted, "admission of %s was not accepted", a.runID)
	require.True(t, completed, "admission of %s did not complete", a.runID)
	require.NoError(t, err, "admission of %s failed", a.runID)
	require.Equal(t, a.runID, result)
}

// requireRefused checks that the validator refused the admission, and returns its message.
func (a *admission) requireRefused(t *testing.T) string {
	t.Helper()
	accepted, rejected, completed, _, _ := a.snapshot()
	require.Error(t, rejected, "admission of %s was not refused", a.runID)
	assert.False(t, accepted, "a refused admission of %s was accepted", a.runID)
	assert.False(t, completed, "a refused admission of %s completed", a.runID)
	return rejected.Error()
}

// indexHarness is one RunIndex test environment and what its mocks saw.
type indexHarness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment

	mu         sync.Mutex
	forgotten  [][]string                     // ForgetRuns inputs, in call order
	reconciled [][]string                     // ReconcileRuns inputs, in call order
	rebuilt    []pipeline.IndexEntry          // what RebuildIndex finds
	rebuilds   []activities.RebuildIndexInput // RebuildIndex inputs, in call order
	closed     map[string]pipeline.RunReport  // what ReconcileRuns reports for a run that closed silently
	failStart  map[string]bool                // runs whose start fails
	started    map[string]bool                // runs whose start went through
	timers     int
}

// newIndexHarness makes an index environment whose children's starts take startDelay on the
// workflow clock (0: at once), starting at the given workflow time. The fresh index's rebuild
// finds nothing.
func newIndexHarness(t *testing.T, start time.Time, startDelay time.Duration) *indexHarness {
	return newRebuildingIndexHarness(t, start, startDelay, nil, 0)
}

// newRebuildingIndexHarness is newIndexHarness whose fresh index's rebuild finds the given
// entries after rebuildDelay on the workflow clock.
func newRebuildingIndexHarness(t *testing.T, start time.Time, startDelay time.Duration, rebuilt []pipeline.IndexEntry, rebuildDelay time.Duration) *indexHarness {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.RegisterWorkflowWithOptions(RunIndex, workflow.RegisterOptions{Name: pipeline.IndexWorkflowName})
	env.RegisterWorkflowWithOptions(PipelineRun, workflow.RegisterOptions{Name: pipeline.WorkflowName})
	env.RegisterActivity(&activities.Activities{})
	h := &indexHarness{
		t: t, env: env,
		closed: map[string]pipeline.RunReport{}, failStart: map[string]bool{}, started: map[string]bool{},
		rebuilt: rebuilt,
	}
	// The mocked run: its start is known to the index once the mock returns, after startDelay.
	child := env.OnWorkflow(pipeline.WorkflowName, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, _ pipeline.RunInput) (pipeline.Status, error) {
			id := workflow.GetInfo(ctx).WorkflowExecution.ID
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.failStart[id] {
				return pipeline.Status{}, testsuite.ErrMockStartChildWorkflowFailed
			}
			h.started[id] = true
			return pipeline.Status{RunID: id, Status: pipeline.StatusCompleted, Phase: pipeline.PhaseCompleted}, nil
		})
	if startDelay > 0 {
		child.After(startDelay)
	}
	env.OnActivity(acts.ForgetRuns, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ForgetRunsInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.forgotten = append(h.forgotten, slices.Clone(in.RunIDs))
			return nil
		})
	rebuild := env.OnActivity(acts.RebuildIndex, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RebuildIndexInput) ([]pipeline.IndexEntry, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.rebuilds = append(h.rebuilds, in)
			return slices.Clone(h.rebuilt), nil
		})
	if rebuildDelay > 0 {
		rebuild.After(rebuildDelay)
	}
	// ReconcileRuns answers as the real activity does: a run Temporal does not know (never
	// started) is reported failed, a run that closed silently with what Temporal says, and a run
	// still running not at all.
	env.OnActivity(acts.ReconcileRuns, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ReconcileInput) ([]pipeline.RunReport, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.reconciled = append(h.reconciled, slices.Clone(in.RunIDs))
			var out []pipeline.RunReport
			for _, id := range in.RunIDs {
				if r, ok := h.closed[id]; ok {
					out = append(out, r)
				} else if !h.started[id] {
					ended := env.Now().UTC()
					out = append(out, pipeline.RunReport{RunID: id, Status: pipeline.StatusFailed, Phase: pipeline.PhaseExtraction, EndedAt: &ended})
				}
			}
			return out, nil
		})
	// The index's upkeep is bookkeeping of bounded work, which admissions may wait for: a worker
	// lost while one of its activities runs costs at most quickTimeout, not two minutes.
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		assert.Equal(t, quickTimeout, info.StartToCloseTimeout, "%s's StartToCloseTimeout", info.ActivityType.Name)
	})
	// A workflow that schedules timers without ever blocking (e.g. on a cancelled context) would
	// never return control to the test: fail it instead.
	env.SetOnTimerScheduledListener(func(string, time.Duration) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.timers++
		if h.timers > maxIndexTimers {
			panic(fmt.Sprintf("the index scheduled more than %d timers: it loops without blocking", maxIndexTimers))
		}
	})
	return h
}

// at runs fn at workflow time d after the start, on the test's goroutine.
func (h *indexHarness) at(d time.Duration, fn func()) { h.env.RegisterDelayedCallback(fn, d) }

// admitAt sends an `admit` update for runID at workflow time d.
func (h *indexHarness) admitAt(d time.Duration, runID string, limits pipeline.IndexLimits) *admission {
	a := &admission{runID: runID}
	h.at(d, func() { h.sendAdmit(a, limits) })
	return a
}

// sendAdmit sends the admission's update now; call it from a delayed callback.
func (h *indexHarness) sendAdmit(a *admission, limits pipeline.IndexLimits) {
	req := pipeline.AdmitRequest{
		RunID: a.runID, TaskQueue: pipeline.DefaultTaskQueue, Input: pipeline.RunInput{Days: 3},
		Limits: limits, Summary: "Pipeline run", Details: "details",
	}
	h.env.UpdateWorkflow(pipeline.UpdateAdmit, "", &testsuite.TestUpdateCallback{
		OnAccept: func() {
			a.mu.Lock()
			a.accepted = true
			a.mu.Unlock()
		},
		OnReject: func(err error) {
			a.mu.Lock()
			a.rejected = err
			a.mu.Unlock()
		},
		OnComplete: func(result any, err error) {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.completed, a.err = true, err
			if s, ok := result.(string); ok {
				a.result = s
			}
		},
	}, req)
}

// report sends a run's report to the index now; call it from a delayed callback.
func (h *indexHarness) report(runID, status, phase string) {
	r := pipeline.RunReport{RunID: runID, Status: status, Phase: phase}
	if pipeline.IsTerminal(status) {
		ended := h.env.Now().UTC()
		r.EndedAt = &ended
	}
	h.env.SignalWorkflow(pipeline.SignalRunReport, r)
}

// state answers the `runs` query now.
func (h *indexHarness) state() pipeline.IndexState {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(pipeline.QueryRuns)
	require.NoError(h.t, err)
	var s pipeline.IndexState
	require.NoError(h.t, v.Get(&s))
	return s
}

// continueAsNewAt makes the index's history too long at workflow time d and wakes it with a
// report of an unknown run, so that it continues as new.
func (h *indexHarness) continueAsNewAt(d time.Duration) {
	h.at(d, func() {
		h.env.SetCurrentHistoryLength(indexHistoryLimit + 1)
		h.report("no-such-run", pipeline.StatusRunning, pipeline.PhaseExtraction)
	})
}

// run runs the index from state until it ends.
func (h *indexHarness) run(state pipeline.IndexState) {
	h.t.Helper()
	h.env.ExecuteWorkflow(pipeline.IndexWorkflowName, state)
	require.True(h.t, h.env.IsWorkflowCompleted(), "the index did not end")
}

// carried is the state the index continued as new with.
func (h *indexHarness) carried() pipeline.IndexState {
	h.t.Helper()
	err := h.env.GetWorkflowError()
	var can *workflow.ContinueAsNewError
	require.ErrorAs(h.t, err, &can, "the index did not continue as new")
	require.Equal(h.t, pipeline.IndexWorkflowName, can.WorkflowType.Name)
	var s pipeline.IndexState
	require.NoError(h.t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &s))
	return s
}

func (h *indexHarness) forgottenRuns() [][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.forgotten)
}

func (h *indexHarness) reconciledRuns() [][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.reconciled)
}

func (h *indexHarness) startedRuns() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for id := range h.started {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func runIDs(s pipeline.IndexState) []string {
	out := make([]string, 0, len(s.Entries))
	for _, e := range s.Entries {
		out = append(out, e.RunID)
	}
	return out
}

func entry(t *testing.T, s pipeline.IndexState, runID string) pipeline.IndexEntry {
	t.Helper()
	for _, e := range s.Entries {
		if e.RunID == runID {
			return e
		}
	}
	require.Failf(t, "run not in the index", "%s is not in %v", runID, runIDs(s))
	return pipeline.IndexEntry{}
}

func cycleRun(i int) string { return fmt.Sprintf("run-%04d", i) }

// 1,000 runs, one at a time: each is admitted, reported completed, and the next admitted. The
// index never holds more than Retention entries, never evicts the live run, evicts the oldest
// terminal entry each time it is full (and ForgetRuns is told), and ends holding the newest 100.
// The cycles span four histories: each continues as new when its history is too long, and the
// next runs from the state it carried.
func TestIndexThousandCyclesEvictOldestTerminalFirst(t *testing.T) {
	const cycles, perHistory, cycleLen = 1000, 250, 10 * time.Second
	limits := pipeline.IndexLimits{MaxActive: 1, Retention: 100}
	state := pipeline.IndexState{Limits: limits}
	var forgotten [][]string
	for from := 0; from < cycles; from += perHistory {
		h := newIndexHarness(t, startTime.Add(time.Duration(from)*cycleLen), 0)
		var last pipeline.IndexState
		for i := from; i < from+perHistory; i++ {
			base, id := time.Duration(i-from)*cycleLen, cycleRun(i)
			a := h.admitAt(base+time.Second, id, limits)
			h.at(base+2*time.Second, func() {
				a.requireAdmitted(t)
				s := h.state()
				require.LessOrEqual(t, len(s.Entries), limits.Retention, "cycle %d", i)
				// The newest entries, oldest first; the newest is the live run, the others ended.
				var want []string
				for j := max(0, i-limits.Retention+1); j <= i; j++ {
					want = append(want, cycleRun(j))
				}
				require.Equal(t, want, runIDs(s), "cycle %d", i)
				for _, e := range s.Entries[:len(s.Entries)-1] {
					require.Equal(t, pipeline.StatusCompleted, e.Status, "cycle %d: %s", i, e.RunID)
				}
				live := s.Entries[len(s.Entries)-1]
				require.Equal(t, pipeline.StatusRunning, live.Status)
				require.Equal(t, h.env.Now().Add(-time.Second).UTC(), live.StartedAt.UTC())
				h.report(id, pipeline.StatusCompleted, pipeline.PhaseCompleted)
			})
			h.at(base+3*time.Second, func() {
				s := h.state()
				require.LessOrEqual(t, len(s.Entries), limits.Retention, "cycle %d", i)
				e := entry(t, s, id)
				require.Equal(t, pipeline.StatusCompleted, e.Status, "cycle %d", i)
				require.NotNil(t, e.EndedAt)
				last = s
			})
		}
		h.continueAsNewAt(time.Duration(perHistory) * cycleLen)
		h.run(state)
		carried := h.carried()
		require.Equal(t, last, carried, "the state carried across continue-as-new is the index's state")
		require.Equal(t, limits, carried.Limits)
		forgotten = append(forgotten, h.forgottenRuns()...)
		state = carried
	}
	// Once full, every admission evicted exactly one entry, the oldest, already ended.
	var want [][]string
	for i := 0; i < cycles-limits.Retention; i++ {
		want = append(want, []string{cycleRun(i)})
	}
	assert.Equal(t, want, forgotten, "ForgetRuns is told each evicted run, oldest first, one per admission")
	var newest []string
	for i := cycles - limits.Retention; i < cycles; i++ {
		newest = append(newest, cycleRun(i))
	}
	assert.Equal(t, newest, runIDs(state), "the index ends with the newest 100 runs")
}

// 20 admissions delivered together with one slot: the first takes it, the 19 others are refused
// by the validator, each naming the run that holds the slot.
func TestIndexConcurrentAdmissionsTakeTheOnlySlotOnce(t *testing.T) {
	h := newIndexHarness(t, startTime, 0)
	limits := pipeline.IndexLimits{MaxActive: 1}
	var all []*admission
	h.at(time.Second, func() {
		for i := range 20 {
			a := &admission{runID: fmt.Sprintf("run-%02d", i)}
			all = append(all, a)
			h.sendAdmit(a, limits)
		}
	})
	var winner string
	h.at(2*time.Second, func() {
		var admitted []*admission
		for _, a := range all {
			if _, rejected, _, _, _ := a.snapshot(); rejected == nil {
				admitted = append(admitted, a)
			}
		}
		require.Len(t, admitted, 1, "exactly one admission takes the only slot")
		admitted[0].requireAdmitted(t)
		winner = admitted[0].runID
		for _, a := range all {
			if a == admitted[0] {
				continue
			}
			msg := a.requireRefused(t)
			assert.Contains(t, msg, "refused", a.runID)
			assert.Contains(t, msg, winner, "the refusal of %s names the run holding the slot", a.runID)
		}
		s := h.state()
		require.Len(t, s.Entries, 1)
		assert.Equal(t, winner, s.Entries[0].RunID)
		assert.Equal(t, pipeline.StatusRunning, s.Entries[0].Status)
	})
	h.continueAsNewAt(3 * time.Second)
	h.run(pipeline.IndexState{})
	assert.Equal(t, []string{winner}, h.startedRuns(), "only the admitted run was started")
	assert.Equal(t, []string{winner}, runIDs(h.carried()))
}

// An index full of live runs refuses, naming them; once one of them stops, the next admission
// evicts that one (the only terminal entry), not the oldest.
func TestIndexFullOfLiveRunsRefusesUntilOneStops(t *testing.T) {
	h := newIndexHarness(t, startTime, 0)
	limits := pipeline.IndexLimits{MaxActive: 5, Retention: 5}
	live := []string{"run-1", "run-2", "run-3", "run-4", "run-5"}
	var firsts []*admission
	for i, id := range live {
		firsts = append(firsts, h.admitAt(time.Duration(i+1)*time.Second, id, limits))
	}
	refused := h.admitAt(6*time.Second, "run-6", limits)
	h.at(7*time.Second, func() {
		for _, a := range firsts {
			a.requireAdmitted(t)
		}
		msg := refused.requireRefused(t)
		assert.Contains(t, msg, "refused")
		for _, id := range live {
			assert.Contains(t, msg, id, "the refusal names every live run")
		}
		s := h.state()
		assert.Equal(t, live, runIDs(s), "a refused admission changes nothing")
		assert.Empty(t, h.forgottenRuns())
		h.report("run-3", pipeline.StatusStopped, pipeline.PhaseEmbedding)
	})
	retried := h.admitAt(8*time.Second, "run-6", limits)
	h.at(9*time.Second, func() {
		retried.requireAdmitted(t)
		s := h.state()
		assert.Equal(t, []string{"run-1", "run-2", "run-4", "run-5", "run-6"}, runIDs(s),
			"the stopped run is evicted, the live ones are kept")
		for _, e := range s.Entries {
			assert.True(t, e.Live(), e.RunID)
		}
		assert.Equal(t, [][]string{{"run-3"}}, h.forgottenRuns())
	})
	h.continueAsNewAt(10 * time.Second)
	h.run(pipeline.IndexState{})
}

// A run that reported `stopping` still holds its slot until it reports its end.
func TestIndexStoppingRunStillCountsAsActive(t *testing.T) {
	h := newIndexHarness(t, startTime, 0)
	limits := pipeline.IndexLimits{MaxActive: 1}
	first := h.admitAt(time.Second, "run-1", limits)
	h.at(2*time.Second, func() {
		first.requireAdmitted(t)
		h.report("run-1", pipeline.StatusStopping, pipeline.PhaseExtraction)
	})
	blocked := h.admitAt(3*time.Second, "run-2", limits)
	h.at(4*time.Second, func() {
		msg := blocked.requireRefused(t)
		assert.Contains(t, msg, "refused")
		assert.Contains(t, msg, "run-1 (stopping, extraction)")
		s := h.state()
		assert.Equal(t, []string{"run-1"}, runIDs(s))
		assert.Equal(t, pipeline.StatusStopping, s.Entries[0].Status)
		h.report("run-1", pipeline.StatusStopped, pipeline.PhaseExtraction)
	})
	second := h.admitAt(5*time.Second, "run-2", limits)
	h.at(6*time.Second, func() {
		second.requireAdmitted(t)
		s := h.state()
		assert.Equal(t, []string{"run-1", "run-2"}, runIDs(s))
		assert.Equal(t, pipeline.StatusStopped, s.Entries[0].Status)
		assert.Equal(t, pipeline.StatusRunning, s.Entries[1].Status)
	})
	h.continueAsNewAt(7 * time.Second)
	h.run(pipeline.IndexState{})
}

// Reports move a live entry along; a late report never brings a terminal entry back to live, and
// reports of runs the index does not hold are ignored.
func TestIndexReportsNeverReviveTerminalEntries(t *testing.T) {
	h := newIndexHarness(t, startTime, 0)
	limits := pipeline.IndexLimits{MaxActive: 1}
	first := h.admitAt(time.Second, "run-1", limits)
	h.at(2*time.Second, func() {
		first.requireAdmitted(t)
		h.report("run-1", pipeline.StatusRunning, pipeline.PhaseEmbedding)
	})
	h.at(3*time.Second, func() {
		e := entry(t, h.state(), "run-1")
		assert.Equal(t, pipeline.StatusRunning, e.Status)
		assert.Equal(t, pipeline.PhaseEmbedding, e.Phase, "a live entry takes its run's reports")
		h.report("run-1", pipeline.StatusCompleted, pipeline.PhaseCompleted)
	})
	var ended *time.Time
	h.at(4*time.Second, func() {
		e := entry(t, h.state(), "run-1")
		assert.Equal(t, pipeline.StatusCompleted, e.Status)
		require.NotNil(t, e.EndedAt)
		ended = e.EndedAt
		h.report("run-1", pipeline.StatusRunning, pipeline.PhaseStories) // late
		h.report("ghost", pipeline.StatusRunning, pipeline.PhaseExtraction)
		h.report("ghost", pipeline.StatusCompleted, pipeline.PhaseCompleted)
	})
	h.at(5*time.Second, func() {
		s := h.state()
		assert.Equal(t, []string{"run-1"}, runIDs(s), "reports of unknown runs add nothing")
		e := s.Entries[0]
		assert.Equal(t, pipeline.StatusCompleted, e.Status, "a terminal entry never goes back to live")
		assert.Equal(t, pipeline.PhaseCompleted, e.Phase)
		assert.Equal(t, ended, e.EndedAt)
	})
	second := h.admitAt(6*time.Second, "run-2", limits)
	h.at(7*time.Second, func() {
		second.requireAdmitted(t) // the late report did not take the slot back
	})
	h.continueAsNewAt(8 * time.Second)
	h.run(pipeline.IndexState{})
}

// A live run that closed without reporting (terminated from the UI) is marked failed when the
// index reconciles, every 30s, and its slot is freed; runs still running are left alone.
func TestIndexReconcileMarksSilentlyClosedRunsFailed(t *testing.T) {
	h := newIndexHarness(t, startTime, 0)
	limits := pipeline.IndexLimits{MaxActive: 2}
	ended := h.admitAt(time.Second, "run-0", limits)
	h.at(2*time.Second, func() { h.report("run-0", pipeline.StatusCompleted, pipeline.PhaseCompleted) })
	b := h.admitAt(3*time.Second, "run-b", limits)
	a := h.admitAt(4*time.Second, "run-a", limits)
	terminatedAt := startTime.Add(5 * time.Second)
	blocked := h.admitAt(10*time.Second, "run-c", limits)
	h.at(11*time.Second, func() {
		ended.requireAdmitted(t)
		a.requireAdmitted(t)
		b.requireAdmitted(t)
		assert.Contains(t, blocked.requireRefused(t), "refused")
		h.mu.Lock()
		h.closed["run-b"] = pipeline.RunReport{RunID: "run-b", Status: pipeline.StatusFailed, Phase: pipeline.PhaseExtraction, EndedAt: &terminatedAt}
		h.mu.Unlock()
	})
	h.at(29*time.Second, func() {
		assert.Empty(t, h.reconciledRuns(), "no reconcile before the interval")
		for _, e := range h.state().Entries {
			assert.Equal(t, e.RunID != "run-0", e.Live(), e.RunID)
		}
	})
	retried := h.admitAt(31*time.Second, "run-c", limits)
	h.at(32*time.Second, func() {
		assert.Equal(t, [][]string{{"run-a", "run-b"}}, h.reconciledRuns(), "the live runs, sorted, and only them")
		s := h.state()
		b := entry(t, s, "run-b")
		assert.Equal(t, pipeline.StatusFailed, b.Status)
		require.NotNil(t, b.EndedAt)
		assert.True(t, terminatedAt.Equal(*b.EndedAt))
		assert.Equal(t, pipeline.StatusRunning, entry(t, s, "run-a").Status)
		retried.requireAdmitted(t) // the failed run's slot is free
		assert.Equal(t, pipeline.StatusRunning, entry(t, s, "run-c").Status)
	})
	h.continueAsNewAt(33 * time.Second)
	h.run(pipeline.IndexState{})
}

// A run whose start is still in flight is not reconciled: Temporal may not know it yet, and the
// reconcile would take it for a run that never started and mark it failed while it starts.
func TestIndexReconcileSkipsRunsStillStarting(t *testing.T) {
	h := newIndexHarness(t, startTime, 2*time.Minute) // starts take 2 minutes: four reconciles
	limits := pipeline.IndexLimits{MaxActive: 1}
	first := h.admitAt(time.Second, "run-1", limits)
	h.at(2*time.Minute+5*time.Second, func() {
		first.requireAdmitted(t)
		assert.Empty(t, h.reconciledRuns(), "a run whose start is in flight is not reconciled")
		assert.Equal(t, pipeline.StatusRunning, entry(t, h.state(), "run-1").Status)
	})
	blocked := h.admitAt(2*time.Minute+6*time.Second, "run-2", limits)
	h.at(2*time.Minute+35*time.Second, func() {
		assert.Contains(t, blocked.requireRefused(t), "run-1")
		assert.Equal(t, [][]string{{"run-1"}}, h.reconciledRuns(), "once started, it is reconciled")
		assert.Equal(t, pipeline.StatusRunning, entry(t, h.state(), "run-1").Status)
	})
	h.continueAsNewAt(2*time.Minute + 36*time.Second)
	h.run(pipeline.IndexState{})
}

// A run whose start fails leaves no entry and the admission answers the error; the entry evicted
// to make room for it stays evicted, and ForgetRuns is still told.
func TestIndexFailedStartRemovesTheEntry(t *testing.T) {
	h := newIndexHarness(t, startTime, 0)
	limits := pipeline.IndexLimits{MaxActive: 1, Retention: 2}
	r1 := h.admitAt(time.Second, "run-1", limits)
	h.at(2*time.Second, func() { h.report("run-1", pipeline.StatusCompleted, pipeline.PhaseCompleted) })
	r2 := h.admitAt(3*time.Second, "run-2", limits)
	h.at(4*time.Second, func() {
		h.report("run-2", pipeline.StatusCompleted, pipeline.PhaseCompleted)
		h.mu.Lock()
		h.failStart["run-3"] = true
		h.mu.Unlock()
	})
	r3 := h.admitAt(5*time.Second, "run-3", limits)
	h.at(6*time.Second, func() {
		r1.requireAdmitted(t)
		r2.requireAdmitted(t)
		accepted, rejected, completed, result, err := r3.snapshot()
		require.NoError(t, rejected)
		assert.True(t, accepted)
		require.True(t, completed)
		require.Error(t, err, "the admission of a run that did not start fails")
		assert.Contains(t, err.Error(), "start run run-3")
		assert.Empty(t, result)
		s := h.state()
		assert.Equal(t, []string{"run-2"}, runIDs(s), "no entry for the run that did not start")
		assert.Equal(t, [][]string{{"run-1"}}, h.forgottenRuns(), "the run evicted for it is forgotten")
	})
	r4 := h.admitAt(7*time.Second, "run-4", limits)
	h.at(8*time.Second, func() {
		r4.requireAdmitted(t) // the slot was not kept by the failed start
		assert.Equal(t, []string{"run-2", "run-4"}, runIDs(h.state()))
	})
	h.continueAsNewAt(9 * time.Second)
	h.run(pipeline.IndexState{})
	assert.Equal(t, []string{"run-1", "run-2", "run-4"}, h.startedRuns())
}

// Continue-as-new waits for an admission in flight, applies the reports already queued, and
// carries entries and limits into the next history, where a carried live run still holds its slot.
func TestIndexContinueAsNewCarriesEntriesLimitsAndQueuedReports(t *testing.T) {
	limits := pipeline.IndexLimits{MaxActive: 1, Retention: 3}

	// History 1: run-0 ends; run-1's start (10s) is in flight when continue-as-new is suggested.
	// All before the first reconcile.
	h := newIndexHarness(t, startTime, 10*time.Second)
	r0 := h.admitAt(time.Second, "run-0", limits)
	h.at(12*time.Second, func() {
		r0.requireAdmitted(t)
		h.report("run-0", pipeline.StatusCompleted, pipeline.PhaseCompleted)
	})
	r1 := h.admitAt(13*time.Second, "run-1", limits)
	h.at(15*time.Second, func() {
		h.env.SetContinueAsNewSuggested(true)
		h.report("no-such-run", pipeline.StatusRunning, pipeline.PhaseExtraction)
	})
	h.run(pipeline.IndexState{Limits: limits})
	r1.requireAdmitted(t) // continue-as-new waited for it
	first := h.carried()
	assert.Equal(t, limits, first.Limits)
	require.Equal(t, []string{"run-0", "run-1"}, runIDs(first))
	assert.Equal(t, pipeline.StatusCompleted, first.Entries[0].Status)
	assert.NotNil(t, first.Entries[0].EndedAt)
	assert.Equal(t, pipeline.StatusRunning, first.Entries[1].Status)

	// History 2: the carried live run still blocks; its end, queued behind the report that
	// wakes the index, is applied before the state is carried on.
	h = newIndexHarness(t, startTime.Add(time.Hour), 0)
	blocked := h.admitAt(time.Second, "run-2", limits)
	h.at(2*time.Second, func() {
		assert.Contains(t, blocked.requireRefused(t), "run-1")
		assert.Equal(t, first, h.state())
		h.env.SetContinueAsNewSuggested(true)
		h.env.SignalWorkflowSkippingWorkflowTask(pipeline.SignalRunReport,
			pipeline.RunReport{RunID: "no-such-run", Status: pipeline.StatusRunning})
		h.report("run-1", pipeline.StatusCompleted, pipeline.PhaseCompleted)
	})
	h.run(first)
	second := h.carried()
	assert.Equal(t, limits, second.Limits)
	require.Equal(t, []string{"run-0", "run-1"}, runIDs(second))
	assert.Equal(t, pipeline.StatusCompleted, second.Entries[1].Status, "a report queued at continue-as-new is not lost")

	// History 3: the slot is free.
	h = newIndexHarness(t, startTime.Add(2*time.Hour), 0)
	r2 := h.admitAt(time.Second, "run-2", limits)
	h.at(2*time.Second, func() {
		r2.requireAdmitted(t)
		assert.Equal(t, []string{"run-0", "run-1", "run-2"}, runIDs(h.state()))
	})
	h.continueAsNewAt(3 * time.Second)
	h.run(second)
}

// Cancelling the index ends it cancelled (its runs are abandoned, not cancelled).
func TestIndexCancelEndsTheIndex(t *testing.T) {
	h := newIndexHarness(t, startTime, 0)
	a := h.admitAt(time.Second, "run-1", pipeline.IndexLimits{})
	h.at(45*time.Second, func() {
		a.requireAdmitted(t)
		h.env.CancelWorkflow()
	})
	h.run(pipeline.IndexState{})
	err := h.env.GetWorkflowError()
	require.Error(t, err)
	var canceled *temporal.CanceledError
	assert.True(t, errors.As(err, &canceled), "the index ends cancelled, not %v", err)
}

func (h *indexHarness) rebuildInputs() []activities.RebuildIndexInput {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.rebuilds)
}

// A fresh index (its predecessor was terminated while a run was live) rebuilds its entries
// before it admits anything: the live run it finds holds the only slot, so the admission
// delivered with the index's start (update-with-start), accepted while the index was still
// empty, is refused once the rebuild lands, naming the live run; the run's end, reported to the
// new index, frees the slot.
func TestIndexFreshStartRebuildsLiveRunsBeforeAdmitting(t *testing.T) {
	ended := startTime.Add(-time.Hour)
	found := []pipeline.IndexEntry{
		{RunID: "run-old", Status: pipeline.StatusCompleted, Phase: pipeline.PhaseCompleted, StartedAt: startTime.Add(-2 * time.Hour), EndedAt: &ended},
		{RunID: "run-live", Status: pipeline.StatusRunning, Phase: pipeline.PhaseEmbedding, StartedAt: startTime.Add(-time.Minute)},
	}
	h := newRebuildingIndexHarness(t, startTime, 0, found, 10*time.Second)
	limits := pipeline.IndexLimits{MaxActive: 1, Retention: 10}
	early := h.admitAt(time.Second, "run-new", limits) // arrives while the index rebuilds
	h.at(5*time.Second, func() {
		accepted, rejected, completed, _, _ := early.snapshot()
		assert.NoError(t, rejected)
		assert.True(t, accepted, "the validator of an empty index accepts")
		assert.False(t, completed, "the admission waits for the rebuild")
		assert.Empty(t, h.state().Entries, "nothing is known before the rebuild lands")
	})
	h.at(11*time.Second, func() {
		_, _, completed, result, err := early.snapshot()
		require.True(t, completed)
		require.Error(t, err, "the admission that waited for the rebuild is refused")
		assert.Contains(t, err.Error(), "refused")
		assert.Contains(t, err.Error(), "run-live (running, embedding)")
		assert.Empty(t, result)
		assert.Equal(t, found, h.state().Entries, "the index holds what it rebuilt, oldest first")
		assert.Equal(t, []activities.RebuildIndexInput{{TaskQueue: "default-test-taskqueue", Retention: 10}}, h.rebuildInputs())
	})
	refused := h.admitAt(12*time.Second, "run-new", limits)
	h.at(13*time.Second, func() {
		assert.Contains(t, refused.requireRefused(t), "run-live", "the live run it found counts against the limit")
		h.report("run-live", pipeline.StatusCompleted, pipeline.PhaseCompleted) // it reports to the new index
	})
	admitted := h.admitAt(14*time.Second, "run-new", limits)
	h.at(15*time.Second, func() {
		admitted.requireAdmitted(t)
		assert.Equal(t, []string{"run-old", "run-live", "run-new"}, runIDs(h.state()))
	})
	h.continueAsNewAt(16 * time.Second)
	h.run(pipeline.IndexState{Limits: limits})
	assert.Equal(t, []string{"run-new"}, h.startedRuns(), "the refused admissions started nothing")
	assert.Len(t, h.rebuildInputs(), 1, "the index rebuilds once, at its start")
}

// A rebuild that finds more runs than the retention keeps every live one and the newest ended
// ones; entries the index already holds are not duplicated.
func TestIndexRebuildKeepsLiveRunsWithinRetention(t *testing.T) {
	var found []pipeline.IndexEntry
	for i := range 6 {
		e := pipeline.IndexEntry{RunID: cycleRun(i), Status: pipeline.StatusCompleted, Phase: pipeline.PhaseCompleted,
			StartedAt: startTime.Add(time.Duration(i-10) * time.Minute)}
		if i == 0 || i == 4 {
			e.Status, e.Phase = pipeline.StatusStopping, pipeline.PhaseExtraction
		}
		found = append(found, e)
	}
	h := newRebuildingIndexHarness(t, startTime, 0, found, 0)
	limits := pipeline.IndexLimits{MaxActive: 2, Retention: 4}
	h.at(time.Second, func() {
		assert.Equal(t, []string{"run-0000", "run-0003", "run-0004", "run-0005"}, runIDs(h.state()),
			"the live runs and the newest ended ones, within the retention")
	})
	h.continueAsNewAt(2 * time.Second)
	h.run(pipeline.IndexState{Limits: limits, Entries: []pipeline.IndexEntry{found[5]}})
	assert.Equal(t, []string{"run-0000", "run-0003", "run-0004", "run-0005"}, runIDs(h.carried()))
}
