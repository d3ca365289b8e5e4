package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
)

// TestRunEndToEnd runs the whole pipeline on the sample data, then the same window again: the
// second run reuses every extraction and vector and updates the stories instead of duplicating.
func TestRunEndToEnd(t *testing.T) {
	e := newEnv(t, localmodel.Config{})
	n := e.importSample()
	runID := e.start(allTime())
	final, err := e.result(runID, 3*time.Minute)
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	c := final.Counters
	if final.Status != pipeline.StatusCompleted || final.Phase != pipeline.PhaseCompleted {
		t.Fatalf("final status %s/%s", final.Status, final.Phase)
	}
	if c.ConversationsSelected != n {
		t.Errorf("selected %d conversations, imported %d", c.ConversationsSelected, n)
	}
	if got := c.ThemesExtracted + c.ThemesFiltered + c.ExtractionFailed + c.NotActionable; got != n {
		t.Errorf("outcomes add up to %d, want %d (%+v)", got, n, c)
	}
	if c.ThemesExtracted < n/3 || c.ExtractionFailed != 0 || c.StoriesCreated == 0 || c.ThemesNew == 0 {
		t.Errorf("implausible counters %+v", c)
	}
	if c.EmbeddingsGenerated != c.ThemesExtracted {
		t.Errorf("embedded %d of %d themes", c.EmbeddingsGenerated, c.ThemesExtracted)
	}
	if c.LLMCalls < n {
		t.Errorf("%d LLM calls for %d conversations", c.LLMCalls, n)
	}
	if got := e.count(`SELECT count(*) FROM themes WHERE run_id = $1`, runID); got != c.ThemesExtracted {
		t.Errorf("%d theme rows, status says %d", got, c.ThemesExtracted)
	}
	if small := e.count(`SELECT count(*) FROM stories WHERE conversation_count < 3`); small != 0 {
		t.Errorf("%d stories with fewer than 3 conversations", small)
	}
	row := e.run(runID)
	if row == nil || row.Status != pipeline.StatusCompleted || row.Counters != c {
		t.Errorf("pipeline_runs row %+v does not mirror the final status %+v", row, c)
	}
	// The run is findable by its search attributes (visibility is eventually consistent).
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := e.tc.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s' AND PipelineStatus = 'completed' AND PipelinePhase = 'completed'", runID),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.GetExecutions()) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("run not found by PipelineStatus/PipelinePhase search attributes")
		}
		time.Sleep(200 * time.Millisecond)
	}

	stats := e.worker.LocalModel.Stats()
	second := e.start(allTime())
	again, err := e.result(second, 3*time.Minute)
	if err != nil {
		t.Fatalf("second run failed: %v", err)
	}
	a := again.Counters
	// Over unchanged conversations the second run changes no story or orphan, reviewed ones included.
	if a.StoriesCreated != 0 || a.StoriesUpdated != 0 || a.OrphansCreated != 0 || a.OrphansUpdated != 0 || a.OrphansGraduated != 0 {
		t.Errorf("second run over the same conversations created %d and updated %d stories, created %d and updated %d orphans, graduated %d",
			a.StoriesCreated, a.StoriesUpdated, a.OrphansCreated, a.OrphansUpdated, a.OrphansGraduated)
	}
	if a.LLMCalls != 0 || a.EmbeddingsGenerated != 0 || a.ThemesNew != 0 {
		t.Errorf("second run over unchanged conversations spent %d LLM calls, %d embeddings, minted %d signatures", a.LLMCalls, a.EmbeddingsGenerated, a.ThemesNew)
	}
	if after := e.worker.LocalModel.Stats(); after.ChatRequests != stats.ChatRequests || after.EmbeddingRequests != stats.EmbeddingRequests {
		t.Errorf("second run sent requests to the model: %+v → %+v", stats, after)
	}
	if got := e.count(`SELECT count(*) FROM stories`); got != c.StoriesCreated {
		t.Errorf("%d stories after two runs, want %d", got, c.StoriesCreated)
	}
}

// TestStopSignal stops a run during extraction with the `stop` signal, the way the plain
// temporal CLI sends it, and checks it ends `stopped` within 5 seconds keeping its results.
func TestStopSignal(t *testing.T) {
	e := newEnv(t, localmodel.Config{Latency: 300 * time.Millisecond})
	e.importSample()
	in := allTime()
	in.Concurrency = 2
	runID := e.start(in)
	e.waitFor(runID, time.Minute, func(s pipeline.Status) bool { return s.Done > 0 })
	sent := time.Now()
	if err := e.tc.SignalWorkflow(context.Background(), runID, "", pipeline.SignalStop, nil); err != nil {
		t.Fatal(err)
	}
	s := e.waitFor(runID, 10*time.Second, func(s pipeline.Status) bool { return s.Status != pipeline.StatusRunning })
	if s.Status != pipeline.StatusStopping && s.Status != pipeline.StatusStopped {
		t.Fatalf("after stop: %s", s.Status)
	}
	final := e.waitFor(runID, 10*time.Second, terminal)
	latency := time.Since(sent)
	t.Logf("stop took %v (status %s, phase %s, %d themes kept)", latency, final.Status, final.Phase, final.ThemesExtracted)
	if final.Status != pipeline.StatusStopped || latency > 5*time.Second {
		t.Fatalf("run ended %s after %v, want stopped within 5s", final.Status, latency)
	}
	if final.Phase != pipeline.PhaseExtraction {
		t.Errorf("stopped in phase %s, want extraction", final.Phase)
	}
	stored := e.count(`SELECT count(*) FROM extractions WHERE run_id = $1`, runID)
	if stored == 0 || stored != final.ThemesExtracted+final.ThemesFiltered+final.ExtractionFailed+final.NotActionable {
		t.Errorf("%d outcomes stored, final counters %+v", stored, final.Counters)
	}
	if e.count(`SELECT count(*) FROM stories`) != 0 {
		t.Error("a stopped extraction wrote stories")
	}
	if row := e.run(runID); row.Status != pipeline.StatusStopped {
		t.Errorf("pipeline_runs says %s", row.Status)
	}
}
