package main

import (
	"testing"
	"time"

	"feedbackpipe/pipeline"
)

// A phase the run never showed takes no time, and the phases still add up to the wall time.
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

// The mean of the calls in flight counts only the samples taken before the given end (extraction's).
func TestMeanInFlightStopsAtTheEnd(t *testing.T) {
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var samples []inFlightSample
	for i, calls := range []int64{64, 62, 64, 2, 0} {
		samples = append(samples, inFlightSample{at: start.Add(time.Duration(i) * 100 * time.Millisecond), calls: calls})
	}
	if got := meanInFlight(samples, start.Add(300*time.Millisecond)); got != 190.0/3 {
		t.Errorf("mean before the end = %.2f, want %.2f", got, 190.0/3)
	}
	if got := meanInFlight(samples, time.Time{}); got != 192.0/5 {
		t.Errorf("mean of all = %.2f, want %.2f", got, 192.0/5)
	}
}
