package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"

	"feedbackpipe/config"
	"feedbackpipe/conversation"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/signature"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// fleet is worker processes (the real binary) on one database and task queue, sharing one
// built-in model served by the test, so the model sees every call of the run whichever worker
// makes it.
type fleet struct {
	t      testing.TB
	tc     client.Client
	st     *store.Store
	model  *localmodel.Server
	bin    string
	env    []string
	queue  string
	mu     sync.Mutex
	procs  map[string]*exec.Cmd
	logDir string
}

var buildOnce = struct {
	sync.Mutex
	bins map[string]string
}{bins: map[string]string{}}

// workerBinary builds ../worker once per test binary. FLEET_WORKER_BIN names another build to
// run instead (a benchmark compares releases side by side that way).
func workerBinary(t testing.TB) string {
	t.Helper()
	if bin := os.Getenv("FLEET_WORKER_BIN"); bin != "" {
		return bin
	}
	buildOnce.Lock()
	defer buildOnce.Unlock()
	if bin, ok := buildOnce.bins["worker"]; ok {
		return bin
	}
	dir, err := os.MkdirTemp("", "feedbackpipe-it-bin-")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "worker")
	if out, err := exec.Command("go", "build", "-o", bin, "../worker").CombinedOutput(); err != nil {
		t.Fatalf("build worker: %v\n%s", err, out)
	}
	buildOnce.bins["worker"] = bin
	return bin
}

// newFleet prepares a database with the sample conversations and a model with latency; no
// worker runs until start.
func newFleet(t testing.TB, latency time.Duration) *fleet {
	t.Helper()
	return newFleetWith(t, latency, sampleConversations(t))
}

// newFleetWith is newFleet over the given conversations.
func newFleetWith(t testing.TB, latency time.Duration, convs []conversation.Conversation) *fleet {
	t.Helper()
	tc := testenv.Temporal(t)
	dbURL := testenv.Database(t)
	st := storeWith(t, dbURL, convs)
	model := localmodel.New(localmodel.Config{Latency: latency}, nil)
	baseURL, stop, err := model.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stop(context.Background()) })
	f := &fleet{t: t, tc: tc, st: st, model: model, bin: workerBinary(t), queue: testenv.TaskQueue(t, tc, "fleet"),
		procs: map[string]*exec.Cmd{}, logDir: fleetLogDir(t)}
	f.env = append(append(os.Environ(), testenv.WorkerEnv(t)...), "DATABASE_URL="+dbURL,
		"TASK_QUEUE="+f.queue, "OPENAI_BASE_URL="+baseURL, "OPENAI_API_KEY=test-key",
		"LLM_MODEL="+config.LocalChatModel, "EMBEDDING_MODEL="+config.LocalEmbeddingModel)
	return f
}

// fleetLogDir is where a test's worker processes log: a temporary directory, or with FLEET_LOGS
// set, a directory of the test's name under it that outlives the test (a slow chaos run that
// still passed can then be read).
func fleetLogDir(t testing.TB) string {
	root := os.Getenv("FLEET_LOGS")
	if root == "" {
		return t.TempDir()
	}
	dir := filepath.Join(root, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// start starts a worker process named name. Its log is appended to, so a worker started again
// after a kill keeps what it logged before.
func (f *fleet) start(name string) {
	f.t.Helper()
	cmd := exec.Command(f.bin)
	cmd.Env = f.env
	logFile, err := os.OpenFile(filepath.Join(f.logDir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		f.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		f.t.Fatal(err)
	}
	f.mu.Lock()
	f.procs[name] = cmd
	f.mu.Unlock()
	f.t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); _ = logFile.Close() })
}

// kill SIGKILLs the worker named name.
func (f *fleet) kill(name string) {
	f.t.Helper()
	f.mu.Lock()
	cmd := f.procs[name]
	f.mu.Unlock()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		f.t.Fatal(err)
	}
	_ = cmd.Wait()
}

// run admits a run through the index and returns its ID.
func (f *fleet) run(in pipeline.RunInput) string {
	f.t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		f.t.Fatal(err)
	}
	id, err := runindex.StartRun(context.Background(), f.tc, f.queue, in, cfg.Index, time.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// wait waits for the run to end and returns its final status.
func (f *fleet) wait(runID string, timeout time.Duration) pipeline.Status {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var s pipeline.Status
	if err := f.tc.GetWorkflow(ctx, runID, "").Get(ctx, &s); err != nil {
		f.t.Fatalf("run %s: %v\n%s", runID, err, f.logTails())
	}
	return s
}

// completedWithin waits for the run to end and checks it completed with every conversation
// accounted once and never more than conc chat calls in flight; it returns its final status.
func (f *fleet) completedWithin(runID string, conc int) pipeline.Status {
	f.t.Helper()
	s := f.wait(runID, 5*time.Minute)
	if s.Status != pipeline.StatusCompleted {
		f.t.Fatalf("run ended %s: %s", s.Status, s.FailureMessage)
	}
	f.assertAccountedOnce(runID, s)
	if peak := f.model.Stats().PeakChatInFlight; peak > int64(conc) {
		f.t.Errorf("%d chat calls in flight at once, the run allows %d", peak, conc)
	}
	return s
}

// logTails returns the last lines of every worker's log, for a failure message.
func (f *fleet) logTails() string {
	var b strings.Builder
	logs, _ := filepath.Glob(filepath.Join(f.logDir, "*.log"))
	for _, name := range logs {
		data, _ := os.ReadFile(name)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		fmt.Fprintf(&b, "--- %s (last lines)\n%s\n", filepath.Base(name), strings.Join(lines[max(0, len(lines)-15):], "\n"))
	}
	return b.String()
}

func (f *fleet) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.st.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// assertAccountedOnce checks every selected conversation has exactly one outcome, at most one
// theme, and that the counters add up.
func (f *fleet) assertAccountedOnce(runID string, s pipeline.Status) {
	f.t.Helper()
	n := f.count(`SELECT count(*) FROM run_conversations WHERE run_id = $1`, runID)
	if n == 0 {
		f.t.Fatal("the run selected nothing")
	}
	if got := f.count(`SELECT count(*) FROM extractions WHERE run_id = $1`, runID); got != n {
		f.t.Errorf("%d outcomes for %d conversations", got, n)
	}
	if got := f.count(`SELECT count(*) FROM themes WHERE run_id = $1`, runID); got != s.ThemesExtracted {
		f.t.Errorf("%d themes stored, counters say %d", got, s.ThemesExtracted)
	}
	if got := f.count(`SELECT count(*) FROM (SELECT conversation_id FROM themes WHERE run_id = $1 GROUP BY 1 HAVING count(*) > 1) d`, runID); got != 0 {
		f.t.Errorf("%d conversations with more than one theme", got)
	}
	c := s.Counters
	if got := c.ThemesExtracted + c.ThemesFiltered + c.ExtractionFailed + c.NotActionable; got != n {
		f.t.Errorf("outcomes add up to %d, want %d: %+v", got, n, c)
	}
	if got := f.count(`SELECT count(*) FROM signatures WHERE first_run_id = $1`, runID); got != c.ThemesNew {
		f.t.Errorf("themes_new %d, but the run minted %d signatures", c.ThemesNew, got)
	}
}

// status queries the run's status.
func (f *fleet) status(runID string) (pipeline.Status, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := f.tc.QueryWorkflow(ctx, runID, "", pipeline.QueryStatus)
	if err != nil {
		return pipeline.Status{}, err
	}
	var s pipeline.Status
	return s, resp.Get(&s)
}

// assertNoDuplicateSignatures checks that no canonical signature is one another worker's
// spelling of: resolved against all the others of its product area by the cache's own rules,
// each would be minted anew.
func (f *fleet) assertNoDuplicateSignatures() {
	f.t.Helper()
	rows, err := f.st.Pool().Query(context.Background(), `SELECT signature, product_area FROM signatures ORDER BY 1`)
	if err != nil {
		f.t.Fatal(err)
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (signature.Entry, error) {
		var e signature.Entry
		return e, r.Scan(&e.Signature, &e.ProductArea)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	for i, e := range all {
		var others []signature.Entry
		for j, o := range all {
			if j != i && o.ProductArea == e.ProductArea {
				others = append(others, o)
			}
		}
		res, err := signature.Decide(e.Signature, e.ProductArea, others, nil)
		if err == nil && !res.Minted {
			f.t.Errorf("canonical signatures %s and %s are one signature spelled twice", e.Signature, res.Canonical)
		}
	}
}

// storeWith migrates the database at dbURL, opens it (closed when the test ends) and stores convs.
func storeWith(t testing.TB, dbURL string, convs []conversation.Conversation) *store.Store {
	t.Helper()
	if _, err := store.Migrate(dbURL); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if _, err := st.UpsertConversations(context.Background(), convs); err != nil {
		t.Fatal(err)
	}
	return st
}
