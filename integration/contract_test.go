package integration

import (
	"encoding/json"
	"testing"
	"time"

	"feedbackpipe/localmodel"
)

// TestOperatorContract checks the product's outside contract the way operators and scripts use
// it, with the built starter and the plain temporal CLI against a worker in the test namespace:
// import, run and status with --json, the `status` query and the `stop` signal through the
// temporal CLI, a run to completed, and stories --json listing conversation IDs.
func TestOperatorContract(t *testing.T) {
	e := newEnv(t, localmodel.Config{Latency: 200 * time.Millisecond})
	starter, temporal := buildStarter(t), temporalCLI(t)
	vars := e.cliEnv(t)

	var imported map[string]any
	out := runCLI(t, vars, starter, "import", "../sampledata/conversations.jsonl", "--json")
	if err := json.Unmarshal(out, &imported); err != nil || len(imported) == 0 {
		t.Fatalf("starter import --json: %v\n%s", err, out)
	}

	// A slow run (one call at a time, 200 ms each): queried and stopped through the temporal CLI.
	slow := startRunCLI(t, vars, starter, "--days", "3650", "--concurrency", "1")
	var queried struct {
		Status string `json:"status"`
		RunID  string `json:"run_id"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		out = runCLI(t, vars, temporal, temporalArgs("workflow", "query", "--workflow-id", slow, "--type", "status", "--output", "json")...)
		if err := json.Unmarshal(queryResult(t, out), &queried); err != nil {
			t.Fatalf("temporal workflow query --type status: %v\n%s", err, out)
		}
		if queried.Status == "running" || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if queried.Status != "running" || queried.RunID != slow {
		t.Fatalf("temporal workflow query --type status answered %+v, want run %s running", queried, slow)
	}
	if st := statusOf(t, vars, starter, slow); st != "running" {
		t.Fatalf("starter status --json: %s, want running", st)
	}
	runCLI(t, vars, temporal, temporalArgs("workflow", "signal", "--workflow-id", slow, "--name", "stop")...)
	waitStatus(t, vars, starter, slow, "stopped", 10*time.Second)

	// A short run to completed, then the backlog as JSON.
	done := startRunCLI(t, vars, starter, "--days", "3650", "--max", "40", "--concurrency", "16")
	waitStatus(t, vars, starter, done, "completed", 45*time.Second)
	out = runCLI(t, vars, starter, "stories", "--json")
	if !listsIDs(out) {
		t.Fatalf("starter stories --json lists no conversation IDs:\n%s", out)
	}
	out = runCLI(t, vars, starter, "list", "--json")
	var listed []map[string]any
	if err := json.Unmarshal(out, &listed); err != nil || len(listed) < 2 {
		t.Fatalf("starter list --json: want both runs, got %v\n%s", err, out)
	}
}

// queryResult is the query's answer in `temporal workflow query --output json`: the first
// element of queryResult (or the output itself when it is the answer).
func queryResult(t *testing.T, out []byte) []byte {
	t.Helper()
	var wrapped struct {
		QueryResult []json.RawMessage `json:"queryResult"`
	}
	if err := json.Unmarshal(out, &wrapped); err == nil && len(wrapped.QueryResult) > 0 {
		return wrapped.QueryResult[0]
	}
	return out
}

// listsIDs reports whether a JSON document holds a non-empty list of strings somewhere.
func listsIDs(doc []byte) bool {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(x any) bool {
		switch x := x.(type) {
		case map[string]any:
			for _, v := range x {
				if walk(v) {
					return true
				}
			}
		case []any:
			all := len(x) > 0
			for _, v := range x {
				if _, ok := v.(string); !ok {
					all = false
				}
				if walk(v) {
					return true
				}
			}
			return all
		}
		return false
	}
	return walk(v)
}
