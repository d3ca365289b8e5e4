package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// base is the instant the tests' conversations are created around.
var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// newStore migrates a fresh database and opens a store on it, closed when the test ends.
func newStore(t *testing.T) *store.Store {
	t.Helper()
	url := testenv.Database(t)
	if _, err := store.Migrate(url); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	st, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(st.Close)
	return st
}

// conv builds a valid conversation created at base+offset.
func conv(id string, offset time.Duration, text string) conversation.Conversation {
	at := base.Add(offset)
	return conversation.Conversation{
		ID: id, CreatedAt: at, Subject: "Subject of " + id,
		Messages: []conversation.Message{
			{Author: conversation.Customer, Text: text, CreatedAt: at},
			{Author: conversation.Support, Text: "Thanks, we are looking into it.", CreatedAt: at.Add(time.Minute)},
		},
		Contact: id + "@example.com",
	}
}

// makeConvs returns n conversations c01..cNN, one minute apart from base.
func makeConvs(n int) []conversation.Conversation {
	convs := make([]conversation.Conversation, n)
	for i := range convs {
		convs[i] = conv(fmt.Sprintf("c%02d", i+1), time.Duration(i)*time.Minute, fmt.Sprintf("Problem number %d happens", i+1))
	}
	return convs
}

// seedConversations stores makeConvs(n).
func seedConversations(t *testing.T, st *store.Store, n int) []conversation.Conversation {
	t.Helper()
	convs := makeConvs(n)
	_, err := st.UpsertConversations(context.Background(), convs)
	require.NoError(t, err)
	return convs
}

// createRun stores a real (dryRun false) or dry run row over a wide window.
func createRun(t *testing.T, st *store.Store, id string, dryRun bool) {
	t.Helper()
	err := st.CreateRun(context.Background(), store.Run{
		ID: id, Status: "running", Phase: "extraction", DryRun: dryRun, CreateStories: true, Concurrency: 4,
		WindowSince: base.Add(-24 * time.Hour), WindowUntil: base.Add(24 * time.Hour), StartedAt: time.Now(),
	})
	require.NoError(t, err)
}

// theme returns a valid theme with the given signature and component.
func theme(sig, component string) *extraction.Theme {
	return &extraction.Theme{
		ConversationType: extraction.TypeProductIssue, ProductArea: "publishing", Component: component,
		IssueSignature: sig, MatchedExisting: false, MatchConfidence: "high",
		UserIntent: "publish a post", Symptoms: []string{"post not published", "no error shown"},
		AffectedFlow: "scheduling", RootCauseHypothesis: "token expired", DiagnosticSummary: "posts fail",
		KeyExcerpts: []string{"excerpt of " + sig}, ActionType: "bug_report", Direction: "deficit",
		ResolutionAction: "escalated_to_engineering", ResolutionCategory: "escalation",
	}
}

// count runs a count(*) query.
func count(t *testing.T, st *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, st.Pool().QueryRow(context.Background(), query, args...).Scan(&n), query)
	return n
}
