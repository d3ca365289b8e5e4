package main

import (
	"testing"
	"time"

	"feedbackpipe/pipeline"
)

// A phase shorter than the status polls is never seen: it takes no time, and the phases still
// add up to the wall time.
func TestPhaseDurationsOfAnUnseenPhase(t *testing.T) {
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	end := start.Add(82 * time.Second)
	got := phaseDurations(start, end, map[string]time.Time{
		pipeline.PhaseExtraction: start, pipeline.PhaseStories: start.Add(80 * time.Second)})
	want := map[string]float64{"extraction": 80, "embedding": 0, "stories": 2}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %.1f s, want %.1f s (all: %v)", k, got[k], v, got)
		}
	}
}
