package activities_test

import (
	"bytes"
	"context"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/activities"
	"feedbackpipe/ingest"
	"feedbackpipe/pipeline"
	"feedbackpipe/sampledata"
)

// The sample conversations arrive in three slices, and a run follows each over a window that
// overlaps the previous run's: later runs regroup conversations earlier runs grouped. After every
// run each conversation is in at most one story or orphan, and every group's count and span are
// its current members'.
func TestOverlappingRunsKeepOneGroupPerConversation(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	res, err := ingest.Read("conversations.jsonl", bytes.NewReader(sampledata.ConversationsJSONL()), false)
	require.NoError(t, err)
	convs := res.Conversations
	sort.Slice(convs, func(i, j int) bool { return convs[i].CreatedAt.Before(convs[j].CreatedAt) })
	require.Len(t, convs, 350)
	at := func(i int) time.Time { return convs[i].CreatedAt }
	end := at(len(convs) - 1).Add(time.Second)

	runs := []struct {
		id           string
		slice        [2]int // conversations imported before the run
		since, until time.Time
	}{
		{"r1", [2]int{0, 117}, at(0), at(117)},
		{"r2", [2]int{117, 234}, at(58), at(234)},
		{"r3", [2]int{234, 350}, at(175), end},
	}
	for _, r := range runs {
		_, err := h.st.UpsertConversations(ctx, convs[r.slice[0]:r.slice[1]])
		require.NoError(t, err)
		n := h.startRunWindow(r.id, r.since, r.until)
		require.Positive(t, n)
		h.extract(r.id, 0, n, false, 4)
		h.embed(r.id)
		c := h.stories(r.id).Counters
		assert.Zero(t, c.GroupsFailed, r.id)

		assert.Zero(t, count(t, h, `
			SELECT count(*) FROM (
				SELECT conversation_id FROM (
					SELECT conversation_id FROM story_evidence e JOIN stories s ON s.id = e.story_id
					UNION ALL
					SELECT conversation_id FROM orphan_members m JOIN orphans o ON o.id = m.orphan_id WHERE o.graduated_at IS NULL
				) members GROUP BY conversation_id HAVING count(*) > 1) dup`), "%s: conversations in more than one group", r.id)
		assert.Zero(t, count(t, h, `
			SELECT count(*) FROM stories s
			WHERE s.conversation_count <> (SELECT count(*) FROM story_evidence e WHERE e.story_id = s.id)
				OR (s.closed_at IS NULL) <> (s.conversation_count > 0)`), "%s: story counts are their members'", r.id)
		assert.Zero(t, count(t, h, `
			SELECT count(*) FROM orphans o
			WHERE (o.closed_at IS NULL AND o.graduated_at IS NULL) <> EXISTS (SELECT 1 FROM orphan_members m WHERE m.orphan_id = o.id)`),
			"%s: open orphans are those with members", r.id)
		stories, orphans, err := h.st.Backlog(ctx, "")
		require.NoError(t, err)
		seen := map[string]string{}
		for _, s := range stories {
			assert.Len(t, s.ConversationIDs, s.ConversationCount, "%s: story %s", r.id, s.Key)
			for _, id := range s.ConversationIDs {
				assert.Empty(t, seen[id], "%s: %s in story %s and %s", r.id, id, s.Key, seen[id])
				seen[id] = "story " + s.Key
			}
		}
		for _, o := range orphans {
			for _, id := range o.ConversationIDs {
				assert.Empty(t, seen[id], "%s: %s in orphan %s and %s", r.id, id, o.Key, seen[id])
				seen[id] = "orphan " + o.Key
			}
		}
		moves, err := h.st.Moves(ctx, r.id, 1000)
		require.NoError(t, err)
		t.Logf("%s: %d conversations, %d stories, %d orphans in the backlog, %d moves", r.id, n, len(stories), len(orphans), len(moves))
	}
}

// startRunWindow creates a real run over [since, until) and returns its size.
func (h *harness) startRunWindow(runID string, since, until time.Time) int {
	h.t.Helper()
	val, err := h.env().ExecuteActivity(h.acts.StartRun, activities.StartRunInput{
		RunID: runID, Input: pipeline.RunInput{Since: &since, Until: &until, Concurrency: 4, CreateStories: true},
		WindowSince: since, WindowUntil: until, StartedAt: time.Now().UTC(),
	})
	require.NoError(h.t, err)
	var n int
	require.NoError(h.t, val.Get(&n))
	return n
}
