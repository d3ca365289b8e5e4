package activities

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
	"feedbackpipe/llm"
	"feedbackpipe/signature"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// A batch stopped just as it starts taking items must give back the run's concurrency slot: the
// semaphore is shared by every batch of the run in this worker, so a slot kept by a stopped or
// failed attempt would block the run's next batches (with concurrency 1, forever).
func TestExtractBatchStoppedReleasesTheRunSlot(t *testing.T) {
	url := testenv.Database(t)
	_, err := store.Migrate(url)
	require.NoError(t, err)
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(st.Close)

	at := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	_, err = st.UpsertConversations(ctx, []conversation.Conversation{{ID: "c1", CreatedAt: at, Subject: "Upload fails",
		Messages: []conversation.Message{{Author: conversation.Customer, Text: "The photo upload fails.", CreatedAt: at}}}})
	require.NoError(t, err)
	require.NoError(t, st.CreateRun(ctx, store.Run{ID: "r1", Status: "running", Phase: "extraction", Concurrency: 1,
		WindowSince: at.Add(-time.Hour), WindowUntil: at.Add(time.Hour), StartedAt: at}))
	n, err := st.SelectRunConversations(ctx, "r1", at.Add(-time.Hour), at.Add(time.Hour), 0)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	logger := testenv.Logger(t)
	// No LLM is reached: every attempt is stopped before its first item.
	client := llm.New(llm.Config{BaseURL: "http://127.0.0.1:1/v1", APIKey: "unused", ChatModel: "m", EmbeddingModel: "e"}, logger)
	a := New(st, client, DefaultConfig(), logger)
	for attempt := range 32 {
		attemptCtx, stop := context.WithCancel(ctx)
		// The stop arrives while the batch loads the run's signatures, right before it takes items.
		a.Signatures = signature.NewRegistry(func(context.Context) ([]signature.Entry, map[string]string, error) {
			stop()
			return nil, nil, nil
		}, 8, 1000)
		_, err := a.ExtractBatch(attemptCtx, ExtractBatchInput{RunID: "r1", From: 0, To: 1, Concurrency: 1})
		require.True(t, errors.Is(err, context.Canceled), "attempt %d: got %v", attempt, err)
		require.Zero(t, len(a.runLimit("r1", 1)), "attempt %d kept a slot of the run's concurrency limit", attempt)
	}
}
