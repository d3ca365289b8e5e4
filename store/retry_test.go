package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
)

// The items to retry are the transient failures not retried yet, and those whose retry was
// interrupted after their failure was cleared; clearing keeps the failed attempt's usage in the
// run's totals, changes no other outcome, and is harmless to repeat.
func TestTransientFailuresAndTheirReplacement(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 6)
	createRun(t, st, "r1", false)
	n, err := st.SelectRunConversations(ctx, "r1", base.Add(-24*time.Hour), base.Add(24*time.Hour), 0)
	require.NoError(t, err)
	require.Equal(t, 6, n)

	failed := func(id, detail string) *store.Extraction {
		e := extr("r1", id, store.OutcomeFailed, "", false)
		e.Detail = detail
		return e
	}
	for _, e := range []*store.Extraction{
		failed("c01", "transient: http_503"),
		failed("c02", "transient: timeout"),
		failed("c03", "transient: http_503 (retried)"),
		failed("c04", "refused: context_length_exceeded"),
		extr("r1", "c05", store.OutcomeTheme, "instagram_post_not_published", true),
	} {
		require.NoError(t, st.SaveExtraction(ctx, e))
	} // c06 has no outcome yet: not a retry's business
	before, err := st.RunCounters(ctx, "r1")
	require.NoError(t, err)

	ids, err := st.TransientFailures(ctx, "r1")
	require.NoError(t, err)
	assert.Equal(t, []string{"c01", "c02"}, ids)

	// c01's retry clears its failure, then stops before storing the new outcome.
	require.NoError(t, st.ClearTransientFailure(ctx, "r1", "c01"))
	require.NoError(t, st.ClearTransientFailure(ctx, "r1", "c01"))
	require.NoError(t, st.ClearTransientFailure(ctx, "r1", "c04")) // not transient: kept
	require.NoError(t, st.ClearTransientFailure(ctx, "r1", "c05")) // a theme: kept
	ids, err = st.TransientFailures(ctx, "r1")
	require.NoError(t, err)
	assert.Equal(t, []string{"c01", "c02"}, ids, "the interrupted retry is still to do")
	mid, err := st.RunCounters(ctx, "r1")
	require.NoError(t, err)
	assert.Equal(t, before.LLMCalls, mid.LLMCalls, "the cleared attempt's calls stay counted")
	assert.Equal(t, before.TokensIn, mid.TokensIn)
	assert.Equal(t, before.ExtractionFailed-1, mid.ExtractionFailed)

	// The retry stores c01's new outcome; c02 is retried and fails again.
	require.NoError(t, st.SaveExtraction(ctx, extr("r1", "c01", store.OutcomeTheme, "instagram_post_not_published", true)))
	require.NoError(t, st.ClearTransientFailure(ctx, "r1", "c02"))
	require.NoError(t, st.SaveExtraction(ctx, failed("c02", "transient: timeout"+store.RetriedSuffix)))
	ids, err = st.TransientFailures(ctx, "r1")
	require.NoError(t, err)
	assert.Empty(t, ids)
	after, err := st.RunCounters(ctx, "r1")
	require.NoError(t, err)
	assert.Equal(t, before.LLMCalls+2, after.LLMCalls, "each retry's call adds to the first attempts'")
	assert.Equal(t, before.ExtractionFailed-1, after.ExtractionFailed)
	assert.Equal(t, before.ThemesExtracted+1, after.ThemesExtracted)
}
