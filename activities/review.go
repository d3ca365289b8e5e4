package activities

import (
	"context"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"feedbackpipe/grouping"
	"feedbackpipe/llm"
	"feedbackpipe/review"
	"feedbackpipe/store"
)

// ReasonReviewFallback prefixes the warning of a group whose review failed: its mechanical draft
// was written instead.
const ReasonReviewFallback = "review_fallback"

// reviewOutcome is what the review of one candidate group decided: an answer, or the reason
// code of its failure (the mechanical draft is written then).
type reviewOutcome struct {
	group   review.Group
	members []review.Member
	answer  *review.Answer
	failed  string // short code, e.g. "invalid_output"
	reused  bool   // the answer came from the review cache: no call was made
	ahead   bool   // reused: the answer of the group reviewed ahead that this one grew from (reuseAhead)
}

// pendingReview is one candidate's review in flight: done closes when it ended, with outcome or
// err set.
type pendingReview struct {
	done    chan struct{}
	outcome *reviewOutcome
	err     error
}

// reviewGroups starts reviewing the candidate groups (see startReviews); in a real run (not dry) a
// candidate without a cached answer of its own may take the answer of the group it grew from that
// the run reviewed ahead (reuseAhead).
func (a *Activities) reviewGroups(ctx context.Context, runID string, groups []grouping.Group, candidates []int,
	themes []store.ThemeForGrouping, concurrency int, dry bool, prog *progress) (pending []*pendingReview, wait func() error) {
	keys := make([]string, len(candidates))
	outcomes := make([]*reviewOutcome, len(candidates))
	hashes := make([]string, len(candidates))
	for k, i := range candidates {
		keys[k] = groups[i].Key
		outcomes[k], hashes[k] = prepareReview(groups[i], themes)
	}
	return a.startReviews(ctx, runID, keys, outcomes, hashes, concurrency, dry, !dry, prog)
}

// startReviews starts the reviews of outcomes (the group keyed keys[k], its member set hashed
// hashes[k]), at most concurrency calls in flight (the llm client's limiter paces them against
// the API budget), and returns at once: pending[k] ends with outcomes[k]'s review, so the caller
// can write each reviewed group while later reviews are still in flight; wait returns the first
// error once every review ended. A group whose member set was reviewed before with this prompt
// version and model reuses the stored answer and sends nothing; the cache is read for every group
// in one query, with useAhead together with the run's answers made ahead (reuseAhead). A dry
// run (a preview) reads the cache but stores only its calls' usage (with its run), nothing
// shared. A review fails only when ctx ends or the database fails.
func (a *Activities) startReviews(ctx context.Context, runID string, keys []string, outcomes []*reviewOutcome, hashes []string,
	concurrency int, dry, useAhead bool, prog *progress) (pending []*pendingReview, wait func() error) {
	pending = make([]*pendingReview, len(outcomes))
	for k := range pending {
		pending[k] = &pendingReview{done: make(chan struct{})}
	}
	eg, ectx := errgroup.WithContext(ctx)
	eg.SetLimit(max(concurrency, 1))
	launched := make(chan struct{})
	go func() {
		defer close(launched)
		var list []store.AheadGroup
		var err error
		if useAhead {
			list, err = retried(ectx, defaultDBRetry(), a.Logger, "read the review-ahead list", func(ctx context.Context) ([]store.AheadGroup, error) {
				return a.Store.ReviewAheadGroups(ctx, runID)
			})
		}
		var cached map[string][]byte
		if err == nil {
			cached, err = retried(ectx, defaultDBRetry(), a.Logger, "read cached reviews", func(ctx context.Context) (map[string][]byte, error) {
				return a.Store.CachedReviews(ctx, append(listedHashes(list), hashes...), review.PromptVersion, a.LLM.ChatModel())
			})
		}
		if err == nil {
			reuseAhead(list, outcomes, hashes, cached)
		}
		for k, o := range outcomes {
			p := pending[k]
			if err == nil {
				err = ectx.Err() // a review failed or the phase ends: start no more
			}
			if err != nil {
				p.err = err
				close(p.done)
				continue
			}
			if o.reused || o.fromCache(cached[hashes[k]]) {
				p.outcome = o
				close(p.done)
				prog.Step(1)
				continue
			}
			eg.Go(func() error {
				defer close(p.done)
				if p.err = a.callReview(ectx, runID, keys[k], o, hashes[k], dry); p.err != nil {
					return p.err
				}
				p.outcome = o
				prog.Step(1)
				return nil
			})
		}
	}()
	return pending, func() error {
		<-launched
		return eg.Wait()
	}
}

// prepareReview is what reviewing a group starts from: its members as the review sees them, the
// sample it is shown, and the hash of its member set (the review cache's key).
func prepareReview(g grouping.Group, themes []store.ThemeForGrouping) (*reviewOutcome, string) {
	o := &reviewOutcome{members: reviewMembers(g, themes)}
	o.group = review.Sample(o.members)
	return o, review.MemberHash(memberIDs(o.members))
}

// memberIDs are the members' conversation IDs, in order.
func memberIDs(members []review.Member) []string {
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	return ids
}

// fromCache takes a cached answer when it still reads for the group.
func (o *reviewOutcome) fromCache(cached []byte) bool {
	if cached == nil {
		return false
	}
	ans, err := review.Parse(string(cached), o.group)
	if err != nil {
		return false
	}
	o.answer, o.reused = ans, true
	return true
}

// callReview makes the group's review call and stores its usage and (unless dry) its answer
// under the member set's hash. A failed call leaves the reason in the outcome (the mechanical
// draft is written then); an error is returned only when ctx ends or the database fails.
func (a *Activities) callReview(ctx context.Context, runID, key string, o *reviewOutcome, hash string, dry bool) error {
	ans, usage, err := a.LLM.Review(ctx, o.group)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var answer []byte
	if err != nil {
		o.failed = reasonCode(llm.Reason(err))
		a.Logger.Warn("story review failed: writing the mechanical draft", "run_id", runID, "group", key,
			"reason", o.failed, "error", err)
	} else {
		o.answer = ans
		if !dry {
			answer = ans.Encode()
		}
	}
	u := store.ReviewUsage{RunID: runID, GroupKey: key, Calls: usage.Calls, TokensIn: usage.TokensIn,
		TokensOut: usage.TokensOut, CostUSD: usage.CostUSD}
	return defaultDBRetry().do(ctx, a.Logger, "save review of "+key, func(ctx context.Context) error {
		return a.Store.SaveReview(ctx, u, hash, review.PromptVersion, a.LLM.ChatModel(), answer)
	})
}

// reasonCode is the first word of a reason ("transient: http_503" → "transient").
func reasonCode(reason string) string {
	code, _, _ := strings.Cut(reason, ":")
	return strings.TrimSpace(code)
}

// reviewMembers is what the review sees of the group's members.
func reviewMembers(g grouping.Group, themes []store.ThemeForGrouping) []review.Member {
	out := make([]review.Member, 0, len(g.Members))
	seen := map[string]bool{}
	for _, idx := range g.Members {
		t := themes[idx]
		if seen[t.ConversationID] {
			continue
		}
		seen[t.ConversationID] = true
		out = append(out, review.Member{
			ID: t.ConversationID, Signature: t.Signature, ProductArea: t.ProductArea, Component: t.Component,
			ActionType: t.ActionType, Direction: t.Direction, UserIntent: t.UserIntent, Symptoms: t.Symptoms, Excerpt: t.Excerpt,
		})
	}
	return out
}

// reviewedWrite turns a group and its review into what the store applies in one transaction:
// kept, the group with its written story; split, one sub-group a part under a derived stable
// key; rejected, the members that leave their groups; failed, the mechanical draft.
func (a *Activities) reviewedWrite(runID string, g grouping.Group, themes []store.ThemeForGrouping, o *reviewOutcome,
	usedKeys map[string]bool) *store.ReviewedWrite {
	mech := a.groupWrite(runID, g, themes)
	w := &store.ReviewedWrite{RunID: runID, Key: g.Key}
	if o.answer == nil {
		w.Verdict, w.Reason = store.VerdictFallback, ReasonReviewFallback+": "+o.failed
		w.Parts = []store.ReviewedPart{{Group: mech}}
		return w
	}
	w.Verdict, w.Reason = o.answer.Decision, o.answer.Reason
	switch o.answer.Decision {
	case review.DecisionReject:
		w.Reason = "rejected: " + o.answer.Reason
		w.Rejected = mech.Members
	case review.DecisionKeep:
		w.Parts = []store.ReviewedPart{{Group: written(mech, o.answer.Parts[0]), Text: text(o.answer.Parts[0])}}
	case review.DecisionSplit:
		byID := make(map[string]store.Member, len(mech.Members))
		for _, m := range mech.Members {
			byID[m.ConversationID] = m
		}
		assigned := o.answer.Assign(o.group, o.members)
		parts := make([]store.GroupWrite, len(assigned))
		for i, ids := range assigned {
			parts[i] = *mech
			parts[i].Members = nil
			for _, id := range ids {
				parts[i].Members = append(parts[i].Members, byID[id])
			}
			parts[i].Signature = dominantSignature(parts[i].Members)
		}
		home := homePart(g.Key, parts)
		for i := range parts {
			if i == home {
				parts[i].Key = g.Key
			} else {
				parts[i].Key = partKey(g.Key, parts[i].Signature, i, usedKeys)
				usedKeys[parts[i].Key] = true
			}
			w.Parts = append(w.Parts, store.ReviewedPart{Group: written(&parts[i], o.answer.Parts[i]), Text: text(o.answer.Parts[i])})
		}
	}
	return w
}

// written is the group with the review's title.
func written(g *store.GroupWrite, p review.Part) *store.GroupWrite {
	out := *g
	out.Title = strings.TrimSpace(p.Title)
	return &out
}

func text(p review.Part) store.StoryText {
	return store.StoryText{UserStory: strings.TrimSpace(p.UserStory), AcceptanceCriteria: p.AcceptanceCriteria,
		InvestigationHints: p.InvestigationHints, Severity: p.Severity}
}

// homePart is the split part that keeps the group's key: the one whose dominant signature is
// the key, else the largest (the first of equals).
func homePart(key string, parts []store.GroupWrite) int {
	home := 0
	for i, p := range parts {
		if p.Signature == key {
			return i
		}
		if len(p.Members) > len(parts[home].Members) {
			home = i
		}
	}
	return home
}

// partKey is the stable key of a split part other than the home part: its dominant signature
// when no other group of the run uses it, else the group's key with the part's ordinal.
func partKey(groupKey, signature string, i int, used map[string]bool) string {
	if signature != "" && signature != groupKey && !used[signature] {
		return signature
	}
	for n := i + 1; ; n++ {
		if k := groupKey + "~" + strconv.Itoa(n); !used[k] {
			return k
		}
	}
}

// dominantSignature is the members' most common signature (ties alphabetical).
func dominantSignature(members []store.Member) string {
	counts := map[string]int{}
	best := ""
	for _, m := range members {
		counts[m.Signature]++
	}
	for s, n := range counts {
		if best == "" || n > counts[best] || (n == counts[best] && s < best) {
			best = s
		}
	}
	return best
}

// reviewCandidates picks the groups to review, those that become stories: those of at least
// MinSize distinct conversations, and those whose orphan graduates with them. It returns their
// indexes and the run's concurrency, which bounds the review calls in flight.
func (a *Activities) reviewCandidates(ctx context.Context, in StoriesInput, groups []grouping.Group,
	themes []store.ThemeForGrouping) ([]int, int, error) {
	if len(groups) == 0 {
		return nil, 0, nil
	}
	keys := make([]string, len(groups))
	var ids []string
	for i, g := range groups {
		keys[i] = g.Key
		for _, idx := range g.Members {
			ids = append(ids, themes[idx].ConversationID)
		}
	}
	others, err := retried(ctx, defaultDBRetry(), a.Logger, "count orphan members", func(ctx context.Context) (map[string]int, error) {
		return a.Store.OrphanOthers(ctx, keys, ids)
	})
	if err != nil {
		return nil, 0, err
	}
	var candidates []int
	for i, g := range groups {
		if n := len(reviewMembers(g, themes)); n >= a.Config.Grouping.MinSize || (n > 0 && n+others[g.Key] >= a.Config.Grouping.MinSize) {
			candidates = append(candidates, i)
		}
	}
	concurrency := in.Concurrency
	if concurrency <= 0 {
		run, err := a.getRun(ctx, in.RunID)
		if err != nil {
			return nil, 0, err
		}
		concurrency = run.Concurrency
	}
	return candidates, concurrency, nil
}
