package activities

import (
	"context"
	"sync/atomic"

	"feedbackpipe/backlog"
	"feedbackpipe/grouping"
	"feedbackpipe/store"
)

// StoriesInput names the run whose themes to group.
type StoriesInput struct {
	RunID string
}

// BuildStories groups the run's themes and writes each group as a story or an orphan, each in its
// own transaction: a group that fails is counted and reported, and the others are written. It
// stops between groups when the run is stopped.
func (a *Activities) BuildStories(ctx context.Context, in StoriesInput) (PhaseResult, error) {
	themes, err := a.Store.ThemesForGrouping(ctx, in.RunID, a.LLM.EmbeddingModel())
	if err != nil {
		return PhaseResult{}, err
	}
	items := make([]grouping.Item, len(themes))
	for i, t := range themes {
		items[i] = grouping.Item{ID: t.ConversationID, Signature: t.Signature, ProductArea: t.ProductArea,
			ActionType: t.ActionType, Direction: t.Direction, Vector: t.Vector}
	}
	groups := grouping.Run(items, a.Config.Grouping)
	var progress atomic.Int64
	stopBeating := keepBeating(ctx, &progress)
	defer stopBeating()
	for _, g := range groups {
		if ctx.Err() != nil {
			return PhaseResult{}, ctx.Err()
		}
		w := a.groupWrite(in.RunID, g, themes)
		if _, err := a.Store.WriteGroup(ctx, w); err != nil {
			if ctx.Err() != nil {
				return PhaseResult{}, ctx.Err()
			}
			a.Logger.Warn("story group failed", "run_id", in.RunID, "group", w.Key, "error", err)
			if err := a.Store.RecordGroupFailure(ctx, in.RunID, w.Key, err.Error()); err != nil {
				return PhaseResult{}, err
			}
		}
		progress.Add(1)
	}
	return a.phaseResult(ctx, in.RunID)
}

// groupWrite turns a group into the story or orphan to write; its key is the group's key (the
// dominant signature, suffixed for a second part of a facet split), stable across runs because
// canonical signatures are.
func (a *Activities) groupWrite(runID string, g grouping.Group, themes []store.ThemeForGrouping) *store.GroupWrite {
	facts := make([]backlog.ThemeFacts, len(g.Members))
	members := make([]store.Member, len(g.Members))
	for i, idx := range g.Members {
		t := themes[idx]
		facts[i] = backlog.ThemeFacts{
			Signature: t.Signature, ProductArea: t.ProductArea, Component: t.Component,
			UserIntent: t.UserIntent, Symptoms: t.Symptoms, AffectedFlow: t.AffectedFlow,
		}
		excerpt := ""
		if len(t.KeyExcerpts) > 0 {
			excerpt = t.KeyExcerpts[0]
		}
		members[i] = store.Member{ConversationID: t.ConversationID, Signature: t.Signature, Excerpt: excerpt, CreatedAt: t.CreatedAt}
	}
	d := backlog.Build(g.Signature, facts)
	return &store.GroupWrite{
		RunID: runID, Key: g.Key, Title: d.Title, Description: d.Description,
		Signature: g.Signature, ProductArea: d.ProductArea, Component: d.Component,
		Members: members, MinSize: a.Config.Grouping.MinSize,
	}
}
