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
	for _, args := range [][]string{{"run", "--days", "0"}, {"run", "--concurrency", "0"}, {"run", "--max", "-1"},
		{"run", "--since", "2026-11-31"}, {"run", "--since", "2026-11-01", "--days", "3"}, {"run", "--until", "2999-01-01"}} {
		if _, err := runCLI(t, "postgres://unused", args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// TestImportCleansAndSkipsPerRecord: a NUL in a message and invalid UTF-8 are cleaned
// (once, one NUL made Postgres refuse the whole import, even with --skip-invalid), and a
// bad id is refused by file, line and field, then skipped alone with --skip-invalid.
func TestImportCleansAndSkipsPerRecord(t *testing.T) {
	dbURL := testenv.Database(t)
	path := filepath.Join(t.TempDir(), "hostile.jsonl")
	lines := []string{
		line(1),
		`{"id":"nul","created_at":"2026-11-02T10:00:00Z","subject":"zero\u0000byte","messages":[{"author":"customer","text":"export \u0000 broken ` + "\xff" + `"}]}`,
		strings.Replace(line(3), `"id":"c3"`, `"id":"bad id\n"`, 1),
		line(4),
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := runCLI(t, dbURL, "import", path)
	if err == nil || !strings.Contains(err.Error(), path+": line 3: field id: ") {
		t.Fatalf("import error %v, want one naming %s, line 3 and field id", err, path)
	}
	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.CountConversations(context.Background()); n != 0 {
		t.Fatalf("%d conversations stored after a failed import, want 0", n)
	}

	out, err := runCLI(t, dbURL, "import", "--skip-invalid", path)
	if err != nil || !strings.Contains(out, "3 new") || !strings.Contains(out, "1 skipped") || !strings.Contains(out, "line 3: field id") {
		t.Fatalf("--skip-invalid: err %v, output %q", err, out)
	}
	got, err := st.GetConversations(context.Background(), []string{"c1", "nul", "c4"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("stored %d of c1, nul, c4", len(got))
	}
	if c := got["nul"]; c.Subject != "zerobyte" || c.Messages[0].Text != "export  broken \uFFFD" {
		t.Errorf("stored %q / %q, want the NUL removed and invalid UTF-8 replaced", c.Subject, c.Messages[0].Text)
	}
}
