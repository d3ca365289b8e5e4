package activities

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/grouping"
	"feedbackpipe/store"
)

func TestOverflowIsTheLastRound(t *testing.T) {
	for _, c := range []struct{ n, c, want int }{
		{0, 20, 0}, {1, 20, 1}, {20, 20, 20}, {21, 20, 1}, {42, 20, 2}, {40, 20, 20}, {38, 64, 38}, {5, 0, 1},
	} {
		assert.Equal(t, c.want, overflow(c.n, c.c), "%d reviews at %d", c.n, c.c)
	}
}

// listAhead stores run's review-ahead list made of groups and reviews each listed group, as
// ReviewAhead does.
func (h *reviewHarness) listAhead(a *Activities, runID string, groups []grouping.Group) {
	h.t.Helper()
	ctx := context.Background()
	list, err := h.st.ReviewAheadList(ctx, runID, func(context.Context) ([]store.AheadGroup, error) {
		var list []store.AheadGroup
		for k, g := range groups {
			o, hash := prepareReview(g, h.themes)
			sample, err := json.Marshal(o.group)
			require.NoError(h.t, err)
			list = append(list, store.AheadGroup{Ord: k, Key: g.Key, MemberIDs: memberIDs(o.members), MemberHash: hash, Sample: sample})
		}
		return list, nil
	})
	require.NoError(h.t, err)
	for _, g := range list {
		o := &reviewOutcome{}
		require.NoError(h.t, json.Unmarshal(g.Sample, &o.group))
		require.NoError(h.t, a.callReview(ctx, runID, g.Key, o, g.MemberHash, false))
	}
}

// part is the group with its members whose conversation IDs are ids.
func (h *reviewHarness) part(g grouping.Group, ids ...string) grouping.Group {
	keep := map[string]bool{}
	for _, id := range ids {
		keep[id] = true
	}
	out := grouping.Group{Key: g.Key, Signature: g.Signature}
	for _, m := range g.Members {
		if keep[h.themes[m].ConversationID] {
			out.Members = append(out.Members, m)
		}
	}
	return out
}

// The stories phase reuses the answer of a group reviewed ahead that has only grown since (the
// member that joined goes where the answer puts the members most like it), and reviews again a
// group merged from two listed groups and a group that was not listed.
func TestStoriesReuseReviewsOfGroupsThatOnlyGrew(t *testing.T) {
	h := newReviewHarness(t)
	a := h.activities(nil)
	calendar, photo := h.groups[1], h.groups[2]
	h.listAhead(a, "r1", []grouping.Group{
		h.part(photo, "photo-1", "photo-2", "photo-3"), // photo-4 joins later
		h.part(calendar, "cal-1", "cal-2", "cal-3"),    // the two calendar groups merge later
		h.part(calendar, "cal-4", "cal-5", "cal-6"),
	})
	require.EqualValues(t, 3, h.model.Stats().ChatRequests, "three reviews ahead")

	h.write(a, "r1", h.groups)
	assert.EqualValues(t, 5, h.model.Stats().ChatRequests, "the merged calendar group and the noise group are reviewed again")
	v := h.verdicts("r1")
	assert.Equal(t, store.VerdictKeep, v["photo_upload_fails"].Verdict, "the grown photo group keeps its answer")
	assert.Equal(t, store.VerdictSplit, v["calendar_sync_duplicate_events"].Verdict)
	assert.Equal(t, store.VerdictReject, v["general_feedback"].Verdict)
	stories, _, err := h.st.Backlog(context.Background(), "")
	require.NoError(t, err)
	for _, s := range stories {
		if s.Key == "photo_upload_fails" {
			assert.Equal(t, []string{"photo-1", "photo-2", "photo-3", "photo-4"}, s.ConversationIDs, "the member that joined is in the story")
			return
		}
	}
	t.Fatalf("no photo story in %v", stories)
}
