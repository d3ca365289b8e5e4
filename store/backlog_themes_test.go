package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
)

// The backlog's themes a run groups with its own: the conversations in a story or orphan that the
// run has no theme of, each with its latest theme and the group it is in.
func TestBacklogThemesForGrouping(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 5)
	save := func(runID, id, sig string) {
		t.Helper()
		require.NoError(t, st.SaveExtraction(ctx, extr(runID, id, store.OutcomeTheme, sig, true)))
	}
	createRun(t, st, "r1", false)
	for _, id := range []string{"c01", "c02", "c03"} {
		save("r1", id, "export_broken")
	}
	save("r1", "c05", "login_fails")
	_, err := st.WriteGroup(ctx, group("r1", "export_broken", "c01", "c02", "c03"))
	require.NoError(t, err)
	_, err = st.WriteGroup(ctx, group("r1", "login_fails", "c05"))
	require.NoError(t, err)
	createRun(t, st, "r2", false) // c02 extracted again, later: its latest theme
	save("r2", "c02", "export_empty")
	save("r2", "c04", "export_broken") // in no group: not the backlog's
	createRun(t, st, "r3", false)
	save("r3", "c01", "export_broken") // the run's own: not the backlog's

	themes, err := st.BacklogThemesForGrouping(ctx, "r3", "embed-a")
	require.NoError(t, err)
	got := map[string][2]string{}
	var order []string
	for _, th := range themes {
		got[th.ConversationID] = [2]string{th.Signature, th.Placed}
		order = append(order, th.ConversationID)
	}
	var storyID, orphanID string
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT 'story:' || id FROM stories WHERE story_key = 'export_broken'`).Scan(&storyID))
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT 'orphan:' || id FROM orphans WHERE orphan_key = 'login_fails'`).Scan(&orphanID))
	assert.Equal(t, map[string][2]string{
		"c02": {"export_empty", storyID}, "c03": {"export_broken", storyID}, "c05": {"login_fails", orphanID},
	}, got)
	assert.Equal(t, []string{"c02", "c03", "c05"}, order, "in conversation order")

	own, err := st.ThemesForGrouping(ctx, "r3", "embed-a")
	require.NoError(t, err)
	require.Len(t, own, 1)
	assert.Equal(t, "", own[0].Placed, "the run's own themes are placed nowhere")
}
