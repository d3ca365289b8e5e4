package integration

import (
	"fmt"
	"testing"
	"time"

	"feedbackpipe/pipeline"
)

// One pipeline over the same data with 1 and with 3 worker processes on one task queue: both
// complete with the same accounting, three workers mint no more canonical signatures than one,
// and the model never sees more calls of the run at once than --concurrency.
func TestRunAcrossWorkerProcesses(t *testing.T) {
	const conc = 6
	type outcome struct {
		status     pipeline.Status
		signatures int
		peak       int64
	}
	runWith := func(workers int) outcome {
		f := newFleet(t, 40*time.Millisecond)
		for i := range workers {
			f.start(fmt.Sprintf("worker-%d", i))
		}
		in := allTime()
		in.Concurrency = conc
		id := f.run(in)
		s := f.wait(id, 5*time.Minute)
		if s.Status != pipeline.StatusCompleted {
			t.Fatalf("%d workers: run ended %s: %s", workers, s.Status, s.FailureMessage)
		}
		f.assertAccountedOnce(id, s)
		f.assertNoDuplicateSignatures()
		return outcome{status: s, signatures: f.count(`SELECT count(*) FROM signatures`), peak: f.model.Stats().PeakChatInFlight}
	}
	one, three := runWith(1), runWith(3)
	t.Logf("1 worker: %d signatures, peak %d calls in flight; 3 workers: %d signatures, peak %d",
		one.signatures, one.peak, three.signatures, three.peak)
	for name, o := range map[string]outcome{"1 worker": one, "3 workers": three} {
		if o.peak > conc {
			t.Errorf("%s: %d chat calls in flight at once, the run allows %d", name, o.peak, conc)
		}
		if o.peak < conc/2 {
			t.Errorf("%s: at most %d calls in flight: the run does not use its concurrency %d", name, o.peak, conc)
		}
	}
	// Which spelling of an issue a run meets first, and so which signatures become established
	// and offered to later prompts, depends on the order calls return: two runs with one worker
	// differ by a few signatures too. Duplicates are excluded above; the count may differ by that
	// noise (5%), not by the 35% that workers deciding alone added.
	if limit := one.signatures + one.signatures/20 + 1; three.signatures > limit {
		t.Errorf("3 workers minted %d canonical signatures, 1 worker %d (at most %d expected)", three.signatures, one.signatures, limit)
	}
	if a, b := one.status.Counters, three.status.Counters; a.ThemesExtracted+a.ThemesFiltered != b.ThemesExtracted+b.ThemesFiltered ||
		a.NotActionable != b.NotActionable || a.ExtractionFailed != b.ExtractionFailed {
		t.Errorf("accounting differs: 1 worker %+v, 3 workers %+v", a, b)
	}
}

// One of three workers is killed mid-extraction: the run completes on the other two with every
// conversation accounted once, and the calls in flight stay within the run's concurrency.
func TestRunSurvivesOneOfThreeWorkersKilled(t *testing.T) {
	const conc = 6
	f := newFleet(t, 60*time.Millisecond)
	for i := range 3 {
		f.start(fmt.Sprintf("worker-%d", i))
	}
	in := allTime()
	in.Concurrency = conc
	id := f.run(in)
	deadline := time.Now().Add(time.Minute)
	for f.count(`SELECT count(*) FROM extractions WHERE run_id = $1`, id) < 40 {
		if time.Now().After(deadline) {
			t.Fatal("no progress before the kill")
		}
		time.Sleep(50 * time.Millisecond)
	}
	f.kill("worker-1")
	f.completedWithin(id, conc)
}
