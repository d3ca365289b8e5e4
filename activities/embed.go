package activities

import (
	"context"
	"errors"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"feedbackpipe/conversation"
	"feedbackpipe/llm"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
	"feedbackpipe/tokens"
)

// EmbedInput names the run whose themes to embed.
type EmbedInput struct {
	RunID string
	// Background marks an embedding that runs while extraction goes on: what fails for a
	// transient reason is left for the embedding phase, and no counters are computed.
	Background bool
}

// PhaseResult is a phase's account, computed from the stored rows.
type PhaseResult struct {
	Counters pipeline.Counters
	Errors   []pipeline.ItemError
}

// ReasonEmptyDigest is the failure of a theme whose conversation has no customer text to embed:
// it is never sent to the embeddings API.
const ReasonEmptyDigest = "empty_digest"

// EmbedThemes embeds the digest of every conversation of the run's themes that has no vector yet
// for this model and content. Inputs are packed into requests of at most EmbedBatchInputs inputs
// and about EmbedBatchTokens tokens (a conservative per-rune bound, see package tokens), a few in
// flight. Vectors are stored as each request returns, so a retried or resumed phase only embeds
// what is still missing.
//
// One input never fails the others: a request the API refuses because of an input (400) is split
// in halves until the refused input is alone, and that input counts in embeddings_failed with its
// reason. Inputs whose request failed for a transient reason (an outage outlasting the call's
// retries) are embedded once more after every batch, after a short pause; only what fails again
// is stored as failed. A theme without customer text is failed as empty_digest without a call.
func (a *Activities) EmbedThemes(ctx context.Context, in EmbedInput) (PhaseResult, error) {
	model := a.LLM.EmbeddingModel()
	prog := startProgress(ctx, "loading", 0, a.Config.StallTimeout)
	defer prog.stop()
	targets, err := retried(ctx, loadDBRetry(), a.Logger, "find the themes to embed", func(ctx context.Context) ([]store.EmbedTarget, error) {
		return a.Store.ThemesToEmbed(ctx, in.RunID, model)
	})
	if err != nil {
		return PhaseResult{}, err
	}
	prog.Stage("loading", 0, len(targets))
	items, err := a.loadDigests(ctx, in.RunID, model, targets, prog)
	if err != nil {
		return PhaseResult{}, err
	}
	prog.Stage("embedding", 0, len(targets))
	again, err := a.embedAll(ctx, in.RunID, model, a.packEmbeddingBatches(items), false, prog)
	if err != nil {
		return PhaseResult{}, failFastOnConfig(err)
	}
	if in.Background {
		return PhaseResult{}, nil
	}
	if len(again) > 0 {
		if err := sleepCtx(ctx, transientRetryPause); err != nil {
			return PhaseResult{}, err
		}
		prog.Stage("retrying", 0, len(again))
		if _, err := a.embedAll(ctx, in.RunID, model, a.packEmbeddingBatches(again), true, prog); err != nil {
			return PhaseResult{}, failFastOnConfig(err)
		}
	}
	return a.phaseResult(ctx, in.RunID, "embedding")
}

// embedAll embeds the batches, a few in flight, and returns the inputs that failed for a
// transient reason (stored as failed instead when final).
func (a *Activities) embedAll(ctx context.Context, runID, model string, batches []embeddingBatch, final bool,
	prog *progress) ([]embedItem, error) {
	var mu sync.Mutex
	var again []embedItem
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(a.Config.EmbedInFlight, 1))
	for _, b := range batches {
		g.Go(func() error {
			transient, err := a.embedBatch(gctx, runID, model, b, final)
			if err != nil {
				return err
			}
			mu.Lock()
			again = append(again, transient...)
			mu.Unlock()
			prog.Step(len(b))
			return nil
		})
	}
	return again, g.Wait()
}

// embedItem is one theme's digest to embed.
type embedItem struct {
	target store.EmbedTarget
	text   string
}

// embeddingBatch is the inputs of one embeddings request.
type embeddingBatch []embedItem

// loadDigests loads the digest of each target. Empty digests are stored as failed at once.
func (a *Activities) loadDigests(ctx context.Context, runID, model string, targets []store.EmbedTarget,
	prog *progress) ([]embedItem, error) {
	var items []embedItem
	empty := map[string]string{}
	const loadChunk = 1000
	for start := 0; start < len(targets); start += loadChunk {
		part := targets[start:min(start+loadChunk, len(targets))]
		ids := make([]string, len(part))
		for i, t := range part {
			ids[i] = t.ConversationID
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		convs, err := retried(ctx, defaultDBRetry(), a.Logger, "load conversations to embed",
			func(ctx context.Context) (map[string]*conversation.Conversation, error) {
				return a.Store.GetConversations(ctx, ids)
			})
		if err != nil {
			return nil, err
		}
		prog.Step(len(part))
		for _, t := range part {
			c := convs[t.ConversationID]
			if c == nil {
				continue
			}
			text := c.Digest(a.Config.DigestChars)
			if strings.TrimSpace(text) == "" {
				empty[t.ConversationID] = ReasonEmptyDigest
				continue
			}
			items = append(items, embedItem{target: t, text: text})
		}
	}
	if len(empty) > 0 {
		saveCtx, cancel := detachedDBContext(ctx)
		defer cancel()
		err := a.Store.SaveEmbeddingBatch(saveCtx, &store.EmbeddingBatch{
			RunID: runID, Model: model, BatchKey: ReasonEmptyDigest, Failures: empty})
		if err != nil {
			return nil, err
		}
	}
	return items, nil
}

// packEmbeddingBatches packs items into requests under the input and token limits. The token
// bound is tokens.Estimate, which never lets CJK or emoji text overflow a request's limit the
// way a characters/4 estimate did.
func (a *Activities) packEmbeddingBatches(items []embedItem) []embeddingBatch {
	var batches []embeddingBatch
	var cur embeddingBatch
	used := 0
	for _, it := range items {
		est := tokens.Estimate(it.text) + 1
		if len(cur) > 0 && (len(cur) >= a.Config.EmbedBatchInputs || used+est > a.Config.EmbedBatchTokens) {
			batches = append(batches, cur)
			cur, used = nil, 0
		}
		cur = append(cur, it)
		used += est
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}
	return batches
}

// embedBatch embeds one batch and stores its vectors, the failures of inputs refused for their
// own reason, and the usage of every call it made. It returns the inputs that failed for a
// transient reason without storing them, unless final, when they are stored as failed too.
func (a *Activities) embedBatch(ctx context.Context, runID, model string, b embeddingBatch, final bool) ([]embedItem, error) {
	res := &embedResult{failures: map[string]string{}}
	if err := a.embedSplit(ctx, b, res); err != nil {
		return nil, err
	}
	out := &store.EmbeddingBatch{
		RunID: runID, Model: model, BatchKey: b[0].target.ConversationID, Vectors: res.vectors, Failures: res.failures,
		LLMCalls: res.usage.Calls, TokensIn: res.usage.TokensIn, CostUSD: res.usage.CostUSD,
	}
	transient := res.transient
	if final {
		for _, it := range transient {
			out.Failures[it.target.ConversationID] = res.reasons[it.target.ConversationID] + store.RetriedSuffix
		}
		transient = nil
	}
	saveCtx, cancel := detachedDBContext(ctx)
	defer cancel()
	return transient, a.Store.SaveEmbeddingBatch(saveCtx, out)
}

// embedResult collects what the requests of one batch produced.
type embedResult struct {
	vectors   []store.Vector
	failures  map[string]string // conversation id → reason, for inputs failed for their own reason
	transient []embedItem       // inputs whose request failed for a transient reason
	reasons   map[string]string // their reasons
	usage     llm.Usage
}

// embedSplit makes one embeddings request for b. When the API refuses it because of an input, it
// bisects b so the other inputs are embedded and the refused one is isolated with its reason.
// It returns an error only for a wrong configuration or a stop.
func (a *Activities) embedSplit(ctx context.Context, b embeddingBatch, res *embedResult) error {
	texts := make([]string, len(b))
	for i, it := range b {
		texts[i] = it.text
	}
	vectors, usage, err := a.LLM.Embed(ctx, texts)
	res.usage.Add(usage)
	var perm *llm.PermanentError
	var refused *llm.RefusedError
	switch {
	case errors.As(err, &perm):
		return perm
	case ctx.Err() != nil:
		return ctx.Err()
	case err == nil:
		for i, it := range b {
			res.vectors = append(res.vectors, store.Vector{
				ConversationID: it.target.ConversationID, ContentHash: it.target.ContentHash, Values: vectors[i]})
		}
		return nil
	case errors.As(err, &refused) && len(b) > 1:
		mid := len(b) / 2
		if err := a.embedSplit(ctx, b[:mid], res); err != nil {
			return err
		}
		return a.embedSplit(ctx, b[mid:], res)
	}
	reason := llm.Reason(err)
	a.Logger.Warn("embeddings request failed", "inputs", len(b), "reason", reason, "error", err)
	if llm.IsTransient(reason) {
		if res.reasons == nil {
			res.reasons = map[string]string{}
		}
		for _, it := range b {
			res.transient = append(res.transient, it)
			res.reasons[it.target.ConversationID] = reason
		}
		return nil
	}
	for _, it := range b {
		res.failures[it.target.ConversationID] = reason
	}
	return nil
}

// phaseResult is what a phase reports as it ends: the run's counters and its failed items, read
// under defaultDBRetry.
func (a *Activities) phaseResult(ctx context.Context, runID, phase string) (PhaseResult, error) {
	return retried(ctx, defaultDBRetry(), a.Logger, "count the "+phase+" phase", func(ctx context.Context) (PhaseResult, error) {
		counters, err := a.Store.RunCounters(ctx, runID)
		if err != nil {
			return PhaseResult{}, err
		}
		errs, _, err := a.Store.RunErrors(ctx, runID, pipeline.MaxReportedErrors)
		if err != nil {
			return PhaseResult{}, err
		}
		return PhaseResult{Counters: counters, Errors: errs}, nil
	})
}
