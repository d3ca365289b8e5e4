package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"
)

// EmbedTarget is a conversation whose theme needs a vector.
type EmbedTarget struct {
	ConversationID string
	ContentHash    string
}

// ThemesToEmbed lists the run's themes whose conversation has no vector yet for this model and
// content, and that have not already failed in this run, in conversation order.
func (s *Store) ThemesToEmbed(ctx context.Context, runID, model string) ([]EmbedTarget, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT t.conversation_id, c.content_hash
		FROM themes t JOIN conversations c ON c.id = t.conversation_id
		WHERE t.run_id = $1
			AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.conversation_id = t.conversation_id
				AND e.model = $2 AND e.content_hash = c.content_hash)
			AND NOT EXISTS (SELECT 1 FROM embedding_failures f WHERE f.run_id = $1 AND f.conversation_id = t.conversation_id)
		ORDER BY t.conversation_id`, runID, model)
	if err != nil {
		return nil, fmt.Errorf("list themes to embed in run %s: %w", runID, err)
	}
	targets, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (EmbedTarget, error) {
		var t EmbedTarget
		return t, r.Scan(&t.ConversationID, &t.ContentHash)
	})
	if err != nil {
		return nil, fmt.Errorf("list themes to embed in run %s: %w", runID, err)
	}
	return targets, nil
}

// Vector is an embedding of one conversation's content.
type Vector struct {
	ConversationID string
	ContentHash    string
	Values         []float32
}

// Unembedded returns the targets that have no vector yet for this model and their content.
func (s *Store) Unembedded(ctx context.Context, model string, targets []EmbedTarget) ([]EmbedTarget, error) {
	ids := make([]string, len(targets))
	hashes := make([]string, len(targets))
	for i, t := range targets {
		ids[i], hashes[i] = t.ConversationID, t.ContentHash
	}
	rows, err := s.pool.Query(ctx, `
		SELECT t.id, t.hash FROM unnest($1::text[], $2::text[]) AS t(id, hash)
		WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.conversation_id = t.id AND e.model = $3
			AND e.content_hash = t.hash)`, ids, hashes, model)
	if err != nil {
		return nil, fmt.Errorf("find conversations without a vector: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (EmbedTarget, error) {
		var t EmbedTarget
		return t, r.Scan(&t.ConversationID, &t.ContentHash)
	})
	if err != nil {
		return nil, fmt.Errorf("find conversations without a vector: %w", err)
	}
	return out, nil
}

// EmbeddingBatch is what one embeddings request of a run produced, written atomically.
type EmbeddingBatch struct {
	RunID    string
	Model    string
	BatchKey string // identifies the batch within the run; a retry's calls add to its usage row (they were made)
	// ThemedOnly keeps only the vectors of conversations with a theme in the run: a request made
	// before extraction decided (embedding ahead) stores nothing for the others.
	ThemedOnly bool
	Vectors    []Vector
	Failures   map[string]string // conversation id → error
	LLMCalls   int
	TokensIn   int
	CostUSD    float64
	FailedAll  bool
}

// SaveEmbeddingBatch stores vectors (first writer wins), failures and the request's usage in one
// transaction and one round trip: a pipelined batch of three statements, each writing all its
// rows at once. Vectors go as one flat array with each row's bounds, and are written in
// conversation order, so two batches writing some of the same conversations at once (an
// extraction batch's embedding ahead and a background embedding) wait for each other instead of
// deadlocking.
func (s *Store) SaveEmbeddingBatch(ctx context.Context, b *EmbeddingBatch) error {
	vectors := slices.SortedFunc(slices.Values(b.Vectors), func(x, y Vector) int {
		return cmp.Compare(x.ConversationID, y.ConversationID)
	})
	rows := vectorRows{}
	for _, v := range vectors {
		rows.add(v)
	}
	failed := slices.Sorted(maps.Keys(b.Failures))
	errs := make([]string, len(failed))
	for i, id := range failed {
		errs[i] = b.Failures[id]
	}
	batch := &pgx.Batch{}
	if len(vectors) > 0 {
		batch.Queue(`
			INSERT INTO embeddings (conversation_id, model, content_hash, vector, created_by_run)
			SELECT v.id, @model, v.hash, (@flat::real[])[v.lo:v.hi], @run
			FROM unnest(@ids::text[], @hashes::text[], @lo::int[], @hi::int[]) WITH ORDINALITY AS v(id, hash, lo, hi, n)
			WHERE NOT @themedOnly OR EXISTS (SELECT 1 FROM themes WHERE run_id = @run AND conversation_id = v.id)
			ORDER BY v.n
			ON CONFLICT DO NOTHING`,
			pgx.NamedArgs{"model": b.Model, "run": b.RunID, "themedOnly": b.ThemedOnly, "flat": rows.flat,
				"ids": rows.ids, "hashes": rows.hashes, "lo": rows.lo, "hi": rows.hi})
	}
	if len(failed) > 0 {
		batch.Queue(`
			INSERT INTO embedding_failures (run_id, conversation_id, error)
			SELECT $1, f.id, f.error FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS f(id, error, n)
			ORDER BY f.n
			ON CONFLICT DO NOTHING`, b.RunID, failed, errs)
	}
	batch.Queue(`
		INSERT INTO run_llm_usage (run_id, phase, batch_key, llm_calls, tokens_in, tokens_out, cost_usd)
		VALUES ($1, 'embedding', $2, $3, $4, 0, $5)
		ON CONFLICT (run_id, phase, batch_key) DO UPDATE SET llm_calls = run_llm_usage.llm_calls + EXCLUDED.llm_calls,
			tokens_in = run_llm_usage.tokens_in + EXCLUDED.tokens_in, cost_usd = run_llm_usage.cost_usd + EXCLUDED.cost_usd`,
		b.RunID, b.BatchKey, b.LLMCalls, b.TokensIn, b.CostUSD)
	// A pipelined batch runs as one implicit transaction.
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("save embeddings of run %s: %w", b.RunID, err)
	}
	return nil
}

// vectorRows are vectors laid out for one insert: their values end to end in flat, row i's at
// flat[lo[i]:hi[i]] in Postgres' 1-based, inclusive slice bounds.
type vectorRows struct {
	ids, hashes []string
	lo, hi      []int32
	flat        []float32
}

func (r *vectorRows) add(v Vector) {
	r.ids, r.hashes = append(r.ids, v.ConversationID), append(r.hashes, v.ContentHash)
	r.lo = append(r.lo, int32(len(r.flat)+1))
	r.flat = append(r.flat, v.Values...)
	r.hi = append(r.hi, int32(len(r.flat)))
}
