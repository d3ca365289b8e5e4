package activities

import (
	"context"

	"feedbackpipe/grouping"
	"feedbackpipe/review"
	"feedbackpipe/store"
)

// RejectedGroup is a would-be story the story review rejects: its key, size and reason code.
type RejectedGroup struct {
	Key    string `json:"key"`
	Count  int    `json:"count"`
	Reason string `json:"reason"`
}

// previewReviews reviews a dry run's would-be stories (its signature groups of at least MinSize
// themes) as a real run would, at most the run's concurrency calls at once, and returns those it
// keeps or splits, and those it rejects. A failed review keeps the group (the real run would
// write its mechanical draft). It reports its stages through prog.
func (a *Activities) previewReviews(ctx context.Context, runID string, stories []SignatureStat, prog *progress) ([]SignatureStat, []RejectedGroup, error) {
	if len(stories) == 0 {
		return stories, nil, nil
	}
	themes, err := retried(ctx, loadDBRetry(), a.Logger, "read the dry run's themes", func(ctx context.Context) ([]store.ThemeForGrouping, error) {
		return a.Store.PreviewThemes(ctx, runID)
	})
	if err != nil {
		return nil, nil, err
	}
	run, err := a.getRun(ctx, runID)
	if err != nil {
		return nil, nil, err
	}
	bySig := map[string][]int{}
	for i, t := range themes {
		bySig[t.Signature] = append(bySig[t.Signature], i)
	}
	var groups []grouping.Group
	var storyOf, candidates []int // the story of each group; every group is a candidate
	for i, s := range stories {
		if members := bySig[s.Signature]; len(members) > 0 {
			candidates = append(candidates, len(groups))
			groups = append(groups, grouping.Group{Key: s.Signature, Signature: s.Signature, Members: members})
			storyOf = append(storyOf, i)
		}
	}
	prog.Stage("reviewing", 0, len(groups))
	pending, wait := a.reviewGroups(ctx, runID, groups, candidates, themes, run.Concurrency, true, prog)
	if err := wait(); err != nil {
		return nil, nil, err
	}
	rejected := make([]string, len(stories))
	for k, p := range pending {
		if o := p.outcome; o != nil && o.answer != nil && o.answer.Decision == review.DecisionReject {
			rejected[storyOf[k]] = "rejected: " + o.answer.Reason
		}
	}
	var kept []SignatureStat
	var out []RejectedGroup
	for i, s := range stories {
		if rejected[i] != "" {
			out = append(out, RejectedGroup{Key: s.Signature, Count: s.Count, Reason: rejected[i]})
		} else {
			kept = append(kept, s)
		}
	}
	return kept, out, nil
}
