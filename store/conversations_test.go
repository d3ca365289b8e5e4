package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
	"feedbackpipe/store"
)

func TestUpsertConversationsCounts(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	a, b, c := conv("a", 0, "Login fails"), conv("b", time.Minute, "Export is slow"), conv("c", 2*time.Minute, "Invoice is wrong")

	changed := func(cv conversation.Conversation, edit func(*conversation.Conversation)) conversation.Conversation {
		cv.Messages = append([]conversation.Message(nil), cv.Messages...)
		edit(&cv)
		return cv
	}
	bText := changed(b, func(cv *conversation.Conversation) { cv.Messages[0].Text = "Export is very slow now" })
	cSubject := changed(c, func(cv *conversation.Conversation) { cv.Subject = "Invoice total wrong" })
	aCreated := changed(a, func(cv *conversation.Conversation) { cv.CreatedAt = cv.CreatedAt.Add(time.Hour) })
	aContact := changed(aCreated, func(cv *conversation.Conversation) { cv.Contact = "someone@example.com" })
	d := conv("d", 3*time.Minute, "Push notifications missing")

	// The steps run in order on one database: each starts from what the previous ones stored.
	steps := []struct {
		name  string
		batch []conversation.Conversation
		want  store.ImportCounts
		total int
	}{
		{"insert three", []conversation.Conversation{a, b, c}, store.ImportCounts{Inserted: 3}, 3},
		{"same again", []conversation.Conversation{a, b, c}, store.ImportCounts{Unchanged: 3}, 3},
		{"one changed text", []conversation.Conversation{a, bText, c}, store.ImportCounts{Updated: 1, Unchanged: 2}, 3},
		{"changed text again is unchanged", []conversation.Conversation{a, bText, c}, store.ImportCounts{Unchanged: 3}, 3},
		{"one changed subject", []conversation.Conversation{a, bText, cSubject}, store.ImportCounts{Updated: 1, Unchanged: 2}, 3},
		{"one changed created_at", []conversation.Conversation{aCreated, bText, cSubject}, store.ImportCounts{Updated: 1, Unchanged: 2}, 3},
		{"one changed contact", []conversation.Conversation{aContact, bText, cSubject}, store.ImportCounts{Updated: 1, Unchanged: 2}, 3},
		{"one new two unchanged", []conversation.Conversation{aContact, bText, d}, store.ImportCounts{Inserted: 1, Unchanged: 2}, 4},
		{"empty batch", nil, store.ImportCounts{}, 4},
	}
	for _, step := range steps {
		got, err := st.UpsertConversations(ctx, step.batch)
		require.NoError(t, err, step.name)
		assert.Equal(t, step.want, got, step.name)
		n, err := st.CountConversations(ctx)
		require.NoError(t, err)
		assert.Equal(t, step.total, n, step.name)
	}

	stored, err := st.GetConversations(ctx, []string{"a", "b", "c", "d", "missing"})
	require.NoError(t, err)
	require.Len(t, stored, 4, "missing ids are absent")
	assert.Equal(t, "Export is very slow now", stored["b"].Messages[0].Text)
	assert.Equal(t, "Invoice total wrong", stored["c"].Subject)
	assert.True(t, aContact.CreatedAt.Equal(stored["a"].CreatedAt), "created_at %v, want %v", stored["a"].CreatedAt, aContact.CreatedAt)
	assert.Equal(t, "someone@example.com", stored["a"].Contact)
	assert.Equal(t, bText.ContentHash(), stored["b"].ContentHash())
	assert.Equal(t, bText.ContentHash(), storedHash(t, st, "b"), "content_hash column follows the content")
}

func storedHash(t *testing.T, st *store.Store, id string) string {
	t.Helper()
	var h string
	require.NoError(t, st.Pool().QueryRow(context.Background(), `SELECT content_hash FROM conversations WHERE id = $1`, id).Scan(&h))
	return h
}

// A batch with one conversation Postgres cannot store stores nothing: not the new conversations
// before it (even in an earlier chunk of 500), nor the updates.
func TestUpsertConversationsIsAllOrNothing(t *testing.T) {
	bad := func(edit func(*conversation.Conversation)) conversation.Conversation {
		cv := conv("bad", 5*time.Minute, "Bad conversation")
		edit(&cv)
		return cv
	}
	many := func(n, badAt int, badConv conversation.Conversation) []conversation.Conversation {
		out := make([]conversation.Conversation, n)
		for i := range out {
			out[i] = conv(fmt.Sprintf("bulk%04d", i), time.Duration(i)*time.Second, fmt.Sprintf("Bulk problem %d", i))
		}
		out[badAt] = badConv
		return out
	}
	nulSubject := bad(func(cv *conversation.Conversation) { cv.Subject = "zero\x00byte" })
	cases := []struct {
		name    string
		batch   []conversation.Conversation
		cancel  bool
		wantErr string
	}{
		{"NUL byte in subject", []conversation.Conversation{conv("new1", 0, "New one"), nulSubject}, false, "conversation bad"},
		{"NUL byte in a message (jsonb)", []conversation.Conversation{
			conv("new1", 0, "New one"),
			bad(func(cv *conversation.Conversation) { cv.Messages[0].Text = "nul \x00 inside" }),
		}, false, "conversation bad"},
		{"invalid UTF-8 in contact", []conversation.Conversation{
			conv("new1", 0, "New one"),
			bad(func(cv *conversation.Conversation) { cv.Contact = "broken\xff\xfe@example.com" }),
		}, false, "conversation bad"},
		{"bad conversation in the second chunk", many(700, 650, nulSubject), false, "conversation bad"},
		{"cancelled context", []conversation.Conversation{conv("new1", 0, "New one")}, true, "context canceled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			ctx := context.Background()
			existing := conv("existing", 0, "Original text")
			_, err := st.UpsertConversations(ctx, []conversation.Conversation{existing})
			require.NoError(t, err)

			update := existing
			update.Messages = append([]conversation.Message(nil), existing.Messages...)
			update.Messages[0].Text = "Updated text that must not be stored"
			batch := append([]conversation.Conversation{update}, tc.batch...)
			callCtx := ctx
			if tc.cancel {
				var cancel context.CancelFunc
				callCtx, cancel = context.WithCancel(ctx)
				cancel()
			}
			counts, err := st.UpsertConversations(callCtx, batch)
			require.ErrorContains(t, err, tc.wantErr)
			assert.Equal(t, store.ImportCounts{}, counts, "a failed import reports no counts")

			n, err := st.CountConversations(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n, "nothing of the failed batch is stored")
			got, err := st.GetConversations(ctx, []string{"existing"})
			require.NoError(t, err)
			assert.Equal(t, "Original text", got["existing"].Messages[0].Text, "the update of the failed batch is rolled back")
		})
	}
}

func TestUpsertConversationsManyChunks(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	convs := make([]conversation.Conversation, 1201)
	for i := range convs {
		convs[i] = conv(fmt.Sprintf("bulk%04d", i), time.Duration(i)*time.Second, fmt.Sprintf("Bulk problem %d", i))
	}
	got, err := st.UpsertConversations(ctx, convs)
	require.NoError(t, err)
	assert.Equal(t, store.ImportCounts{Inserted: 1201}, got)
	convs[1200].Messages[0].Text = "changed in the last chunk"
	got, err = st.UpsertConversations(ctx, convs)
	require.NoError(t, err)
	assert.Equal(t, store.ImportCounts{Updated: 1, Unchanged: 1200}, got)
}

// An import streams its records: the last of several records with one id wins and
// is counted as a duplicate; an error of the source after some records rolls them back.
func TestImportConversationsStreams(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	a, b := conv("a", 0, "first text"), conv("b", time.Minute, "b text")
	a2 := conv("a", 0, "second text wins")
	from := func(convs []conversation.Conversation, failAt int) func() (*conversation.Conversation, error) {
		i := 0
		return func() (*conversation.Conversation, error) {
			if i == failAt {
				return nil, errors.New("broken source at record 3")
			}
			if i == len(convs) {
				return nil, io.EOF
			}
			i++
			return &convs[i-1], nil
		}
	}
	_, err := st.ImportConversations(ctx, from([]conversation.Conversation{a, b, a2}, 2))
	require.ErrorContains(t, err, "broken source at record 3")
	n, err := st.CountConversations(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "a source error rolls back the records already copied")

	got, err := st.ImportConversations(ctx, from([]conversation.Conversation{a, b, a2}, -1))
	require.NoError(t, err)
	assert.Equal(t, store.ImportCounts{Inserted: 2, Duplicates: 1}, got)
	stored, err := st.GetConversations(ctx, []string{"a"})
	require.NoError(t, err)
	assert.Equal(t, "second text wins", stored["a"].Messages[0].Text)
}
