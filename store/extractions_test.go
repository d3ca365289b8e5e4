package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/extraction"
	"feedbackpipe/pipeline"
	"feedbackpipe/signature"
	"feedbackpipe/store"
)

// extr builds a run's extraction of a conversation; themes and filtered items carry a theme.
func extr(runID, convID, outcome, sig string, writeShared bool) *store.Extraction {
	e := &store.Extraction{
		RunID: runID, ConversationID: convID, Outcome: outcome, Signature: sig, ProposedSig: sig,
		ContentHash: "hash-" + convID, PromptVersion: "v1", Model: "model-a", WriteShared: writeShared,
		LLMCalls: 1, TokensIn: 100, TokensOut: 20, CostUSD: 0.001, ProductArea: "publishing", QualityScore: 0.9,
	}
	switch outcome {
	case store.OutcomeTheme, store.OutcomeFiltered, store.OutcomeNotActionable:
		e.Theme = theme(sig, "scheduler")
		e.ConversationType = e.Theme.ConversationType
	case store.OutcomeFailed:
		e.Detail = "invalid model output"
		e.Signature, e.ProposedSig = "", ""
	}
	return e
}

func TestSaveExtraction(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 8)
	createRun(t, st, "r1", false)
	createRun(t, st, "r2", false)
	createRun(t, st, "dry", true)

	type rowCounts struct{ extractions, themes, signatures, aliases int }
	rows := func(runID string) rowCounts {
		return rowCounts{
			extractions: count(t, st, `SELECT count(*) FROM extractions WHERE run_id = $1`, runID),
			themes:      count(t, st, `SELECT count(*) FROM themes WHERE run_id = $1`, runID),
			signatures:  count(t, st, `SELECT count(*) FROM signatures`),
			aliases:     count(t, st, `SELECT count(*) FROM signature_aliases`),
		}
	}
	minted := func(runID, convID string) bool {
		var m bool
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT minted FROM extractions WHERE run_id = $1 AND conversation_id = $2`,
			runID, convID).Scan(&m))
		return m
	}
	outcome := func(runID, convID string) string {
		var o string
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT outcome FROM extractions WHERE run_id = $1 AND conversation_id = $2`,
			runID, convID).Scan(&o))
		return o
	}

	aliased := extr("r1", "c03", store.OutcomeTheme, "instagram_post_not_published", true)
	aliased.ProposedSig, aliased.AliasOf = "instagram_posts_not_publishing", "instagram_post_not_published"
	dryTheme := extr("dry", "c01", store.OutcomeTheme, "dry_run_only_signature", false)
	dryTheme.Minted = true // the dry run's cache minted it
	realClaimsMinted := extr("r2", "c05", store.OutcomeTheme, "instagram_post_not_published", true)
	realClaimsMinted.Minted = true // a real run's cache claim is ignored: the signatures row decides
	retried := extr("r1", "c01", store.OutcomeFailed, "", true)

	// The steps run in order: each sees what the previous ones stored.
	steps := []struct {
		name       string
		e          *store.Extraction
		run        string
		want       rowCounts
		wantMinted bool
	}{
		{"theme of a real run writes extraction, signature and theme",
			extr("r1", "c01", store.OutcomeTheme, "instagram_post_not_published", true), "r1", rowCounts{1, 1, 1, 0}, true},
		{"saving the same item again changes nothing",
			extr("r1", "c01", store.OutcomeTheme, "instagram_post_not_published", true), "r1", rowCounts{1, 1, 1, 0}, true},
		{"a retry with another outcome does not replace the first", retried, "r1", rowCounts{1, 1, 1, 0}, true},
		{"second theme of an existing signature is not minted",
			extr("r1", "c02", store.OutcomeTheme, "instagram_post_not_published", true), "r1", rowCounts{2, 2, 1, 0}, false},
		{"alias row when AliasOf is set", aliased, "r1", rowCounts{3, 3, 1, 1}, false},
		{"a new signature is minted", extr("r1", "c04", store.OutcomeTheme, "linkedin_page_missing", true), "r1", rowCounts{4, 4, 2, 1}, true},
		{"filtered item writes only its extraction", extr("r1", "c06", store.OutcomeFiltered, "low_quality_signature", true), "r1", rowCounts{5, 4, 2, 1}, false},
		{"not actionable writes only its extraction", extr("r1", "c07", store.OutcomeNotActionable, "", true), "r1", rowCounts{6, 4, 2, 1}, false},
		{"failed writes only its extraction", extr("r1", "c08", store.OutcomeFailed, "", true), "r1", rowCounts{7, 4, 2, 1}, false},
		{"second run reusing a signature mints nothing", realClaimsMinted, "r2", rowCounts{1, 1, 2, 1}, false},
		{"dry run writes only its extraction row, keeping the cache's minted", dryTheme, "dry", rowCounts{1, 0, 2, 1}, true},
	}
	for _, step := range steps {
		require.NoError(t, st.SaveExtraction(ctx, step.e), step.name)
		assert.Equal(t, step.want, rows(step.run), step.name)
		assert.Equal(t, step.wantMinted, minted(step.e.RunID, step.e.ConversationID), step.name)
	}
	assert.Equal(t, store.OutcomeTheme, outcome("r1", "c01"), "first stored outcome wins")

	var canonical, firstRun string
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT canonical, first_run_id FROM signature_aliases WHERE alias = $1`,
		"instagram_posts_not_publishing").Scan(&canonical, &firstRun))
	assert.Equal(t, "instagram_post_not_published", canonical)
	assert.Equal(t, "r1", firstRun)
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT first_run_id FROM signatures WHERE signature = $1`,
		"instagram_post_not_published").Scan(&firstRun))
	assert.Equal(t, "r1", firstRun)
	assert.Zero(t, count(t, st, `SELECT count(*) FROM signatures WHERE signature IN ('dry_run_only_signature', 'low_quality_signature')`))

	var proposed, sig, area string
	var quality float64
	require.NoError(t, st.Pool().QueryRow(ctx, `
		SELECT proposed_signature, issue_signature, product_area, quality_score FROM themes
		WHERE run_id = 'r1' AND conversation_id = 'c03'`).Scan(&proposed, &sig, &area, &quality))
	assert.Equal(t, []string{"instagram_posts_not_publishing", "instagram_post_not_published", "publishing"}, []string{proposed, sig, area})
	assert.InDelta(t, 0.9, quality, 1e-6)

	t.Run("RunCounters", func(t *testing.T) {
		c, err := st.RunCounters(ctx, "r1")
		require.NoError(t, err)
		assert.Equal(t, pipeline.Counters{
			ThemesExtracted: 4, ThemesNew: 2, ThemesFiltered: 1, ExtractionFailed: 1, NotActionable: 1,
			LLMCalls: 7, TokensIn: 700, TokensOut: 140, CostUSD: 0.007,
		}, roundCost(c))
		c, err = st.RunCounters(ctx, "r2")
		require.NoError(t, err)
		assert.Equal(t, 1, c.ThemesExtracted)
		assert.Zero(t, c.ThemesNew, "the signature existed before r2")
		c, err = st.RunCounters(ctx, "dry")
		require.NoError(t, err)
		assert.Equal(t, 1, c.ThemesExtracted)
		assert.Equal(t, 1, c.ThemesNew, "a dry run counts what its cache minted")
	})

	t.Run("BatchAccount of a subset", func(t *testing.T) {
		c, errs, err := st.BatchAccount(ctx, "r1", []string{"c01", "c02", "c06", "c08", "not-in-run"}, "")
		require.NoError(t, err)
		assert.Equal(t, pipeline.Counters{
			ThemesExtracted: 2, ThemesNew: 1, ThemesFiltered: 1, ExtractionFailed: 1,
			LLMCalls: 4, TokensIn: 400, TokensOut: 80, CostUSD: 0.004,
		}, roundCost(c))
		assert.Equal(t, []pipeline.ItemError{{Phase: "extraction", ID: "c08", Error: "invalid model output"}}, errs)
	})

	t.Run("RunErrors", func(t *testing.T) {
		errs, warns, err := st.RunErrors(ctx, "r1", 10)
		require.NoError(t, err)
		assert.Equal(t, []pipeline.ItemError{{Phase: "extraction", ID: "c08", Error: "invalid model output"}}, errs)
		assert.Len(t, warns, 1)
	})

	t.Run("LoadSignatures", func(t *testing.T) {
		sigs, aliases, err := st.LoadSignatures(ctx)
		require.NoError(t, err)
		assert.Equal(t, []signature.Entry{
			{Signature: "instagram_post_not_published", ProductArea: "publishing", Count: 4, Seen: []string{"c01", "c02"}, FirstRunID: "r1"},
			{Signature: "linkedin_page_missing", ProductArea: "publishing", Count: 1, Seen: []string{"c04"}, FirstRunID: "r1"},
		}, sigs)
		assert.Equal(t, map[string]string{"instagram_posts_not_publishing": "instagram_post_not_published"}, aliases)
	})

	t.Run("FinishRun stores the counters", func(t *testing.T) {
		ended := time.Now().UTC().Truncate(time.Microsecond)
		c, err := st.FinishRun(ctx, "r1", pipeline.StatusCompleted, pipeline.PhaseCompleted, "", ended)
		require.NoError(t, err)
		run, err := st.GetRun(ctx, "r1")
		require.NoError(t, err)
		assert.Equal(t, pipeline.StatusCompleted, run.Status)
		assert.Equal(t, roundCost(c), roundCost(run.Counters))
		require.NotNil(t, run.EndedAt)
		assert.True(t, ended.Equal(*run.EndedAt))
	})
}

// roundCost rounds the cost to the column's precision so sums compare exactly.
func roundCost(c pipeline.Counters) pipeline.Counters {
	c.CostUSD = float64(int64(c.CostUSD*1e6+0.5)) / 1e6
	return c
}

func TestCachedTheme(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 2)
	for _, id := range []string{"r1", "r2", "r3", "r4"} {
		createRun(t, st, id, false)
	}
	save := func(e *store.Extraction, at time.Time) {
		t.Helper()
		require.NoError(t, st.SaveExtraction(ctx, e))
		_, err := st.Pool().Exec(ctx, `UPDATE extractions SET extracted_at = $3 WHERE run_id = $1 AND conversation_id = $2`,
			e.RunID, e.ConversationID, at)
		require.NoError(t, err)
	}
	older := extr("r1", "c01", store.OutcomeTheme, "older_signature_value", true)
	save(older, base)
	newer := extr("r2", "c01", store.OutcomeFiltered, "newer_signature_value", true)
	save(newer, base.Add(time.Hour))
	// The newest row of all is a failure that still carries a theme: it must not be returned.
	failed := extr("r3", "c01", store.OutcomeFailed, "", true)
	failed.Theme = theme("failed_signature_value", "scheduler")
	save(failed, base.Add(2*time.Hour))
	// A newer row under another prompt version is not this cache's.
	otherPrompt := extr("r4", "c01", store.OutcomeTheme, "other_prompt_signature", true)
	otherPrompt.PromptVersion = "v2"
	save(otherPrompt, base.Add(3*time.Hour))

	cases := []struct {
		name                      string
		conv, hash, prompt, model string
		wantSig                   string // "" for no cached theme
	}{
		{"same content, prompt and model: newest non-failed", "c01", "hash-c01", "v1", "model-a", "newer_signature_value"},
		{"other prompt version has its own cache", "c01", "hash-c01", "v2", "model-a", "other_prompt_signature"},
		{"changed content", "c01", "hash-changed", "v1", "model-a", ""},
		{"unknown prompt version", "c01", "hash-c01", "v3", "model-a", ""},
		{"other model", "c01", "hash-c01", "v1", "model-b", ""},
		{"other conversation with the same hash", "c02", "hash-c01", "v1", "model-a", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cachedTheme(ctx, st, tc.conv, tc.hash, tc.prompt, tc.model)
			require.NoError(t, err)
			if tc.wantSig == "" {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.Equal(t, tc.wantSig, got.IssueSignature)
			assert.Equal(t, theme(tc.wantSig, "scheduler"), got, "the whole theme round-trips")
		})
	}

	t.Run("only failures means no cache", func(t *testing.T) {
		only := extr("r1", "c02", store.OutcomeFailed, "", true)
		only.Theme = theme("never_returned_signature", "scheduler")
		require.NoError(t, st.SaveExtraction(ctx, only))
		got, err := cachedTheme(ctx, st, "c02", "hash-c02", "v1", "model-a")
		require.NoError(t, err)
		assert.Nil(t, got)
	})
}

func TestCachedThemesOfABatch(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seedConversations(t, st, 4)
	createRun(t, st, "r1", false)
	require.NoError(t, st.SaveExtraction(ctx, extr("r1", "c01", store.OutcomeTheme, "first_signature_value", true)))
	require.NoError(t, st.SaveExtraction(ctx, extr("r1", "c02", store.OutcomeNotActionable, "second_signature_value", true)))
	require.NoError(t, st.SaveExtraction(ctx, extr("r1", "c03", store.OutcomeFailed, "", true)))
	require.NoError(t, st.SaveExtraction(ctx, extr("r1", "c04", store.OutcomeTheme, "fourth_signature_value", true)))

	got, err := st.CachedThemes(ctx, map[string]string{
		"c01": "hash-c01", // cached theme
		"c02": "hash-c02", // cached, not actionable: its theme is still reused
		"c03": "hash-c03", // only a failure
		"c04": "changed",  // content changed since
		"c99": "hash-c99", // never extracted
	}, "v1", "model-a")
	require.NoError(t, err)
	sigs := map[string]string{}
	for id, th := range got {
		sigs[id] = th.IssueSignature
	}
	assert.Equal(t, map[string]string{"c01": "first_signature_value", "c02": "second_signature_value"}, sigs)

	got, err = st.CachedThemes(ctx, map[string]string{}, "v1", "model-a")
	require.NoError(t, err)
	assert.Empty(t, got)
}

// cachedTheme asks CachedThemes about one conversation.
func cachedTheme(ctx context.Context, st *store.Store, conv, hash, prompt, model string) (*extraction.Theme, error) {
	got, err := st.CachedThemes(ctx, map[string]string{conv: hash}, prompt, model)
	return got[conv], err
}
