package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// runCLI runs the starter with args against the given database and returns its output.
func runCLI(t *testing.T, dbURL string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	env := map[string]string{"DATABASE_URL": dbURL}
	cmd := newRootCommand(&out, func(k string) string { return env[k] })
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func line(i int) string {
	return fmt.Sprintf(`{"id":"c%d","created_at":"2026-11-0%dT10:00:00Z","subject":"s","messages":[{"author":"customer","text":"export broken %d","created_at":"2026-11-01T10:00:00Z"}]}`, i, 1+i%9, i)
}

func TestImportIsAllOrNothing(t *testing.T) {
	dbURL := testenv.Database(t)
	dir := t.TempDir()
	var lines []string
	for i := 1; i <= 10; i++ {
		lines = append(lines, line(i))
	}
	lines[6] = strings.Replace(lines[6], `"author":"customer"`, `"author":"agent"`, 1)
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := runCLI(t, dbURL, "import", bad)
	if err == nil || !strings.Contains(err.Error(), "line 7") || !strings.Contains(err.Error(), "messages[0].author") || !strings.Contains(err.Error(), "bad.jsonl") {
		t.Fatalf("import error %v, want it to name the file, line 7 and the field", err)
	}
	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.CountConversations(context.Background()); n != 0 {
		t.Fatalf("%d conversations stored after a failed import, want 0", n)
	}

	out, err := runCLI(t, dbURL, "import", "--skip-invalid", bad)
	if err != nil || !strings.Contains(out, "9 new") || !strings.Contains(out, "line 7") {
		t.Fatalf("--skip-invalid: err %v, output %q", err, out)
	}
	out, err = runCLI(t, dbURL, "import", "--skip-invalid", bad)
	if err != nil || !strings.Contains(out, "0 new, 0 updated, 9 unchanged") {
		t.Fatalf("re-import: err %v, output %q", err, out)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"run", "--days", "0"}, {"run", "--concurrency", "0"}, {"run", "--max", "-1"}} {
		if _, err := runCLI(t, "postgres://unused", args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
