package integration

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
)

// TestRunOutlivesTerminatedIndex terminates the run index (as the UI's Terminate does), or
// cancels it, while a run is live. The run goes on (it is abandoned, not closed, with its parent); the next admission
// starts a fresh index, which rebuilds its entries from pipeline_runs and Temporal, so the live
// run still holds the only slot and the admission is refused naming it; the index names it as
// the active run (what `starter stop` without an ID stops); the run's end reaches the new index,
// and the slot is free again.
func TestRunOutlivesTerminatedIndex(t *testing.T) {
	cases := []struct {
		name string
		end  func(e *env, indexID string) error
	}{
		{"terminated", func(e *env, indexID string) error {
			return e.tc.TerminateWorkflow(context.Background(), indexID, "", "terminated by the test")
		}},
		{"cancelled", func(e *env, indexID string) error {
			if err := e.tc.CancelWorkflow(context.Background(), indexID, ""); err != nil {
				return err
			}
			return waitClosed(e, indexID)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runOutlivesIndex(t, c.end) })
	}
}

// waitClosed waits until the workflow's current execution has closed.
func waitClosed(e *env, workflowID string) error {
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		desc, err := e.tc.DescribeWorkflowExecution(context.Background(), workflowID, "")
		if err != nil {
			return err
		}
		if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s still running 15s after it was cancelled", workflowID)
		}
	}
}

func runOutlivesIndex(t *testing.T, end func(e *env, indexID string) error) {
	ctx := context.Background()
	e := newEnv(t, localmodel.Config{Latency: 300 * time.Millisecond})
	e.importSample()
	in := allTime()
	in.Concurrency = 2
	runID := e.start(in)
	e.waitFor(runID, time.Minute, func(s pipeline.Status) bool { return s.Done > 0 })

	indexID := pipeline.IndexWorkflowID(e.cfg.TaskQueue)
	if err := end(e, indexID); err != nil {
		t.Fatal(err)
	}
	desc, err := e.tc.DescribeWorkflowExecution(ctx, runID, "")
	if err != nil {
		t.Fatal(err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("the run is %s after its index ended, want running", st)
	}

	_, err = runindex.StartRun(ctx, e.tc, e.cfg.TaskQueue, allTime(), e.cfg.Index, time.Now())
	if err == nil || !strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), runID) {
		t.Fatalf("admission after the index ended: %v, want a refusal naming %s", err, runID)
	}

	// What `starter stop` without an ID does: ask the index for its live runs, stop the only one.
	state, err := runindex.Runs(ctx, e.tc, e.cfg.TaskQueue)
	if err != nil {
		t.Fatal(err)
	}
	var live []string
	for _, entry := range state.Entries {
		if entry.Live() {
			live = append(live, entry.RunID)
		}
	}
	if len(live) != 1 || live[0] != runID {
		t.Fatalf("the new index's live runs are %v, want [%s]", live, runID)
	}
	if err := e.tc.SignalWorkflow(ctx, live[0], "", pipeline.SignalStop, nil); err != nil {
		t.Fatal(err)
	}
	if final := e.waitFor(runID, 30*time.Second, terminal); final.Status != pipeline.StatusStopped {
		t.Fatalf("the run ended %s, want stopped", final.Status)
	}

	// The run reports its end to the index of its workflow ID, now the new one: well before its
	// first reconciliation (30s) the entry is stopped.
	deadline := time.Now().Add(10 * time.Second)
	for {
		state, err := runindex.Runs(ctx, e.tc, e.cfg.TaskQueue)
		if err != nil {
			t.Fatal(err)
		}
		if len(state.Entries) == 1 && state.Entries[0].RunID == runID && state.Entries[0].Status == pipeline.StatusStopped {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new index never heard the run's end: %+v", state.Entries)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if row := e.run(runID); row == nil || row.Status != pipeline.StatusStopped {
		t.Fatalf("pipeline_runs row: %+v", row)
	}
	if _, err := runindex.StartRun(ctx, e.tc, e.cfg.TaskQueue, allTime(), e.cfg.Index, time.Now()); err != nil {
		t.Fatalf("admission once the run ended: %v", err)
	}
}
