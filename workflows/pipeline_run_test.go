package workflows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
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

// startTime is the fixed workflow clock every test starts at.
var startTime = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// finalCounters are what the mocked FinishRun computes "from Postgres"; they differ on purpose
// from the sums of the batches so a test can tell which the run reports.
var finalCounters = pipeline.Counters{
	ConversationsSelected: 120, ThemesExtracted: 97, ThemesNew: 11, ThemesFiltered: 4, ExtractionFailed: 2,
	NotActionable: 17, EmbeddingsGenerated: 97, StoriesCreated: 5, StoriesUpdated: 3, OrphansCreated: 7,
	LLMCalls: 250, TokensIn: 99_000, TokensOut: 12_000, CostUSD: 0.4242,
}

// batchResult is the distinct account of the batch [from, to), so sums tell which batches counted.
func batchResult(from, to int) activities.BatchResult {
	n := to - from
	return activities.BatchResult{
		Items: n,
		Counters: pipeline.Counters{
			ThemesExtracted: n - 1, ThemesNew: from + 1, ThemesFiltered: 1, NotActionable: from / 10,
			LLMCalls: 2 * n, TokensIn: 100 * n, TokensOut: 10 * n, CostUSD: 0.001 * float64(n),
		},
		Errors: []pipeline.ItemError{{Phase: pipeline.PhaseExtraction, ID: fmt.Sprintf("conv-%d", from), Error: "timeout"}},
	}
}

// sumOfBatches is what the run's live counters must be once the given batches completed.
func sumOfBatches(t *testing.T, ranges ...[2]int) pipeline.Counters {
	t.Helper()
	var c pipeline.Counters
	for _, r := range ranges {
		c.Add(batchResult(r[0], r[1]).Counters)
	}
	return c
}

func assertCounters(t *testing.T, want, got pipeline.Counters, msgAndArgs ...any) {
	t.Helper()
	assert.InDelta(t, want.CostUSD, got.CostUSD, 1e-9, msgAndArgs...)
	want.CostUSD, got.CostUSD = 0, 0
	assert.Equal(t, want, got, msgAndArgs...)
}

// event is one thing the test environment saw happen to an activity, in the order it happened.
type event struct {
	kind  string // "start" (each attempt), "done", "fail" (after the last attempt), "cancel"
	name  string
	id    string        // the activity's ID
	at    time.Duration // workflow time since start
	input any           // decoded input, for "start"
	// the attempt's StartToCloseTimeout and HeartbeatTimeout, for "start"
	startToClose, heartbeat time.Duration
}

// harness is one test's environment and what it recorded.
type harness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment

	mu       sync.Mutex
	events   []event
	upserts  [][2]string // (status, phase) of each search-attribute upsert
	finishes []activities.FinishRunInput
}

// newHarness tests the shape before finish-ahead (fixed batch sizes, no review ahead), which runs
// in flight during a deploy still take; newHarnessAt tests a given finish-ahead version.
func newHarness(t *testing.T) *harness { return newHarnessAt(t, workflow.DefaultVersion) }

func newHarnessAt(t *testing.T, finish workflow.Version) *harness {
	return newHarnessShape(t, finish, workflow.DefaultVersion, workflow.DefaultVersion)
}

// newHarnessShape runs the workflow at the given versions of the finish-ahead, review-ahead and
// first-mirror changes.
func newHarnessShape(t *testing.T, finish, ahead, first workflow.Version) *harness {
	var suite testsuite.WorkflowTestSuite
	// Warnings and errors only: the workflow warns when a mirror or upsert fails.
	suite.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(startTime)
	env.RegisterWorkflowWithOptions(PipelineRun, workflow.RegisterOptions{Name: pipeline.WorkflowName})
	env.RegisterActivity(&activities.Activities{})
	env.OnGetVersion(finishAheadChange, workflow.DefaultVersion, finishAhead).Return(finish)
	env.OnGetVersion(reviewAheadChange, workflow.DefaultVersion, reviewAheadLate).Return(ahead)
	env.OnGetVersion(firstMirrorChange, workflow.DefaultVersion, firstMirrorAhead).Return(first)
	h := &harness{t: t, env: env}
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, args converter.EncodedValues) {
		h.record(event{kind: "start", name: info.ActivityType.Name, id: info.ActivityID, input: decodeInput(t, info.ActivityType.Name, args),
			startToClose: info.StartToCloseTimeout, heartbeat: info.HeartbeatTimeout})
	})
	env.SetOnActivityCompletedListener(func(info *activity.Info, _ converter.EncodedValue, err error) {
		kind := "done"
		if err != nil {
			kind = "fail"
		}
		h.record(event{kind: kind, name: info.ActivityType.Name, id: info.ActivityID})
	})
	env.SetOnActivityCanceledListener(func(info *activity.Info) {
		h.record(event{kind: "cancel", name: info.ActivityType.Name, id: info.ActivityID})
	})
	env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		sa := args.Get(0).(temporal.SearchAttributes)
		status, okStatus := sa.GetKeyword(statusKey)
		phase, okPhase := sa.GetKeyword(phaseKey)
		assert.True(t, okStatus && okPhase, "every upsert carries both PipelineStatus and PipelinePhase")
		h.mu.Lock()
		h.upserts = append(h.upserts, [2]string{status, phase})
		h.mu.Unlock()
	}).Return()
	return h
}

func decodeInput(t *testing.T, name string, args converter.EncodedValues) any {
	var in any
	switch name {
	case "StartRun":
		in = new(activities.StartRunInput)
	case "ExtractBatch":
		in = new(activities.ExtractBatchInput)
	case "SetStatus":
		in = new(activities.SetStatusInput)
	case "FinishRun":
		in = new(activities.FinishRunInput)
	case "EmbedThemes":
		in = new(activities.EmbedInput)
	case "BuildStories":
		in = new(activities.StoriesInput)
	case "BuildPreview":
		in = new(activities.PreviewInput)
	case "RetryFailedExtractions":
		in = new(activities.RetryFailedInput)
	case "ReviewAhead":
		in = new(activities.ReviewAheadInput)
	default:
		t.Errorf("unexpected activity %s", name)
		return nil
	}
	require.NoError(t, args.Get(in))
	return in
}

func (h *harness) record(e event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e.at = h.env.Now().Sub(startTime)
	h.events = append(h.events, e)
}

// mockBookkeeping mocks StartRun (selecting total conversations), SetStatus and FinishRun.
func (h *harness) mockBookkeeping(total int) {
	h.env.OnActivity(acts.StartRun, mock.Anything, mock.Anything).Return(total, nil)
	h.env.OnActivity(acts.SetStatus, mock.Anything, mock.Anything).Return(nil)
	h.env.OnActivity(acts.RetryFailedExtractions, mock.Anything, mock.Anything).Return(activities.BatchResult{}, nil)
	h.env.OnActivity(acts.FinishRun, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.FinishRunInput) (activities.FinishResult, error) {
			h.mu.Lock()
			h.finishes = append(h.finishes, in)
			h.mu.Unlock()
			return activities.FinishResult{
				Counters: finalCounters, Errors: []pipeline.ItemError{{Phase: "stories", ID: "g1", Error: "boom"}},
				Warnings: []string{"a warning"},
			}, nil
		})
}

// rangesOf is how a selection of total conversations is cut into batches at the default
// concurrency.
func rangesOf(total int) [][2]int { return rangesAt(total, pipeline.DefaultConcurrency) }

// rangesAt is how a selection is cut into batches at a concurrency that is a multiple of
// slotsPerBatch (so every batch holds slotsPerBatch slots and the cut does not depend on the
// order batches end in).
func rangesAt(total, concurrency int) [][2]int {
	var out [][2]int
	p := newExtractionPlan(extractionRunWide, concurrency)
	for from := 0; from < total; {
		_, size, _ := p.next(total-from, time.Time{})
		out = append(out, [2]int{from, min(from+size, total)})
		from += size
	}
	return out
}

// mockExtract mocks ExtractBatch for the batches of total conversations, each with its range's
// distinct result, after delay (on the workflow clock).
func (h *harness) mockExtract(total int, delay func(from, to int) time.Duration) {
	h.mockExtractRanges(rangesOf(total), delay)
}

// mockExtractRanges mocks ExtractBatch for the given batches.
func (h *harness) mockExtractRanges(ranges [][2]int, delay func(from, to int) time.Duration) {
	for _, r := range ranges {
		call := h.env.OnActivity(acts.ExtractBatch, mock.Anything, mock.MatchedBy(func(in activities.ExtractBatchInput) bool {
			return in.From == r[0] && in.To == r[1]
		})).Return(batchResult(r[0], r[1]), nil)
		if delay != nil {
			if d := delay(r[0], r[1]); d > 0 {
				call.After(d)
			}
		}
	}
}

func phaseResult(embedded int) activities.PhaseResult {
	return activities.PhaseResult{Counters: pipeline.Counters{ThemesExtracted: 100, EmbeddingsGenerated: embedded}}
}

func (h *harness) mockEmbed(after time.Duration) {
	call := h.env.OnActivity(acts.EmbedThemes, mock.Anything, mock.Anything).Return(phaseResult(90), nil)
	if after > 0 {
		call.After(after)
	}
}

func (h *harness) mockStories(after time.Duration) {
	call := h.env.OnActivity(acts.BuildStories, mock.Anything, mock.Anything).Return(phaseResult(95), nil)
	if after > 0 {
		call.After(after)
	}
}

func (h *harness) mockPreview(after time.Duration) {
	call := h.env.OnActivity(acts.BuildPreview, mock.Anything, mock.Anything).Return(nil)
	if after > 0 {
		call.After(after)
	}
}

func (h *harness) run(in pipeline.RunInput) {
	h.env.ExecuteWorkflow(pipeline.WorkflowName, in)
	require.True(h.t, h.env.IsWorkflowCompleted(), "workflow did not complete")
}

func (h *harness) result() pipeline.Status {
	h.t.Helper()
	require.NoError(h.t, h.env.GetWorkflowError())
	var s pipeline.Status
	require.NoError(h.t, h.env.GetWorkflowResult(&s))
	return s
}

// query asks the running workflow for its status.
func (h *harness) query() pipeline.Status {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(pipeline.QueryStatus)
	require.NoError(h.t, err)
	var s pipeline.Status
	require.NoError(h.t, v.Get(&s))
	return s
}

// stopAt sends `stop` at the given workflow time, and queries the status right after the
// signal was handled (before anything else happens), handing it to check.
func (h *harness) stopAt(at time.Duration, check func(pipeline.Status)) {
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(pipeline.SignalStop, nil)
		if check != nil {
			// Posted behind the signal: runs once the workflow handled it, before any activity's
			// cancellation comes back.
			h.env.RegisterDelayedCallback(func() { check(h.query()) }, 0)
		}
	}, at)
}

// starts returns the inputs of the started activities of that name, in start order.
func (h *harness) starts(name string) []any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []any
	for _, e := range h.events {
		if e.kind == "start" && e.name == name {
			out = append(out, e.input)
		}
	}
	return out
}

// eventsOf returns the events of that kind, in order.
func (h *harness) eventsOf(kind string) []event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []event
	for _, e := range h.events {
		if e.kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func (h *harness) count(kind, name string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, e := range h.events {
		if e.kind == kind && e.name == name {
			n++
		}
	}
	return n
}

// countBefore counts the events of that kind and name before position end.
func (h *harness) countBefore(end int, kind, name string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, e := range h.events[:end] {
		if e.kind == kind && e.name == name {
			n++
		}
	}
	return n
}

// index returns the position of the n-th (0-based) event of that kind and name, or -1.
func (h *harness) index(kind, name string, n int) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, e := range h.events {
		if e.kind == kind && e.name == name {
			if n == 0 {
				return i
			}
			n--
		}
	}
	return -1
}

// peakSlots is the most call slots that extraction batches and reviews ahead held at once, from
// the activities' starts and ends as the test environment saw them.
func (h *harness) peakSlots() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	held, peak := map[string]int{}, 0
	total := 0
	for _, e := range h.events {
		switch in := e.input.(type) {
		case *activities.ExtractBatchInput:
			held[e.id] = in.Slots
		case *activities.ReviewAheadInput:
			held[e.id] = in.Slots
		}
		switch e.kind {
		case "start":
			total += held[e.id]
			peak = max(peak, total)
		case "done", "fail", "cancel":
			total -= held[e.id]
			held[e.id] = 0
		}
	}
	return peak
}

// at is the workflow time of the n-th (0-based) event of that kind and name.
func (h *harness) at(kind, name string, n int) time.Duration {
	i := h.index(kind, name, n)
	require.GreaterOrEqual(h.t, i, 0, "no %s %s #%d", kind, name, n)
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.events[i].at
}

// lastAt is the workflow time of the last event of that kind and name.
func (h *harness) lastAt(kind, name string) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	last := time.Duration(-1)
	for _, e := range h.events {
		if e.kind == kind && e.name == name {
			last = max(last, e.at)
		}
	}
	require.GreaterOrEqual(h.t, last, time.Duration(0), "no %s %s", kind, name)
	return last
}

func (h *harness) extractRanges() [][2]int {
	var out [][2]int
	for _, in := range h.starts("ExtractBatch") {
		b := in.(*activities.ExtractBatchInput)
		out = append(out, [2]int{b.From, b.To})
	}
	return out
}

func (h *harness) onlyFinish() activities.FinishRunInput {
	h.t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	require.Len(h.t, h.finishes, 1, "FinishRun must be called exactly once")
	return h.finishes[0]
}

func (h *harness) lastUpsert() [2]string {
	h.t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	require.NotEmpty(h.t, h.upserts)
	return h.upserts[len(h.upserts)-1]
}

func (h *harness) allUpserts() [][2]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.upserts)
}

func (h *harness) statusesMirrored() []string {
	var out []string
	for _, in := range h.starts("SetStatus") {
		s := in.(*activities.SetStatusInput)
		out = append(out, s.Status+"/"+s.Phase)
	}
	return out
}

// sortedExtractRanges returns the started batches' ranges in seq order.
func (h *harness) sortedExtractRanges() [][2]int {
	got := h.extractRanges()
	slices.SortFunc(got, func(a, b [2]int) int { return a[0] - b[0] })
	return got
}

// assertStoppedEarly checks that a run over total conversations, stopped (or failed) while its
// first batches were in flight, started only a prefix of its batches (each once) and that none
// beyond those in flight ever started. It returns how many started.
func (h *harness) assertStoppedEarly(total int) int {
	h.t.Helper()
	started := h.sortedExtractRanges()
	all := rangesOf(total)
	require.NotEmpty(h.t, started)
	assert.Less(h.t, len(started), len(all), "batches kept starting after the stop")
	assert.Equal(h.t, all[:len(started)], started, "the batches in flight are the first ones, each started once")
	return len(started)
}

func TestHappyPath(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(120)
	h.mockExtract(120, nil)
	h.mockEmbed(0)
	h.mockStories(0)
	h.run(pipeline.RunInput{Days: 30, MaxConversations: 500, CreateStories: true})
	s := h.result()

	// StartRun gets the run's ID and the window resolved against the workflow clock.
	starts := h.starts("StartRun")
	require.Len(t, starts, 1)
	sr := starts[0].(*activities.StartRunInput)
	assert.Equal(t, s.RunID, sr.RunID)
	assert.NotEmpty(t, sr.RunID)
	assert.Equal(t, startTime, sr.WindowUntil)
	assert.Equal(t, startTime.Add(-30*24*time.Hour), sr.WindowSince)
	assert.Equal(t, 500, sr.Input.MaxConversations)

	// Exactly these ranges, each once.
	assert.Equal(t, rangesOf(120), h.sortedExtractRanges())
	for _, in := range h.starts("ExtractBatch") {
		b := in.(*activities.ExtractBatchInput)
		assert.Equal(t, s.RunID, b.RunID)
		assert.False(t, b.DryRun)
		assert.Equal(t, pipeline.DefaultConcurrency, b.Concurrency)
	}

	// Phases in order: all extraction done → embedding → stories → finish.
	lastExtractDone := h.index("done", "ExtractBatch", len(rangesOf(120))-1)
	require.GreaterOrEqual(t, lastExtractDone, 0)
	assert.Less(t, lastExtractDone, h.index("start", "EmbedThemes", 0), "embedding starts after every batch completed")
	assert.Less(t, h.index("done", "EmbedThemes", 0), h.index("start", "BuildStories", 0), "stories start after embedding")
	assert.Less(t, h.index("done", "BuildStories", 0), h.index("start", "FinishRun", 0), "FinishRun comes last")
	assert.Equal(t, 1, h.count("start", "EmbedThemes"))
	assert.Equal(t, 1, h.count("start", "BuildStories"))
	assert.Zero(t, h.count("start", "BuildPreview"))

	fin := h.onlyFinish()
	assert.Equal(t, pipeline.StatusCompleted, fin.Status)
	assert.Equal(t, pipeline.PhaseCompleted, fin.Phase)
	assert.Empty(t, fin.Failure)
	assert.Equal(t, s.RunID, fin.RunID)

	assert.Equal(t, pipeline.StatusCompleted, s.Status)
	assert.Equal(t, pipeline.PhaseCompleted, s.Phase)
	assert.Equal(t, 120, s.Done)
	assert.Equal(t, 120, s.Total)
	assertCounters(t, finalCounters, s.Counters, "the final counters are FinishRun's")
	assert.Equal(t, []string{"a warning"}, s.Warnings)
	assert.Len(t, s.Errors, 1)
	require.NotNil(t, s.EndedAt)
	assert.Equal(t, startTime, s.StartedAt)
	assert.Empty(t, s.FailureMessage)

	// The Postgres mirror followed the phases.
	assert.Equal(t, []string{"running/extraction", "running/embedding", "running/stories"}, h.statusesMirrored())
}

func TestWithoutStoriesSkipsStories(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(120)
	h.mockExtract(120, nil)
	h.mockEmbed(0)
	h.mockStories(0)
	h.run(pipeline.RunInput{Days: 7, CreateStories: false})
	s := h.result()

	assert.Equal(t, len(rangesOf(120)), h.count("done", "ExtractBatch"))
	assert.Equal(t, 1, h.count("start", "EmbedThemes"))
	assert.Zero(t, h.count("start", "BuildStories"), "BuildStories must not run without CreateStories")
	assert.Zero(t, h.count("start", "BuildPreview"))
	assert.Equal(t, pipeline.StatusCompleted, s.Status)
	assert.Equal(t, pipeline.PhaseCompleted, s.Phase)
	assert.Equal(t, pipeline.StatusCompleted, h.onlyFinish().Status)
}

func TestDryRunBuildsPreviewOnly(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(120)
	h.mockExtract(120, nil)
	h.mockEmbed(0)
	h.mockStories(0)
	h.mockPreview(0)
	h.run(pipeline.RunInput{Days: 7, DryRun: true, CreateStories: true})
	s := h.result()

	assert.Len(t, h.extractRanges(), len(rangesOf(120)))
	for _, in := range h.starts("ExtractBatch") {
		assert.True(t, in.(*activities.ExtractBatchInput).DryRun, "a dry run's batches are dry")
	}
	previews := h.starts("BuildPreview")
	require.Len(t, previews, 1)
	assert.Equal(t, s.RunID, previews[0].(*activities.PreviewInput).RunID)
	assert.Less(t, h.index("done", "ExtractBatch", len(rangesOf(120))-1), h.index("start", "BuildPreview", 0))
	assert.Zero(t, h.count("start", "EmbedThemes"), "a dry run embeds nothing")
	assert.Zero(t, h.count("start", "BuildStories"), "a dry run writes no stories")
	assert.True(t, s.DryRun)
	assert.Equal(t, pipeline.StatusCompleted, s.Status)
	assert.Equal(t, pipeline.StatusCompleted, h.onlyFinish().Status)
}

func TestStopDuringExtraction(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(350)
	h.mockExtract(350, func(int, int) time.Duration { return time.Minute })
	h.mockEmbed(0)
	h.mockStories(0)
	var atStop *pipeline.Status
	h.stopAt(30*time.Second, func(s pipeline.Status) { atStop = &s })
	h.run(pipeline.RunInput{Days: 7, CreateStories: true})
	s := h.result()

	require.NotNil(t, atStop, "the status query right after the stop did not run")
	assert.Equal(t, pipeline.StatusStopping, atStop.Status)
	assert.Equal(t, pipeline.PhaseExtraction, atStop.Phase)
	assert.Nil(t, atStop.EndedAt)

	// The batches in flight were cancelled, the others never started.
	started := h.assertStoppedEarly(350)
	assert.Equal(t, started, h.count("cancel", "ExtractBatch"))
	assert.Zero(t, h.count("done", "ExtractBatch"))
	assert.Zero(t, h.count("start", "EmbedThemes"))
	assert.Zero(t, h.count("start", "BuildStories"))

	assert.Equal(t, pipeline.StatusStopped, s.Status)
	assert.Equal(t, pipeline.PhaseExtraction, s.Phase)
	assert.Zero(t, s.Done)
	fin := h.onlyFinish()
	assert.Equal(t, pipeline.StatusStopped, fin.Status)
	assert.Equal(t, pipeline.PhaseExtraction, fin.Phase)
	assert.Empty(t, fin.Failure)
	assert.Contains(t, h.statusesMirrored(), "stopping/extraction")
	assert.Equal(t, [2]string{pipeline.StatusStopped, pipeline.PhaseExtraction}, h.lastUpsert())
	assert.Contains(t, h.allUpserts(), [2]string{pipeline.StatusStopping, pipeline.PhaseExtraction})
}

func TestStopDuringLaterPhases(t *testing.T) {
	t.Run("embedding", func(t *testing.T) {
		h := newHarness(t)
		h.mockBookkeeping(120)
		h.mockExtract(120, nil)
		h.mockEmbed(time.Hour)
		h.mockStories(0)
		var atStop *pipeline.Status
		h.stopAt(10*time.Minute, func(s pipeline.Status) { atStop = &s })
		h.run(pipeline.RunInput{Days: 7, CreateStories: true})
		s := h.result()

		require.NotNil(t, atStop)
		assert.Equal(t, pipeline.StatusStopping, atStop.Status)
		assert.Equal(t, pipeline.PhaseEmbedding, atStop.Phase)
		assert.Equal(t, 1, h.count("cancel", "EmbedThemes"))
		assert.Zero(t, h.count("start", "BuildStories"), "stories must not run after a stop")
		assert.Equal(t, pipeline.StatusStopped, s.Status)
		assert.Equal(t, pipeline.PhaseEmbedding, s.Phase)
		assert.Equal(t, 120, s.Done)
		fin := h.onlyFinish()
		assert.Equal(t, pipeline.StatusStopped, fin.Status)
		assert.Equal(t, pipeline.PhaseEmbedding, fin.Phase)
		assert.Equal(t, [2]string{pipeline.StatusStopped, pipeline.PhaseEmbedding}, h.lastUpsert())
	})
	t.Run("stories", func(t *testing.T) {
		h := newHarness(t)
		h.mockBookkeeping(120)
		h.mockExtract(120, nil)
		h.mockEmbed(0)
		h.mockStories(time.Hour)
		h.stopAt(10*time.Minute, nil)
		h.run(pipeline.RunInput{Days: 7, CreateStories: true})
		s := h.result()

		assert.Equal(t, 1, h.count("done", "EmbedThemes"))
		assert.Equal(t, 1, h.count("cancel", "BuildStories"))
		assert.Equal(t, pipeline.StatusStopped, s.Status)
		assert.Equal(t, pipeline.PhaseStories, s.Phase)
		fin := h.onlyFinish()
		assert.Equal(t, pipeline.StatusStopped, fin.Status)
		assert.Equal(t, pipeline.PhaseStories, fin.Phase)
	})
	t.Run("a second stop changes nothing", func(t *testing.T) {
		h := newHarness(t)
		h.mockBookkeeping(120)
		h.mockExtract(120, nil)
		h.mockEmbed(time.Hour)
		h.stopAt(10*time.Minute, nil)
		h.stopAt(10*time.Minute+time.Second, nil)
		h.run(pipeline.RunInput{Days: 7, CreateStories: true})
		assert.Equal(t, pipeline.StatusStopped, h.result().Status)
		stopping := slices.DeleteFunc(h.statusesMirrored(), func(s string) bool { return s != "stopping/embedding" })
		assert.Len(t, stopping, 1, "a second stop is not mirrored again")
	})
}

func TestCancelDuringExtractionEndsStopped(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(350)
	h.mockExtract(350, func(int, int) time.Duration { return time.Minute })
	h.mockEmbed(0)
	h.mockStories(0)
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 30*time.Second)
	h.run(pipeline.RunInput{Days: 7, CreateStories: true})

	// The run winds down like a stop and completes (it is not reported as canceled).
	s := h.result()
	assert.Equal(t, pipeline.StatusStopped, s.Status)
	assert.Equal(t, pipeline.PhaseExtraction, s.Phase)
	started := h.assertStoppedEarly(350)
	assert.Equal(t, started, h.count("cancel", "ExtractBatch"))
	assert.Zero(t, h.count("start", "EmbedThemes"))
	assert.Zero(t, h.count("start", "BuildStories"))
	fin := h.onlyFinish()
	assert.Equal(t, pipeline.StatusStopped, fin.Status)
	assert.Equal(t, pipeline.PhaseExtraction, fin.Phase)
	assertCounters(t, finalCounters, s.Counters, "FinishRun still runs after a cancel")
	assert.Equal(t, [2]string{pipeline.StatusStopped, pipeline.PhaseExtraction}, h.lastUpsert())
}

func TestNonRetryableFailureFailsRun(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(350)
	// Registered first, so it answers [0,50); the other batches take a minute.
	h.env.OnActivity(acts.ExtractBatch, mock.Anything, mock.MatchedBy(func(in activities.ExtractBatchInput) bool { return in.From == 0 })).
		After(10*time.Second).
		Return(activities.BatchResult{}, temporal.NewNonRetryableApplicationError(
			"LLM API answered 401 Unauthorized: check OPENAI_API_KEY", activities.ErrTypeLLMConfig, nil))
	h.mockExtract(350, func(int, int) time.Duration { return time.Minute })
	h.mockEmbed(0)
	h.run(pipeline.RunInput{Days: 7, CreateStories: true})

	err := h.env.GetWorkflowError()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "401")
	var app *temporal.ApplicationError
	require.True(t, errors.As(err, &app), "want an application error, got %T: %v", err, err)
	assert.True(t, app.NonRetryable())

	// The failing batch is not retried (it starts once), the others in flight are cancelled, the
	// rest never start.
	started := h.assertStoppedEarly(350)
	assert.Equal(t, 1, h.count("fail", "ExtractBatch"))
	assert.Equal(t, started-1, h.count("cancel", "ExtractBatch"))
	assert.Zero(t, h.count("done", "ExtractBatch"))
	fin := h.onlyFinish()
	assert.Equal(t, pipeline.StatusFailed, fin.Status)
	assert.Equal(t, pipeline.PhaseExtraction, fin.Phase)
	assert.Contains(t, fin.Failure, "401")
	assert.Zero(t, h.count("start", "EmbedThemes"))
	assert.Equal(t, [2]string{pipeline.StatusFailed, pipeline.PhaseExtraction}, h.lastUpsert())
}

// An error of the LLM-configuration type is not retried even when the activity did not mark it
// non-retryable: the retry policy names the type.
func TestLLMConfigErrorTypeIsNeverRetried(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(120)
	h.env.OnActivity(acts.ExtractBatch, mock.Anything, mock.MatchedBy(func(in activities.ExtractBatchInput) bool { return in.From == 0 })).
		Return(activities.BatchResult{}, temporal.NewApplicationError("model gpt-x does not exist", activities.ErrTypeLLMConfig))
	h.mockExtract(120, func(int, int) time.Duration { return time.Minute })
	h.run(pipeline.RunInput{Days: 7})

	require.Error(t, h.env.GetWorkflowError())
	starts := 0
	for _, r := range h.extractRanges() {
		if r[0] == 0 {
			starts++
		}
	}
	assert.Equal(t, 1, starts, "the failing batch was retried")
	assert.Equal(t, pipeline.StatusFailed, h.onlyFinish().Status)
	assert.Contains(t, h.onlyFinish().Failure, "gpt-x")
}

func TestTransientBatchFailureIsRetried(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(120)
	failing := rangesOf(120)[1]
	h.env.OnActivity(acts.ExtractBatch, mock.Anything, mock.MatchedBy(func(in activities.ExtractBatchInput) bool { return in.From == failing[0] })).
		Return(activities.BatchResult{}, errors.New("connection reset")).Once()
	h.mockExtract(120, nil)
	h.mockEmbed(0)
	h.run(pipeline.RunInput{Days: 7})
	s := h.result()

	assert.Equal(t, pipeline.StatusCompleted, s.Status)
	assert.Equal(t, 120, s.Done, "the retried batch counts once")
	// One attempt more than batches: the failing one twice (the environment reports only its
	// last outcome).
	ranges := h.extractRanges()
	assert.Len(t, ranges, len(rangesOf(120))+1)
	assert.Equal(t, 2, len(slices.DeleteFunc(ranges, func(r [2]int) bool { return r != failing })))
}

func TestLiveStatusSumsCompletedBatches(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(120)
	// One batch at a time (concurrency = one batch's slots): the first completes at 1 min, the
	// second at 2 min, the third at 5 min, the rest at once after it.
	in := pipeline.RunInput{Days: 7, CreateStories: true, Concurrency: slotsPerBatch}
	rs := rangesAt(120, in.Concurrency)
	require.Greater(t, len(rs), 3)
	h.mockExtractRanges(rs, func(from, _ int) time.Duration {
		return map[int]time.Duration{rs[0][0]: time.Minute, rs[1][0]: time.Minute, rs[2][0]: 3 * time.Minute}[from]
	})
	h.mockEmbed(time.Hour)
	h.mockStories(0)
	var seen []pipeline.Status
	for _, at := range []time.Duration{90 * time.Second, 150 * time.Second, 30 * time.Minute} {
		h.env.RegisterDelayedCallback(func() { seen = append(seen, h.query()) }, at)
	}
	h.run(in)
	final := h.result()
	require.Len(t, seen, 3)

	after1 := seen[0]
	assert.Equal(t, pipeline.StatusRunning, after1.Status)
	assert.Equal(t, pipeline.PhaseExtraction, after1.Phase)
	assert.Equal(t, rs[0][1], after1.Done)
	assert.Equal(t, 120, after1.Total)
	want := sumOfBatches(t, rs[0])
	want.ConversationsSelected = 120
	assertCounters(t, want, after1.Counters, "after the first batch")
	assert.Len(t, after1.Errors, 1)
	assert.InDelta(t, 90, after1.DurationSeconds, 0.001, "the live duration follows the workflow clock")

	after2 := seen[1]
	assert.Equal(t, rs[1][1], after2.Done)
	want = sumOfBatches(t, rs[0], rs[1])
	want.ConversationsSelected = 120
	assertCounters(t, want, after2.Counters, "after the first two batches")
	assert.Len(t, after2.Errors, 2)

	// During embedding: every batch summed, nothing counted twice.
	during := seen[2]
	assert.Equal(t, pipeline.PhaseEmbedding, during.Phase)
	assert.Equal(t, 120, during.Done)
	want = sumOfBatches(t, rs...)
	want.ConversationsSelected = 120
	assertCounters(t, want, during.Counters, "after every batch")
	assert.Len(t, during.Errors, len(rs))

	// The final status takes FinishRun's counters computed from Postgres.
	assertCounters(t, finalCounters, final.Counters)
	assert.Equal(t, 120, final.Done)
}

func TestContinueAsNewCarriesProgress(t *testing.T) {
	const total = 350
	h := newHarness(t)
	h.mockBookkeeping(total)
	h.mockExtract(total, func(int, int) time.Duration { return time.Minute })
	h.mockEmbed(0)
	h.mockStories(0)
	// The history grew large while the first batches run.
	h.env.RegisterDelayedCallback(func() { h.env.SetContinueAsNewSuggested(true) }, 30*time.Second)
	in := pipeline.RunInput{Days: 14, MaxConversations: total, Concurrency: 16, CreateStories: true}
	h.run(in)

	err := h.env.GetWorkflowError()
	var can *workflow.ContinueAsNewError
	require.True(t, errors.As(err, &can), "want continue-as-new, got %v", err)
	assert.Equal(t, pipeline.WorkflowName, can.WorkflowType.Name)
	var next pipeline.RunInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.NotNil(t, next.Resume)

	// The batches in flight completed, no new one started, and the progress says so.
	first := h.sortedExtractRanges()
	n := len(first)
	require.Positive(t, n)
	require.Less(t, n, len(rangesOf(total)), "every batch ran before continuing")
	assert.Equal(t, rangesOf(total)[:n], first)
	assert.Equal(t, n, h.count("done", "ExtractBatch"))
	assert.Equal(t, first[n-1][1], next.Resume.NextSeq)
	assert.False(t, next.Resume.Stopping)
	st := next.Resume.Status
	assert.Equal(t, pipeline.StatusRunning, st.Status)
	assert.Equal(t, pipeline.PhaseExtraction, st.Phase)
	assert.Equal(t, first[n-1][1], st.Done)
	assert.Equal(t, total, st.Total)
	want := sumOfBatches(t, first...)
	want.ConversationsSelected = total
	assertCounters(t, want, st.Counters)
	assert.Len(t, st.Errors, n)
	carried := next
	carried.Resume = nil
	assert.Equal(t, in, carried, "the run's input is carried unchanged")
	assert.Zero(t, h.count("start", "FinishRun"), "a run that continues as new is not finished")
	assert.Zero(t, h.count("start", "EmbedThemes"))

	// The next execution resumes at NextSeq without selecting again, and completes.
	h2 := newHarness(t)
	h2.mockBookkeeping(999) // StartRun must not be called
	h2.mockExtract(total, func(int, int) time.Duration { return time.Minute })
	h2.mockEmbed(0)
	h2.mockStories(0)
	h2.run(next)
	s := h2.result()

	assert.Zero(t, h2.count("start", "StartRun"), "a resumed run does not select again")
	assert.Equal(t, rangesOf(total)[n:], h2.sortedExtractRanges(), "the remaining batches, each once")
	assert.Equal(t, 1, h2.count("start", "EmbedThemes"))
	assert.Equal(t, 1, h2.count("start", "BuildStories"))
	assert.Equal(t, pipeline.StatusCompleted, s.Status)
	assert.Equal(t, total, s.Done)
	assert.Equal(t, total, s.Total)
	assert.Equal(t, st.RunID, s.RunID, "the run keeps its ID across continue-as-new")
	assert.Equal(t, st.StartedAt, s.StartedAt)
	fin := h2.onlyFinish()
	assert.Equal(t, st.RunID, fin.RunID)
	assert.Equal(t, pipeline.StatusCompleted, fin.Status)
}

// A stop that reaches a run as it continues as new is carried into the next execution, which
// then starts no batch and ends stopped.
func TestResumedStoppingRunEndsStopped(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(999)
	h.mockExtract(350, nil)
	h.mockEmbed(0)
	h.run(pipeline.RunInput{Days: 7, Resume: &pipeline.Progress{
		NextSeq: 100, Stopping: true,
		Status: pipeline.Status{RunID: "run-1", Status: pipeline.StatusStopping, Phase: pipeline.PhaseExtraction, Total: 350, Done: 100, StartedAt: startTime},
	}})
	s := h.result()
	assert.Zero(t, h.count("start", "StartRun"))
	assert.Zero(t, h.count("start", "ExtractBatch"))
	assert.Zero(t, h.count("start", "EmbedThemes"))
	assert.Equal(t, pipeline.StatusStopped, s.Status)
	assert.Equal(t, 100, s.Done)
	fin := h.onlyFinish()
	assert.Equal(t, "run-1", fin.RunID)
	assert.Equal(t, pipeline.StatusStopped, fin.Status)
}

// How many batches run at once: ⌈C/slotsPerBatch⌉, four for the default concurrency.
func TestBatchesInFlight(t *testing.T) {
	for _, c := range []struct {
		name string
		want int
	}{{"default concurrency", (pipeline.DefaultConcurrency + slotsPerBatch - 1) / slotsPerBatch}} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.mockBookkeeping(350)
			h.mockExtract(350, func(int, int) time.Duration { return time.Minute })
			h.mockEmbed(0)
			h.run(pipeline.RunInput{Days: 7})
			h.result()

			running, most := 0, 0
			h.mu.Lock()
			for _, e := range h.events {
				if e.name != "ExtractBatch" {
					continue
				}
				if e.kind == "start" {
					running++
				} else {
					running--
				}
				most = max(most, running)
			}
			h.mu.Unlock()
			assert.Equal(t, c.want, most)
			assert.Len(t, h.extractRanges(), len(rangesOf(350)))
		})
	}
}

func TestSearchAttributesFollowTransitions(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(120)
	h.mockExtract(120, nil)
	h.mockEmbed(0)
	h.mockStories(0)
	h.run(pipeline.RunInput{Days: 7, CreateStories: true})
	h.result()

	assert.Equal(t, [][2]string{
		{pipeline.StatusRunning, pipeline.PhaseExtraction},
		{pipeline.StatusRunning, pipeline.PhaseEmbedding},
		{pipeline.StatusRunning, pipeline.PhaseStories},
		{pipeline.StatusCompleted, pipeline.PhaseCompleted},
	}, h.allUpserts())
}

// A stop mirrors "stopping" to Postgres while the run winds down; that write must land before
// FinishRun records the final status, or it overwrites it and the row stays "stopping".
func TestFinalStatusIsWrittenAfterStoppingMirror(t *testing.T) {
	cases := []struct {
		name  string
		in    pipeline.RunInput
		setup func(h *harness)
		stop  func(h *harness)
		want  string // final phase
	}{
		{"extraction", pipeline.RunInput{CreateStories: true}, func(h *harness) {
			h.mockExtract(120, func(int, int) time.Duration { return time.Minute })
		}, func(h *harness) { h.stopAt(30*time.Second, nil) }, pipeline.PhaseExtraction},
		{"embedding", pipeline.RunInput{CreateStories: true}, func(h *harness) {
			h.mockExtract(120, nil)
			h.mockEmbed(time.Hour)
		}, func(h *harness) { h.stopAt(10*time.Minute, nil) }, pipeline.PhaseEmbedding},
		{"preview", pipeline.RunInput{DryRun: true}, func(h *harness) {
			h.mockExtract(120, nil)
			h.mockPreview(time.Hour)
		}, func(h *harness) { h.stopAt(10*time.Minute, nil) }, pipeline.PhaseExtraction},
		{"cancel", pipeline.RunInput{CreateStories: true}, func(h *harness) {
			h.mockExtract(120, func(int, int) time.Duration { return time.Minute })
		}, func(h *harness) { h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 30*time.Second) }, pipeline.PhaseExtraction},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			// A slow Postgres: every status mirror takes 20 seconds.
			h.env.OnActivity(acts.StartRun, mock.Anything, mock.Anything).Return(120, nil)
			h.env.OnActivity(acts.SetStatus, mock.Anything, mock.Anything).After(20 * time.Second).Return(nil)
			h.env.OnActivity(acts.FinishRun, mock.Anything, mock.Anything).Return(activities.FinishResult{Counters: finalCounters}, nil)
			h.env.OnActivity(acts.RetryFailedExtractions, mock.Anything, mock.Anything).Return(activities.BatchResult{}, nil)
			c.setup(h)
			c.stop(h)
			h.run(c.in)
			s := h.result()
			assert.Equal(t, pipeline.StatusStopped, s.Status)
			assert.Equal(t, c.want, s.Phase)

			fin := h.index("start", "FinishRun", 0)
			require.GreaterOrEqual(t, fin, 0)
			started := h.countBefore(fin, "start", "SetStatus")
			assert.Positive(t, started)
			assert.Equal(t, started, h.countBefore(fin, "done", "SetStatus"), "FinishRun started while a status mirror was still being written:%s", h.timeline())
			assert.Contains(t, h.statusesMirrored(), "stopping/"+c.want)
		})
	}
}

func (h *harness) timeline() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, e := range h.events {
		fmt.Fprintf(&b, "\n  %8s %-6s %s", e.at, e.kind, e.name)
	}
	return b.String()
}

// testBatchSize is the batch size of a run at the default concurrency (a multiple of slotsPerBatch).
const testBatchSize = slotsPerBatch * roundsPerBatch

// The run-wide plan never hands out more call slots than the run's concurrency, uses ⌈C/k⌉
// batches to fill it, and gives the slots back as batches end.
func TestExtractionPlanBoundsCallsInFlight(t *testing.T) {
	for _, c := range []int{1, 2, 3, 5, 16, 18, 64} {
		p := newExtractionPlan(extractionRunWide, c)
		inFlight, batches, handles := 0, []int{}, []int{}
		for {
			units, size, slots := p.next(1_000_000, time.Time{})
			if units == 0 {
				break
			}
			assert.Equal(t, units, slots, "concurrency %d: a batch is told the slots it holds", c)
			assert.Equal(t, slots*roundsPerBatch, size, "concurrency %d: full batches while much remains", c)
			handles = append(handles, p.take(units, size, time.Time{}))
			inFlight += slots
			batches = append(batches, units)
		}
		assert.Equal(t, c, inFlight, "concurrency %d: every slot handed out, none more", c)
		assert.Len(t, batches, (c+slotsPerBatch-1)/slotsPerBatch, "concurrency %d", c)
		p.release(handles[0], time.Time{})
		units, size, _ := p.next(c, time.Time{})
		assert.Equal(t, batches[0], units, "concurrency %d: an ended batch's slots go to its successor", c)
		assert.Equal(t, units, size, "concurrency %d: near the end a batch makes one call per slot", c)
	}
	legacy := newExtractionPlan(workflow.DefaultVersion, 16)
	units, size, slots := legacy.next(1_000_000, time.Time{})
	assert.Equal(t, []int{1, ExtractBatchSize, 0}, []int{units, size, slots}, "the released shape keeps its batches")
}

// Across the whole run, the slots of the batches in flight never exceed --concurrency, also
// when batches take different times.
func TestRunNeverExceedsItsConcurrency(t *testing.T) {
	for name, v := range map[string]workflow.Version{"fixed batch sizes": workflow.DefaultVersion, "balanced plan": finishAhead} {
		t.Run(name, func(t *testing.T) { runWithinConcurrency(t, v) })
	}
}

func runWithinConcurrency(t *testing.T, v workflow.Version) {
	const total, conc = 1000, 10
	h := newHarnessAt(t, v)
	h.mockBookkeeping(total)
	h.env.OnActivity(acts.ExtractBatch, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.ExtractBatchInput) (activities.BatchResult, error) {
			time.Sleep(time.Duration(in.From%7) * time.Millisecond)
			return activities.BatchResult{Items: in.To - in.From}, nil
		})
	h.mockEmbed(0)
	h.mockStories(0)
	h.run(pipeline.RunInput{Days: 30, MaxConversations: total, Concurrency: conc, CreateStories: true})
	require.NoError(t, h.env.GetWorkflowError())
	assert.LessOrEqual(t, h.peakSlots(), conc)
	assert.Positive(t, h.peakSlots())
}

// Once every batch ended, the items that failed for a transient reason get one more pass, before
// the run moves on; a stopped run skips it.
func TestSecondPassAfterTheLastBatch(t *testing.T) {
	h := newHarness(t)
	h.mockBookkeeping(120)
	h.mockExtractRanges(rangesAt(120, 12), nil)
	h.mockEmbed(0)
	h.mockStories(0)
	h.run(pipeline.RunInput{Days: 7, CreateStories: true, Concurrency: 12})
	require.Equal(t, pipeline.StatusCompleted, h.result().Status)
	require.Equal(t, 1, h.count("start", "RetryFailedExtractions"))
	assert.Less(t, h.index("done", "ExtractBatch", len(rangesAt(120, 12))-1), h.index("start", "RetryFailedExtractions", 0))
	assert.Less(t, h.index("done", "RetryFailedExtractions", 0), h.index("start", "EmbedThemes", 0))
}

// Embedding runs behind extraction: one background EmbedThemes at a time while batches run, then
// the embedding phase (not in background) after the last batch and the second pass. A dry run
// embeds nothing.
func TestEmbeddingRunsBehindExtraction(t *testing.T) {
	const total, conc = 4000, 16
	h := newHarness(t)
	h.mockBookkeeping(total)
	h.mockExtractRanges(rangesAt(total, conc), func(int, int) time.Duration { return time.Minute })
	h.mockEmbed(30 * time.Second)
	h.mockStories(0)
	h.run(pipeline.RunInput{Days: 7, CreateStories: true, Concurrency: conc})
	require.Equal(t, pipeline.StatusCompleted, h.result().Status)

	lastBatch := h.index("done", "ExtractBatch", len(rangesAt(total, conc))-1)
	var background, phase []int
	running := false
	for i, e := range h.events {
		if e.name != "EmbedThemes" {
			continue
		}
		switch e.kind {
		case "start":
			require.False(t, running, "one EmbedThemes at a time")
			running = true
			if e.input.(*activities.EmbedInput).Background {
				background = append(background, i)
			} else {
				phase = append(phase, i)
			}
		case "done":
			running = false
		}
	}
	require.GreaterOrEqual(t, len(background), 2, "themes are embedded while extraction goes on")
	for _, i := range background {
		assert.Less(t, i, lastBatch, "background embeddings start while batches run")
	}
	require.Len(t, phase, 1)
	assert.Less(t, h.index("done", "RetryFailedExtractions", 0), phase[0], "the embedding phase follows the second pass")

	dry := newHarness(t)
	dry.mockBookkeeping(total)
	dry.mockExtractRanges(rangesAt(total, conc), func(int, int) time.Duration { return time.Minute })
	dry.mockPreview(0)
	dry.run(pipeline.RunInput{Days: 7, DryRun: true, Concurrency: conc})
	assert.Zero(t, dry.count("start", "EmbedThemes"), "a dry run embeds nothing")
}
