package integration

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"feedbackpipe/activities"
	"feedbackpipe/config"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/testenv"
	"feedbackpipe/workerhost"
)

// temporalCLI finds the Temporal CLI that `make up` builds.
func temporalCLI(t *testing.T) string {
	if p, err := exec.LookPath("temporal"); err == nil {
		return p
	}
	p, _ := filepath.Abs("../.tools/bin/temporal")
	if _, err := os.Stat(p); err != nil {
		if testenv.Required() {
			t.Fatalf("the Temporal CLI is required (REQUIRE_SERVICES=1) but missing: run `make up`")
		}
		t.Skip("no Temporal CLI: run `make up`")
	}
	return p
}

// TestLongRunKeepsHistoriesSmall runs 2,000 conversations on a dev server of its own that
// suggests continue-as-new after 50 events, as a large run would reach the real limit: the run
// continues as new several times, each history stays small, and the run completes with every
// conversation accounted for once.
func TestLongRunKeepsHistoriesSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own dev server; skipped in -short mode")
	}
	const n = 2000
	ctx := context.Background()
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath: temporalCLI(t),
		LogLevel:     "error",
		SearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(pipeline.SearchAttrStatus).ValueSet(""),
			temporal.NewSearchAttributeKeyKeyword(pipeline.SearchAttrPhase).ValueSet("")),
		ExtraArgs: []string{"--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=50"},
		Stdout:    io.Discard, Stderr: io.Discard,
	})
	if err != nil {
		t.Fatalf("start a dev server: %v", err)
	}
	defer func() { _ = srv.Stop() }()

	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL, cfg.TemporalAddress, cfg.TaskQueue = testenv.Database(t), srv.FrontendHostPort(), "long-run"
	w, err := workerhost.Start(ctx, workerhost.Options{Config: cfg, Activities: activities.DefaultConfig(), Logger: testenv.Logger(t),
		LocalModel: localmodel.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	if _, err := w.Store.UpsertConversations(ctx, syntheticConversations(t, n)); err != nil {
		t.Fatal(err)
	}
	tc := srv.Client()
	in := pipeline.RunInput{Days: 3650, Concurrency: 32, CreateStories: true}
	runID, err := runindex.StartRun(ctx, tc, cfg.TaskQueue, in, cfg.Index, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	var final pipeline.Status
	if err := tc.GetWorkflow(wctx, runID, "").Get(wctx, &final); err != nil {
		t.Fatalf("run: %v", err)
	}
	c := final.Counters
	if final.Status != pipeline.StatusCompleted || final.Done != n {
		t.Fatalf("run ended %s with %d/%d done", final.Status, final.Done, n)
	}
	if got := c.ThemesExtracted + c.ThemesFiltered + c.ExtractionFailed + c.NotActionable; got != n {
		t.Errorf("outcomes add up to %d, want %d", got, n)
	}

	// Visibility is eventually consistent: wait until the closed executions are listed.
	var runs []*workflowpb.WorkflowExecutionInfo
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: fmt.Sprintf("WorkflowId = '%s'", runID)})
		if err != nil {
			t.Fatal(err)
		}
		runs = resp.GetExecutions()
		if len(runs) >= 3 || time.Now().After(deadline) {
			break
		}
	}
	if len(runs) < 3 {
		t.Fatalf("%d executions: the run did not continue as new", len(runs))
	}
	longest := 0
	for _, r := range runs {
		longest = max(longest, historyLength(t, tc, runID, r.GetExecution().GetRunId()))
	}
	t.Logf("%d conversations in %d executions, longest history %d events", n, len(runs), longest)
	if longest > 250 {
		t.Errorf("a history reached %d events", longest)
	}
}

func historyLength(t *testing.T, tc client.Client, workflowID, runID string) int {
	it := tc.GetWorkflowHistory(context.Background(), workflowID, runID, false, 0)
	n := 0
	for it.HasNext() {
		if _, err := it.Next(); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}
