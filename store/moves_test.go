package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/store"
	"feedbackpipe/testenv"
)

// assertOneGroupEach checks, over every story and orphan, that no conversation is a member of two
// groups, that closed and graduated groups have no members and open ones do, and that each open
// group's count and first/last seen are its current members'.
func assertOneGroupEach(t *testing.T, st *store.Store, when string) {
	t.Helper()
	assert.Zero(t, count(t, st, `
		SELECT count(*) FROM (
			SELECT conversation_id FROM (
				SELECT conversation_id FROM story_evidence
				UNION ALL
				SELECT m.conversation_id FROM orphan_members m JOIN orphans o ON o.id = m.orphan_id WHERE o.graduated_at IS NULL
			) members GROUP BY conversation_id HAVING count(*) > 1) dup`), "%s: conversations in more than one group", when)
	assert.Zero(t, count(t, st, `
		SELECT count(*) FROM stories s WHERE (s.closed_at IS NULL) <> EXISTS (SELECT 1 FROM story_evidence e WHERE e.story_id = s.id)`),
		"%s: stories open without members or closed with members", when)
	assert.Zero(t, count(t, st, `
		SELECT count(*) FROM orphans o
		WHERE (o.closed_at IS NULL AND o.graduated_at IS NULL) <> EXISTS (SELECT 1 FROM orphan_members m WHERE m.orphan_id = o.id)`),
		"%s: orphans active without members or closed/graduated with members", when)
	assert.Zero(t, count(t, st, `
		SELECT count(*) FROM stories s JOIN (
			SELECT e.story_id, count(*) AS n, min(c.created_at) AS first_seen, max(c.created_at) AS last_seen
			FROM story_evidence e JOIN conversations c ON c.id = e.conversation_id GROUP BY e.story_id
		) m ON m.story_id = s.id
		WHERE (s.conversation_count, s.first_seen, s.last_seen) <> (m.n, m.first_seen, m.last_seen)`),
		"%s: story counts or spans that are not their members'", when)
	assert.Zero(t, count(t, st, `
		SELECT count(*) FROM orphans o JOIN (
			SELECT m.orphan_id, min(c.created_at) AS first_seen, max(c.created_at) AS last_seen
			FROM orphan_members m JOIN conversations c ON c.id = m.conversation_id GROUP BY m.orphan_id
		) m ON m.orphan_id = o.id
		WHERE (o.first_seen, o.last_seen) <> (m.first_seen, m.last_seen)`),
		"%s: orphan spans that are not their members'", when)
}

// groupsOf returns the open backlog as key -> members, stories and orphans apart.
func groupsOf(t *testing.T, st *store.Store) (stories, orphans map[string][]string) {
	t.Helper()
	ss, os, err := st.Backlog(context.Background(), "")
	require.NoError(t, err)
	stories, orphans = map[string][]string{}, map[string][]string{}
	for _, s := range ss {
		stories[s.Key] = s.ConversationIDs
		assert.Len(t, s.ConversationIDs, s.ConversationCount, "count of story %s", s.Key)
	}
	for _, o := range os {
		orphans[o.Key] = o.ConversationIDs
	}
	return stories, orphans
}

func storyIDs(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), `SELECT story_key, id FROM stories`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var key string
		var id int64
		require.NoError(t, rows.Scan(&key, &id))
		out[key] = id
	}
	require.NoError(t, rows.Err())
	return out
}

func moveRows(t *testing.T, st *store.Store, runID string) []string {
	t.Helper()
	moves, err := st.Moves(context.Background(), runID, 100)
	require.NoError(t, err)
	out := make([]string, len(moves))
	for i, m := range moves {
		assert.Equal(t, runID, m.RunID)
		assert.False(t, m.MovedAt.IsZero())
		out[i] = fmt.Sprintf("%s %s:%s -> %s:%s", m.ConversationID, m.FromKind, m.FromKey, m.ToKind, m.ToKey)
	}
	return out
}

// Three runs over overlapping windows regroup conversations: each conversation ends in exactly one
// group, a group it leaves is recounted (and closed when emptied), the move is recorded, and the
// groups no run changed keep their keys and rows.
func TestWriteGroupMovesConversationsAcrossRuns(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 12)
	for _, id := range []string{"r1", "r2", "r3"} {
		createRun(t, st, id, false)
	}
	at := func(n int) time.Time { return base.Add(time.Duration(n-1) * time.Minute) }
	write := func(g *store.GroupWrite, want string) {
		t.Helper()
		action, err := st.WriteGroup(ctx, g)
		require.NoError(t, err, g.Key)
		assert.Equal(t, want, action, "%s by %s", g.Key, g.RunID)
	}

	// Run 1.
	write(group("r1", "sig_a", "c01"), store.ActionOrphanCreated)
	write(group("r1", "sig_b", "c02", "c03", "c04"), store.ActionStoryCreated)
	write(group("r1", "sig_c", "c05", "c06"), store.ActionOrphanCreated)
	write(group("r1", "sig_d", "c07", "c08", "c09"), store.ActionStoryCreated)
	assertOneGroupEach(t, st, "run 1")
	idsAfter1 := storyIDs(t, st)

	// Run 2: sig_a's only conversation joins sig_b's story; sig_e takes two of sig_d's three.
	write(group("r2", "sig_b", "c01", "c02", "c03", "c04"), store.ActionStoryUpdated)
	write(group("r2", "sig_c", "c05", "c06"), store.ActionOrphanUpdated)
	write(group("r2", "sig_e", "c08", "c09", "c10"), store.ActionStoryCreated)
	assertOneGroupEach(t, st, "run 2")
	stories, orphans := groupsOf(t, st)
	assert.Equal(t, map[string][]string{
		"sig_b": {"c01", "c02", "c03", "c04"}, "sig_d": {"c07"}, "sig_e": {"c08", "c09", "c10"},
	}, stories, "run 2 stories")
	assert.Equal(t, map[string][]string{"sig_c": {"c05", "c06"}}, orphans, "run 2: the emptied orphan sig_a is closed")
	assert.Equal(t, 1, count(t, st, `SELECT count(*) FROM orphans WHERE orphan_key = 'sig_a' AND closed_at IS NOT NULL AND graduated_at IS NULL`))
	assert.ElementsMatch(t, []string{
		"c01 orphan:sig_a -> story:sig_b", "c08 story:sig_d -> story:sig_e", "c09 story:sig_d -> story:sig_e",
	}, moveRows(t, st, "r2"))
	var first, last time.Time
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT first_seen, last_seen FROM stories WHERE story_key = 'sig_b'`).Scan(&first, &last))
	assert.True(t, at(1).Equal(first) && at(4).Equal(last), "sig_b spans its members: %v..%v", first, last)
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT first_seen, last_seen FROM stories WHERE story_key = 'sig_d'`).Scan(&first, &last))
	assert.True(t, at(7).Equal(first) && at(7).Equal(last), "sig_d spans its one member left: %v..%v", first, last)

	// Run 3: sig_d's last conversation leaves (the story is closed); c01 is back on its own in
	// sig_a, whose orphan opens again.
	write(group("r3", "sig_f", "c07", "c11", "c12"), store.ActionStoryCreated)
	write(group("r3", "sig_a", "c01"), store.ActionOrphanCreated)
	write(group("r3", "sig_b", "c02", "c03", "c04"), store.ActionStoryUpdated)
	assertOneGroupEach(t, st, "run 3")
	stories, orphans = groupsOf(t, st)
	assert.Equal(t, map[string][]string{
		"sig_b": {"c02", "c03", "c04"}, "sig_e": {"c08", "c09", "c10"}, "sig_f": {"c07", "c11", "c12"},
	}, stories, "run 3 stories: the emptied sig_d is closed")
	assert.Equal(t, map[string][]string{"sig_a": {"c01"}, "sig_c": {"c05", "c06"}}, orphans, "run 3 orphans")
	assert.Equal(t, 1, count(t, st, `SELECT count(*) FROM stories WHERE story_key = 'sig_d' AND closed_at IS NOT NULL AND conversation_count = 0`))
	assert.ElementsMatch(t, []string{"c07 story:sig_d -> story:sig_f", "c01 story:sig_b -> orphan:sig_a"}, moveRows(t, st, "r3"))
	all, err := st.Moves(ctx, "", 100)
	require.NoError(t, err)
	assert.Len(t, all, 5, "every move of every run is kept")

	// Keys and rows of stories are stable: each key keeps the row it was created with.
	idsAfter3 := storyIDs(t, st)
	for key, id := range idsAfter1 {
		assert.Equal(t, id, idsAfter3[key], "story %s keeps its row", key)
	}
	assert.Equal(t, 1, count(t, st, `SELECT count(*) FROM orphans WHERE orphan_key = 'sig_a'`), "one orphan row per key, reopened")

	t.Run("a closed story opens again when its key returns with enough conversations", func(t *testing.T) {
		createRun(t, st, "r4", false)
		write(group("r4", "sig_d", "c07", "c08", "c09"), store.ActionStoryCreated)
		assertOneGroupEach(t, st, "run 4")
		stories, _ := groupsOf(t, st)
		assert.Equal(t, []string{"c07", "c08", "c09"}, stories["sig_d"])
		assert.Equal(t, []string{"c11", "c12"}, stories["sig_f"])
		assert.Equal(t, []string{"c10"}, stories["sig_e"])
		assert.Equal(t, idsAfter1["sig_d"], storyIDs(t, st)["sig_d"], "the same story row")
	})
}

// An orphan graduating carries its members into the story of its key without recording moves;
// members that came from other groups are moves.
func TestWriteGroupGraduationIsNotAMove(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 6)
	createRun(t, st, "r1", false)
	createRun(t, st, "r2", false)
	_, err := st.WriteGroup(ctx, group("r1", "sig_a", "c01", "c02"))
	require.NoError(t, err)
	_, err = st.WriteGroup(ctx, group("r1", "sig_b", "c03"))
	require.NoError(t, err)
	action, err := st.WriteGroup(ctx, group("r2", "sig_a", "c03"))
	require.NoError(t, err)
	assert.Equal(t, store.ActionOrphanGraduated, action)
	assertOneGroupEach(t, st, "after graduation")
	stories, orphans := groupsOf(t, st)
	assert.Equal(t, map[string][]string{"sig_a": {"c01", "c02", "c03"}}, stories)
	assert.Empty(t, orphans)
	assert.Equal(t, []string{"c03 orphan:sig_b -> story:sig_a"}, moveRows(t, st, "r2"))
}

// Writers moving the same conversations between the same keys at once never break the rule, never
// lose a conversation, and keep every count right; a deadlock or serialization failure between
// them is transient and a retry of the group succeeds.
func TestWriteGroupConcurrentMoves(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	const convs, writers, rounds = 12, 6, 5
	seedConversations(t, st, convs)
	keys := []string{"sig_a", "sig_b", "sig_c", "sig_d"}
	for w := range writers {
		createRun(t, st, fmt.Sprintf("w%d", w), false)
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds*len(keys))
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for r := range rounds {
				// A fresh partition of the conversations over the keys, as another run would group them.
				parts := map[string][]string{}
				for c := 1; c <= convs; c++ {
					k := keys[rng.IntN(len(keys))]
					parts[k] = append(parts[k], fmt.Sprintf("c%02d", c))
				}
				for _, k := range keys {
					if len(parts[k]) == 0 {
						continue
					}
					g := group(fmt.Sprintf("w%d", w), k, parts[k]...)
					// Each round is its own run as far as idempotency goes.
					_, _ = st.Pool().Exec(ctx, `DELETE FROM run_group_actions WHERE run_id = $1 AND group_key = $2`, g.RunID, k)
					var err error
					for attempt := 0; attempt < 20; attempt++ {
						if _, err = st.WriteGroup(ctx, g); err == nil || !store.Transient(err) {
							break
						}
						t.Logf("transient, retried: %v", err)
					}
					if err != nil {
						errs <- fmt.Errorf("writer %d round %d %s: %w", w, r, k, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assertOneGroupEach(t, st, "after concurrent moves")
	assert.Equal(t, convs, count(t, st, `SELECT count(*) FROM group_members`), "no conversation lost")
}

// A conversation the old schema held in several groups stays, after the migration, in the one
// updated last; leaving the others is recorded, they are recounted, and one left empty is closed.
func TestMigrationKeepsOneGroupPerConversation(t *testing.T) {
	url, st := storeBeforeGroupMembers(t)
	ctx := context.Background()
	seedConversations(t, st, 8)

	for _, q := range []string{`
		INSERT INTO stories (id, story_key, title, description, signature, product_area, component,
			conversation_count, first_seen, last_seen, created_by_run, updated_by_run, updated_at)
		VALUES (1, 'sig_old', 't', 'd', 'sig_old', 'a', 'c', 4, $1, $1, 'r1', 'r1', $1),
		       (2, 'sig_new', 't', 'd', 'sig_new', 'a', 'c', 3, $1, $1, 'r2', 'r2', $1::timestamptz + interval '1 hour')`, `
		INSERT INTO story_evidence (story_id, conversation_id, run_id, signature)
		SELECT * FROM (VALUES
			(1, 'c01', 'r1', 's'), (1, 'c02', 'r1', 's'), (1, 'c03', 'r1', 's'), (1, 'c04', 'r1', 's'),
			(2, 'c03', 'r2', 's'), (2, 'c04', 'r2', 's'), (2, 'c05', 'r2', 's')) v WHERE $1::timestamptz IS NOT NULL`, `
		INSERT INTO orphans (id, orphan_key, signature, product_area, component, title, first_seen, last_seen,
			created_by_run, updated_by_run, updated_at)
		VALUES (1, 'sig_orphan', 's', 'a', 'c', 't', $1, $1, 'r1', 'r1', $1::timestamptz - interval '1 hour'),
		       (2, 'sig_lonely', 's', 'a', 'c', 't', $1, $1, 'r3', 'r3', $1::timestamptz + interval '2 hours')`, `
		INSERT INTO orphan_members (orphan_id, conversation_id, run_id, signature)
		SELECT * FROM (VALUES (1, 'c05', 'r1', 's'), (1, 'c06', 'r1', 's'), (2, 'c01', 'r3', 's')) v
		WHERE $1::timestamptz IS NOT NULL`,
	} {
		_, err := st.Pool().Exec(ctx, q, base)
		require.NoError(t, err, q)
	}

	_, err := store.Migrate(url)
	require.NoError(t, err)
	assertOneGroupEach(t, st, "after the migration")
	stories, orphans := groupsOf(t, st)
	assert.Equal(t, map[string][]string{"sig_old": {"c02"}, "sig_new": {"c03", "c04", "c05"}}, stories)
	assert.Equal(t, map[string][]string{"sig_lonely": {"c01"}, "sig_orphan": {"c06"}}, orphans)
	moves, err := st.Moves(ctx, "", 100)
	require.NoError(t, err)
	var got []string
	for _, m := range moves {
		got = append(got, fmt.Sprintf("%s %s %s:%s -> %s:%s", m.RunID, m.ConversationID, m.FromKind, m.FromKey, m.ToKind, m.ToKey))
	}
	assert.ElementsMatch(t, []string{
		"r3 c01 story:sig_old -> orphan:sig_lonely",
		"r2 c03 story:sig_old -> story:sig_new",
		"r2 c04 story:sig_old -> story:sig_new",
		"r2 c05 orphan:sig_orphan -> story:sig_new",
	}, got)
	var n int
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT conversation_count FROM stories WHERE story_key = 'sig_old'`).Scan(&n))
	assert.Equal(t, 1, n)
}

// storeBeforeGroupMembers returns a fresh database at the schema version before group_members
// (migrated up, then the down migrations from group_members on applied), and a store on it.
func storeBeforeGroupMembers(t *testing.T) (string, *store.Store) {
	t.Helper()
	url := testenv.Database(t)
	_, err := store.Migrate(url)
	require.NoError(t, err)
	st, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(st.Close)

	mine, err := filepath.Glob("migrations/*_group_members.down.sql")
	require.NoError(t, err)
	require.Len(t, mine, 1)
	version := func(path string) int {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(path), "_", 2)[0])
		require.NoError(t, err, path)
		return n
	}
	from := version(mine[0])
	downs, err := filepath.Glob("migrations/*.down.sql")
	require.NoError(t, err)
	sort.Sort(sort.Reverse(sort.StringSlice(downs)))
	before := 0
	for _, path := range downs {
		v := version(path)
		if v < from {
			before = max(before, v)
			continue
		}
		sql, err := os.ReadFile(path)
		require.NoError(t, err)
		_, err = st.Pool().Exec(context.Background(), string(sql))
		require.NoError(t, err, path)
	}
	_, err = st.Pool().Exec(context.Background(), `UPDATE schema_migrations SET version = $1, dirty = false`, before)
	require.NoError(t, err)
	return url, st
}
