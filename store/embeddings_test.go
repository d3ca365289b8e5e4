package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
	"feedbackpipe/vector"
)

func TestEmbeddings(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	convs := seedConversations(t, st, 5)
	hash := map[string]string{}
	for _, c := range convs {
		hash[c.ID] = c.ContentHash()
	}
	const model = "embed-a"
	themesOf := func(runID string, ids ...string) {
		t.Helper()
		createRun(t, st, runID, false)
		for _, id := range ids {
			require.NoError(t, st.SaveExtraction(ctx, extr(runID, id, store.OutcomeTheme, "sig_"+id+"_value", true)))
		}
	}
	toEmbed := func(runID, model string) []string {
		t.Helper()
		targets, err := st.ThemesToEmbed(ctx, runID, model)
		require.NoError(t, err)
		ids := []string{}
		for _, tg := range targets {
			assert.Equal(t, hash[tg.ConversationID], tg.ContentHash, "target carries the conversation's content hash")
			ids = append(ids, tg.ConversationID)
		}
		return ids
	}
	vec := func(id string, v float32) store.Vector {
		return store.Vector{ConversationID: id, ContentHash: hash[id], Values: []float32{v, v + 1, v + 2}}
	}

	themesOf("r1", "c01", "c02", "c03", "c04")
	require.NoError(t, st.SaveExtraction(ctx, extr("r1", "c05", store.OutcomeFiltered, "sig_filtered_value", true)))
	assert.Equal(t, []string{"c01", "c02", "c03", "c04"}, toEmbed("r1", model), "themes only, in conversation order")

	require.NoError(t, st.SaveEmbeddingBatch(ctx, &store.EmbeddingBatch{
		RunID: "r1", Model: model, BatchKey: "c01", Vectors: []store.Vector{vec("c01", 1), vec("c02", 2)},
		LLMCalls: 1, TokensIn: 50, CostUSD: 0.0001,
	}))
	assert.Equal(t, []string{"c03", "c04"}, toEmbed("r1", model), "saved vectors are not listed again")

	require.NoError(t, st.SaveEmbeddingBatch(ctx, &store.EmbeddingBatch{
		RunID: "r1", Model: model, BatchKey: "c03", Failures: map[string]string{"c03": "embedding request failed: boom"},
		LLMCalls: 2, TokensIn: 0, CostUSD: 0, FailedAll: true,
	}))
	assert.Equal(t, []string{"c04"}, toEmbed("r1", model), "failures of the run are excluded")

	require.NoError(t, st.SaveEmbeddingBatch(ctx, &store.EmbeddingBatch{
		RunID: "r1", Model: model, BatchKey: "c04", Vectors: []store.Vector{vec("c04", 4)}, LLMCalls: 1, TokensIn: 25, CostUSD: 0.0002,
	}))
	assert.Empty(t, toEmbed("r1", model))
	// Vectors are per model; the run's failure (a run embeds with one model) still excludes c03.
	assert.Equal(t, []string{"c01", "c02", "c04"}, toEmbed("r1", "embed-b"), "vectors are per model")

	c, err := st.RunCounters(ctx, "r1")
	require.NoError(t, err)
	assert.Equal(t, 3, c.EmbeddingsGenerated)
	assert.Equal(t, 1, c.EmbeddingsFailed)
	assert.Equal(t, 5+4, c.LLMCalls, "5 extraction calls + 4 embedding calls")
	assert.Equal(t, 500+75, c.TokensIn)
	assert.InDelta(t, 0.005+0.0003, c.CostUSD, 1e-9)
	errs, _, err := st.RunErrors(ctx, "r1", 10)
	require.NoError(t, err)
	assert.Contains(t, errs, pipeline.ItemError{Phase: "embedding", ID: "c03", Error: "embedding request failed: boom"})

	t.Run("vectors reach grouping", func(t *testing.T) {
		themes, err := st.ThemesForGrouping(ctx, "r1", model)
		require.NoError(t, err)
		require.Len(t, themes, 4)
		got := map[string]vector.Quantized{}
		for _, th := range themes {
			got[th.ConversationID] = th.Vector
		}
		assert.Equal(t, map[string]vector.Quantized{ // quantized: the largest magnitude scaled to 127
			"c01": {42, 85, 127}, "c02": {64, 95, 127}, "c03": nil, "c04": {85, 106, 127},
		}, got)
		assert.Equal(t, []string{"post not published", "no error shown"}, themes[0].Symptoms)
		assert.Equal(t, "excerpt of sig_c01_value", themes[0].Excerpt, "the first key excerpt")
	})

	t.Run("second run over the same conversations embeds nothing", func(t *testing.T) {
		themesOf("r2", "c01", "c02", "c04")
		assert.Empty(t, toEmbed("r2", model))
		// First writer wins: a second vector for the same content changes nothing.
		require.NoError(t, st.SaveEmbeddingBatch(ctx, &store.EmbeddingBatch{
			RunID: "r2", Model: model, BatchKey: "c01", Vectors: []store.Vector{vec("c01", 100)}, LLMCalls: 1,
		}))
		var createdBy string
		var values []float32
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT created_by_run, vector FROM embeddings WHERE conversation_id = 'c01'`).Scan(&createdBy, &values))
		assert.Equal(t, "r1", createdBy)
		assert.Equal(t, []float32{1, 2, 3}, values)
		c, err := st.RunCounters(ctx, "r2")
		require.NoError(t, err)
		assert.Zero(t, c.EmbeddingsGenerated)
		assert.Zero(t, c.EmbeddingsFailed)
	})

	t.Run("a failure is per run", func(t *testing.T) {
		themesOf("r3", "c03")
		assert.Equal(t, []string{"c03"}, toEmbed("r3", model))
	})

	t.Run("changed content is embedded again", func(t *testing.T) {
		changed := convs[1]
		changed.Messages = append([]conversation.Message(nil), changed.Messages...)
		changed.Messages[0].Text = "A different problem now"
		_, err := st.UpsertConversations(ctx, []conversation.Conversation{changed})
		require.NoError(t, err)
		hash["c02"] = changed.ContentHash()
		themesOf("r4", "c01", "c02")
		assert.Equal(t, []string{"c02"}, toEmbed("r4", model))
	})
}
