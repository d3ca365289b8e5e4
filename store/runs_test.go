package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
)

func TestSelectRunConversations(t *testing.T) {
	ctx := context.Background()
	since, until := base, base.Add(time.Hour)
	window := []conversation.Conversation{
		conv("before", -time.Microsecond, "just before the window"),
		conv("at-since", 0, "exactly at since"),
		conv("z-mid", 30*time.Minute, "middle, sorts after its twin by id"),
		conv("a-mid", 30*time.Minute, "middle, sorts before its twin by id"),
		conv("early", 10*time.Minute, "early in the window"),
		conv("last", time.Hour-time.Microsecond, "last microsecond of the window"),
		conv("at-until", time.Hour, "exactly at until"),
		conv("after", 2*time.Hour, "after the window"),
	}
	inWindow := []string{"at-since", "early", "a-mid", "z-mid", "last"}

	cases := []struct {
		name  string
		max   int
		want  []string
		later int // what a later run with the same max selects once "late" is imported
	}{
		{"whole window", 0, inWindow, 6},
		{"max 2 takes the oldest", 2, inWindow[:2], 2},
		{"max 3 breaks the created_at tie by id", 3, inWindow[:3], 3},
		{"max above the window", 50, inWindow, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			_, err := st.UpsertConversations(ctx, window)
			require.NoError(t, err)
			const runID = "run-1"
			createRun(t, st, runID, false)
			n, err := st.SelectRunConversations(ctx, runID, since, until, tc.max)
			require.NoError(t, err)
			assert.Equal(t, len(tc.want), n)
			ids, err := st.RunConversationIDs(ctx, runID, 0, 100)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ids)
			run, err := st.GetRun(ctx, runID)
			require.NoError(t, err)
			assert.Equal(t, len(tc.want), run.Counters.ConversationsSelected, "pipeline_runs.conversations_selected")

			// A retried selection, even after a new conversation arrived in the window and with
			// another max, returns the selection already made and changes nothing.
			_, err = st.UpsertConversations(ctx, []conversation.Conversation{conv("late", 5*time.Minute, "imported later")})
			require.NoError(t, err)
			again, err := st.SelectRunConversations(ctx, runID, since, until, 0)
			require.NoError(t, err)
			assert.Equal(t, n, again)
			ids2, err := st.RunConversationIDs(ctx, runID, 0, 100)
			require.NoError(t, err)
			assert.Equal(t, ids, ids2)
			assert.Equal(t, n, count(t, st, `SELECT count(*) FROM run_conversations WHERE run_id = $1`, runID))

			// A later run over the same window does see the new conversation.
			createRun(t, st, "run-2", false)
			later, err := st.SelectRunConversations(ctx, "run-2", since, until, tc.max)
			require.NoError(t, err)
			assert.Equal(t, tc.later, later)
		})
	}

	t.Run("ranges of seq", func(t *testing.T) {
		st := newStore(t)
		_, err := st.UpsertConversations(ctx, window)
		require.NoError(t, err)
		createRun(t, st, "run-1", false)
		_, err = st.SelectRunConversations(ctx, "run-1", since, until, 0)
		require.NoError(t, err)
		ids, err := st.RunConversationIDs(ctx, "run-1", 1, 3)
		require.NoError(t, err)
		assert.Equal(t, inWindow[1:3], ids, "[from, to) of the selection, in order")
		ids, err = st.RunConversationIDs(ctx, "run-1", 5, 10)
		require.NoError(t, err)
		assert.Empty(t, ids)
	})

	t.Run("empty window", func(t *testing.T) {
		st := newStore(t)
		_, err := st.UpsertConversations(ctx, window)
		require.NoError(t, err)
		createRun(t, st, "run-1", false)
		n, err := st.SelectRunConversations(ctx, "run-1", base.Add(-48*time.Hour), base.Add(-24*time.Hour), 0)
		require.NoError(t, err)
		assert.Zero(t, n)
	})
}
