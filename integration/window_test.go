package integration

import (
	"encoding/json"
	"testing"
	"time"

	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
)

// A backfill names its window: `starter run --since --until` reads exactly the conversations
// created in [since, until), and the run's status says which window it read.
func TestRunOverANamedWindow(t *testing.T) {
	e := newEnv(t, localmodel.Config{})
	e.importSample()
	starter := buildStarter(t)
	vars := e.cliEnv(t)
	since := time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)
	inWindow := e.count(`SELECT count(*) FROM conversations WHERE created_at >= $1 AND created_at < $2`, since, until)
	if inWindow == 0 || inWindow == e.count(`SELECT count(*) FROM conversations`) {
		t.Fatalf("%d sample conversations in the window: the test needs some inside it and some outside", inWindow)
	}

	out := runCLI(t, vars, starter, "run", "--since", "2026-10-15", "--until", "2026-11-01T08:00:00+02:00", "--wait", "--json")
	var st struct {
		RunID    string    `json:"run_id"`
		Status   string    `json:"status"`
		Since    time.Time `json:"window_since"`
		Until    time.Time `json:"window_until"`
		Selected int       `json:"conversations_selected"`
	}
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatalf("starter run --wait --json: %v\n%s", err, out)
	}
	if st.Status != "completed" || !st.Since.Equal(since) || !st.Until.Equal(until) {
		t.Fatalf("run %s: %s over [%s, %s), want completed over [%s, %s)", st.RunID, st.Status, st.Since, st.Until, since, until)
	}
	if st.Selected != inWindow {
		t.Errorf("the run selected %d conversations, want the %d created in the window", st.Selected, inWindow)
	}
	outside := e.count(`SELECT count(*) FROM extractions x JOIN conversations c ON c.id = x.conversation_id
		WHERE x.run_id = $1 AND (c.created_at < $2 OR c.created_at >= $3)`, st.RunID, since, until)
	if outside != 0 {
		t.Errorf("the run extracted %d conversations from outside its window", outside)
	}
}

// Runs over overlapping windows build the backlog one run over everything builds, and a backfill
// over a finished backlog changes nothing: each run groups its themes with the backlog's. When
// each run grouped its window's themes alone, a run over everything after these windows updated
// 17 stories and moved 47 conversations between groups, and the backfill then moved 10 more.
func TestWindowsBuildTheBacklogOfOneRun(t *testing.T) {
	e := newEnv(t, localmodel.Config{})
	e.importSample()
	day := func(m time.Month, d int) *time.Time { t := time.Date(2026, m, d, 0, 0, 0, 0, time.UTC); return &t }
	run := func(since, until *time.Time) pipeline.Status {
		t.Helper()
		in := pipeline.RunInput{Days: 3650, Since: since, Until: until, CreateStories: true, Concurrency: 16}
		id := e.start(in)
		st, err := e.result(id, 2*time.Minute)
		if err != nil || st.Status != pipeline.StatusCompleted {
			t.Fatalf("run %s over [%v, %v): %v, %s", id, since, until, err, st.Status)
		}
		return st
	}
	for _, w := range [][2]*time.Time{{day(9, 28), day(10, 25)}, {day(10, 18), day(11, 12)}, {day(11, 5), day(12, 1)}} {
		run(w[0], w[1])
	}
	if n := e.count(`SELECT count(*) FROM group_members`); n < 200 {
		t.Fatalf("the windows grouped %d conversations, want most of the sample's", n)
	}
	for _, c := range []struct {
		name  string
		since *time.Time
		until *time.Time
	}{{"a run over everything", nil, nil}, {"a backfill of two weeks", day(11, 1), day(11, 15)}} {
		st := run(c.since, c.until)
		changed := st.StoriesCreated + st.StoriesUpdated + st.OrphansCreated + st.OrphansUpdated + st.OrphansGraduated
		moved := e.count(`SELECT count(*) FROM group_moves WHERE run_id = $1`, st.RunID)
		if changed != 0 || moved != 0 {
			t.Errorf("%s after the windows changed the backlog: stories %d new, %d updated; orphans %d new, %d updated, %d graduated; %d conversations moved",
				c.name, st.StoriesCreated, st.StoriesUpdated, st.OrphansCreated, st.OrphansUpdated, st.OrphansGraduated, moved)
		}
	}
}
