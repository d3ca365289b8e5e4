package activities_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"feedbackpipe/activities"
	"feedbackpipe/intercom"
	"feedbackpipe/intercom/intercomtest"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

// fetchWindow is the fetch tests' window: one UTC day.
var fetchWindow = [2]time.Time{time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)}

// intercomConversations are 9 kept conversations and 3 skipped ones (a bot, an admin's outbound
// message, a template click), spread over the window, plus one outside it.
func intercomConversations() []intercomtest.Conversation {
	base := fetchWindow[0].Unix()
	var cs []intercomtest.Conversation
	for i := range 9 {
		at := base + int64(i)*3600
		cs = append(cs, intercomtest.Payload(fmt.Sprintf("%d", 1000+i), at, at+60, "user", "customer_initiated", "Export",
			fmt.Sprintf("<p>Export number %d fails with a <b>timeout</b> on big files</p>", i),
			intercomtest.Part{Type: "comment", Author: "admin", Body: "<p>We are on it</p>", At: at + 60},
			intercomtest.Part{Type: "note", Author: "admin", Body: "<p>internal note</p>", At: at + 61}))
	}
	cs = append(cs,
		intercomtest.Payload("2000", base+100, base+100, "bot", "automated", "", "<p>Hi there, how can I help you today?</p>"),
		intercomtest.Payload("2001", base+200, base+200, "admin", "admin_initiated", "", "<p>Our new release is out, read all about it</p>"),
		intercomtest.Payload("2002", base+300, base+300, "user", "customer_initiated", "", "<p>Billing</p>",
			intercomtest.Part{Type: "quick_reply", Author: "user", Body: "<p>Talk to us</p>", At: base + 301}),
		intercomtest.Payload("3000", base-7200, base-7200, "user", "customer_initiated", "", "<p>This one is from before the window starts</p>"),
	)
	return cs
}

func (h *harness) intercomEnv(url string) {
	h.acts.Getenv = func(k string) string {
		return map[string]string{
			intercom.EnvToken: intercomtest.Token, intercom.EnvBaseURL: url, intercom.EnvPageSize: "3",
			intercom.EnvRate: "200",
		}[k]
	}
}

func fetchInput(runID string) activities.FetchInput {
	since, until := fetchWindow[0], fetchWindow[1]
	return activities.FetchInput{RunID: runID, Input: pipeline.RunInput{Since: &since, Until: &until, Source: pipeline.SourceIntercom},
		WindowSince: since, WindowUntil: until, StartedAt: time.Now().UTC()}
}

func TestFetchIntercomResumesAfterACrashWithoutDuplicates(t *testing.T) {
	h := newHarness(t)
	fake := intercomtest.New(t, intercomConversations()...)
	h.intercomEnv(fake.URL)
	fake.Fail("search", intercomtest.Fault{Status: 503})
	fake.Fail("get", intercomtest.Fault{Status: 429, Headers: map[string]string{"Retry-After": "1"}})

	// The worker dies while reading the third page's second conversation.
	ctx, crash := context.WithCancel(context.Background())
	var once sync.Once
	pageOf := map[string]int{}
	fake.OnGet = func(id string) {
		for i, s := range fake.Searches() {
			for _, got := range s.IDs {
				pageOf[got] = i
			}
		}
		if pageOf[id] == 2 && id != fake.Searches()[2].IDs[0] {
			once.Do(crash)
		}
	}
	_, err := h.acts.FetchIntercom(ctx, fetchInput("fetch-crash"))
	require.ErrorIs(t, err, context.Canceled)
	state, err := h.st.GetFetchState(context.Background(), "fetch-crash")
	require.NoError(t, err)
	require.Equal(t, 2, state.Pages, "two pages were stored before the crash")
	fake.OnGet = nil

	res, err := h.acts.FetchIntercom(context.Background(), fetchInput("fetch-crash"))
	require.NoError(t, err)
	c := res.Counters
	require.Equal(t, 12, c.ConversationsFetched, "each of the window's 12 conversations is counted once")
	require.Equal(t, 9, c.ConversationsStored)
	require.Equal(t, 3, c.ConversationsSkipped)
	require.Equal(t, pipeline.SkipCounts{NotCustomer: 1, Bot: 1, Template: 1}, c.SkippedBy)

	// Pages: the first search failed (503) and was retried; the third page was fetched twice.
	var cursors []string
	for _, s := range fake.Searches() {
		cursors = append(cursors, s.Cursor)
	}
	require.Equal(t, []string{"", "cursor-3", "cursor-6", "cursor-6", "cursor-9"}, cursors)
	for id, n := range fake.Gets() {
		if pageOf[id] < 2 {
			require.Equal(t, 1, n, "conversation %s of a stored page was read again", id)
		}
	}

	// Nothing is stored twice, nothing outside the window, nothing skipped, and notes are dropped.
	var stored []string
	rows, err := h.st.Pool().Query(context.Background(), `SELECT id FROM conversations WHERE id ~ '^[0-9]+$' ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		stored = append(stored, id)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, "1000,1001,1002,1003,1004,1005,1006,1007,1008", strings.Join(stored, ","))
	convs, err := h.st.GetConversations(context.Background(), []string{"1004"})
	require.NoError(t, err)
	require.Len(t, convs["1004"].Messages, 2, "the note is not a message")
	require.Equal(t, "Export number 4 fails with a timeout on big files", convs["1004"].Messages[0].Text)

	run, err := h.st.GetRun(context.Background(), "fetch-crash")
	require.NoError(t, err)
	require.Equal(t, pipeline.PhaseFetch, run.Phase)
	require.Equal(t, c, run.Counters.FetchCounters, "the run's row reads back the fetch counters")
	counters, err := h.st.RunCounters(context.Background(), "fetch-crash")
	require.NoError(t, err)
	require.Equal(t, c, counters.FetchCounters, "the pipeline_runs mirror holds the fetch counters")

	// A later run replaces an updated conversation's text and leaves unchanged ones as they were.
	var before time.Time
	require.NoError(t, h.st.Pool().QueryRow(context.Background(), `SELECT updated_at FROM conversations WHERE id = '1001'`).Scan(&before))
	updated := intercomConversations()[0]
	updated.JSON["source"].(map[string]any)["body"] = "<p>Export number 0 now fails for every file, even small ones</p>"
	fake.Update(updated)
	_, err = h.acts.FetchIntercom(context.Background(), fetchInput("fetch-again"))
	require.NoError(t, err)
	convs, err = h.st.GetConversations(context.Background(), []string{"1000", "1001"})
	require.NoError(t, err)
	require.Equal(t, "Export number 0 now fails for every file, even small ones", convs["1000"].Messages[0].Text)
	var after time.Time
	require.NoError(t, h.st.Pool().QueryRow(context.Background(), `SELECT updated_at FROM conversations WHERE id = '1001'`).Scan(&after))
	require.True(t, after.Equal(before), "an unchanged conversation is not rewritten (its caches stay valid)")
}

func TestFetchIntercomUnauthorizedFailsTheRunAtOnce(t *testing.T) {
	h := newHarness(t)
	fake := intercomtest.New(t, intercomConversations()...)
	h.intercomEnv(fake.URL)
	fake.Fail("search", intercomtest.Fault{Status: 401})
	start := time.Now()
	_, err := h.env().ExecuteActivity(h.acts.FetchIntercom, fetchInput("fetch-401"))
	require.Error(t, err)
	var app *temporal.ApplicationError
	require.True(t, errors.As(err, &app), "error %v", err)
	require.True(t, app.NonRetryable())
	require.Equal(t, activities.ErrTypeIntercomConfig, app.Type())
	require.Contains(t, err.Error(), intercom.EnvToken)
	require.NotContains(t, err.Error(), intercomtest.Token)
	require.Less(t, time.Since(start), 5*time.Second)
	require.Empty(t, fake.Searches())

	h.acts.Getenv = func(string) string { return "" }
	_, err = h.env().ExecuteActivity(h.acts.FetchIntercom, fetchInput("fetch-no-token"))
	require.ErrorContains(t, err, intercom.EnvToken+" is not set")
	_, err = h.st.GetRun(context.Background(), "fetch-no-token")
	require.ErrorIs(t, err, store.ErrNotFound)
}
