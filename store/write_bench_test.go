package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// BenchmarkWriteGroups times what ends a stories phase: 40 groups of 125 conversations written at
// once by 1, 2, 4 or 8 writers (the stories phase's STORY_WRITERS), on a fresh database each
// iteration, as the default benchmark's reviewed groups are written after their review round.
//
//	REQUIRE_SERVICES=1 go test -run '^$' -bench WriteGroups -benchtime 6x ./store/
func BenchmarkWriteGroups(b *testing.B) {
	for _, writers := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) { benchmarkWriteGroups(b, writers) })
	}
}

func benchmarkWriteGroups(b *testing.B, writers int) {
	const groups, size = 40, 125
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		url := testenv.Database(b)
		_, err := store.Migrate(url)
		require.NoError(b, err)
		st, err := store.Open(ctx, url)
		require.NoError(b, err)
		convs := make([]conversation.Conversation, groups*size)
		for c := range convs {
			id := fmt.Sprintf("c%05d", c)
			convs[c] = conv(id, time.Duration(c)*time.Minute, "text of "+id)
		}
		_, err = st.UpsertConversations(ctx, convs)
		require.NoError(b, err)
		require.NoError(b, st.CreateRun(ctx, store.Run{ID: "r1", Status: "running", Phase: "stories", Concurrency: 64,
			WindowSince: base, WindowUntil: base.Add(24 * time.Hour), StartedAt: time.Now()}))
		writes := make(chan *store.GroupWrite, groups)
		for g := range groups {
			w := &store.GroupWrite{RunID: "r1", Key: fmt.Sprintf("group_%02d", g), Title: "Group", Signature: fmt.Sprintf("group_%02d", g), MinSize: 3}
			for m := range size {
				c := convs[g*size+m]
				w.Members = append(w.Members, store.Member{ConversationID: c.ID, Signature: w.Signature, Excerpt: "an excerpt of " + c.ID,
					CreatedAt: c.CreatedAt})
			}
			writes <- w
		}
		close(writes)
		b.StartTimer()
		drain(writers, writes, func(w *store.GroupWrite) {
			if _, err := st.WriteGroup(ctx, w); err != nil {
				b.Error(err)
			}
		})
		b.StopTimer()
		st.Close()
	}
}
