package activities

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.temporal.io/sdk/temporal"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
	"feedbackpipe/llm"
	"feedbackpipe/pipeline"
	"feedbackpipe/signature"
	"feedbackpipe/store"
)

// ExtractBatchInput names a range of a run's selection: IDs and numbers only.
type ExtractBatchInput struct {
	RunID       string
	From        int // first seq, inclusive
	To          int // last seq, exclusive
	DryRun      bool
	Concurrency int // the run's --concurrency
	Slots       int // LLM calls this batch may make at once (0: scheduled by the released shape)
}

// BatchResult is a batch's account, computed from the rows stored for its items.
type BatchResult struct {
	Items    int
	Counters pipeline.Counters
	Errors   []pipeline.ItemError
}

// ErrTypeLLMConfig is the application error type of permanent LLM API failures (bad key, bad
// model): not retried, they fail the run with a message saying what to fix.
const ErrTypeLLMConfig = "LLMConfiguration"

// failFastOnConfig turns a permanent API answer into a non-retryable error, so the run fails at
// once with the message saying what to fix; other errors are left to Temporal's retries.
func failFastOnConfig(err error) error {
	var perm *llm.PermanentError
	if errors.As(err, &perm) {
		return temporal.NewNonRetryableApplicationError(perm.Error(), ErrTypeLLMConfig, perm)
	}
	return err
}

// ExtractBatch extracts a theme from every conversation of the batch that has no outcome yet in
// this run, so a retried batch resumes where the last attempt stopped and redoes nothing. It makes
// at most in.Slots LLM calls at once: the workflow hands out the run's concurrency as slots to
// its batches, so the run's calls in flight stay within --concurrency on any number of workers.
// It embeds its conversations ahead, while its calls run (embed_ahead.go).
// On cancellation (a stop) it stops taking items, abandons calls in flight, and keeps every
// result already stored. It heartbeats its progress item by item.
func (a *Activities) ExtractBatch(ctx context.Context, in ExtractBatchInput) (BatchResult, error) {
	prog := startProgress(ctx, "loading", in.To-in.From, a.Config.StallTimeout)
	defer prog.stop()
	b, err := a.loadBatch(ctx, in)
	if err != nil {
		return BatchResult{}, err
	}
	prog.Stage("extracting", len(b.ids)-len(b.todo), len(b.ids))
	ahead := a.embedAhead(ctx, in, b)
	err = a.extractItems(ctx, b, in.callSlots(), prog, func(ctx context.Context, conv *conversation.Conversation, release func()) error {
		return a.extractOne(ctx, in, conv, b.hashes[conv.ID], b.cached[conv.ID], b.cache, release)
	})
	if aheadErr := ahead.finish(ctx, a, in); err == nil {
		err = aheadErr
	}
	if err != nil {
		return BatchResult{}, err
	}
	return a.batchResult(ctx, in.RunID, b.ids, in.aheadKey())
}

// extractItems runs one for each conversation of the batch still to do, at most slots at once.
// one gets a release that frees its slot as soon as its LLM call returned, so storing a result
// does not hold up the next call. The first error one returns stops the batch (a wrong
// configuration fails fast); on cancellation (a stop) it stops taking items and waits for those
// in flight, which keep what they stored.
func (a *Activities) extractItems(ctx context.Context, b *extractionBatch, slots int, prog *progress,
	one func(ctx context.Context, conv *conversation.Conversation, release func()) error) error {
	workCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, max(slots, 1))
	var wg sync.WaitGroup
	for _, conv := range b.todo {
		acquired := false
		select {
		case sem <- struct{}{}:
			acquired = true
		case <-workCtx.Done():
		}
		if workCtx.Err() != nil {
			if acquired {
				<-sem // select may take the slot even when the batch was stopped: give it back
			}
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			release := sync.OnceFunc(func() { <-sem })
			defer release()
			if err := one(workCtx, conv, release); err != nil {
				cancel(err)
				return
			}
			prog.Step(1)
		}()
	}
	wg.Wait()
	if cause := context.Cause(workCtx); cause != nil && ctx.Err() == nil {
		return failFastOnConfig(cause)
	}
	return ctx.Err()
}

// batchResult is the account of ids in the run, computed from their stored rows: their
// extractions and, with an aheadKey, the vectors stored for them and the usage of the batch's
// embedding ahead.
func (a *Activities) batchResult(ctx context.Context, runID string, ids []string, aheadKey string) (BatchResult, error) {
	ctx, cancel := dbContext(ctx)
	defer cancel()
	counters, errs, err := a.Store.BatchAccount(ctx, runID, ids, aheadKey)
	if err != nil {
		return BatchResult{}, err
	}
	return BatchResult{Items: len(ids), Counters: counters, Errors: errs}, nil
}

// callSlots is how many LLM calls the batch may make at once. Batches scheduled by the released
// workflow shape carry no slots: they get their share of the run's concurrency among the batches
// that shape keeps in flight, so runs in flight during a deploy stay within their limit too.
func (in ExtractBatchInput) callSlots() int {
	if in.Slots > 0 {
		return in.Slots
	}
	c := max(in.Concurrency, 1)
	legacyInFlight := max(3, 4*c/max(in.To-in.From, 1)+1)
	return max(1, c/legacyInFlight)
}

// extractionBatch is what a batch loads before its calls.
type extractionBatch struct {
	ids    []string                     // the batch's conversations, in seq order
	todo   []*conversation.Conversation // those without an outcome in the run yet
	hashes map[string]string            // content hash by conversation
	cached map[string]*extraction.Theme // themes extracted from the same content before
	cache  *signature.Cache             // the run's signature cache in this worker
}

// loadBatch loads the batch's conversations with one query (store.ExtractionBatchItems): those
// without an outcome in the run yet are to do, each with its content hash and the theme cached
// for that content, if any; and the run's signature cache.
func (a *Activities) loadBatch(ctx context.Context, in ExtractBatchInput) (*extractionBatch, error) {
	dbCtx, cancel := dbContext(ctx)
	defer cancel()
	items, err := a.Store.ExtractionBatchItems(dbCtx, in.RunID, in.From, in.To, extraction.PromptVersion, a.LLM.ChatModel())
	if err != nil {
		return nil, err
	}
	b := &extractionBatch{ids: make([]string, len(items)), hashes: map[string]string{}, cached: map[string]*extraction.Theme{}}
	for i, it := range items {
		b.ids[i] = it.ConversationID
		if it.Conversation == nil {
			continue // extracted already, or deleted since selection: nothing to extract
		}
		h := it.Conversation.ContentHash()
		b.todo = append(b.todo, it.Conversation)
		b.hashes[it.ConversationID] = h
		if it.Cached != nil && it.ContentHash == h {
			b.cached[it.ConversationID] = it.Cached
		}
	}
	if b.cache, err = a.Signatures.ForRun(dbCtx, in.RunID); err != nil {
		return nil, err
	}
	return b, nil
}

// extractOne extracts, canonicalizes and stores one conversation's outcome. It returns an error
// only for what must stop the batch: a wrong configuration (*llm.PermanentError), or a failure
// to store. An input the API refuses, or a call that fails after its retries, fails that item
// alone, with its reason code.
// A cached theme (same content, prompt version and model, from any run) is reused without a call.
// The run's concurrency slot bounds LLM calls in flight: release frees it as soon as the call
// returns, so storing the result does not hold up the next call.
func (a *Activities) extractOne(ctx context.Context, in ExtractBatchInput, conv *conversation.Conversation,
	contentHash string, theme *extraction.Theme, cache *signature.Cache, release func()) error {
	e, err := a.extractOutcome(ctx, in.RunID, in.DryRun, conv, contentHash, theme, cache, release)
	if err != nil || e == nil {
		return err
	}
	// Saved even if a stop arrives now: the call was paid for, its result is kept.
	saveCtx, cancel := detachedDBContext(ctx)
	defer cancel()
	return a.Store.SaveExtraction(saveCtx, e)
}

// judge decides the outcome of a valid theme: not actionable, filtered with a reason, or a theme
// under its canonical signature. The quality gate comes first, so a filtered theme never mints a
// signature. In a real run the worker's signature cache is only the fast front: what it cannot
// match is decided in Postgres under the product area's lock (store.CanonicalSignature), so every
// worker of the run agrees on one canonical signature. A dry run writes nothing shared, so it
// mints in its own cache. It returns an error only when the database cannot decide; the decision
// is taken even if a stop arrives now, since the call was paid for.
func (a *Activities) judge(ctx context.Context, e *store.Extraction, theme *extraction.Theme, cache *signature.Cache) error {
	if !extraction.IsActionable(theme.ConversationType, a.Config.Actionable) {
		e.Outcome = store.OutcomeNotActionable
		return nil
	}
	e.QualityScore = extraction.Quality(theme)
	if e.QualityScore < a.Config.QualityThreshold {
		e.Outcome, e.Signature = store.OutcomeFiltered, e.ProposedSig
		e.Detail = fmt.Sprintf("quality score %.2f below %.2f for signature %s", e.QualityScore, a.Config.QualityThreshold, e.ProposedSig)
		return nil
	}
	var res signature.Resolution
	var err error
	if e.WriteShared {
		res, err = a.Store.CanonicalSignature(context.WithoutCancel(ctx), cache, theme.IssueSignature, theme.ProductArea,
			e.RunID, e.ConversationID)
	} else {
		res, err = cache.Resolve(theme.IssueSignature, theme.ProductArea, e.ConversationID)
	}
	var notSpecific *signature.NotSpecificError
	switch {
	case errors.As(err, &notSpecific):
		e.Outcome, e.Detail, e.Signature = store.OutcomeFiltered, "blocklisted signature: "+err.Error(), e.ProposedSig
		return nil
	case err != nil:
		return err
	}
	e.Signature, e.ProductArea, e.Minted, e.SignatureRun = res.Canonical, res.ProductArea, res.Minted, res.FirstRunID
	if res.Alias {
		e.AliasOf = res.Canonical
	}
	e.Outcome = store.OutcomeTheme
	if e.WriteShared {
		a.syncSightings(context.WithoutCancel(ctx), e.RunID, cache)
	}
	return nil
}

// checkSignature asks for a corrective retry when an actionable theme's signature is generic.
func checkSignature(t *extraction.Theme) error {
	if t.ConversationType != extraction.TypeProductIssue && t.ConversationType != extraction.TypeFeatureRequest &&
		t.ConversationType != extraction.TypeHowToQuestion {
		return nil
	}
	if err := signature.CheckSpecific(signature.Normalize(t.IssueSignature)); err != nil {
		return fmt.Errorf("issue_signature: %w", err)
	}
	return nil
}

// knownForPrompt is the run's established signatures offered to the next prompt (see
// signature.Cache.Known: only signatures seen in at least two distinct conversations, so one
// crafted conversation cannot plant a signature in later prompts). Signatures and product areas
// are normalized snake_case, so nothing else of a conversation reaches the prompt through them.
func knownForPrompt(cache *signature.Cache, limit int) []extraction.KnownSignature {
	entries := cache.Known(limit)
	out := make([]extraction.KnownSignature, len(entries))
	for i, e := range entries {
		out[i] = extraction.KnownSignature{Signature: e.Signature, ProductArea: e.ProductArea, Count: e.Count}
	}
	return out
}
