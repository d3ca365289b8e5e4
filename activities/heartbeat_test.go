package activities

import (
	"context"
	"sync"
	"testing"
	"time"
)

// The ticker vouches only for work that advances: past the stall timeout without a step it
// stops beating, and a step makes it beat again.
func TestProgressStopsVouchingForStalledWork(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{ctx: context.Background(), stall: time.Minute, done: make(chan struct{}),
		now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }}
	p.advanced = p.now()
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	if p.stalled() {
		t.Fatal("stalled at the start")
	}
	advance(59 * time.Second)
	if p.stalled() {
		t.Fatal("stalled within the stall timeout")
	}
	advance(2 * time.Second)
	if !p.stalled() {
		t.Fatal("a minute and a second without a step must count as stalled")
	}
	p.Step(1)
	if p.stalled() || p.Done() != 1 {
		t.Fatalf("a step is progress: stalled %v, done %d", p.stalled(), p.Done())
	}
	advance(2 * time.Minute)
	p.Stage("grouping", 0, 10)
	if p.stalled() {
		t.Fatal("entering a stage is progress")
	}
}
