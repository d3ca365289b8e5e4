package integration

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"feedbackpipe/config"
	"feedbackpipe/conversation"
	"feedbackpipe/localmodel"
	"feedbackpipe/testenv"
)

// chaosServices are where a chaos fleet runs: private Postgres and dev server when set (so
// restarting them hits no other test), the shared services otherwise.
type chaosServices struct {
	pg       *privatePostgres
	temporal *devServer
}

// chaosFleet is a fleet whose model injects faults and can hold the run's embeddings request (so
// a worker is killed while it is surely embedding), on the shared or on private services.
type chaosFleet struct {
	*fleet
	gate *embeddingGate
	svc  chaosServices
}

// newChaosFleet prepares a database with convs and a model with the given latency and fault
// rate (timeouts hang 10 s; the workers give up on a call after 3 s); no worker runs until start.
func newChaosFleet(t testing.TB, svc chaosServices, convs []conversation.Conversation, latency time.Duration, faultRate float64) *chaosFleet {
	t.Helper()
	var tc client.Client
	var dbURL, queue string
	if svc.temporal != nil {
		c, err := svc.temporal.dial()
		if err != nil {
			t.Fatalf("connect to the private dev server: %v", err)
		}
		t.Cleanup(c.Close)
		tc, queue = c, testenv.UniqueName("chaos")
	} else {
		tc = testenv.Temporal(t)
		queue = testenv.TaskQueue(t, tc, "chaos")
	}
	if svc.pg != nil {
		dbURL = svc.pg.database(strings.ReplaceAll(testenv.UniqueName("chaos"), "-", "_"))
	} else {
		dbURL = testenv.Database(t)
	}
	st := storeWith(t, dbURL, convs)
	model := localmodel.New(localmodel.Config{Latency: latency, FaultRate: faultRate, Seed: 11, TimeoutHang: 10 * time.Second}, nil)
	gate := &embeddingGate{next: model}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: gate, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { gate.release(); _ = srv.Close() })
	f := &fleet{t: t, tc: tc, st: st, model: model, bin: workerBinary(t), queue: queue,
		procs: map[string]*exec.Cmd{}, logDir: fleetLogDir(t)}
	f.env = append(append(os.Environ(), testenv.WorkerEnv(t)...), "DATABASE_URL="+dbURL,
		"TASK_QUEUE="+queue, "OPENAI_BASE_URL=http://"+ln.Addr().String()+"/v1", "OPENAI_API_KEY=test-key",
		"LLM_MODEL="+config.LocalChatModel, "EMBEDDING_MODEL="+config.LocalEmbeddingModel, "LLM_TIMEOUT=3s")
	if svc.temporal != nil {
		f.env = append(f.env, "TEMPORAL_ADDRESS="+svc.temporal.address())
	}
	return &chaosFleet{fleet: f, gate: gate, svc: svc}
}

// tryCount is count for a database that may be restarting: it reports the error instead of
// failing the test.
func (c *chaosFleet) tryCount(sql string, args ...any) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var n int
	err := c.st.Pool().QueryRow(ctx, sql, args...).Scan(&n)
	return n, err
}

// workerRunning returns the name of a worker process running a started activity of the given
// type for the run, from the identity Temporal recorded for it (pid@host@queue).
func (c *chaosFleet) workerRunning(runID, activityType string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	desc, err := c.tc.DescribeWorkflowExecution(ctx, runID, "")
	if err != nil {
		return "", err
	}
	for _, a := range desc.GetPendingActivities() {
		if a.GetActivityType().GetName() != activityType || a.GetState() != enumspb.PENDING_ACTIVITY_STATE_STARTED {
			continue
		}
		pid, err := strconv.Atoi(strings.SplitN(a.GetLastWorkerIdentity(), "@", 2)[0])
		if err != nil {
			continue
		}
		c.mu.Lock()
		for name, cmd := range c.procs {
			if cmd.Process != nil && cmd.Process.Pid == pid && cmd.ProcessState == nil {
				c.mu.Unlock()
				return name, nil
			}
		}
		c.mu.Unlock()
	}
	return "", errNoWorkerRunning
}

var errNoWorkerRunning = errors.New("no worker of the fleet runs the activity")

// killDuring SIGKILLs the worker running an activity of the given type for the run, as soon as
// one does (polling every 20 ms until timeout), and starts it again. It returns the worker's
// name.
func (c *chaosFleet) killDuring(runID, activityType string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		name, err := c.workerRunning(runID, activityType)
		if err == nil {
			c.kill(name)
			c.start(name)
			return name, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no worker ran %s within %v: %w", activityType, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// embeddingGate passes requests to the model, except that while armed it holds embeddings
// requests until released (or until their client goes away), and tells when the first arrived.
type embeddingGate struct {
	next    http.Handler
	mu      sync.Mutex
	armed   bool
	arrived chan struct{}
	open    chan struct{}
}

// arm makes the gate hold embeddings requests; the returned channel closes when one arrives.
func (g *embeddingGate) arm() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armed, g.arrived, g.open = true, make(chan struct{}), make(chan struct{})
	return g.arrived
}

// release lets held and later requests through.
func (g *embeddingGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.armed {
		g.armed = false
		close(g.open)
	}
}

func (g *embeddingGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1/embeddings" {
		g.mu.Lock()
		armed, arrived, open := g.armed, g.arrived, g.open
		if armed {
			select {
			case <-arrived:
			default:
				close(arrived)
			}
		}
		g.mu.Unlock()
		if armed {
			select {
			case <-open:
			case <-r.Context().Done():
				return
			}
		}
	}
	g.next.ServeHTTP(w, r)
}

// retriedActivities counts, by activity type, the activities of the run's latest execution that
// ran more than one attempt: a kill that landed in an activity shows as its retry.
func (c *chaosFleet) retriedActivities(runID string) (map[string]int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	types := map[int64]string{}
	retried := map[string]int{}
	it := c.tc.GetWorkflowHistory(ctx, runID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("read the history of %s: %w", runID, err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			types[ev.GetEventId()] = a.GetActivityType().GetName()
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && a.GetAttempt() > 1 {
			retried[types[a.GetScheduledEventId()]]++
		}
	}
	return retried, nil
}
