package activities

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
)

// heartbeatInterval is how often long activities report progress. Cancellation (a stop) reaches
// an activity only through a heartbeat, so this bounds how late a stop is noticed.
const heartbeatInterval = time.Second

// DefaultStallTimeout is how long a long activity may go without advancing before its heartbeat
// stops vouching for it. It exceeds the longest single step (an LLM call with its retries and
// backoff, a database call with its timeout), so only wedged work trips it.
const DefaultStallTimeout = 5 * time.Minute

// dbTimeout bounds every database call an activity makes, including saves that run under
// context.WithoutCancel so a stop never loses a paid-for result.
const dbTimeout = 30 * time.Second

// Heartbeat is what a long activity reports: its stage and how far it got. IDs and numbers only,
// since heartbeat details are stored in Temporal history.
type Heartbeat struct {
	Stage string // loading, extracting, embedding, grouping, writing
	Done  int
	Total int
}

// progress reports a long activity's progress through its heartbeat. The work loop reports each
// step (Step, Stage); one goroutine of its own sends the latest details, at once when a step
// asks and every heartbeatInterval, so a stop arrives within about a second even while a step is
// in flight. The work never waits for a heartbeat: the SDK sends the first heartbeat of each
// throttling window to the server and waits for its answer, which on a busy server took a
// batch's start 100–300 ms before its first call. The ticker vouches only for work that
// advances: once no step has been reported for the stall timeout it stops beating, the
// activity's heartbeat times out, and Temporal retries it on a worker that is not wedged.
type progress struct {
	ctx    context.Context
	stall  time.Duration
	now    func() time.Time
	record func(Heartbeat) // sends a heartbeat; may wait for the server

	mu       sync.Mutex
	hb       Heartbeat
	advanced time.Time
	done     chan struct{}
	kick     chan struct{} // a step asks for a heartbeat (buffered: asks made meanwhile merge)
	once     sync.Once
}

// startProgress starts reporting; the caller must call stop when the work ends.
func startProgress(ctx context.Context, stage string, total int, stall time.Duration) *progress {
	if stall <= 0 {
		stall = DefaultStallTimeout
	}
	p := &progress{ctx: ctx, stall: stall, now: time.Now, hb: Heartbeat{Stage: stage, Total: total},
		done: make(chan struct{}), kick: make(chan struct{}, 1), record: activityHeartbeat(ctx)}
	p.advanced = p.now()
	p.beat()
	go p.tick()
	return p
}

// activityHeartbeat records heartbeats of the activity running in ctx; none outside an activity.
func activityHeartbeat(ctx context.Context) func(Heartbeat) {
	if !activity.IsActivity(ctx) {
		return func(Heartbeat) {}
	}
	return func(hb Heartbeat) { activity.RecordHeartbeat(ctx, hb) }
}

// tick sends the heartbeats: when a step asks, and every heartbeatInterval while work advances.
func (p *progress) tick() {
	t := time.NewTicker(heartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-p.ctx.Done():
			return
		case <-p.kick:
			p.send()
		case <-t.C:
			if !p.stalled() {
				p.send()
			}
		}
	}
}

// stalled reports whether the work has not advanced for the stall timeout.
func (p *progress) stalled() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.now().Sub(p.advanced) > p.stall
}

// beat asks the ticker's goroutine to send the latest details; it never waits.
func (p *progress) beat() {
	select {
	case p.kick <- struct{}{}:
	default: // a heartbeat is asked for already: it sends the details as they are then
	}
}

// send records the latest details as the activity's heartbeat.
func (p *progress) send() {
	p.mu.Lock()
	hb := p.hb
	p.mu.Unlock()
	p.record(hb)
}

// Step records n more items done and heartbeats (the SDK throttles what reaches the server).
func (p *progress) Step(n int) {
	p.mu.Lock()
	p.hb.Done += n
	p.advanced = p.now()
	p.mu.Unlock()
	p.beat()
}

// Stage moves to a new stage of the work with its own count, which counts as progress.
func (p *progress) Stage(stage string, done, total int) {
	p.mu.Lock()
	p.hb = Heartbeat{Stage: stage, Done: done, Total: total}
	p.advanced = p.now()
	p.mu.Unlock()
	p.beat()
}

// Done returns the items done so far.
func (p *progress) Done() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hb.Done
}

// stop ends the ticker.
func (p *progress) stop() { p.once.Do(func() { close(p.done) }) }

// dbContext bounds one database call; detached calls (saves that must land even when the run is
// being stopped) keep the values of ctx but not its cancellation.
func dbContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, dbTimeout)
}

func detachedDBContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
}
