package activities

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"feedbackpipe/store"
)

// Reviewing ahead. A run's story reviews otherwise all wait for its last extraction, and go out
// in rounds of the run's concurrency C: 42 candidate groups at C=20 are three rounds, the last of
// two calls. Once every conversation of a run is handed out, the workflow gives the call slots its
// last batches free first to one ReviewAhead. It groups the themes stored then (with the
// backlog's, as the stories phase does: loadAndGroup) and lists the
// candidate groups, largest first (run_review_ahead), and reviews the list's first groups that
// would make the stories phase's last round (the overflow: 2 of 42 at C=20) when it has slots for
// all of them; otherwise (38 of 64: no round to spare) it reviews none. The stories phase reuses an
// answer for a group that is the reviewed one, or that only grew since by at most a quarter
// (aheadGrowth) with conversations no other listed group holds: the members that joined follow
// the reviewed member most like them, as a large group's members not shown in its sample do. Any
// other candidate group is reviewed in the stories phase.

// ReviewAheadInput names the run, and how many review calls the activity may make at once (the
// run's call slots the workflow handed it).
type ReviewAheadInput struct {
	RunID string
	Slots int
}

// ReviewAheadResult says how long the run's list is, how many of its groups the activity took
// (the overflow, or none), and how many of those made a call (the others had a cached answer).
type ReviewAheadResult struct {
	Listed, Taken, Calls int
}

// ReviewAhead makes the run's review-ahead list (or reads it, on a retry) and reviews its
// overflow when in.Slots suffice (see above). Each answer is stored in the review cache under the
// listed group's member hash, with its usage; a call that fails leaves its group to the stories
// phase. It heartbeats per review and stops at once when the run is stopped.
func (a *Activities) ReviewAhead(ctx context.Context, in ReviewAheadInput) (ReviewAheadResult, error) {
	prog := startProgress(ctx, "listing", 0, a.Config.StallTimeout)
	defer prog.stop()
	list, err := retried(ctx, defaultDBRetry(), a.Logger, "make the review-ahead list", func(ctx context.Context) ([]store.AheadGroup, error) {
		return a.Store.ReviewAheadList(ctx, in.RunID, func(ctx context.Context) ([]store.AheadGroup, error) {
			return a.aheadList(ctx, in.RunID, prog)
		})
	})
	if err != nil {
		return ReviewAheadResult{}, err
	}
	run, err := a.getRun(ctx, in.RunID)
	if err != nil {
		return ReviewAheadResult{}, err
	}
	res := ReviewAheadResult{Listed: len(list)}
	if n := overflow(len(list), run.Concurrency); n <= in.Slots {
		res.Taken = n
	}
	mine := list[:res.Taken]
	keys := make([]string, len(mine))
	outcomes := make([]*reviewOutcome, len(mine))
	hashes := make([]string, len(mine))
	for k, g := range mine {
		keys[k], hashes[k], outcomes[k] = g.Key, g.MemberHash, &reviewOutcome{}
		if err := json.Unmarshal(g.Sample, &outcomes[k].group); err != nil {
			return res, fmt.Errorf("read the review-ahead sample of group %s: %w", g.Key, err)
		}
	}
	prog.Stage("reviewing ahead", 0, len(mine))
	pending, wait := a.startReviews(ctx, in.RunID, keys, outcomes, hashes, in.Slots, false, false, prog)
	err = wait()
	for _, p := range pending {
		if p.outcome != nil && !p.outcome.reused {
			res.Calls++
		}
	}
	a.Logger.Info("review ahead", "run_id", in.RunID, "listed", res.Listed, "taken", res.Taken, "calls", res.Calls, "slots", in.Slots)
	return res, err
}

// overflow is how many of n reviews make the last round at concurrency c, the reviews to make
// ahead for one round fewer: n − c·(⌈n/c⌉ − 1).
func overflow(n, c int) int {
	if n == 0 {
		return 0
	}
	c = max(c, 1)
	return n - c*((n+c-1)/c-1)
}

// aheadList groups the run's themes stored so far with the backlog's and lists the candidate
// groups, each with its member set's hash and the sample its review is shown; nothing over a
// backlog bigger than Config.AheadMaxBacklog.
func (a *Activities) aheadList(ctx context.Context, runID string, prog *progress) ([]store.AheadGroup, error) {
	backlog, err := retried(ctx, defaultDBRetry(), a.Logger, "count the backlog", a.Store.BacklogSize)
	if err != nil || backlog > a.Config.AheadMaxBacklog {
		return nil, err
	}
	g, err := a.loadAndGroup(ctx, runID, prog)
	if err != nil {
		return nil, err
	}
	themes, groups := g.themes, g.groups
	candidates, _, err := a.reviewCandidates(ctx, StoriesInput{RunID: runID, Concurrency: 1}, groups, themes)
	if err != nil {
		return nil, err
	}
	list := make([]store.AheadGroup, len(candidates))
	for k, i := range candidates {
		o, hash := prepareReview(groups[i], themes)
		sample, err := json.Marshal(o.group)
		if err != nil {
			return nil, fmt.Errorf("encode the review sample of group %s: %w", groups[i].Key, err)
		}
		list[k] = store.AheadGroup{Key: groups[i].Key, MemberIDs: memberIDs(o.members), MemberHash: hash, Sample: sample}
	}
	// Largest first: the free slots may review only some, and the themes still to come change a
	// large group's members by a smaller share.
	slices.SortStableFunc(list, func(x, y store.AheadGroup) int { return cmp.Compare(len(y.MemberIDs), len(x.MemberIDs)) })
	for k := range list {
		list[k].Ord = k
	}
	return list, nil
}
