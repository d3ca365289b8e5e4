package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"feedbackpipe/activities"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
	"feedbackpipe/taskqueue"
	"feedbackpipe/testenv"
	"feedbackpipe/workerhost"
)

// noWorker is a fresh database and task queue in the test namespace that no worker polls.
type noWorker struct {
	t     *testing.T
	tc    client.Client
	db    string
	queue string
	st    *store.Store
}

func newNoWorker(t *testing.T) *noWorker {
	t.Helper()
	tc := testenv.Temporal(t)
	n := &noWorker{t: t, tc: tc, db: testenv.Database(t), queue: testenv.TaskQueue(t, tc, "noworker")}
	if _, err := store.Migrate(n.db); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), n.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	n.st = st
	return n
}

// cli runs the starter against the queue and returns its stdout and stderr apart.
func (n *noWorker) cli(args ...string) (stdout, stderr string, err error) {
	n.t.Helper()
	env := map[string]string{"DATABASE_URL": n.db, "TASK_QUEUE": n.queue}
	for _, kv := range testenv.WorkerEnv(n.t) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	var out, errOut bytes.Buffer
	cmd := newRootCommand(&out, func(k string) string { return env[k] })
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err = cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// addRun records a run in pipeline_runs, finished unless status is running.
func (n *noWorker) addRun(id, status string, started time.Time, themes int) {
	n.t.Helper()
	ctx := context.Background()
	if err := n.st.CreateRun(ctx, store.Run{ID: id, Status: pipeline.StatusRunning, Phase: pipeline.PhaseExtraction, Concurrency: 1,
		WindowSince: started.Add(-24 * time.Hour), WindowUntil: started, StartedAt: started}); err != nil {
		n.t.Fatal(err)
	}
	if status != pipeline.StatusRunning {
		if _, err := n.st.FinishRun(ctx, id, status, pipeline.PhaseCompleted, "", started.Add(time.Minute)); err != nil {
			n.t.Fatal(err)
		}
	}
	// A counter as a run records it (FinishRun recomputes them from rows this test has none of).
	if _, err := n.st.Pool().Exec(ctx, `UPDATE pipeline_runs SET themes_extracted = @themes WHERE id = @id`,
		pgx.NamedArgs{"id": id, "themes": themes}); err != nil {
		n.t.Fatal(err)
	}
}

// openWorkflows counts the workflows running on the queue.
func (n *noWorker) openWorkflows() int {
	n.t.Helper()
	resp, err := n.tc.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{
		Query: "TaskQueue = '" + n.queue + "' AND ExecutionStatus = 'Running'",
	})
	if err != nil {
		n.t.Fatal(err)
	}
	return int(resp.GetCount())
}

func TestRunRefusesAtOnceWithoutWorker(t *testing.T) {
	n := newNoWorker(t)
	start := time.Now()
	_, _, err := n.cli("run", "--days", "30")
	took := time.Since(start)
	if err == nil {
		t.Fatal("run started with no worker polling the task queue")
	}
	for _, want := range []string{"no worker is polling task queue " + n.queue, "bin/worker &", "make demo"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if took > 3*time.Second {
		t.Errorf("refusing took %v, want at once", took)
	}
	if got := n.openWorkflows(); got != 0 {
		t.Errorf("%d workflow(s) started on the queue by a refused run", got)
	}
}

func TestListAndStatusFromPostgresWithoutWorker(t *testing.T) {
	n := newNoWorker(t)
	base := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	n.addRun("pipeline-old", pipeline.StatusCompleted, base, 7)
	n.addRun("pipeline-new", pipeline.StatusStopped, base.Add(10*time.Minute), 3)
	wantNote := "no worker is polling task queue " + n.queue + ": showing the last state recorded in Postgres"

	start := time.Now()
	out, errOut, err := n.cli("list", "--json")
	if err != nil {
		t.Fatalf("list: %v (%s)", err, errOut)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("list took %v without a worker", took)
	}
	if !strings.Contains(errOut, wantNote) {
		t.Errorf("list says %q on stderr, want the note %q", errOut, wantNote)
	}
	var rows []listRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("list --json printed %q: %v", out, err)
	}
	if len(rows) != 2 || rows[0].RunID != "pipeline-new" || rows[1].RunID != "pipeline-old" {
		t.Fatalf("rows %+v, want pipeline-new then pipeline-old", rows)
	}
	if rows[0].Status != pipeline.StatusStopped || rows[1].Themes != 7 {
		t.Errorf("rows %+v do not carry the recorded status and counters", rows)
	}

	out, errOut, err = n.cli("status", "pipeline-old", "--json")
	if err != nil {
		t.Fatalf("status: %v (%s)", err, errOut)
	}
	if !strings.Contains(errOut, postgresNote) {
		t.Errorf("status says %q on stderr, want a note that it shows Postgres", errOut)
	}
	var s pipeline.Status
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("status --json printed %q: %v", out, err)
	}
	if s.RunID != "pipeline-old" || s.Status != pipeline.StatusCompleted || s.Counters.ThemesExtracted != 7 {
		t.Errorf("status %s/%s themes %d, want pipeline-old completed with 7 themes", s.RunID, s.Status, s.Counters.ThemesExtracted)
	}

	if _, _, err := n.cli("status", "pipeline-missing"); err == nil || !strings.Contains(err.Error(), "no run pipeline-missing") {
		t.Errorf("status of an unknown run: %v, want no run", err)
	}
}

// stop without a worker still signals the run (Temporal keeps the signal) and says it takes
// effect once a worker is up; without RUN_ID it finds the active run in Postgres.
func TestStopWithoutWorkerSignalsAndSaysSo(t *testing.T) {
	n := newNoWorker(t)
	ctx := context.Background()
	runID := testenv.UniqueName("pipeline-stop")
	// A run whose workflow no worker executes: it stays running until swept.
	if _, err := n.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: runID, TaskQueue: n.queue}, pipeline.WorkflowName, pipeline.RunInput{}); err != nil {
		t.Fatal(err)
	}
	n.addRun(runID, pipeline.StatusRunning, time.Now().UTC(), 0)
	n.addRun("pipeline-ended", pipeline.StatusCompleted, time.Now().Add(-time.Hour).UTC(), 0)

	out, errOut, err := n.cli("stop")
	if err != nil {
		t.Fatalf("stop: %v (%s)", err, errOut)
	}
	if !strings.Contains(out, "stop requested for "+runID) || !strings.Contains(out, "takes effect when a worker is up") {
		t.Errorf("stop printed %q, want the run and that the stop takes effect when a worker is up", out)
	}
	if !strings.Contains(errOut, "no worker is polling task queue "+n.queue) {
		t.Errorf("stop says %q on stderr, want why it looked in Postgres", errOut)
	}
	signals := 0
	iter := n.tc.GetWorkflowHistory(ctx, runID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetWorkflowExecutionSignaledEventAttributes(); a != nil && a.GetSignalName() == pipeline.SignalStop {
			signals++
		}
	}
	if signals != 1 {
		t.Errorf("%d stop signal(s) in the run's history, want 1", signals)
	}
}

// A worker that stopped a moment ago still shows as a recent poller; run must still refuse within
// seconds rather than wait on an admission nobody will answer, and list must turn to Postgres.
func TestRunRefusesSoonAfterTheWorkerStopped(t *testing.T) {
	n := newNoWorker(t)
	cfg := testenv.Config(t)
	cfg.DatabaseURL, cfg.TaskQueue = n.db, n.queue
	w, err := workerhost.Start(context.Background(), workerhost.Options{Config: cfg, LocalModel: localmodel.Config{},
		Activities: activities.DefaultConfig(), Logger: testenv.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	// The run index exists and answered while the worker was up.
	if _, err := n.tc.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: pipeline.IndexWorkflowID(n.queue), TaskQueue: n.queue},
		pipeline.IndexWorkflowName, pipeline.IndexState{}); err != nil {
		t.Fatal(err)
	}
	// The server lists a worker's pollers once their first long poll reaches it.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		p, err := taskqueue.DescribePollers(context.Background(), n.tc, n.queue, "workflow")
		if err == nil && !p.LastPoll["workflow"].IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker does not poll task queue %s: %v", n.queue, err)
		}
	}
	if _, errOut, err := n.cli("list"); err != nil || errOut != "" {
		t.Fatalf("list with a worker up: %v, stderr %q", err, errOut)
	}
	w.Close(context.Background())

	start := time.Now()
	_, _, err = n.cli("run", "--days", "30")
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "task queue "+n.queue) || !strings.Contains(err.Error(), "bin/worker &") {
		t.Fatalf("run after the worker stopped: %v, want a refusal naming the queue and how to start a worker", err)
	}
	if took > 10*time.Second {
		t.Errorf("refusing took %v", took)
	}
	_, errOut, err := n.cli("list")
	if err != nil || !strings.Contains(errOut, postgresNote) {
		t.Errorf("list after the worker stopped: %v, stderr %q; want the Postgres note", err, errOut)
	}
}
