package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"feedbackpipe/store"
)

// Embedding ahead. A conversation's vector depends on its text alone, not on its theme, so an
// extraction batch asks for the vectors of its conversations when it starts, while its chat
// calls run, and stores those of the conversations that came out as themes when it ends. The
// run's last themes are then embedded by the time extraction ends, and the embedding phase
// after it finds (almost) nothing left: the run no longer waits one embeddings latency between
// its last extraction and its stories. Only conversations that need a chat call (no cached
// theme) and have no vector yet are sent, so a re-run over unchanged conversations sends
// nothing. The request is made whatever the outcome, so its usage counts in the run's
// llm_calls and tokens even when some of its vectors are not stored (conversations that were
// not actionable or were filtered). It is an optimisation only: a failed request is logged and
// dropped, and the embedding phase embeds (or fails, with its reason) what is still missing.
// --concurrency bounds chat calls; these requests, like the embedding phase's, are outside it.

// aheadBatchKeyPrefix starts the usage key of a batch's request, apart from the phase's keys.
const aheadBatchKeyPrefix = "ahead:"

// aheadKey is the usage key of the batch's embedding ahead; "" for a dry run, which embeds none.
func (in ExtractBatchInput) aheadKey() string {
	if in.DryRun {
		return ""
	}
	return fmt.Sprintf("%s%d-%d", aheadBatchKeyPrefix, in.From, in.To)
}

// embeddingAhead is a batch's embeddings request in flight.
type embeddingAhead struct {
	done   chan struct{}
	res    embedResult
	cancel context.CancelFunc
}

// embedAhead starts embedding, in the background, the batch's conversations that need a chat call
// and have no vector yet; nil when none needs a call (or the run is a dry run, which stores no
// vectors).
func (a *Activities) embedAhead(ctx context.Context, in ExtractBatchInput, b *extractionBatch) *embeddingAhead {
	if in.DryRun || !a.Config.EmbedAhead {
		return nil
	}
	var targets []store.EmbedTarget
	texts := map[string]string{}
	for _, c := range b.todo {
		if b.cached[c.ID] != nil {
			continue
		}
		text := c.Digest(a.Config.DigestChars)
		if strings.TrimSpace(text) == "" {
			continue
		}
		targets = append(targets, store.EmbedTarget{ConversationID: c.ID, ContentHash: b.hashes[c.ID]})
		texts[c.ID] = text
	}
	if len(targets) == 0 {
		return nil
	}
	reqCtx, cancel := context.WithCancel(ctx)
	ah := &embeddingAhead{done: make(chan struct{}), cancel: cancel, res: embedResult{failures: map[string]string{}}}
	go func() {
		defer close(ah.done)
		// Which conversations still need a vector is asked here, not before the batch's calls
		// start: the calls do not wait for it.
		dbCtx, cancelDB := dbContext(reqCtx)
		missing, err := a.Store.Unembedded(dbCtx, a.LLM.EmbeddingModel(), targets)
		cancelDB()
		if err != nil {
			if reqCtx.Err() == nil {
				a.Logger.Info("embedding ahead skipped", "run_id", in.RunID, "error", err)
			}
			return
		}
		items := make(embeddingBatch, len(missing))
		for i, t := range missing {
			items[i] = embedItem{target: t, text: texts[t.ConversationID]}
		}
		// A batch's conversations fit one request but for very long texts; what fails is left to
		// the embedding phase.
		for _, part := range a.packEmbeddingBatches(items) {
			if reqCtx.Err() != nil {
				return
			}
			_ = a.embedSplit(reqCtx, part, &ah.res)
		}
	}()
	return ah
}

// aheadGrace is how long a batch whose calls are done still waits for its embeddings request
// (sent when the batch started, so normally answered long before) before abandoning it: a slow
// or stuck embeddings endpoint delays a batch by this much at most, never by its retries.
const aheadGrace = 5 * time.Second

// finish waits for the request and stores the vectors of the batch's conversations that are
// themes of the run now, with the request's usage. A stopped batch abandons the request, and so
// does one whose request is not answered within aheadGrace (its usage so far still counts).
func (ah *embeddingAhead) finish(ctx context.Context, a *Activities, in ExtractBatchInput) error {
	if ah == nil {
		return nil
	}
	if ctx.Err() != nil {
		ah.cancel()
	}
	select {
	case <-ah.done:
	case <-time.After(aheadGrace):
		a.Logger.Info("embedding ahead abandoned: no answer in time", "run_id", in.RunID, "grace", aheadGrace)
		ah.cancel()
		<-ah.done
	}
	ah.cancel()
	if ah.res.usage.Calls == 0 {
		return nil
	}
	saveCtx, cancel := detachedDBContext(ctx)
	defer cancel()
	return a.Store.SaveEmbeddingBatch(saveCtx, &store.EmbeddingBatch{
		RunID: in.RunID, Model: a.LLM.EmbeddingModel(), BatchKey: in.aheadKey(), ThemedOnly: true,
		Vectors: ah.res.vectors, LLMCalls: ah.res.usage.Calls, TokensIn: ah.res.usage.TokensIn, CostUSD: ah.res.usage.CostUSD,
	})
}
