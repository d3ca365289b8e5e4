package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/pipeline"
)

// BatchAccount is the account of a batch's conversations (ids) in the run, computed from their
// stored rows, so a retried batch reports each item once: the outcomes and usage of their
// extractions, the first failed items, and, with an aheadKey, the run's vectors of those
// conversations and the usage of the embeddings request recorded under that key (the batch's
// embedding ahead). Its queries go to Postgres in one round trip.
func (s *Store) BatchAccount(ctx context.Context, runID string, ids []string, aheadKey string) (pipeline.Counters, []pipeline.ItemError, error) {
	var c, ahead pipeline.Counters
	var errs []pipeline.ItemError
	batch := &pgx.Batch{}
	batch.Queue(`
		SELECT count(*) FILTER (WHERE outcome = 'theme'), count(*) FILTER (WHERE outcome = 'filtered'),
			count(*) FILTER (WHERE outcome = 'failed'), count(*) FILTER (WHERE outcome = 'not_actionable'),
			count(*) FILTER (WHERE minted), coalesce(sum(llm_calls), 0), coalesce(sum(tokens_in), 0),
			coalesce(sum(tokens_out), 0), coalesce(sum(cost_usd), 0)::float8
		FROM extractions WHERE run_id = $1 AND conversation_id = ANY($2)`, runID, ids).QueryRow(func(row pgx.Row) error {
		return row.Scan(&c.ThemesExtracted, &c.ThemesFiltered, &c.ExtractionFailed, &c.NotActionable, &c.ThemesNew,
			&c.LLMCalls, &c.TokensIn, &c.TokensOut, &c.CostUSD)
	})
	batch.Queue(`
		SELECT 'extraction', conversation_id, detail FROM extractions
		WHERE run_id = $1 AND conversation_id = ANY($2) AND outcome = 'failed' ORDER BY conversation_id LIMIT $3`,
		runID, ids, pipeline.MaxReportedErrors).Query(func(rows pgx.Rows) (err error) {
		errs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (pipeline.ItemError, error) {
			var e pipeline.ItemError
			return e, r.Scan(&e.Phase, &e.ID, &e.Error)
		})
		return err
	})
	if aheadKey != "" {
		batch.Queue(`
			SELECT (SELECT count(*) FROM embeddings WHERE created_by_run = $1 AND conversation_id = ANY($2)),
				coalesce(sum(llm_calls), 0), coalesce(sum(tokens_in), 0), coalesce(sum(cost_usd), 0)::float8
			FROM run_llm_usage WHERE run_id = $1 AND phase = 'embedding' AND batch_key = $3`, runID, ids, aheadKey).QueryRow(
			func(row pgx.Row) error {
				return row.Scan(&ahead.EmbeddingsGenerated, &ahead.LLMCalls, &ahead.TokensIn, &ahead.CostUSD)
			})
	}
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return c, nil, fmt.Errorf("count batch of run %s: %w", runID, err)
	}
	c.Add(ahead)
	return c, errs, nil
}
