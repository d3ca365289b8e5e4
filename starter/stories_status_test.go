package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// stories --status keeps the stories of one triage status, as the web backlog's filter does.
func TestStoriesStatusFilter(t *testing.T) {
	dbURL := testenv.Database(t)
	file := filepath.Join(t.TempDir(), "convs.jsonl")
	var lines []string
	for i := 1; i <= 6; i++ {
		lines = append(lines, line(i))
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, dbURL, "import", file); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	if err := st.CreateRun(ctx, store.Run{ID: "r1", Status: "running", Phase: "stories", Concurrency: 1, CreateStories: true,
		WindowSince: now.Add(-time.Hour), WindowUntil: now, StartedAt: now}); err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct{ key, a, b, c string }{{"export_broken", "c1", "c2", "c3"}, {"login_loop", "c4", "c5", "c6"}} {
		var members []store.Member
		for _, id := range []string{g.a, g.b, g.c} {
			members = append(members, store.Member{ConversationID: id, Signature: g.key, CreatedAt: now.Add(-time.Hour)})
		}
		if _, err := st.WriteGroup(ctx, &store.GroupWrite{RunID: "r1", Key: g.key, Title: g.key, Signature: g.key,
			ProductArea: "app", Members: members, MinSize: 3}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetTriage(ctx, "login_loop", store.TriageRejected, "pat"); err != nil {
		t.Fatal(err)
	}
	keys := func(status string) []string {
		out, err := runCLI(t, dbURL, "stories", "--status", status, "--json")
		if err != nil {
			t.Fatalf("stories --status %s: %v %s", status, err, out)
		}
		var v struct {
			Stories []store.StoryView `json:"stories"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		var ks []string
		for _, s := range v.Stories {
			ks = append(ks, s.Key)
		}
		return ks
	}
	if got := keys("rejected"); len(got) != 1 || got[0] != "login_loop" {
		t.Errorf("--status rejected: %v", got)
	}
	if got := keys("new"); len(got) != 1 || got[0] != "export_broken" {
		t.Errorf("--status new: %v", got)
	}
	if got := keys("done"); len(got) != 0 {
		t.Errorf("--status done: %v", got)
	}
	if _, err := runCLI(t, dbURL, "stories", "--status", "maybe"); err == nil {
		t.Error("an unknown status is refused")
	}
}
