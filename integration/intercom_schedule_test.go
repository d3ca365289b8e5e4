package integration

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"feedbackpipe/intercom"
	"feedbackpipe/intercom/intercomtest"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// intercomFake serves a few conversations created in the last hours and points the worker's
// environment at it.
func intercomFake(t *testing.T, token string) *intercomtest.Server {
	now := time.Now().Unix()
	var cs []intercomtest.Conversation
	for i := range 4 {
		at := now - int64(i+1)*600
		cs = append(cs, intercomtest.Payload(fmt.Sprint(5000+i), at, at, "user", "customer_initiated", "Photos",
			"<p>When I upload a photo to my <b>profile</b> it fails with an error.</p>",
			intercomtest.Part{Type: "comment", Author: "admin", Body: "<p>Sorry about that</p>", At: at + 30}))
	}
	cs = append(cs, intercomtest.Payload("5100", now-300, now-300, "bot", "automated", "", "<p>Hello, how can we help you today?</p>"))
	fake := intercomtest.New(t, cs...)
	t.Setenv(intercom.EnvToken, token)
	t.Setenv(intercom.EnvBaseURL, fake.URL)
	t.Setenv(intercom.EnvPageSize, "2")
	t.Setenv(intercom.EnvRate, "100")
	return fake
}

func TestIntercomRunFetchesFirst(t *testing.T) {
	intercomFake(t, intercomtest.Token)
	e := newEnv(t, localmodel.Config{})
	in := pipeline.RunInput{Days: 1, CreateStories: true, Concurrency: 4, Source: pipeline.SourceIntercom}
	started := time.Now()
	runID := e.start(in)
	final, err := e.result(runID, 45*time.Second)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Logf("run %s took %s", runID, time.Since(started).Round(time.Millisecond))
	if final.Status != pipeline.StatusCompleted {
		t.Fatalf("status %s: %s", final.Status, final.FailureMessage)
	}
	if final.ConversationsFetched != 5 || final.ConversationsStored != 4 || final.SkippedBy.Bot != 1 || final.ConversationsSelected != 4 {
		t.Fatalf("fetched %d stored %d skipped %+v selected %d", final.ConversationsFetched, final.ConversationsStored,
			final.SkippedBy, final.ConversationsSelected)
	}
	if r := e.run(runID); r == nil || r.Phase != pipeline.PhaseCompleted {
		t.Fatalf("pipeline_runs row %+v", r)
	}
	if n := e.count(`SELECT conversations_stored FROM pipeline_runs WHERE id = $1`, runID); n != 4 {
		t.Fatalf("pipeline_runs mirrors conversations_stored = %d", n)
	}
}

func TestIntercomRunFailsAtOnceOnAWrongToken(t *testing.T) {
	intercomFake(t, "not-the-token")
	e := newEnv(t, localmodel.Config{})
	start := time.Now()
	runID := e.start(pipeline.RunInput{Days: 1, CreateStories: true, Source: pipeline.SourceIntercom})
	final, err := e.result(runID, 30*time.Second)
	if err == nil || final.Status != pipeline.StatusFailed && !strings.Contains(err.Error(), intercom.EnvToken) {
		t.Fatalf("status %s, error %v", final.Status, err)
	}
	if !strings.Contains(err.Error(), intercom.EnvToken) || strings.Contains(err.Error(), "not-the-token") {
		t.Fatalf("error %q must name %s and never show the token", err, intercom.EnvToken)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("a refused token failed the run after %s", d)
	}
	if r := e.run(runID); r == nil || r.Status != pipeline.StatusFailed || r.Phase != pipeline.PhaseFetch {
		t.Fatalf("pipeline_runs row %+v", r)
	}
}

// scheduleRequests returns the schedule's requests, oldest first.
func scheduleRequests(t *testing.T, st *store.Store, name string) []store.ScheduleRun {
	t.Helper()
	rs, err := st.RecentScheduleRuns(context.Background(), name, 100)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].WindowUntil.Before(rs[j].WindowUntil) })
	return rs
}

func completed(rs []store.ScheduleRun) []store.ScheduleRun {
	var out []store.ScheduleRun
	for _, r := range rs {
		if r.Outcome == store.ScheduleAdmitted && r.RunStatus != nil && *r.RunStatus == pipeline.StatusCompleted {
			out = append(out, r)
		}
	}
	return out
}

func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestScheduledRunsTileAndObeyTheIndex(t *testing.T) {
	fake := intercomFake(t, intercomtest.Token)
	e := newEnv(t, localmodel.Config{})
	st := e.worker.Store
	ctx := context.Background()
	name := testenv.UniqueName("daily")
	input := pipeline.ScheduledRunInput{Schedule: name, TaskQueue: e.cfg.TaskQueue, Limits: e.cfg.Index,
		Input: pipeline.RunInput{Days: 1, Concurrency: 4}} // imported, no stories: quick runs
	h := testenv.Schedule(t, e.tc, client.ScheduleOptions{
		ID:      "daily",
		Spec:    client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: 4 * time.Second}}},
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		Action: &client.ScheduleWorkflowAction{ID: "scheduled-run-" + name, Workflow: pipeline.ScheduledRunWorkflowName,
			Args: []any{input}, TaskQueue: e.cfg.TaskQueue, WorkflowRunTimeout: time.Minute},
	})
	_ = h

	// Three consecutive completed runs: each window starts where the previous one ended.
	waitUntil(t, 30*time.Second, "three completed scheduled runs", func() bool { return len(completed(scheduleRequests(t, st, name))) >= 3 })
	runs := completed(scheduleRequests(t, st, name))
	if first := runs[0]; !first.WindowSince.Equal(first.WindowUntil.Add(-24 * time.Hour)) {
		t.Errorf("the first window is %s → %s, want one day", first.WindowSince, first.WindowUntil)
	}
	for i := 1; i < len(runs); i++ {
		if !runs[i].WindowSince.Equal(runs[i-1].WindowUntil) {
			t.Fatalf("run %s starts at %s, the previous one ended at %s: gap or overlap",
				runs[i].RunID, runs[i].WindowSince.Format(time.RFC3339Nano), runs[i-1].WindowUntil.Format(time.RFC3339Nano))
		}
	}

	// Paused: nothing starts; unpaused: the next run covers the paused time.
	if err := h.Pause(ctx, client.SchedulePauseOptions{Note: "test"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // a start already under way lands
	before := len(scheduleRequests(t, st, name))
	time.Sleep(5 * time.Second)
	if n := len(scheduleRequests(t, st, name)); n != before {
		t.Fatalf("%d run(s) started while the schedule was paused", n-before)
	}
	lastEnd := completed(scheduleRequests(t, st, name))
	end := lastEnd[len(lastEnd)-1].WindowUntil
	if err := h.Unpause(ctx, client.ScheduleUnpauseOptions{}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 15*time.Second, "a run after unpause", func() bool { return len(completed(scheduleRequests(t, st, name))) > len(lastEnd) })
	after := completed(scheduleRequests(t, st, name))[len(lastEnd)]
	if !after.WindowSince.Equal(end) || after.WindowUntil.Sub(after.WindowSince) < 4*time.Second {
		t.Fatalf("after the pause the window is %s → %s, want from %s over the paused time", after.WindowSince, after.WindowUntil, end)
	}

	// A trigger while a run is active is refused by the run index, and the refusal is shown.
	if err := h.Pause(ctx, client.SchedulePauseOptions{}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 20*time.Second, "the schedule's runs to end", func() bool {
		for _, r := range scheduleRequests(t, st, name) {
			if r.Outcome != store.ScheduleRefused && (r.RunStatus == nil || !pipeline.IsTerminal(*r.RunStatus)) {
				return false
			}
		}
		return true
	})
	release := make(chan struct{})
	fake.OnGet = func(string) { <-release }
	defer close(release)
	// A start of the schedule may still be on its way after the pause: retry until admitted.
	var blocking string
	waitUntil(t, 20*time.Second, "a manual run admitted", func() bool {
		id, err := runindex.StartRun(ctx, e.tc, e.cfg.TaskQueue, pipeline.RunInput{Days: 1, CreateStories: true, Source: pipeline.SourceIntercom}, e.cfg.Index, time.Now())
		blocking = id
		return err == nil
	})
	e.waitFor(blocking, 10*time.Second, func(s pipeline.Status) bool { return s.Phase == pipeline.PhaseFetch })
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL}); err != nil {
		t.Fatal(err)
	}
	var refused store.ScheduleRun
	waitUntil(t, 15*time.Second, "the trigger's refusal", func() bool {
		for _, r := range scheduleRequests(t, st, name) {
			if r.Outcome == store.ScheduleRefused && strings.Contains(r.Message, blocking) {
				refused = r
				return true
			}
		}
		return false
	})
	if !strings.HasPrefix(refused.Message, "refused: 1 run(s) active") {
		t.Fatalf("the refusal says %q", refused.Message)
	}
	desc, err := h.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	actions := desc.Info.RecentActions
	if len(actions) == 0 || actions[len(actions)-1].StartWorkflowResult == nil {
		t.Fatal("the trigger is not in the schedule's recent actions")
	}
	last := actions[len(actions)-1].StartWorkflowResult
	err = e.tc.GetWorkflow(ctx, last.WorkflowID, last.FirstExecutionRunID).Get(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("the refused start ended with %v, want its failure naming the refusal", err)
	}
}

func TestIntercomRunStopsDuringFetch(t *testing.T) {
	fake := intercomFake(t, intercomtest.Token)
	release := make(chan struct{})
	fake.OnGet = func(string) { <-release }
	defer close(release)
	e := newEnv(t, localmodel.Config{})
	runID := e.start(pipeline.RunInput{Days: 1, CreateStories: true, Source: pipeline.SourceIntercom})
	e.waitFor(runID, 10*time.Second, func(s pipeline.Status) bool { return s.Phase == pipeline.PhaseFetch })
	if err := e.tc.SignalWorkflow(context.Background(), runID, "", pipeline.SignalStop, nil); err != nil {
		t.Fatal(err)
	}
	asked := time.Now()
	final, err := e.result(runID, 20*time.Second)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if final.Status != pipeline.StatusStopped || final.Phase != pipeline.PhaseFetch {
		t.Fatalf("status %s phase %s", final.Status, final.Phase)
	}
	if d := time.Since(asked); d > 10*time.Second {
		t.Fatalf("the stop took %s", d)
	}
}
