package activities

import (
	"context"
	"errors"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
	"feedbackpipe/llm"
	"feedbackpipe/signature"
	"feedbackpipe/store"
)

// extractOutcome makes the extraction call for one conversation (or reuses the cached theme) and
// judges the result, without storing it. It returns a nil outcome when ctx ended during the call
// (the item stays without outcome), and an error only for what must stop the batch: a wrong
// configuration (*llm.PermanentError), or a database that cannot decide the signature. Every other failure is the item's own and
// becomes a failed outcome with a short reason code (llm.Reason), never text from the
// conversation or the answer, since failures are reported in Temporal history. release frees
// the caller's concurrency slot as soon as the call returns (but for a wrong configuration).
func (a *Activities) extractOutcome(ctx context.Context, runID string, dryRun bool, conv *conversation.Conversation,
	contentHash string, theme *extraction.Theme, cache *signature.Cache, release func()) (*store.Extraction, error) {
	e := &store.Extraction{
		RunID: runID, ConversationID: conv.ID, ContentHash: contentHash,
		PromptVersion: extraction.PromptVersion, Model: a.LLM.ChatModel(), WriteShared: !dryRun,
	}
	if theme != nil {
		e.Cached = true
		release()
	} else {
		var usage llm.Usage
		var err error
		theme, usage, err = a.LLM.Extract(ctx, conv, knownForPrompt(cache, a.Config.KnownSignatures), checkSignature)
		var perm *llm.PermanentError
		if errors.As(err, &perm) {
			// The slot stays taken until the caller has stopped the batch, so no other call
			// starts against a configuration known to be wrong.
			return nil, perm
		}
		release()
		e.LLMCalls, e.TokensIn, e.TokensOut, e.CostUSD = usage.Calls, usage.TokensIn, usage.TokensOut, usage.CostUSD
		switch {
		case ctx.Err() != nil:
			return nil, nil // stopped: the item stays without outcome and is redone on resume
		case err != nil:
			e.Outcome, e.Detail = store.OutcomeFailed, llm.Reason(err)
			// The full error stays in the worker's log; the stored reason is only its code.
			a.Logger.Warn("extraction failed", "run_id", runID, "conversation_id", conv.ID, "reason", e.Detail, "error", err)
			return e, nil
		}
	}
	e.Theme = theme
	e.ConversationType = theme.ConversationType
	e.ProposedSig = signature.Normalize(theme.IssueSignature)
	if err := a.judge(ctx, e, theme, cache); err != nil {
		return nil, err
	}
	return e, nil
}
