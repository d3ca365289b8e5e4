package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

// Two attempts storing the same page at once (an activity and its retry after a heartbeat
// timeout) store and count it once; the cursor moves once.
func TestStoreFetchedPageOnce(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	createRun(t, st, "fetch-run", false)
	page := func(cursor, next string, convs ...conversation.Conversation) store.FetchedPage {
		var by pipeline.SkipCounts
		by.Count(pipeline.SkipBot)
		return store.FetchedPage{RunID: "fetch-run", Cursor: cursor, NextCursor: next, Conversations: convs,
			Counters: pipeline.FetchCounters{ConversationsFetched: len(convs) + 1, ConversationsSkipped: 1,
				ConversationsStored: len(convs), SkippedBy: by}}
	}
	first := page("", "cursor-2", conv("ic-1", 0, "The export times out on big files"), conv("ic-2", time.Minute, "Login fails after reset"))
	var wg sync.WaitGroup
	stored := make([]bool, 4)
	for i := range stored {
		wg.Go(func() {
			ok, err := st.StoreFetchedPage(ctx, first)
			require.NoError(t, err)
			stored[i] = ok
		})
	}
	wg.Wait()
	n := 0
	for _, ok := range stored {
		if ok {
			n++
		}
	}
	require.Equal(t, 1, n, "one of the concurrent attempts stores the page")
	ok, err := st.StoreFetchedPage(ctx, page("", "cursor-2", conv("ic-1", 0, "other text")))
	require.NoError(t, err)
	require.False(t, ok, "a page already stored is not stored again")
	ok, err = st.StoreFetchedPage(ctx, page("cursor-2", "", conv("ic-3", 2*time.Minute, "Billing page is blank")))
	require.NoError(t, err)
	require.True(t, ok)

	state, err := st.GetFetchState(ctx, "fetch-run")
	require.NoError(t, err)
	require.Equal(t, store.FetchState{Pages: 2, Done: true}, state)
	c, err := st.RunCounters(ctx, "fetch-run")
	require.NoError(t, err)
	require.Equal(t, pipeline.FetchCounters{ConversationsFetched: 5, ConversationsSkipped: 2, ConversationsStored: 3,
		SkippedBy: pipeline.SkipCounts{Bot: 2}}, c.FetchCounters)
	convs, err := st.GetConversations(ctx, []string{"ic-1"})
	require.NoError(t, err)
	require.Equal(t, "The export times out on big files", convs["ic-1"].Messages[0].Text)
}

// A conversation created before the run's window but fetched in it (Intercom found it updated
// there) is selected with the window's own; one the fetch did not store is not.
func TestFetchedConversationsJoinTheSelection(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	createRun(t, st, "fetch-run", false)
	old := conv("ic-old", -72*time.Hour, "The export still times out, it is worse since Monday")
	_, err := st.UpsertConversations(ctx, []conversation.Conversation{
		conv("ic-other-old", -96*time.Hour, "Never fetched by this run"),
	})
	require.NoError(t, err)
	_, err = st.StoreFetchedPage(ctx, store.FetchedPage{RunID: "fetch-run", Conversations: []conversation.Conversation{
		old, conv("ic-new", time.Minute, "Login fails after reset"),
	}, Counters: pipeline.FetchCounters{ConversationsFetched: 2, ConversationsStored: 2}})
	require.NoError(t, err)
	n, err := st.SelectRunConversations(ctx, "fetch-run", base.Add(-24*time.Hour), base.Add(24*time.Hour), 0)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	ids, err := st.RunConversationIDs(ctx, "fetch-run", 0, n)
	require.NoError(t, err)
	require.Equal(t, []string{"ic-old", "ic-new"}, ids, "oldest first, the updated one included")
}
