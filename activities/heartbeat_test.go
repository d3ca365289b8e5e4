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

// Steps never wait for a heartbeat: while the server takes its time to answer one (the SDK sends
// the first heartbeat of each throttling window and waits for the answer), the work goes on, and
// the details sent next are the latest.
func TestProgressStepsDoNotWaitForHeartbeats(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	sent := make(chan Heartbeat, 16)
	p := &progress{ctx: ctx, stall: time.Minute, now: time.Now, done: make(chan struct{}), kick: make(chan struct{}, 1),
		hb: Heartbeat{Stage: "loading", Total: 3}, record: func(hb Heartbeat) {
			<-release
			sent <- hb
		}}
	p.advanced = p.now()
	go p.tick()
	defer p.stop()

	stepped := make(chan struct{})
	go func() {
		p.beat()
		p.Stage("extracting", 0, 3)
		for range 3 {
			p.Step(1)
		}
		close(stepped)
	}()
	select {
	case <-stepped:
	case <-time.After(5 * time.Second):
		t.Fatal("the steps waited for a heartbeat the server has not answered")
	}
	close(release)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case hb := <-sent:
			if hb == (Heartbeat{Stage: "extracting", Done: 3, Total: 3}) {
				return
			}
		case <-deadline:
			t.Fatal("the latest details were never sent")
		}
	}
}
