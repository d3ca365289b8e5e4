package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
	"feedbackpipe/store"
)

// Embedding and story building over a run, then a second run over the same window: the second
// embeds nothing (vectors are keyed by content) and changes no story or orphan, so it counts none
// as updated; a third, with one more conversation, updates the one group that conversation joins.
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

	// It changes nothing: the stories and orphans hold its conversations already, with its text.
	c2 := h.stories("r2").Counters
	assert.Zero(t, c2.StoriesUpdated, "the first run's stories are unchanged")
	assert.Zero(t, c2.StoriesCreated, "no story is created again")
	assert.Zero(t, c2.OrphansUpdated, "the first run's orphans are unchanged")
	assert.Zero(t, c2.OrphansCreated)
	assert.Zero(t, c2.OrphansGraduated)
	assert.Zero(t, c2.GroupsFailed)
	assert.Equal(t, c1.StoriesCreated+c1.OrphansCreated, count(t, h, `SELECT count(*) FROM run_group_actions WHERE run_id = 'r2' AND action IN ('story_unchanged', 'orphan_unchanged')`),
		"every group of the second run is recorded as written, unchanged")

	storiesAfter, orphansAfter, err := h.st.Backlog(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, keysAndIDs(storiesBefore), keysAndIDs(storiesAfter), "the same conversations, not counted twice")
	assert.Equal(t, orphanKeysAndIDs(orphansBefore), orphanKeysAndIDs(orphansAfter))
	r2Stories, r2Orphans, err := h.st.Backlog(ctx, "r2")
	require.NoError(t, err)
	assert.Empty(t, r2Stories, "the second run's backlog lists no story: it updated none")
	assert.Empty(t, r2Orphans)

	// A third run over the window with one more customer missing reminder emails updates that one
	// group.
	more := fixtureConversations()[9] // reminder-4, as another customer writes it later
	more.ID, more.CreatedAt = "reminder-5", windowStart.Add(20*time.Hour)
	more.Messages[0].CreatedAt = more.CreatedAt
	_, err = h.st.UpsertConversations(ctx, []conversation.Conversation{more})
	require.NoError(t, err)
	require.Equal(t, n+1, h.startRun("r3", false))
	h.extract("r3", 0, n+1, false, 1)
	h.embed("r3")
	c3 := h.stories("r3").Counters
	assert.Equal(t, 1, c3.StoriesUpdated, "the reminder story gained a conversation")
	assert.Zero(t, c3.StoriesCreated+c3.OrphansCreated+c3.OrphansUpdated+c3.OrphansGraduated, "no other group changed: %+v", c3)
	r3Stories, r3Orphans, err := h.st.Backlog(ctx, "r3")
	require.NoError(t, err)
	var listed []string
	for _, s := range r3Stories {
		listed = append(listed, s.ConversationIDs...)
	}
	for _, o := range r3Orphans {
		listed = append(listed, o.ConversationIDs...)
	}
	assert.Contains(t, listed, "reminder-5", "the third run's backlog lists the group it updated")
	assert.Equal(t, 1, len(r3Stories)+len(r3Orphans), "and only that one")
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
