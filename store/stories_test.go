package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/conversation"
	"feedbackpipe/store"
)

// group builds a group of the run over conversations seeded by seedConversations (cNN is created
// NN-1 minutes after base).
func group(runID, key string, ids ...string) *store.GroupWrite {
	members := make([]store.Member, len(ids))
	for i, id := range ids {
		var n int
		_, _ = fmt.Sscanf(id, "c%d", &n)
		members[i] = store.Member{ConversationID: id, Signature: key, Excerpt: "excerpt " + id,
			CreatedAt: base.Add(time.Duration(n-1) * time.Minute)}
	}
	return &store.GroupWrite{
		RunID: runID, Key: key, Title: "Title of " + key + " by " + runID, Description: "Description of " + key,
		Signature: key, ProductArea: "publishing", Component: "scheduler", Members: members, MinSize: 3,
	}
}

func TestWriteGroupLifecycle(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 12)
	for _, id := range []string{"r1", "r2", "r3"} {
		createRun(t, st, id, false)
	}

	storyOf := func(key string) (count int, ids []string, found bool) {
		stories, _, err := st.Backlog(ctx, "")
		require.NoError(t, err)
		for _, s := range stories {
			if s.Key == key {
				return s.ConversationCount, s.ConversationIDs, true
			}
		}
		return 0, nil, false
	}
	orphanOf := func(key string) (ids []string, found bool) {
		_, orphans, err := st.Backlog(ctx, "")
		require.NoError(t, err)
		for _, o := range orphans {
			if o.Key == key {
				return o.ConversationIDs, true
			}
		}
		return nil, false
	}

	// The steps run in order: each sees what the previous ones stored.
	steps := []struct {
		name         string
		g            *store.GroupWrite
		wantAction   string
		storyIDs     []string // the story of the key afterwards; nil when there is none
		orphanIDs    []string // the active orphan of the key afterwards; nil when there is none
		totalStories int
	}{
		{"group of 3 creates a story", group("r1", "sig_a", "c01", "c02", "c03"),
			store.ActionStoryCreated, []string{"c01", "c02", "c03"}, nil, 1},
		{"same group again in the same run returns the recorded action", group("r1", "sig_a", "c01", "c02", "c03"),
			store.ActionStoryCreated, []string{"c01", "c02", "c03"}, nil, 1},
		{"same key in the same run with other members is not written again", group("r1", "sig_a", "c01", "c02", "c03", "c12"),
			store.ActionStoryCreated, []string{"c01", "c02", "c03"}, nil, 1},
		{"group of 2 creates an orphan", group("r1", "sig_b", "c05", "c06"),
			store.ActionOrphanCreated, nil, []string{"c05", "c06"}, 1},
		{"another group of 1 creates an orphan", group("r1", "sig_c", "c08"),
			store.ActionOrphanCreated, nil, []string{"c08"}, 1},
		{"later run with one new conversation updates the story", group("r2", "sig_a", "c01", "c02", "c03", "c04"),
			store.ActionStoryUpdated, []string{"c01", "c02", "c03", "c04"}, nil, 1},
		{"later run adding one conversation graduates the orphan", group("r2", "sig_b", "c07"),
			store.ActionOrphanGraduated, []string{"c05", "c06", "c07"}, nil, 2},
		{"later run re-seeing a member keeps the orphan below the threshold", group("r2", "sig_c", "c08", "c09"),
			store.ActionOrphanUpdated, nil, []string{"c08", "c09"}, 2},
		{"graduated key later updates its story", group("r3", "sig_b", "c05", "c10"),
			store.ActionStoryUpdated, []string{"c05", "c06", "c07", "c10"}, nil, 2},
	}
	for _, step := range steps {
		action, err := st.WriteGroup(ctx, step.g)
		require.NoError(t, err, step.name)
		assert.Equal(t, step.wantAction, action, step.name)
		n, ids, found := storyOf(step.g.Key)
		if step.storyIDs == nil {
			assert.False(t, found, "%s: no story", step.name)
		} else {
			assert.Equal(t, step.storyIDs, ids, step.name)
			assert.Equal(t, len(step.storyIDs), n, "%s: conversation_count", step.name)
		}
		oids, found := orphanOf(step.g.Key)
		if step.orphanIDs == nil {
			assert.False(t, found, "%s: no active orphan", step.name)
		} else {
			assert.Equal(t, step.orphanIDs, oids, step.name)
		}
		assert.Equal(t, step.totalStories, count(t, st, `SELECT count(*) FROM stories`), step.name)
	}
	assert.Equal(t, 2, count(t, st, `SELECT count(*) FROM orphans`), "orphans are marked, not deleted")

	t.Run("graduated orphan points at its story", func(t *testing.T) {
		var graduated *time.Time
		var storyID, wantID *int64
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT graduated_at, story_id FROM orphans WHERE orphan_key = 'sig_b'`).Scan(&graduated, &storyID))
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT id FROM stories WHERE story_key = 'sig_b'`).Scan(&wantID))
		assert.NotNil(t, graduated)
		require.NotNil(t, storyID)
		assert.Equal(t, *wantID, *storyID)
		var createdBy, updatedBy string
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT created_by_run, updated_by_run FROM stories WHERE story_key = 'sig_b'`).Scan(&createdBy, &updatedBy))
		assert.Equal(t, []string{"r2", "r3"}, []string{createdBy, updatedBy})
	})

	t.Run("story span and text follow the latest write", func(t *testing.T) {
		stories, _, err := st.Backlog(ctx, "")
		require.NoError(t, err)
		require.Len(t, stories, 2)
		// Largest first; both have 4 conversations, so by key.
		a := stories[0]
		assert.Equal(t, "sig_a", a.Key)
		assert.Equal(t, "Title of sig_a by r2", a.Title)
		assert.True(t, base.Equal(a.FirstSeen), "first_seen %v", a.FirstSeen)
		assert.True(t, base.Add(3*time.Minute).Equal(a.LastSeen), "last_seen %v", a.LastSeen)
		assert.Equal(t, []string{"excerpt c01", "excerpt c02", "excerpt c03", "excerpt c04"}, a.Excerpts)
		b := stories[1]
		assert.Equal(t, "sig_b", b.Key)
		assert.True(t, base.Add(4*time.Minute).Equal(b.FirstSeen), "first_seen %v", b.FirstSeen)
		assert.True(t, base.Add(9*time.Minute).Equal(b.LastSeen), "last_seen %v", b.LastSeen)
	})

	t.Run("run counters", func(t *testing.T) {
		cases := []struct {
			run                                     string
			created, updated, oCreated, oUpd, oGrad int
		}{
			{"r1", 1, 0, 2, 0, 0},
			{"r2", 0, 1, 0, 1, 1},
			{"r3", 0, 1, 0, 0, 0},
		}
		for _, tc := range cases {
			c, err := st.RunCounters(ctx, tc.run)
			require.NoError(t, err)
			assert.Equal(t, []int{tc.created, tc.updated, tc.oCreated, tc.oUpd, tc.oGrad, 0},
				[]int{c.StoriesCreated, c.StoriesUpdated, c.OrphansCreated, c.OrphansUpdated, c.OrphansGraduated, c.GroupsFailed}, tc.run)
		}
	})

	t.Run("backlog of one run", func(t *testing.T) {
		stories, orphans, err := st.Backlog(ctx, "r3")
		require.NoError(t, err)
		require.Len(t, stories, 1)
		assert.Equal(t, "sig_b", stories[0].Key)
		assert.Empty(t, orphans)
		stories, orphans, err = st.Backlog(ctx, "r2")
		require.NoError(t, err)
		assert.Len(t, stories, 2)
		require.Len(t, orphans, 1)
		assert.Equal(t, "sig_c", orphans[0].Key)
	})
}

// One group that cannot be written (a member conversation that does not exist) fails alone: the
// others are written, the failure is counted, and nothing of the failed group is stored.
func TestWriteGroupFailureIsolation(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 8)
	createRun(t, st, "r1", false)

	groups := []*store.GroupWrite{
		group("r1", "sig_ok_story", "c01", "c02", "c03"),
		group("r1", "sig_broken", "c04", "c05", "c99"), // c99 does not exist: FK violation
		group("r1", "sig_broken_orphan", "c98"),        // same, on the orphan path
		group("r1", "sig_ok_orphan", "c06", "c07"),
	}
	wantErr := map[string]bool{"sig_broken": true, "sig_broken_orphan": true}
	for _, g := range groups {
		action, err := st.WriteGroup(ctx, g)
		if wantErr[g.Key] {
			require.Error(t, err, g.Key)
			assert.Contains(t, err.Error(), g.Key)
			assert.Empty(t, action)
			require.NoError(t, st.RecordGroupFailure(ctx, "r1", g.Key, err.Error()))
			continue
		}
		require.NoError(t, err, g.Key)
	}
	c, err := st.RunCounters(ctx, "r1")
	require.NoError(t, err)
	assert.Equal(t, 2, c.GroupsFailed)
	assert.Equal(t, 1, c.StoriesCreated)
	assert.Equal(t, 1, c.OrphansCreated)
	assert.Zero(t, count(t, st, `SELECT count(*) FROM stories WHERE story_key LIKE 'sig_broken%'`), "the failed group's story was rolled back")
	assert.Zero(t, count(t, st, `SELECT count(*) FROM orphans WHERE orphan_key LIKE 'sig_broken%'`), "the failed group's orphan was rolled back")
	assert.Zero(t, count(t, st, `SELECT count(*) FROM story_evidence WHERE conversation_id IN ('c04', 'c05')`), "no partial evidence")

	errs, _, err := st.RunErrors(ctx, "r1", 10)
	require.NoError(t, err)
	require.Len(t, errs, 2)
	assert.Equal(t, "stories", errs[0].Phase)
	assert.Equal(t, "sig_broken", errs[0].ID)

	t.Run("recording a failure twice counts once", func(t *testing.T) {
		require.NoError(t, st.RecordGroupFailure(ctx, "r1", "sig_broken", "again"))
		c, err := st.RunCounters(ctx, "r1")
		require.NoError(t, err)
		assert.Equal(t, 2, c.GroupsFailed)
	})

	t.Run("a failure is not recorded over a written group", func(t *testing.T) {
		require.NoError(t, st.RecordGroupFailure(ctx, "r1", "sig_ok_story", "late failure"))
		c, err := st.RunCounters(ctx, "r1")
		require.NoError(t, err)
		assert.Equal(t, 1, c.StoriesCreated)
		assert.Equal(t, 2, c.GroupsFailed)
	})

	t.Run("a failed group written by a retry replaces its failure", func(t *testing.T) {
		action, err := st.WriteGroup(ctx, group("r1", "sig_broken", "c04", "c05", "c08"))
		require.NoError(t, err)
		assert.Equal(t, store.ActionStoryCreated, action)
		c, err := st.RunCounters(ctx, "r1")
		require.NoError(t, err)
		assert.Equal(t, 1, c.GroupsFailed)
		assert.Equal(t, 2, c.StoriesCreated)
	})
}

// Runs that write the same new key at the same moment (two runs over overlapping windows) do
// not fail each other: one creates the story or orphan, the others add to it.
func TestWriteGroupConcurrentRunsSameKey(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 12)
	const runs = 6
	for r := range runs {
		createRun(t, st, fmt.Sprintf("r%d", r), false)
	}
	cases := []struct {
		name        string
		membersOf   func(r int) []string
		wantCreated string
		wantOthers  []string // actions allowed for the other runs
		wantStory   int      // conversations of the key's story at the end; 0 when it stays an orphan
	}{
		{"story", func(r int) []string { return []string{"c01", "c02", fmt.Sprintf("c%02d", r+3)} },
			store.ActionStoryCreated, []string{store.ActionStoryUpdated}, 2 + runs},
		{"orphan", func(r int) []string { return []string{"c01"} },
			store.ActionOrphanCreated, []string{store.ActionOrphanUpdated}, 0},
		{"orphan graduating", func(r int) []string { return []string{fmt.Sprintf("c%02d", r+1)} },
			store.ActionOrphanCreated, []string{store.ActionOrphanUpdated, store.ActionOrphanGraduated, store.ActionStoryUpdated}, runs},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for round := range 5 {
				key := fmt.Sprintf("sig_%s_%d", tc.name, round)
				start := make(chan struct{})
				actions := make([]string, runs)
				errs := make([]error, runs)
				var wg sync.WaitGroup
				for r := range runs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						actions[r], errs[r] = st.WriteGroup(ctx, group(fmt.Sprintf("r%d", r), key, tc.membersOf(r)...))
					}()
				}
				close(start)
				wg.Wait()
				for r, err := range errs {
					require.NoError(t, err, "run %d of %s", r, key)
				}
				created := 0
				for _, a := range actions {
					if a == tc.wantCreated {
						created++
					} else {
						assert.Contains(t, tc.wantOthers, a, key)
					}
				}
				assert.Equal(t, 1, created, "%s: exactly one run creates it: %v", key, actions)
				if tc.wantStory > 0 {
					assert.Equal(t, tc.wantStory, count(t, st, `
						SELECT count(*) FROM story_evidence e JOIN stories s ON s.id = e.story_id WHERE s.story_key = $1`, key), key)
				} else {
					assert.Zero(t, count(t, st, `SELECT count(*) FROM stories WHERE story_key = $1`, key), key)
				}
			}
		})
	}
}

// A run that writes a group its story or orphan already holds, with the same text, changes
// nothing: the action says unchanged, no counter counts it, and the story keeps the run that last
// changed it. A member joining, or a member's date moving the span, is a change.
func TestWriteGroupUnchangedIsNoUpdate(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	convs := seedConversations(t, st, 6)
	for _, id := range []string{"r1", "r2", "r3", "r4", "r5"} {
		createRun(t, st, id, false)
	}
	same := func(runID, key string, ids ...string) *store.GroupWrite {
		g := group(runID, key, ids...)
		g.Title = "Title of " + key // the same text whichever run writes it
		return g
	}
	write := func(g *store.GroupWrite, want string) {
		t.Helper()
		action, err := st.WriteGroup(ctx, g)
		require.NoError(t, err, g.Key)
		assert.Equal(t, want, action, "%s by %s", g.Key, g.RunID)
	}
	updatedBy := func(key string) string {
		t.Helper()
		var run string
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT updated_by_run FROM stories WHERE story_key = $1`, key).Scan(&run))
		return run
	}

	write(same("r1", "sig_a", "c01", "c02", "c03"), store.ActionStoryCreated)
	write(same("r1", "sig_b", "c04"), store.ActionOrphanCreated)

	write(same("r2", "sig_a", "c01", "c02", "c03"), store.ActionStoryUnchanged)
	write(same("r2", "sig_b", "c04"), store.ActionOrphanUnchanged)
	assert.Equal(t, "r1", updatedBy("sig_a"), "an unchanged story keeps the run that changed it")
	c, err := st.RunCounters(ctx, "r2")
	require.NoError(t, err)
	assert.Zero(t, c.StoriesCreated+c.StoriesUpdated+c.OrphansCreated+c.OrphansUpdated+c.OrphansGraduated+c.GroupsFailed, "%+v", c)
	stories, orphans, err := st.Backlog(ctx, "r2")
	require.NoError(t, err)
	assert.Empty(t, stories, "r2 changed no story")
	assert.Empty(t, orphans, "r2 changed no orphan")

	// A window that holds a subset of the story's members changes nothing either.
	write(same("r3", "sig_a", "c02", "c03"), store.ActionStoryUnchanged)
	// One more member is a change.
	write(same("r4", "sig_b", "c04", "c05"), store.ActionOrphanUpdated)
	write(same("r4", "sig_a", "c01", "c02", "c03", "c06"), store.ActionStoryUpdated)
	assert.Equal(t, "r4", updatedBy("sig_a"))

	// A member re-dated since (its conversation imported again with another created_at) moves the
	// story's span: a change.
	moved := convs[5]
	moved.CreatedAt = moved.CreatedAt.Add(time.Hour)
	_, err = st.UpsertConversations(ctx, []conversation.Conversation{moved})
	require.NoError(t, err)
	write(same("r5", "sig_a", "c01", "c02", "c03", "c06"), store.ActionStoryUpdated)
	assert.Equal(t, "r5", updatedBy("sig_a"))
	c, err = st.RunCounters(ctx, "r5")
	require.NoError(t, err)
	assert.Equal(t, 1, c.StoriesUpdated)
}
