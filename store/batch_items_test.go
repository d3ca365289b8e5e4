package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
)

// TestExtractionBatchItems loads a range of a run's selection as a batch sees it: in seq order,
// what the run extracted already not loaded, and a theme cached from another run only when it
// was extracted from the same content with the same prompt version and model, the newest first.
func TestExtractionBatchItems(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	convs := seedConversations(t, st, 6)
	createRun(t, st, "old", false)
	createRun(t, st, "run", false)
	_, err := st.SelectRunConversations(ctx, "run", base.Add(-time.Hour), base.Add(time.Hour), 0)
	require.NoError(t, err)

	save := func(runID, convID, outcome, sig, hash, model string) {
		e := extr(runID, convID, outcome, sig, true)
		e.ContentHash, e.Model = hash, model
		require.NoError(t, st.SaveExtraction(ctx, e))
	}
	hash := func(i int) string { return convs[i].ContentHash() }
	save("old", "c02", store.OutcomeTheme, "older_theme", hash(1), "model-a")
	_, err = st.Pool().Exec(ctx, `UPDATE extractions SET extracted_at = now() - interval '1 day' WHERE run_id = 'old'`)
	require.NoError(t, err)
	createRun(t, st, "newer", false)
	save("newer", "c02", store.OutcomeTheme, "newer_theme", hash(1), "model-a")
	save("old", "c03", store.OutcomeTheme, "content_changed_since", "another-hash", "model-a")
	save("old", "c04", store.OutcomeFailed, "", hash(3), "model-a")
	save("old", "c05", store.OutcomeTheme, "other_model", hash(4), "model-b")
	save("run", "c06", store.OutcomeTheme, "extracted_by_this_run", hash(5), "model-a")

	items, err := st.ExtractionBatchItems(ctx, "run", 1, 6, "v1", "model-a")
	require.NoError(t, err)
	var ids []string
	cached := map[string]string{}
	for _, it := range items {
		ids = append(ids, it.ConversationID)
		if it.Cached != nil {
			cached[it.ConversationID] = it.Cached.IssueSignature
		}
		if it.ConversationID == "c06" {
			assert.Nil(t, it.Conversation, "c06 has an outcome in the run: nothing to load")
			continue
		}
		require.NotNil(t, it.Conversation, it.ConversationID)
		want := convs[len(ids)]
		assert.Equal(t, want.ID, it.Conversation.ID)
		assert.Equal(t, want.Messages[0].Text, it.Conversation.Messages[0].Text)
		assert.Equal(t, want.ContentHash(), it.ContentHash)
		assert.True(t, want.CreatedAt.Equal(it.Conversation.CreatedAt))
	}
	assert.Equal(t, []string{"c02", "c03", "c04", "c05", "c06"}, ids, "[from, to) of the selection, in order")
	assert.Equal(t, map[string]string{"c02": "newer_theme"}, cached,
		"only the newest theme of the same content, prompt version and model; never a failed one")

	none, err := st.ExtractionBatchItems(ctx, "run", 6, 10, "v1", "model-a")
	require.NoError(t, err)
	assert.Empty(t, none)
}
