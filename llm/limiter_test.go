package llm

import (
	"testing"
	"time"
)

// Workers that each pace themselves with NewLimiter stay together within the deployment's budget:
// over a simulated minute of greedy callers, three workers send about LLM_RPM requests, not three
// times it.
func TestLimiterWorkersShareTheBudget(t *testing.T) {
	const rpm = 600
	for _, workers := range []int{1, 3} {
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		sent := 0
		for w := 0; w < workers; w++ {
			l := NewLimiter(rpm, 0, workers)
			for at := start; at.Before(start.Add(time.Minute)); at = at.Add(5 * time.Millisecond) {
				if l.requests.AllowN(at, 1) {
					sent++
				}
			}
		}
		// Each worker's burst (a second's worth of its share) may come on top of the minute's rate.
		if limit := rpm + rpm/60; sent > limit || sent < rpm*9/10 {
			t.Errorf("%d workers sent %d requests in a minute; budget %d (at most %d with bursts)", workers, sent, rpm, limit)
		}
	}
}

func TestLimiterShareIsNeverZero(t *testing.T) {
	if got := share(2, 5); got != 1 {
		t.Errorf("share(2, 5) = %d, want 1: a budget smaller than the workers still lets each send", got)
	}
	if got := share(0, 5); got != 0 {
		t.Errorf("share(0, 5) = %d, want 0 (unlimited)", got)
	}
}
