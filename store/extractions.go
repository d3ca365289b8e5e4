package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/extraction"
)

// Extraction outcomes.
const (
	OutcomeTheme         = "theme"
	OutcomeNotActionable = "not_actionable"
	OutcomeFiltered      = "filtered"
	OutcomeFailed        = "failed"
)

// Extraction is the outcome of extracting one conversation in one run.
type Extraction struct {
	RunID            string
	ConversationID   string
	Outcome          string
	ConversationType string
	Signature        string // canonical signature, for themes and filtered items
	ProposedSig      string // what the model proposed
	Minted           bool   // the run's cache minted the signature (counts towards themes_new in dry runs only; see SaveExtraction)
	AliasOf          string // when ProposedSig became an alias of Signature
	SignatureRun     string // the run that stored Signature first, when known (signature.Resolution.FirstRunID)
	Detail           string // error for failed items, reason for filtered ones
	LLMCalls         int
	TokensIn         int
	TokensOut        int
	CostUSD          float64
	Cached           bool
	ContentHash      string
	PromptVersion    string
	Model            string
	Theme            *extraction.Theme // nil for failed items
	QualityScore     float64
	ProductArea      string // canonical product area of the signature
	WriteShared      bool   // false in dry runs: only the run's own extraction row is written
}

// SaveExtraction writes the item's outcome and, for a real run's theme, the theme, its canonical
// signature and alias, atomically and in one round trip (a pipelined batch runs as one implicit
// transaction). The first stored outcome of an item wins, so a retried batch changes nothing it
// already stored.
//
// minted (what themes_new counts) is decided here, not by whoever created the signature row: a
// theme is minted when its signature was created by this run (a real run: the signatures row's
// first_run_id is this run; a dry run: the run's cache minted it) and no other extraction of the
// run under that signature is minted yet. A transaction-level advisory lock on (run, signature)
// serialises the saves of one signature within the run, so exactly one theme of the run counts
// each signature the run created, whichever worker saves it, and a batch retried after a crash
// (even one between store.ResolveSignature's commit and this save) neither counts a signature
// twice nor misses one. A signature row whose minting proposal ended elsewhere on retry is counted
// by the first theme of the run stored under it, if any. A theme whose signature another run
// stored first (SignatureRun) cannot be minted by this one and takes no lock: in a team's daily
// runs most themes match such a signature, and their saves neither wait for each other nor pay
// the lock's statement.
func (s *Store) SaveExtraction(ctx context.Context, e *Extraction) error {
	ctx, cancel := context.WithTimeout(ctx, signatureTimeout)
	defer cancel()
	var result []byte
	if e.Theme != nil {
		var err error
		if result, err = json.Marshal(e.Theme); err != nil {
			return fmt.Errorf("encode theme of %s: %w", e.ConversationID, err)
		}
	}
	shared := e.WriteShared && e.Outcome == OutcomeTheme
	batch := &pgx.Batch{}
	args := pgx.NamedArgs{
		"run": e.RunID, "conv": e.ConversationID, "outcome": e.Outcome, "type": e.ConversationType,
		"sig": e.Signature, "area": e.ProductArea, "shared": shared, "cacheMinted": e.Minted && !e.WriteShared,
		"detail": e.Detail, "calls": e.LLMCalls, "tokensIn": e.TokensIn, "tokensOut": e.TokensOut, "cost": e.CostUSD,
		"cached": e.Cached, "hash": e.ContentHash, "prompt": e.PromptVersion, "model": e.Model, "result": result,
	}
	if e.Outcome == OutcomeTheme && (e.SignatureRun == "" || e.SignatureRun == e.RunID) {
		batch.Queue(`SELECT pg_advisory_xact_lock(hashtextextended('signature-mint:' || @run || ':' || @sig, 0))`, args)
	}
	// The signatures insert is a safety net: a real run's signature normally exists already
	// (store.ResolveSignature or an earlier run created it).
	batch.Queue(`
		WITH sig AS (
			INSERT INTO signatures (signature, product_area, first_run_id)
			SELECT @sig, @area, @run WHERE @shared
			ON CONFLICT (signature) DO NOTHING RETURNING 1)
		INSERT INTO extractions (run_id, conversation_id, outcome, conversation_type, signature, minted,
			detail, llm_calls, tokens_in, tokens_out, cost_usd, cached, content_hash, prompt_version,
			model, result)
		VALUES (@run, @conv, @outcome, @type, @sig,
			@outcome = 'theme'
			AND CASE WHEN @shared THEN EXISTS (SELECT 1 FROM sig)
				OR EXISTS (SELECT 1 FROM signatures WHERE signature = @sig AND first_run_id = @run)
				ELSE @cacheMinted END
			AND NOT EXISTS (SELECT 1 FROM extractions WHERE run_id = @run AND signature = @sig AND minted),
			@detail, @calls, @tokensIn, @tokensOut, @cost, @cached, @hash, @prompt, @model, @result)
		ON CONFLICT (run_id, conversation_id) DO NOTHING`, args)
	if shared && e.AliasOf != "" && e.ProposedSig != "" && e.ProposedSig != e.Signature {
		batch.Queue(`
			INSERT INTO signature_aliases (alias, canonical, first_run_id) VALUES ($1, $2, $3)
			ON CONFLICT (alias) DO NOTHING`, e.ProposedSig, e.Signature, e.RunID)
	}
	if shared {
		t := e.Theme
		symptoms, _ := json.Marshal(t.Symptoms)
		excerpts, _ := json.Marshal(t.KeyExcerpts)
		// Only when the stored outcome (this one, or an earlier attempt's) is a theme.
		batch.Queue(`
			INSERT INTO themes (run_id, conversation_id, conversation_type, product_area, component,
				issue_signature, proposed_signature, matched_existing, match_confidence, user_intent, symptoms,
				affected_flow, root_cause_hypothesis, diagnostic_summary, key_excerpts, action_type, direction,
				resolution_action, resolution_category, quality_score)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20
			WHERE EXISTS (SELECT 1 FROM extractions WHERE run_id = $1 AND conversation_id = $2 AND outcome = 'theme'
				AND signature = $6)
			ON CONFLICT (run_id, conversation_id) DO NOTHING`,
			e.RunID, e.ConversationID, t.ConversationType, e.ProductArea, t.Component, e.Signature,
			e.ProposedSig, t.MatchedExisting, t.MatchConfidence, t.UserIntent, symptoms, t.AffectedFlow,
			t.RootCauseHypothesis, t.DiagnosticSummary, excerpts, t.ActionType, t.Direction,
			t.ResolutionAction, t.ResolutionCategory, e.QualityScore)
	}
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("save extraction of %s in run %s: %w", e.ConversationID, e.RunID, err)
	}
	return nil
}

// decodeCachedTheme reads the stored result of conversation id's extraction.
func decodeCachedTheme(id string, raw []byte) (*extraction.Theme, error) {
	var t extraction.Theme
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("decode cached theme of %s: %w", id, err)
	}
	return &t, nil
}

// CachedThemes returns, for each conversation of the map (id → content hash), the newest theme
// any run extracted from exactly that content with this prompt version and model. Conversations
// without one are absent.
func (s *Store) CachedThemes(ctx context.Context, hashes map[string]string, promptVersion, model string) (map[string]*extraction.Theme, error) {
	ids := make([]string, 0, len(hashes))
	hs := make([]string, 0, len(hashes))
	for id, h := range hashes {
		ids = append(ids, id)
		hs = append(hs, h)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT DISTINCT ON (x.conversation_id) x.conversation_id, x.result
		FROM extractions x JOIN unnest($1::text[], $2::text[]) AS want(id, hash)
			ON x.conversation_id = want.id AND x.content_hash = want.hash
		WHERE x.prompt_version = $3 AND x.model = $4 AND x.outcome <> 'failed' AND x.result IS NOT NULL
		ORDER BY x.conversation_id, x.extracted_at DESC`, ids, hs, promptVersion, model)
	if err != nil {
		return nil, fmt.Errorf("read cached themes: %w", err)
	}
	defer rows.Close()
	out := map[string]*extraction.Theme{}
	for rows.Next() {
		var id string
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, fmt.Errorf("read cached themes: %w", err)
		}
		t, err := decodeCachedTheme(id, raw)
		if err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}
