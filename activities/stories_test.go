package activities_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
)

// Embedding and story building over a run, then a second run over the same window: the second
// embeds nothing (vectors are keyed by content) and updates the stories the first created.
// Extraction runs one item at a time here, so the local model's answers, and with them the groups,
// are the same on every run of the test.
func TestEmbedThemesAndBuildStoriesAcrossRuns(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()

	n := h.startRun("r1", false)
	ex := h.extract("r1", 0, n, false, 1)
	emb := h.embed("r1")
	assert.Equal(t, ex.Counters.ThemesExtracted, emb.Counters.EmbeddingsGenerated, "one vector per theme")
	assert.Zero(t, emb.Counters.EmbeddingsFailed)
	assert.Empty(t, emb.Errors)
	embedRequests := h.model.Stats().EmbeddingRequests
	assert.Positive(t, embedRequests)
	assert.Equal(t, int64(n), h.model.Stats().EmbeddingInputs,
		"each conversation is sent once, ahead, while its batch extracts it; the phase sends none again")
	assert.Equal(t, ex.Counters.EmbeddingsGenerated, emb.Counters.EmbeddingsGenerated, "the batch embedded every theme")

	first := h.stories("r1")
	c1 := first.Counters
	require.Positive(t, c1.StoriesCreated, "the fixture makes a story")
	require.Positive(t, c1.OrphansCreated, "the fixture makes an orphan")
	assert.Zero(t, c1.StoriesUpdated+c1.OrphansUpdated+c1.OrphansGraduated+c1.GroupsFailed)
	storiesBefore, orphansBefore, err := h.st.Backlog(ctx, "")
	require.NoError(t, err)
	assert.Len(t, storiesBefore, c1.StoriesCreated)
	assert.Len(t, orphansBefore, c1.OrphansCreated)
	for _, s := range storiesBefore {
		assert.GreaterOrEqual(t, s.ConversationCount, 3, "story %s", s.Key)
		assert.Len(t, s.ConversationIDs, s.ConversationCount, "story %s", s.Key)
	}

	// The phases again in the same run: nothing is embedded or written twice.
	again := h.embed("r1").Counters
	assert.Equal(t, emb.Counters.EmbeddingsGenerated, again.EmbeddingsGenerated)
	assert.Equal(t, first.Counters.LLMCalls, again.LLMCalls, "no call since the stories phase (whose review calls count)")
	assert.Equal(t, embedRequests, h.model.Stats().EmbeddingRequests)
	assert.Equal(t, first.Counters, h.stories("r1").Counters)

	// A second run over the same window.
	chats := h.model.Stats().ChatRequests
	require.Equal(t, n, h.startRun("r2", false))
	h.extract("r2", 0, n, false, 1)
	assert.Equal(t, chats, h.model.Stats().ChatRequests, "extractions come from the content cache")
	emb2 := h.embed("r2")
	assert.Equal(t, embedRequests, h.model.Stats().EmbeddingRequests, "no new embedding request")
	assert.Zero(t, emb2.Counters.EmbeddingsGenerated)
	assert.Zero(t, emb2.Counters.EmbeddingsFailed)

	c2 := h.stories("r2").Counters
	assert.Equal(t, c1.StoriesCreated, c2.StoriesUpdated, "the first run's stories are updated")
	assert.Zero(t, c2.StoriesCreated, "no story is created again")
	assert.Equal(t, c1.OrphansCreated, c2.OrphansUpdated, "the first run's orphans are updated")
	assert.Zero(t, c2.OrphansCreated)
	assert.Zero(t, c2.OrphansGraduated)
	assert.Zero(t, c2.GroupsFailed)

	storiesAfter, orphansAfter, err := h.st.Backlog(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, keysAndIDs(storiesBefore), keysAndIDs(storiesAfter), "the same conversations, not counted twice")
	assert.Equal(t, orphanKeysAndIDs(orphansBefore), orphanKeysAndIDs(orphansAfter))
	r2Stories, _, err := h.st.Backlog(ctx, "r2")
	require.NoError(t, err)
	assert.Len(t, r2Stories, c1.StoriesCreated, "the second run's backlog lists the stories it updated")
}

func keysAndIDs(stories []store.StoryView) map[string][]string {
	out := map[string][]string{}
	for _, s := range stories {
		out[s.Key] = s.ConversationIDs
	}
	return out
}

func orphanKeysAndIDs(orphans []store.OrphanView) map[string][]string {
	out := map[string][]string{}
	for _, o := range orphans {
		out[o.Key] = o.ConversationIDs
	}
	return out
}
