package activities

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"feedbackpipe/grouping"
	"feedbackpipe/review"
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
// write its mechanical draft).
func (a *Activities) previewReviews(ctx context.Context, runID string, stories []SignatureStat) ([]SignatureStat, []RejectedGroup, error) {
	if len(stories) == 0 {
		return stories, nil, nil
	}
	themes, err := a.Store.PreviewThemes(ctx, runID)
	if err != nil {
		return nil, nil, err
	}
	run, err := a.Store.GetRun(ctx, runID)
	if err != nil {
		return nil, nil, err
	}
	bySig := map[string][]int{}
	for i, t := range themes {
		bySig[t.Signature] = append(bySig[t.Signature], i)
	}
	rejected := make([]string, len(stories))
	var mu sync.Mutex
	eg, ectx := errgroup.WithContext(ctx)
	eg.SetLimit(max(run.Concurrency, 1))
	for i, s := range stories {
		if len(bySig[s.Signature]) == 0 {
			continue
		}
		eg.Go(func() error {
			g := grouping.Group{Key: s.Signature, Signature: s.Signature, Members: bySig[s.Signature]}
			o, err := a.reviewGroup(ectx, runID, g, themes, true)
			if err != nil {
				return err
			}
			if o.answer != nil && o.answer.Decision == review.DecisionReject {
				mu.Lock()
				rejected[i] = "rejected: " + o.answer.Reason
				mu.Unlock()
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, nil, err
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
