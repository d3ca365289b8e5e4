package integration

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/workerhost"
)

// stopInPhase starts a run, waits until it is in phase, sends `stop`, and returns the final
// status and how long the stop took.
func (e *env) stopInPhase(in pipeline.RunInput, phase string) (pipeline.Status, time.Duration) {
	e.t.Helper()
	runID := e.start(in)
	e.waitFor(runID, 3*time.Minute, func(s pipeline.Status) bool {
		if pipeline.IsTerminal(s.Status) {
			e.t.Fatalf("run ended (%s) before reaching phase %s", s.Status, phase)
		}
		return s.Phase == phase && (phase != pipeline.PhaseExtraction || s.Done > 0)
	})
	sent := time.Now()
	if err := e.tc.SignalWorkflow(context.Background(), runID, "", pipeline.SignalStop, nil); err != nil {
		e.t.Fatal(err)
	}
	final := e.waitFor(runID, 30*time.Second, terminal)
	return final, time.Since(sent)
}

// TestStopInEveryPhase stops runs during extraction, embedding and stories: each ends
// `stopped` in that phase within 5 seconds, with its counters.
func TestStopInEveryPhase(t *testing.T) {
	cases := []struct {
		phase     string
		model     localmodel.Config
		tweak     func(*workerhost.Options)
		holdTable string // a table kept locked so the phase waits on it until stopped
	}{
		{pipeline.PhaseExtraction, localmodel.Config{Latency: 300 * time.Millisecond}, nil, ""},
		// Small embedding requests, one at a time, and none ahead during extraction, so the
		// phase has every theme to embed and lasts.
		{pipeline.PhaseEmbedding, localmodel.Config{Latency: 200 * time.Millisecond}, func(o *workerhost.Options) {
			o.Activities.EmbedBatchInputs, o.Activities.EmbedInFlight, o.Activities.EmbedAhead = 4, 1, false
		}, ""},
		// The stories table locked by another session: the phase blocks on its first write,
		// as it would on a slow or contended database.
		{pipeline.PhaseStories, localmodel.Config{}, nil, "stories"},
	}
	for _, c := range cases {
		t.Run(c.phase, func(t *testing.T) {
			var tweaks []func(*workerhost.Options)
			if c.tweak != nil {
				tweaks = append(tweaks, c.tweak)
			}
			e := newEnv(t, c.model, tweaks...)
			e.importSample()
			if c.holdTable != "" {
				tx, err := e.worker.Store.Pool().Begin(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				defer func() { _ = tx.Rollback(context.Background()) }()
				if _, err := tx.Exec(context.Background(), "LOCK TABLE "+c.holdTable+" IN ACCESS EXCLUSIVE MODE"); err != nil {
					t.Fatal(err)
				}
			}
			final, latency := e.stopInPhase(allTime(), c.phase)
			t.Logf("stop during %s took %v (status %s, phase %s)", c.phase, latency.Round(time.Millisecond), final.Status, final.Phase)
			if final.Status != pipeline.StatusStopped || final.Phase != c.phase {
				t.Fatalf("ended %s in phase %s, want stopped in %s", final.Status, final.Phase, c.phase)
			}
			if latency > 5*time.Second {
				t.Fatalf("stop took %v, want at most 5s", latency)
			}
			if final.ThemesExtracted == 0 || final.EndedAt == nil {
				t.Errorf("stopped run lost its counters: %+v", final)
			}
		})
	}
}

// TestAdmissionAndVisibility: a second run is refused while one is active, naming it; the
// running run is found by its PipelineStatus search attribute; the worker's metrics show the
// index; a cancel from the UI ends the run `stopped`.
func TestAdmissionAndVisibility(t *testing.T) {
	e := newEnv(t, localmodel.Config{Latency: 300 * time.Millisecond}, func(o *workerhost.Options) { o.Config.MetricsAddr = "127.0.0.1:0" })
	e.importSample()
	in := allTime()
	in.Concurrency = 2
	runID := e.start(in)

	_, err := runindex.StartRun(context.Background(), e.tc, e.cfg.TaskQueue, allTime(), e.cfg.Index, time.Now())
	if err == nil || !strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), runID) {
		t.Fatalf("second admission: %v, want a refusal naming %s", err, runID)
	}

	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := e.tc.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf(`PipelineStatus = "running" AND WorkflowId = "%s"`, runID),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.GetExecutions()) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(`PipelineStatus = "running" does not find the running run`)
		}
		time.Sleep(200 * time.Millisecond)
	}

	metrics := scrape(t, "http://"+e.worker.Metrics.Addr+"/metrics", 15*time.Second, "feedbackpipe_active_runs 1")
	if !strings.Contains(metrics, "feedbackpipe_run_index_entries 1") {
		t.Errorf("metrics do not show the index size:\n%s", grepLines(metrics, "feedbackpipe_"))
	}

	if err := e.tc.CancelWorkflow(context.Background(), runID, ""); err != nil {
		t.Fatal(err)
	}
	final := e.waitFor(runID, 15*time.Second, terminal)
	if final.Status != pipeline.StatusStopped {
		t.Fatalf("cancelled run ended %s, want stopped", final.Status)
	}
	if _, err := e.result(runID, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	state, err := runindex.Runs(context.Background(), e.tc, e.cfg.TaskQueue)
	if err != nil {
		t.Fatal(err)
	}
	if len(state.Entries) != 1 || state.Entries[0].Status != pipeline.StatusStopped {
		t.Fatalf("index after the cancel: %+v", state.Entries)
	}
	if _, err := runindex.StartRun(context.Background(), e.tc, e.cfg.TaskQueue, allTime(), e.cfg.Index, time.Now()); err != nil {
		t.Fatalf("admission after the stop: %v", err)
	}
}

// scrape reads the metrics page until it contains want.
func scrape(t *testing.T, url string, timeout time.Duration, want string) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), want) {
			return string(body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics never showed %q:\n%s", want, grepLines(string(body), "feedbackpipe_"))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestTerminatedRunIsReconciled terminates a run from outside (as the UI's Terminate does, which
// runs no workflow code): the index's reconciliation marks it failed, in the index and in
// pipeline_runs, and frees its slot.
func TestTerminatedRunIsReconciled(t *testing.T) {
	e := newEnv(t, localmodel.Config{Latency: 300 * time.Millisecond})
	e.importSample()
	in := allTime()
	in.Concurrency = 2
	runID := e.start(in)
	e.waitFor(runID, time.Minute, func(s pipeline.Status) bool { return s.Done > 0 })
	if err := e.tc.TerminateWorkflow(context.Background(), runID, "", "terminated by the test"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(45 * time.Second)
	for {
		state, err := runindex.Runs(context.Background(), e.tc, e.cfg.TaskQueue)
		if err != nil {
			t.Fatal(err)
		}
		if len(state.Entries) == 1 && state.Entries[0].Status == pipeline.StatusFailed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("index never reconciled the terminated run: %+v", state.Entries)
		}
		time.Sleep(500 * time.Millisecond)
	}
	row := e.run(runID)
	if row.Status != pipeline.StatusFailed || row.EndedAt == nil || !strings.Contains(row.FailureMessage, "(terminated)") {
		t.Errorf("pipeline_runs row after reconciliation: %s, ended %v, %q", row.Status, row.EndedAt, row.FailureMessage)
	}
	if _, err := runindex.StartRun(context.Background(), e.tc, e.cfg.TaskQueue, allTime(), e.cfg.Index, time.Now()); err != nil {
		t.Fatalf("admission after the terminated run: %v", err)
	}
}
