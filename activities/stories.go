package activities

import (
	"cmp"
	"context"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"feedbackpipe/backlog"
	"feedbackpipe/grouping"
	"feedbackpipe/store"
)

// StoriesInput names the run whose themes to group.
type StoriesInput struct {
	RunID string
	// Concurrency bounds the review calls in flight; 0 takes the run's --concurrency.
	Concurrency int
}

// BuildStories groups the run's themes and writes each group as a story or an orphan, each in its
// own transaction: a group whose write fails for a transient reason (a serialization failure, a
// deadlock, a dropped connection, a restarting Postgres) is retried before the phase ends; one
// that fails for its own reason is counted and reported, and the others are written. Every
// database call has a timeout. It stops between groups when the run is stopped.
func (a *Activities) BuildStories(ctx context.Context, in StoriesInput) (PhaseResult, error) {
	prog := startProgress(ctx, "loading", 0, a.Config.StallTimeout)
	defer prog.stop()
	began := time.Now()
	g, err := a.loadAndGroup(ctx, in.RunID, prog)
	if err != nil {
		return PhaseResult{}, err
	}
	groupedAt := time.Now()
	reviews, err := a.writeGroups(ctx, in, g, prog)
	if err != nil {
		return PhaseResult{}, err
	}
	a.Logger.Info("stories phase", "run_id", in.RunID, "themes", len(g.themes)-g.fromBacklog, "backlog_themes", g.fromBacklog,
		"groups", len(g.groups), "settled_groups", len(g.settledKeys),
		"reviews", reviews.calls+reviews.reused, "reviews_reused", reviews.reused, "reviews_grown_ahead", reviews.ahead,
		"load_and_group", groupedAt.Sub(began), "review_and_write", time.Since(groupedAt))
	return a.phaseResult(ctx, in.RunID, "stories")
}

// grouped is what the stories phase writes: the themes grouped (the run's and the backlog's, in
// conversation order), the groups to write, and the keys of the settled groups left out.
type grouped struct {
	themes      []store.ThemeForGrouping
	groups      []grouping.Group // indexes into themes; the settled groups are not among them
	settledKeys []string         // no group this run writes takes one (split parts pick another key)
	fromBacklog int              // how many of the themes are the backlog's
}

// loadAndGroup loads the run's themes and the backlog's (the themes of the conversations already
// in a story or orphan that the run has no theme of), groups them together, and leaves out the
// groups the backlog holds already as they are (settled). Grouping the backlog with the run is
// what makes runs over overlapping, backfilled or daily windows converge on the backlog one run
// over everything would build: a window's slice of an issue never splits off its story, and one
// issue's paraphrased signatures meet across days.
func (a *Activities) loadAndGroup(ctx context.Context, runID string, prog *progress) (grouped, error) {
	model := a.LLM.EmbeddingModel()
	own, err := retried(ctx, loadDBRetry(), a.Logger, "load themes", func(ctx context.Context) ([]store.ThemeForGrouping, error) {
		return a.Store.ThemesForGrouping(ctx, runID, model)
	})
	if err != nil {
		return grouped{}, err
	}
	placed, err := retried(ctx, loadDBRetry(), a.Logger, "load the backlog's themes", func(ctx context.Context) ([]store.ThemeForGrouping, error) {
		return a.Store.BacklogThemesForGrouping(ctx, runID, model)
	})
	if err != nil {
		return grouped{}, err
	}
	// In conversation order, by Go's byte order: Postgres sorted each list by its own collation.
	themes := append(own, placed...)
	slices.SortFunc(themes, func(x, y store.ThemeForGrouping) int { return cmp.Compare(x.ConversationID, y.ConversationID) })
	prog.Stage("grouping", 0, len(themes))
	items := make([]grouping.Item, len(themes))
	for i, t := range themes {
		items[i] = grouping.Item{ID: t.ConversationID, Signature: t.Signature, ProductArea: t.ProductArea,
			ActionType: t.ActionType, Direction: t.Direction, Vector: t.Vector, Excerpt: t.Excerpt}
	}
	groups, err := groupOrStop(ctx, items, a.Config.Grouping)
	if err != nil {
		return grouped{}, err
	}
	out := grouped{themes: themes, fromBacklog: len(placed)}
	out.groups, out.settledKeys = unsettled(groups, themes)
	return out, nil
}

// unsettled splits off the settled groups: those of backlog themes alone that hold exactly the
// backlog themes of the one story or orphan they are all in. Writing one would change nothing
// (its members, and so its text and review, are as stored), and its story keeps the run that last
// changed it. Every other group is written: it holds a conversation of the run, or it moves
// backlog conversations between groups. It returns the groups to write and the settled ones' keys.
func unsettled(groups []grouping.Group, themes []store.ThemeForGrouping) ([]grouping.Group, []string) {
	placedCount := map[string]int{}
	for _, t := range themes {
		if t.Placed != "" {
			placedCount[t.Placed]++
		}
	}
	if len(placedCount) == 0 {
		return groups, nil
	}
	var write []grouping.Group
	var keys []string
	for _, g := range groups {
		if settled(g, themes, placedCount) {
			keys = append(keys, g.Key)
		} else {
			write = append(write, g)
		}
	}
	return write, keys
}

// settled says whether every member of g is a backlog theme of one group, and g holds all of them.
func settled(g grouping.Group, themes []store.ThemeForGrouping, placedCount map[string]int) bool {
	placed := themes[g.Members[0]].Placed
	if placed == "" || placedCount[placed] != len(g.Members) {
		return false
	}
	for _, i := range g.Members {
		if themes[i].Placed != placed {
			return false
		}
	}
	return true
}

// groupOrStop groups the items, or returns ctx's error at once when the run is stopped: grouping
// 100k themes takes seconds and a stop does not wait for it (the abandoned grouping ends in the
// background and its result is dropped; nothing was written).
func groupOrStop(ctx context.Context, items []grouping.Item, cfg grouping.Config) ([]grouping.Group, error) {
	done := make(chan []grouping.Group, 1)
	go func() { done <- grouping.Run(items, cfg) }()
	select {
	case groups := <-done:
		return groups, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
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
		members[i] = store.Member{ConversationID: t.ConversationID, Signature: t.Signature, Excerpt: t.Excerpt, CreatedAt: t.CreatedAt}
	}
	d := backlog.Build(g.Signature, facts)
	return &store.GroupWrite{
		RunID: runID, Key: g.Key, Title: d.Title, Description: d.Description,
		Signature: g.Signature, ProductArea: d.ProductArea, Component: d.Component,
		Members: members, MinSize: a.Config.Grouping.MinSize,
	}
}

// writeGroups reviews the candidate groups and writes every group, each in its own transaction
// (a reviewed one as its review decided), Config.GroupWriters at a time (writers of overlapping
// groups queue on the groups' key locks, store.WriteGroup). The groups that need no review
// are written while the review calls are in flight, and each reviewed group as soon as its review
// and those of the candidates before it ended, so the phase ends about one write after its last
// review. It returns an error only for what must fail the phase: a stop, or a database still
// failing for a transient reason after the retries. It counts the reviews that made a call and
// those that reused an answer.
func (a *Activities) writeGroups(ctx context.Context, in StoriesInput, gt grouped, prog *progress) (reviewCount, error) {
	var count reviewCount
	groups, themes := gt.groups, gt.themes
	candidates, concurrency, err := a.reviewCandidates(ctx, in, groups, themes)
	if err != nil {
		return count, err
	}
	usedKeys := make(map[string]bool, len(groups)+len(gt.settledKeys))
	for _, g := range groups {
		usedKeys[g.Key] = true
	}
	for _, k := range gt.settledKeys {
		usedKeys[k] = true
	}
	isCandidate := make(map[int]bool, len(candidates))
	for _, i := range candidates {
		isCandidate[i] = true
	}
	prog.Stage("reviewing and writing", 0, len(groups)+len(candidates))
	reviewCtx, cancelReviews := context.WithCancel(ctx)
	defer cancelReviews()
	pending, waitReviews := a.reviewGroups(reviewCtx, in.RunID, groups, candidates, themes, concurrency, false, prog)
	writes, writeCtx := errgroup.WithContext(ctx)
	writes.SetLimit(max(a.Config.GroupWriters, 1))
	write := func(g grouping.Group, w func(context.Context) error) {
		writes.Go(func() error {
			if err := a.writeGroup(writeCtx, in.RunID, g, w); err != nil {
				return err
			}
			prog.Step(1)
			return nil
		})
	}
	for i, g := range groups {
		if !isCandidate[i] {
			write(g, a.mechanicalWrite(in.RunID, g, themes))
		}
	}
	// In candidate order, so split parts get the same keys however the reviews' calls interleave.
	var reviewErr error
	for k, i := range candidates {
		p := pending[k]
		select {
		case <-p.done:
		case <-writeCtx.Done(): // a write failed: the phase fails with it
		}
		if writeCtx.Err() != nil {
			break
		}
		if p.err != nil {
			reviewErr = p.err
			break
		}
		if p.outcome.reused {
			count.reused++
			if p.outcome.ahead {
				count.ahead++
			}
		} else {
			count.calls++
		}
		g, rw := groups[i], a.reviewedWrite(in.RunID, groups[i], themes, p.outcome, usedKeys)
		write(g, func(ctx context.Context) error { return a.Store.WriteReviewed(ctx, rw) })
	}
	writeErr := writes.Wait()
	if reviewErr == nil && writeErr == nil {
		return count, waitReviews()
	}
	cancelReviews()
	if werr := waitReviews(); reviewErr != nil && werr != nil && ctx.Err() == nil {
		return count, werr // the review that failed first, not the cancellation it caused in others
	}
	return count, cmp.Or(writeErr, reviewErr)
}

// reviewCount is how many of the stories phase's reviews made a call, how many reused an answer
// from the review cache, and of those how many the answer of a group reviewed ahead that grew.
type reviewCount struct{ calls, reused, ahead int }

// mechanicalWrite writes the group's mechanical draft.
func (a *Activities) mechanicalWrite(runID string, g grouping.Group, themes []store.ThemeForGrouping) func(context.Context) error {
	w := a.groupWrite(runID, g, themes)
	return func(ctx context.Context) error { _, err := a.Store.WriteGroup(ctx, w); return err }
}

// writeGroup writes one group with write (one transaction), retrying transient failures. A group that fails for its own reason is recorded as
// failed and the phase goes on; what still fails for a transient reason after the retries fails
// the phase, so Temporal retries it (written groups are skipped) instead of leaving it out.
func (a *Activities) writeGroup(ctx context.Context, runID string, g grouping.Group, write func(context.Context) error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	retry := defaultDBRetry()
	err := retry.do(ctx, a.Logger, "write group "+g.Key, write)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil || store.Transient(err) {
		return err
	}
	a.Logger.Warn("story group failed", "run_id", runID, "group", g.Key, "error", err)
	reason := err.Error()
	return retry.do(ctx, a.Logger, "record failure of group "+g.Key, func(ctx context.Context) error {
		return a.Store.RecordGroupFailure(ctx, runID, g.Key, reason)
	})
}
