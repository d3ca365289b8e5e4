package activities

import (
	"context"
	"fmt"
	"time"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
	"feedbackpipe/llm"
	"feedbackpipe/store"
)

// transientRetryPause is how long a phase waits before its second pass over the items that failed
// for a transient reason, so a provider that was briefly overloaded gets a moment to recover.
const transientRetryPause = 2 * time.Second

// RetryFailedInput names the run whose transient extraction failures to retry.
type RetryFailedInput struct {
	RunID       string
	DryRun      bool
	Concurrency int // LLM calls in flight at most
}

// RetryFailedExtractions re-extracts, once, the run's items whose stored outcome is a failure
// for a transient reason (rate limits, 5xx, timeouts that outlasted the call's retries during a
// provider outage). The workflow calls it at the end of the extraction phase. Each item's new
// outcome replaces its failure; a second transient failure is kept, marked retried, so it is not
// retried again; a failure for the item's own reason (refused, invalid output) is never retried.
// The usage of the failed first attempt stays counted in the run's totals (run_llm_usage).
//
// It returns the account of the items it retried, computed from their stored rows like
// ExtractBatch's: their outcomes now, and the usage of the retry (the first attempt's usage is in
// the run's totals, which RunCounters computes). A retried activity picks up what is left,
// including an item whose retry was interrupted between clearing its failure and storing its
// new outcome. On cancellation it stops taking items and keeps what is stored.
func (a *Activities) RetryFailedExtractions(ctx context.Context, in RetryFailedInput) (BatchResult, error) {
	prog := startProgress(ctx, "loading", 0, a.Config.StallTimeout)
	defer prog.stop()
	b, err := a.loadRetries(ctx, in)
	if err != nil || len(b.ids) == 0 {
		return BatchResult{}, err
	}
	if err := sleepCtx(ctx, transientRetryPause); err != nil {
		return BatchResult{}, err
	}
	prog.Stage("retrying", 0, len(b.ids))
	err = a.extractItems(ctx, b, in.Concurrency, prog, func(ctx context.Context, conv *conversation.Conversation, release func()) error {
		return a.retryOne(ctx, in, conv, b, release)
	})
	if err != nil {
		return BatchResult{}, err
	}
	return a.batchResult(ctx, in.RunID, b.ids, "")
}

// loadRetries loads the items to retry like loadBatch loads a batch's.
func (a *Activities) loadRetries(ctx context.Context, in RetryFailedInput) (*extractionBatch, error) {
	dbCtx, cancel := dbContext(ctx)
	defer cancel()
	ids, err := a.Store.TransientFailures(dbCtx, in.RunID)
	if err != nil || len(ids) == 0 {
		return &extractionBatch{}, err
	}
	return a.loadItems(ctx, in.RunID, ids)
}

// loadItems loads what extracting the conversations ids needs: the conversations (one deleted
// since selection has nothing to extract), their content hashes, themes extracted from the same
// content before, and the run's signature cache.
func (a *Activities) loadItems(ctx context.Context, runID string, ids []string) (*extractionBatch, error) {
	ctx, cancel := dbContext(ctx)
	defer cancel()
	convs, err := a.Store.GetConversations(ctx, ids)
	if err != nil {
		return nil, err
	}
	b := &extractionBatch{ids: ids, hashes: make(map[string]string, len(convs))}
	for _, id := range ids {
		if c := convs[id]; c != nil {
			b.todo = append(b.todo, c)
			b.hashes[id] = c.ContentHash()
		}
	}
	if b.cached, err = a.Store.CachedThemes(ctx, b.hashes, extraction.PromptVersion, a.LLM.ChatModel()); err != nil {
		return nil, err
	}
	if b.cache, err = a.Signatures.ForRun(ctx, runID); err != nil {
		return nil, err
	}
	return b, nil
}

// retryOne extracts one item again and replaces its transient failure with the new outcome.
func (a *Activities) retryOne(ctx context.Context, in RetryFailedInput, conv *conversation.Conversation,
	b *extractionBatch, release func()) error {
	id := conv.ID
	e, err := a.extractOutcome(ctx, in.RunID, in.DryRun, conv, b.hashes[id], b.cached[id], b.cache, release)
	if err != nil || e == nil {
		return err
	}
	if e.Outcome == store.OutcomeFailed && llm.IsTransient(e.Detail) {
		e.Detail += store.RetriedSuffix
	}
	// Stored even if a stop arrives now: the call was paid for, its result is kept.
	saveCtx, cancel := detachedDBContext(ctx)
	defer cancel()
	if err := a.Store.ClearTransientFailure(saveCtx, in.RunID, id); err != nil {
		return err
	}
	if err := a.Store.SaveExtraction(saveCtx, e); err != nil {
		return fmt.Errorf("store retried extraction: %w", err)
	}
	return nil
}

// sleepCtx waits d, or less when ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
