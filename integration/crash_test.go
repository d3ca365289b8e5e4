package integration

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"feedbackpipe/config"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// TestWorkerKilledMidExtraction kills the worker process with SIGKILL while it extracts, starts
// a new one, and checks the run completes with exactly one outcome and at most one theme per
// conversation: the retried batch resumed without redoing or duplicating stored items.
func TestWorkerKilledMidExtraction(t *testing.T) {
	tc := testenv.Temporal(t)
	dbURL := testenv.Database(t)
	bin := filepath.Join(t.TempDir(), "worker")
	build := exec.Command("go", "build", "-o", bin, "../worker")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build worker: %v\n%s", err, out)
	}
	queue := testenv.TaskQueue(t, tc, "crash")
	if _, err := store.Migrate(dbURL); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	convs := sampleConversations(t)
	if _, err := st.UpsertConversations(context.Background(), convs); err != nil {
		t.Fatal(err)
	}
	startWorker := func(name string) *exec.Cmd {
		cmd := exec.Command(bin)
		cmd.Env = append(append(os.Environ(), testenv.WorkerEnv(t)...), "DATABASE_URL="+dbURL,
			"TASK_QUEUE="+queue, "LOCAL_MODEL_LATENCY=100ms", "OPENAI_API_KEY=")
		logFile, err := os.Create(filepath.Join(t.TempDir(), name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = logFile, logFile
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd
	}
	first := startWorker("first")
	in := allTime()
	in.Concurrency = 4
	cfg, _ := config.Load(func(string) string { return "" })
	runID, err := runindex.StartRun(context.Background(), tc, queue, in, cfg.Index, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, cfg: cfg, tc: tc}
	// Kill it once some items are stored but the extraction is far from done.
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		if err := st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM extractions WHERE run_id = $1`, runID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n >= 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no progress before the kill")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	startWorker("second")
	final, err := e.result(runID, 4*time.Minute)
	if err != nil {
		t.Fatalf("run after the crash: %v", err)
	}
	if final.Status != pipeline.StatusCompleted {
		t.Fatalf("status %s", final.Status)
	}
	count := func(sql string) int {
		var n int
		if err := st.Pool().QueryRow(context.Background(), sql, runID).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	n := len(convs)
	c := final.Counters
	if got := count(`SELECT count(*) FROM extractions WHERE run_id = $1`); got != n {
		t.Errorf("%d outcomes for %d conversations", got, n)
	}
	if got := count(`SELECT count(*) FROM themes WHERE run_id = $1`); got != c.ThemesExtracted {
		t.Errorf("%d themes stored, counters say %d", got, c.ThemesExtracted)
	}
	if got := c.ThemesExtracted + c.ThemesFiltered + c.ExtractionFailed + c.NotActionable; got != n {
		t.Errorf("outcomes add up to %d, want %d", got, n)
	}
	if c.StoriesCreated == 0 || !strings.HasPrefix(runID, "pipeline-") {
		t.Errorf("run %s built no stories: %+v", runID, c)
	}
}
