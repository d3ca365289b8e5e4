package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// The stories command writes CSV and Markdown through backlog/export.
func TestStoriesFormats(t *testing.T) {
	dbURL := testenv.Database(t)
	out, err := runCLI(t, dbURL, "stories", "--csv")
	if err != nil || out != "kind,key,title,signature,product_area,conversation_count,first_seen,last_seen,conversation_ids,sample_excerpt\n" {
		t.Errorf("--csv: %v, %q", err, out)
	}
	out, err = runCLI(t, dbURL, "stories", "--markdown")
	if err != nil || !strings.HasPrefix(out, "# Backlog\n") {
		t.Errorf("--markdown: %v, %q", err, out)
	}
	// A mistyped run ID is an error, not an empty backlog.
	if _, err := runCLI(t, dbURL, "stories", "--run", "pipeline-typo"); err == nil || !strings.Contains(err.Error(), "no run pipeline-typo") {
		t.Errorf("stories --run of an unknown run: %v, want no run", err)
	}
}

// A reading command waits for a wedged database at most its --timeout, and says so.
func TestAWedgedDatabaseEndsTheCommandInTime(t *testing.T) {
	dbURL := testenv.Database(t)
	if _, err := runCLI(t, dbURL, "stories"); err != nil {
		t.Fatalf("stories on a free database: %v", err)
	}
	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tx, err := st.Pool().Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	if _, err := tx.Exec(context.Background(), "LOCK TABLE stories IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, dbURL, "stories", "--timeout", "-1s"); err == nil || !strings.Contains(err.Error(), "--timeout must not be negative") {
		t.Errorf("a negative --timeout: %v", err)
	}
	start := time.Now()
	_, err = runCLI(t, dbURL, "stories", "--timeout", "500ms")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("stories took %s with the stories table locked, for a --timeout of 500ms", took)
	}
	if err == nil || !strings.Contains(err.Error(), "no answer from Postgres or Temporal within 500ms") {
		t.Errorf("stories with the stories table locked: %v, want an error naming the timeout", err)
	}
}
