package integration

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"feedbackpipe/testenv"
)

// cliEnv is the environment of the starter and temporal CLI processes a test runs: the test's
// database, task queue and namespace, and extra variables.
func (e *env) cliEnv(t *testing.T, extra ...string) []string {
	vars := append(os.Environ(), testenv.WorkerEnv(t)...)
	vars = append(vars, "DATABASE_URL="+e.cfg.DatabaseURL, "TASK_QUEUE="+e.cfg.TaskQueue, "PAYLOAD_KEY=", "PAYLOAD_KEY_FILE=")
	return append(vars, extra...)
}

// temporalArgs are the connection flags of the temporal CLI for the test namespace.
func temporalArgs(args ...string) []string {
	return append(args, "--address", testenv.TemporalAddress(), "--namespace", testenv.Namespace())
}

// runCLI runs bin with args in vars and returns its stdout, failing the test on an error.
func runCLI(t *testing.T, vars []string, bin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = vars
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\nstdout: %s\nstderr: %s", filepath.Base(bin), strings.Join(args, " "), err, out, stderr.String())
	}
	return out
}

// statusOf is `starter status RUN_ID --json`'s status field.
func statusOf(t *testing.T, vars []string, starter, runID string) string {
	t.Helper()
	var s struct {
		Status string `json:"status"`
	}
	out := runCLI(t, vars, starter, "status", runID, "--json")
	if err := json.Unmarshal(out, &s); err != nil || s.Status == "" {
		t.Fatalf("starter status --json printed no status: %v\n%s", err, out)
	}
	return s.Status
}

// waitStatus polls `starter status --json` until the run reaches want.
func waitStatus(t *testing.T, vars []string, starter, runID, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st := statusOf(t, vars, starter, runID)
		if st == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s is %s after %v, want %s", runID, st, timeout, want)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// startRunCLI is `starter run … --json`'s run ID.
func startRunCLI(t *testing.T, vars []string, starter string, args ...string) string {
	t.Helper()
	var r struct {
		RunID string `json:"run_id"`
	}
	out := runCLI(t, vars, starter, append([]string{"run", "--json"}, args...)...)
	if err := json.Unmarshal(out, &r); err != nil || r.RunID == "" {
		t.Fatalf("starter run --json printed no run_id: %v\n%s", err, out)
	}
	return r.RunID
}
