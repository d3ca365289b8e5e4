package activities_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"feedbackpipe/activities"
	"feedbackpipe/conversation"
	"feedbackpipe/llm"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// windowStart is where the fixture's conversations begin; the window is one day from there.
var windowStart = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

// fixture is twelve conversations of three product issues, plus an issue seen once and a thank
// you: "photo upload" and "reminder emails" four times each, "thermostat schedule" twice.
var fixture = []struct {
	id, subject string
	lines       []string
}{
	{"photo-1", "Photo upload fails", []string{"c: When I upload a photo to my profile it fails with an error."}},
	{"reminder-1", "Reminder emails not sent", []string{"c: Our customers stopped getting the appointment reminder emails two days ago."}},
	{"thermostat-1", "Schedule keeps resetting", []string{"c: The heating schedule on my thermostat resets to the default every night."}},
	{"photo-2", "Can't upload photos", []string{"c: Uploading photos to my profile doesn't work, it just says upload failed."}},
	{"reminder-2", "", []string{"c: Reminder emails are not being sent anymore, clients are missing their appointments!"}},
	{"photo-3", "Profile picture upload error", []string{"c: I get an error every time I try to upload a new profile photo."}},
	{"reminder-3", "Reminders", []string{"c: Hello, no reminder email went out for tomorrow's appointments. Did something change?"}},
	{"thermostat-2", "", []string{"c: My thermostat forgets the heating schedule I set, it goes back to the factory schedule."}},
	{"photo-4", "", []string{"c: The photo upload is broken. I tried three different photos and the upload fails each time."}},
	{"reminder-4", "No reminder emails", []string{"c: The appointment reminder emails are not sent to my clients since Monday."}},
	{"csv-1", "Export to CSV", []string{"c: Exporting the contacts list to CSV only gives me the first 100 rows, the rest are missing."}},
	{"thanks-1", "", []string{"c: Your product is amazing, keep up the good work!"}},
}

// fixtureConversations builds the fixture, an hour apart from windowStart.
func fixtureConversations() []conversation.Conversation {
	authors := map[string]conversation.Author{"c": conversation.Customer, "s": conversation.Support, "b": conversation.Bot}
	out := make([]conversation.Conversation, len(fixture))
	for i, f := range fixture {
		at := windowStart.Add(time.Duration(i) * time.Hour)
		c := conversation.Conversation{ID: f.id, CreatedAt: at, Subject: f.subject}
		for j, l := range f.lines {
			who, text, _ := strings.Cut(l, ": ")
			c.Messages = append(c.Messages, conversation.Message{Author: authors[who], Text: text, CreatedAt: at.Add(time.Duration(j) * time.Minute)})
		}
		out[i] = c
	}
	return out
}

// harness is a store on a fresh database, the local model, and the activities wired to both.
type harness struct {
	t     *testing.T
	st    *store.Store
	model *localmodel.Server
	acts  *activities.Activities
	suite testsuite.WorkflowTestSuite
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, activities.DefaultConfig())
}

// newHarnessWith is newHarness with the activities configured by cfg.
func newHarnessWith(t *testing.T, cfg activities.Config) *harness {
	t.Helper()
	url := testenv.Database(t)
	_, err := store.Migrate(url)
	require.NoError(t, err)
	st, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(st.Close)

	logger := testenv.Logger(t)
	model := localmodel.New(localmodel.Config{}, logger)
	baseURL, stop, err := model.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = stop(context.Background()) })
	client := llm.New(llm.Config{BaseURL: baseURL, APIKey: "local", ChatModel: "local-heuristic-v1",
		EmbeddingModel: "local-hashed-ngrams-v1"}, logger)
	h := &harness{t: t, st: st, model: model, acts: activities.New(st, client, cfg, logger)}
	h.suite.SetLogger(tlog.NewStructuredLogger(logger))
	_, err = st.UpsertConversations(context.Background(), fixtureConversations())
	require.NoError(t, err)
	return h
}

// env is a fresh activity environment with the activities registered.
func (h *harness) env() *testsuite.TestActivityEnvironment {
	env := h.suite.NewTestActivityEnvironment()
	env.RegisterActivity(h.acts)
	return env
}

// heartbeatStages records the stages of the heartbeats env's activities send, each change once.
// (The test environment throttles heartbeats to one per 30 s: it takes no heartbeat timeout.)
func heartbeatStages(env *testsuite.TestActivityEnvironment) func() []string {
	var mu sync.Mutex
	var stages []string
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		var hb activities.Heartbeat
		if details.Get(&hb) != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if len(stages) == 0 || stages[len(stages)-1] != hb.Stage {
			stages = append(stages, hb.Stage)
		}
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(stages)
	}
}

// startRun creates a real run (or a dry one) over the fixture's window and returns its size.
func (h *harness) startRun(runID string, dryRun bool) int {
	h.t.Helper()
	since, until := windowStart, windowStart.Add(24*time.Hour)
	val, err := h.env().ExecuteActivity(h.acts.StartRun, activities.StartRunInput{
		RunID: runID, Input: pipeline.RunInput{Since: &since, Until: &until, DryRun: dryRun, Concurrency: 4, CreateStories: true},
		WindowSince: since, WindowUntil: until, StartedAt: time.Now().UTC(),
	})
	require.NoError(h.t, err)
	var n int
	require.NoError(h.t, val.Get(&n))
	return n
}

func (h *harness) extract(runID string, from, to int, dryRun bool, concurrency int) activities.BatchResult {
	h.t.Helper()
	val, err := h.env().ExecuteActivity(h.acts.ExtractBatch, activities.ExtractBatchInput{
		RunID: runID, From: from, To: to, DryRun: dryRun, Concurrency: concurrency,
	})
	require.NoError(h.t, err)
	var res activities.BatchResult
	require.NoError(h.t, val.Get(&res))
	return res
}

func (h *harness) embed(runID string) activities.PhaseResult {
	h.t.Helper()
	val, err := h.env().ExecuteActivity(h.acts.EmbedThemes, activities.EmbedInput{RunID: runID})
	require.NoError(h.t, err)
	var res activities.PhaseResult
	require.NoError(h.t, val.Get(&res))
	return res
}

func (h *harness) stories(runID string) activities.PhaseResult {
	h.t.Helper()
	val, err := h.env().ExecuteActivity(h.acts.BuildStories, activities.StoriesInput{RunID: runID})
	require.NoError(h.t, err)
	var res activities.PhaseResult
	require.NoError(h.t, val.Get(&res))
	return res
}

// outcomes returns, per conversation, the run's stored outcome and signature.
func (h *harness) outcomes(runID string) map[string]string {
	h.t.Helper()
	rows, err := h.st.Pool().Query(context.Background(),
		`SELECT conversation_id, outcome, signature, cached FROM extractions WHERE run_id = $1`, runID)
	require.NoError(h.t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, outcome, sig string
		var cached bool
		require.NoError(h.t, rows.Scan(&id, &outcome, &sig, &cached))
		out[id] = fmt.Sprintf("%s %s", outcome, sig)
	}
	require.NoError(h.t, rows.Err())
	return out
}

// phaseOnly is the default configuration without embedding ahead, for tests of what the
// embedding phase does with the vectors still missing after extraction.
func phaseOnly() activities.Config {
	cfg := activities.DefaultConfig()
	cfg.EmbedAhead = false
	return cfg
}
