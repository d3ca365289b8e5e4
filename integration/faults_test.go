package integration

import (
	"testing"
	"time"

	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/workerhost"
)

// TestRunSurvivesInjectedFaults runs the sample data against a model that answers 10% of
// requests with a fault (429 with Retry-After, 500, timeout, malformed JSON, schema-violating
// JSON). The run completes, every conversation has exactly one outcome, and no item is counted
// twice.
func TestRunSurvivesInjectedFaults(t *testing.T) {
	e := newEnv(t, localmodel.Config{FaultRate: 0.1, Seed: 7, TimeoutHang: 5 * time.Second}, func(o *workerhost.Options) {
		o.Config.LLM.CallTimeout = 1500 * time.Millisecond
	})
	n := e.importSample()
	runID := e.start(allTime())
	final, err := e.result(runID, 5*time.Minute)
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	c := final.Counters
	if final.Status != pipeline.StatusCompleted {
		t.Fatalf("status %s", final.Status)
	}
	stats := e.worker.LocalModel.Stats()
	t.Logf("faults injected: %+v; counters %+v", stats, c)
	if stats.TotalFaults() == 0 {
		t.Fatal("no fault was injected")
	}
	if got := c.ThemesExtracted + c.ExtractionFailed + c.ThemesFiltered + c.NotActionable; got != n {
		t.Errorf("outcomes add up to %d, want %d", got, n)
	}
	if rows := e.count(`SELECT count(*) FROM extractions WHERE run_id = $1`, runID); rows != n {
		t.Errorf("%d outcome rows for %d conversations", rows, n)
	}
	if themes := e.count(`SELECT count(DISTINCT conversation_id) FROM themes WHERE run_id = $1`, runID); themes != c.ThemesExtracted {
		t.Errorf("%d distinct themes stored, counters say %d", themes, c.ThemesExtracted)
	}
	if c.ExtractionFailed > n/20 {
		t.Errorf("%d of %d extractions failed despite retries", c.ExtractionFailed, n)
	}
	if calls := float64(c.LLMCalls) / float64(n); calls > 1.5 {
		t.Errorf("%.2f LLM calls per conversation", calls)
	}
}
