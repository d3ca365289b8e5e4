package activities

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"feedbackpipe/llm"
	"feedbackpipe/signature"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// A worker that did not execute a run's FinishRun still drops the run's state once the run
// ended; a live run's state stays.
func TestSweepDropsEndedRunsOnEveryWorker(t *testing.T) {
	url := testenv.Database(t)
	_, err := store.Migrate(url)
	require.NoError(t, err)
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(st.Close)
	at := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	for _, id := range []string{"live", "ended"} {
		require.NoError(t, st.CreateRun(ctx, store.Run{ID: id, Status: "running", Phase: "extraction", Concurrency: 1,
			WindowSince: at.Add(-time.Hour), WindowUntil: at, StartedAt: at}))
	}
	logger := testenv.Logger(t)
	client := llm.New(llm.Config{BaseURL: "http://127.0.0.1:1/v1", APIKey: "unused", ChatModel: "m", EmbeddingModel: "e"}, logger)
	other := New(st, client, DefaultConfig(), logger) // a second worker: it never runs FinishRun
	other.Signatures = signature.NewRegistry(func(context.Context) ([]signature.Entry, map[string]string, error) {
		return nil, nil, nil
	}, 8, 1000)
	for _, id := range []string{"live", "ended", "forgotten"} {
		_, err := other.Signatures.ForRun(ctx, id)
		require.NoError(t, err)
	}
	_, err = st.FinishRun(ctx, "ended", "completed", "completed", "", at.Add(time.Minute))
	require.NoError(t, err)

	dropped, err := other.sweepEndedRuns(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, dropped, "the ended run and the run unknown to Postgres")
	require.Equal(t, []string{"live"}, other.Signatures.Held())
}
