package activities

import (
	"context"
	"fmt"
	"sync"
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

	workCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, max(in.Concurrency, 1))
	var wg sync.WaitGroup
	for _, conv := range b.todo {
		select {
		case sem <- struct{}{}:
		case <-workCtx.Done():
		}
		if workCtx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			release := sync.OnceFunc(func() { <-sem })
			defer release()
			if err := a.retryOne(workCtx, in, conv, b, release); err != nil {
				cancel(err)
				return
			}
			prog.Step(1)
		}()
	}
	wg.Wait()
	if cause := context.Cause(workCtx); cause != nil && ctx.Err() == nil {
		return BatchResult{}, failFastOnConfig(cause)
	}
	if ctx.Err() != nil {
		return BatchResult{}, ctx.Err()
	}
	dbCtx, done := dbContext(ctx)
	defer done()
	counters, errs, err := a.Store.ExtractionCounters(dbCtx, in.RunID, b.ids)
	if err != nil {
		return BatchResult{}, err
	}
	return BatchResult{Items: len(b.ids), Counters: counters, Errors: errs}, nil
}

// loadRetries loads the items to retry like loadBatch loads a batch's.
func (a *Activities) loadRetries(ctx context.Context, in RetryFailedInput) (*extractionBatch, error) {
	ctx, cancel := dbContext(ctx)
	defer cancel()
	ids, err := a.Store.TransientFailures(ctx, in.RunID)
	if err != nil || len(ids) == 0 {
		return &extractionBatch{}, err
	}
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
	if b.cache, err = a.Signatures.ForRun(ctx, in.RunID); err != nil {
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
