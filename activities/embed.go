package activities

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"feedbackpipe/llm"
	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

// EmbedInput names the run whose themes to embed.
type EmbedInput struct {
	RunID string
}

// PhaseResult is a phase's account, computed from the stored rows.
type PhaseResult struct {
	Counters pipeline.Counters
	Errors   []pipeline.ItemError
}

// EmbedThemes embeds the digest of every conversation of the run's themes that has no vector yet
// for this model and content. Inputs are packed into requests of at most EmbedBatchInputs inputs
// and about EmbedBatchTokens tokens, a few in flight. Vectors are stored as each request returns,
// so a retried or resumed phase only embeds what is still missing.
func (a *Activities) EmbedThemes(ctx context.Context, in EmbedInput) (PhaseResult, error) {
	model := a.LLM.EmbeddingModel()
	targets, err := a.Store.ThemesToEmbed(ctx, in.RunID, model)
	if err != nil {
		return PhaseResult{}, err
	}
	batches, err := a.packEmbeddingBatches(ctx, targets)
	if err != nil {
		return PhaseResult{}, err
	}
	var progress atomic.Int64
	stopBeating := keepBeating(ctx, &progress)
	defer stopBeating()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(a.Config.EmbedInFlight, 1))
	for _, b := range batches {
		g.Go(func() error {
			if err := a.embedBatch(gctx, in.RunID, model, b); err != nil {
				return err
			}
			progress.Add(int64(len(b.targets)))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return PhaseResult{}, failFastOnConfig(err)
	}
	return a.phaseResult(ctx, in.RunID)
}

type embeddingBatch struct {
	targets []store.EmbedTarget
	texts   []string
}

// packEmbeddingBatches loads digests and packs them under the input and token limits.
func (a *Activities) packEmbeddingBatches(ctx context.Context, targets []store.EmbedTarget) ([]embeddingBatch, error) {
	var batches []embeddingBatch
	var cur embeddingBatch
	tokens := 0
	const loadChunk = 1000
	for start := 0; start < len(targets); start += loadChunk {
		part := targets[start:min(start+loadChunk, len(targets))]
		ids := make([]string, len(part))
		for i, t := range part {
			ids[i] = t.ConversationID
		}
		convs, err := a.Store.GetConversations(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, t := range part {
			c := convs[t.ConversationID]
			if c == nil {
				continue
			}
			text := c.Digest(a.Config.DigestChars)
			est := len(text)/4 + 1
			if len(cur.targets) > 0 && (len(cur.targets) >= a.Config.EmbedBatchInputs || tokens+est > a.Config.EmbedBatchTokens) {
				batches = append(batches, cur)
				cur, tokens = embeddingBatch{}, 0
			}
			cur.targets = append(cur.targets, t)
			cur.texts = append(cur.texts, text)
			tokens += est
		}
	}
	if len(cur.targets) > 0 {
		batches = append(batches, cur)
	}
	return batches, nil
}

// embedBatch makes one embeddings request and stores its outcome. A request that fails after its
// retries marks its inputs failed (counted, error kept) rather than failing the phase.
func (a *Activities) embedBatch(ctx context.Context, runID, model string, b embeddingBatch) error {
	vectors, usage, err := a.LLM.Embed(ctx, b.texts)
	var perm *llm.PermanentError
	switch {
	case errors.As(err, &perm):
		return perm
	case ctx.Err() != nil:
		return ctx.Err()
	}
	out := &store.EmbeddingBatch{
		RunID: runID, Model: model, BatchKey: b.targets[0].ConversationID,
		LLMCalls: usage.Calls, TokensIn: usage.TokensIn, CostUSD: usage.CostUSD,
	}
	if err != nil {
		out.Failures = make(map[string]string, len(b.targets))
		for _, t := range b.targets {
			out.Failures[t.ConversationID] = fmt.Sprintf("embedding request failed: %v", err)
		}
	} else {
		for i, t := range b.targets {
			out.Vectors = append(out.Vectors, store.Vector{ConversationID: t.ConversationID, ContentHash: t.ContentHash, Values: vectors[i]})
		}
	}
	return a.Store.SaveEmbeddingBatch(context.WithoutCancel(ctx), out)
}

func (a *Activities) phaseResult(ctx context.Context, runID string) (PhaseResult, error) {
	counters, err := a.Store.RunCounters(ctx, runID)
	if err != nil {
		return PhaseResult{}, err
	}
	errs, _, err := a.Store.RunErrors(ctx, runID, pipeline.MaxReportedErrors)
	if err != nil {
		return PhaseResult{}, err
	}
	return PhaseResult{Counters: counters, Errors: errs}, nil
}
