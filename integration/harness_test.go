package integration

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"feedbackpipe/activities"
	"feedbackpipe/config"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
	"feedbackpipe/workerhost"
)

// env is one test's services: its own database, task queue and in-process worker.
type env struct {
	t      testing.TB
	cfg    config.Config
	worker *workerhost.Worker
	tc     client.Client
}

// newEnv starts a worker on a fresh database and task queue in the test namespace; tweaks adjust
// its options.
func newEnv(t testing.TB, model localmodel.Config, tweaks ...func(*workerhost.Options)) *env {
	t.Helper()
	tc := testenv.Temporal(t)
	cfg := testenv.Config(t) // the test namespace
	cfg.DatabaseURL = testenv.Database(t)
	// Swept of running workflows when the test ends, after the worker below has stopped.
	cfg.TaskQueue = testenv.TaskQueue(t, tc, "it")
	logger := testenv.Logger(t)
	ctx := context.Background()
	opts := workerhost.Options{Config: cfg, LocalModel: model, Activities: activities.DefaultConfig(), Logger: logger}
	for _, tweak := range tweaks {
		tweak(&opts)
	}
	w, err := workerhost.Start(ctx, opts)
	if err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(func() { w.Close(context.Background()) })
	return &env{t: t, cfg: opts.Config, worker: w, tc: tc}
}

func (e *env) importSample() int {
	e.t.Helper()
	convs := sampleConversations(e.t)
	if _, err := e.worker.Store.UpsertConversations(context.Background(), convs); err != nil {
		e.t.Fatal(err)
	}
	return len(convs)
}

// allTime is a run input whose window holds every sample conversation.
func allTime() pipeline.RunInput {
	return pipeline.RunInput{Days: 3650, CreateStories: true, Concurrency: 16}
}

func (e *env) start(in pipeline.RunInput) string {
	e.t.Helper()
	id, err := runindex.StartRun(context.Background(), e.tc, e.cfg.TaskQueue, in, e.cfg.Index, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) query(runID string) pipeline.Status {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := e.tc.QueryWorkflow(ctx, runID, "", pipeline.QueryStatus)
	if err != nil {
		e.t.Fatalf("query status of %s: %v", runID, err)
	}
	var s pipeline.Status
	if err := resp.Get(&s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// waitFor polls the status query until cond holds or the timeout passes.
func (e *env) waitFor(runID string, timeout time.Duration, cond func(pipeline.Status) bool) pipeline.Status {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := e.query(runID)
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("run %s: condition not met in %v; last status %s/%s done %d/%d", runID, timeout, s.Status, s.Phase, s.Done, s.Total)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func terminal(s pipeline.Status) bool { return pipeline.IsTerminal(s.Status) }

// result waits for the workflow to close and returns its final status.
func (e *env) result(runID string, timeout time.Duration) (pipeline.Status, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var s pipeline.Status
	err := e.tc.GetWorkflow(ctx, runID, "").Get(ctx, &s)
	return s, err
}

func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.worker.Store.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func (e *env) run(runID string) *store.Run {
	e.t.Helper()
	r, err := e.worker.Store.GetRun(context.Background(), runID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		e.t.Fatal(err)
	}
	return r
}
