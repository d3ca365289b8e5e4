package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
	"feedbackpipe/store"
)

func triageOf(t *testing.T, st *store.Store, key string) store.Triage {
	t.Helper()
	d, err := st.Story(context.Background(), key)
	require.NoError(t, err)
	return d.Triage
}

func TestTriageSurvivesLaterRuns(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 8)
	createRun(t, st, "r1", false)
	createRun(t, st, "r2", false)
	_, err := st.WriteGroup(ctx, group("r1", "sync_fails", "c01", "c02", "c03"))
	require.NoError(t, err)

	assert.Equal(t, store.TriageNew, triageOf(t, st, "sync_fails").Status, "a story never triaged is new")
	require.NoError(t, st.SetTriage(ctx, "sync_fails", store.TriageRejected, "pat"))
	require.True(t, errors.Is(st.SetTriage(ctx, "no_such_story", store.TriageDone, "pat"), store.ErrNotFound))
	require.Error(t, st.SetTriage(ctx, "sync_fails", "bogus", "pat"))

	// A later run over the same window (and more) updates the rejected story but leaves it rejected.
	action, err := st.WriteGroup(ctx, group("r2", "sync_fails", "c01", "c02", "c03", "c04"))
	require.NoError(t, err)
	assert.Equal(t, store.ActionStoryUpdated, action)
	tr := triageOf(t, st, "sync_fails")
	assert.Equal(t, store.TriageRejected, tr.Status)
	assert.Equal(t, "pat", tr.SetBy)
	assert.False(t, tr.SetAt.IsZero())

	rejected, err := st.Board(ctx, store.BoardFilter{Status: store.TriageRejected})
	require.NoError(t, err)
	require.Len(t, rejected, 1)
	assert.Equal(t, 4, rejected[0].ConversationCount)
	assert.Equal(t, []int{3, 4}, rejected[0].Trend, "conversation count after each run")
	assert.Equal(t, 1, rejected[0].Growth)
	fresh, err := st.Board(ctx, store.BoardFilter{Status: store.TriageNew})
	require.NoError(t, err)
	assert.Empty(t, fresh)
}

func TestDoneStoryRegressesOnLaterConversations(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 6)
	createRun(t, st, "r1", false)
	createRun(t, st, "r2", false)
	createRun(t, st, "r3", false)
	_, err := st.WriteGroup(ctx, group("r1", "export_broken", "c01", "c02", "c03"))
	require.NoError(t, err)
	require.NoError(t, st.SetTriage(ctx, "export_broken", store.TriageDone, "pat"))

	// Older conversations joining do not regress it.
	_, err = st.WriteGroup(ctx, group("r2", "export_broken", "c01", "c02", "c03", "c04"))
	require.NoError(t, err)
	assert.False(t, triageOf(t, st, "export_broken").Regressed)

	late := conv("late", time.Since(base)+time.Hour, "Export is broken again")
	_, err = st.UpsertConversations(ctx, []conversation.Conversation{late})
	require.NoError(t, err)
	g := group("r3", "export_broken", "c01", "c02", "c03", "c04")
	g.Members = append(g.Members, store.Member{ConversationID: "late", Signature: "export_broken", CreatedAt: late.CreatedAt})
	_, err = st.WriteGroup(ctx, g)
	require.NoError(t, err)
	tr := triageOf(t, st, "export_broken")
	assert.Equal(t, store.TriageDone, tr.Status)
	assert.True(t, tr.Regressed)
	assert.Equal(t, store.TriageRegressed, tr.Effective())
	regressed, err := st.Board(ctx, store.BoardFilter{Status: store.TriageRegressed})
	require.NoError(t, err)
	require.Len(t, regressed, 1)
	triages, err := st.StoryTriages(ctx)
	require.NoError(t, err)
	assert.True(t, triages["export_broken"].Regressed)
}

func TestStoryDetailAndFilters(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 6)
	createRun(t, st, "r1", false)
	_, err := st.WriteGroup(ctx, group("r1", "login_loop", "c01", "c02", "c03"))
	require.NoError(t, err)
	_, err = st.WriteGroup(ctx, group("r1", "lonely", "c05"))
	require.NoError(t, err)

	d, err := st.Story(ctx, "login_loop")
	require.NoError(t, err)
	assert.Equal(t, "Title of login_loop by r1", d.Title)
	require.Len(t, d.Members, 3)
	assert.Equal(t, "excerpt c01", d.Members[0].Excerpt)
	_, err = st.Story(ctx, "nope")
	assert.True(t, errors.Is(err, store.ErrNotFound))

	found, err := st.Board(ctx, store.BoardFilter{Query: "LOGIN", Area: "publishing"})
	require.NoError(t, err)
	assert.Len(t, found, 1)
	none, err := st.Board(ctx, store.BoardFilter{Area: "billing"})
	require.NoError(t, err)
	assert.Empty(t, none)
	orphans, err := st.BoardOrphans(ctx, store.BoardFilter{Query: "lonely"})
	require.NoError(t, err)
	require.Len(t, orphans, 1)
	areas, err := st.Areas(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"publishing"}, areas)
}

// A rejected story emptied by a later run (its conversations moved to another story) and opened
// again by a run after that is still rejected: triage belongs to the key, which runs never write.
func TestTriageSurvivesCloseAndReopen(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 6)
	for _, id := range []string{"r1", "r2", "r3"} {
		createRun(t, st, id, false)
	}
	_, err := st.WriteGroup(ctx, group("r1", "sync_fails", "c01", "c02", "c03"))
	require.NoError(t, err)
	require.NoError(t, st.SetTriage(ctx, "sync_fails", store.TriageRejected, "pat"))
	_, err = st.WriteGroup(ctx, group("r2", "sync_slow", "c01", "c02", "c03"))
	require.NoError(t, err)
	d, err := st.Story(ctx, "sync_fails")
	require.NoError(t, err)
	require.True(t, d.Closed, "emptied by the move")

	action, err := st.WriteGroup(ctx, group("r3", "sync_fails", "c04", "c05", "c06"))
	require.NoError(t, err)
	assert.Equal(t, store.ActionStoryCreated, action, "reopened")
	assert.Equal(t, store.TriageRejected, triageOf(t, st, "sync_fails").Status)
	assert.Equal(t, store.TriageNew, triageOf(t, st, "sync_slow").Status)
}
