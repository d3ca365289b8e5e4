package activities

import (
	"context"
	"sort"
	"strings"

	"feedbackpipe/store"
)

// Preview is what a dry run would have done, stored durably with the run.
type Preview struct {
	RunID          string          `json:"run_id"`
	Total          int             `json:"total"`
	ByType         map[string]int  `json:"by_type"`
	ByOutcome      map[string]int  `json:"by_outcome"`
	TopSignatures  []SignatureStat `json:"top_signatures"`
	Samples        []PreviewSample `json:"samples"`
	WouldBeStories []SignatureStat `json:"would_be_stories"`
	WouldBeOrphans []SignatureStat `json:"would_be_orphans"`
	// Would-be stories the story review rejects (key, size, reason code), left out of WouldBeStories.
	WouldBeRejected []RejectedGroup `json:"would_be_rejected"`
}

// SignatureStat is a signature with how many conversations carry it.
type SignatureStat struct {
	Signature string `json:"signature"`
	Count     int    `json:"count"`
}

// PreviewSample is one conversation shown in a preview.
type PreviewSample struct {
	ConversationID   string `json:"conversation_id"`
	ConversationType string `json:"conversation_type"`
	Outcome          string `json:"outcome"`
	Signature        string `json:"signature"`
	Snippet          string `json:"snippet"`
}

// Preview sizes.
const (
	previewTopSignatures = 10
	previewSamples       = 10
	previewSnippetChars  = 200
)

// PreviewInput names the dry run.
type PreviewInput struct {
	RunID string
}

// BuildPreview summarises a dry run's extractions, reviews its would-be stories and stores the
// preview. Its work grows with the run (a review round per C would-be stories), so it heartbeats
// from its first query to its last, by stage (loading, reviewing, saving): a worker lost while
// it builds is noticed after the heartbeat timeout, a stop arrives within about a second, and a
// preview that takes longer than any fixed bound is not cut off. Every database call has a
// timeout and is retried when it fails for a transient reason.
func (a *Activities) BuildPreview(ctx context.Context, in PreviewInput) error {
	prog := startProgress(ctx, "loading", 0, a.Config.StallTimeout)
	defer prog.stop()
	rows, err := retried(ctx, loadDBRetry(), a.Logger, "read the dry run's extractions", func(ctx context.Context) ([]store.PreviewRow, error) {
		return a.Store.PreviewRows(ctx, in.RunID)
	})
	if err != nil {
		return err
	}
	p := Preview{RunID: in.RunID, Total: len(rows), ByType: map[string]int{}, ByOutcome: map[string]int{}}
	sigCounts := map[string]int{}
	for _, r := range rows {
		if r.ConversationType != "" {
			p.ByType[r.ConversationType]++
		}
		p.ByOutcome[r.Outcome]++
		if r.Outcome == store.OutcomeTheme {
			sigCounts[r.Signature]++
		}
	}
	stats := sortedStats(sigCounts)
	p.TopSignatures = stats[:min(previewTopSignatures, len(stats))]
	for _, s := range stats {
		if s.Count >= a.Config.Grouping.MinSize {
			p.WouldBeStories = append(p.WouldBeStories, s)
		} else {
			p.WouldBeOrphans = append(p.WouldBeOrphans, s)
		}
	}
	if p.WouldBeStories, p.WouldBeRejected, err = a.previewReviews(ctx, in.RunID, p.WouldBeStories, prog); err != nil {
		return err
	}
	p.Samples = diverseSamples(rows)
	prog.Stage("saving", 0, 1)
	return defaultDBRetry().do(ctx, a.Logger, "save the preview", func(ctx context.Context) error {
		return a.Store.SavePreview(ctx, in.RunID, p)
	})
}

func sortedStats(counts map[string]int) []SignatureStat {
	out := make([]SignatureStat, 0, len(counts))
	for s, n := range counts {
		out = append(out, SignatureStat{Signature: s, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Signature < out[j].Signature
	})
	return out
}

// diverseSamples takes one conversation per type first, then fills up in order.
func diverseSamples(rows []store.PreviewRow) []PreviewSample {
	var out []PreviewSample
	taken := map[string]bool{}
	seenType := map[string]bool{}
	take := func(r store.PreviewRow) {
		text := r.Subject
		if r.FirstMessage != "" {
			text += " — " + r.FirstMessage
		}
		text = strings.Join(strings.Fields(text), " ")
		if rs := []rune(text); len(rs) > previewSnippetChars {
			text = string(rs[:previewSnippetChars])
		}
		out = append(out, PreviewSample{ConversationID: r.ConversationID, ConversationType: r.ConversationType,
			Outcome: r.Outcome, Signature: r.Signature, Snippet: text})
		taken[r.ConversationID] = true
	}
	for _, r := range rows {
		if len(out) < previewSamples && !seenType[r.ConversationType] {
			seenType[r.ConversationType] = true
			take(r)
		}
	}
	for _, r := range rows {
		if len(out) < previewSamples && !taken[r.ConversationID] {
			take(r)
		}
	}
	return out
}
