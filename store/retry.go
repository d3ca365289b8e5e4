package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Reasons of failed extractions, as stored in extractions.detail. A failure for a transient
// reason (a provider outage outlasting the call's retries) starts with TransientPrefix; the run
// retries it once at the end of the phase, and a second transient failure ends with RetriedSuffix
// so it is not retried again.
const (
	TransientPrefix = "transient: "
	RetriedSuffix   = " (retried)"
	// phaseExtractionRetry keys, in run_llm_usage, the usage of a failed attempt whose row a retry
	// replaced: the calls were made, so the run still counts them.
	phaseExtractionRetry = "extraction_retry"
)

// TransientFailures lists the run's items to retry, in selection order: those whose stored
// outcome is a transient failure not retried yet, and those a retry took out of the way
// (ClearTransientFailure) without storing their new outcome (the retry was interrupted).
func (s *Store) TransientFailures(ctx context.Context, runID string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.conversation_id
		FROM run_conversations r
			LEFT JOIN extractions x ON x.run_id = r.run_id AND x.conversation_id = r.conversation_id
		WHERE r.run_id = @run AND (
			(x.outcome = 'failed' AND starts_with(x.detail, @prefix) AND right(x.detail, length(@suffix)) <> @suffix)
			OR (x.conversation_id IS NULL AND EXISTS (SELECT 1 FROM run_llm_usage u
				WHERE u.run_id = r.run_id AND u.phase = @phase AND u.batch_key = r.conversation_id)))
		ORDER BY r.seq`,
		pgx.NamedArgs{"run": runID, "prefix": TransientPrefix, "suffix": RetriedSuffix, "phase": phaseExtractionRetry})
	if err != nil {
		return nil, fmt.Errorf("list transient failures of run %s: %w", runID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list transient failures of run %s: %w", runID, err)
	}
	return ids, nil
}

// ClearTransientFailure deletes the item's transient failure so SaveExtraction can store the
// retry's outcome, and in the same statement moves the failed attempt's usage to the run's
// run_llm_usage, where RunCounters still counts it. It changes nothing for an item whose stored
// outcome is anything else, and is harmless to repeat.
func (s *Store) ClearTransientFailure(ctx context.Context, runID, conversationID string) error {
	_, err := s.pool.Exec(ctx, `
		WITH old AS (
			DELETE FROM extractions
			WHERE run_id = @run AND conversation_id = @conv AND outcome = 'failed' AND starts_with(detail, @prefix)
			RETURNING llm_calls, tokens_in, tokens_out, cost_usd)
		INSERT INTO run_llm_usage (run_id, phase, batch_key, llm_calls, tokens_in, tokens_out, cost_usd)
		SELECT @run, @phase, @conv, coalesce(sum(llm_calls), 0), coalesce(sum(tokens_in), 0),
			coalesce(sum(tokens_out), 0), coalesce(sum(cost_usd), 0) FROM old
		ON CONFLICT (run_id, phase, batch_key) DO UPDATE SET
			llm_calls = run_llm_usage.llm_calls + EXCLUDED.llm_calls,
			tokens_in = run_llm_usage.tokens_in + EXCLUDED.tokens_in,
			tokens_out = run_llm_usage.tokens_out + EXCLUDED.tokens_out,
			cost_usd = run_llm_usage.cost_usd + EXCLUDED.cost_usd`,
		pgx.NamedArgs{"run": runID, "conv": conversationID, "prefix": TransientPrefix, "phase": phaseExtractionRetry})
	if err != nil {
		return fmt.Errorf("clear transient failure of %s in run %s: %w", conversationID, runID, err)
	}
	return nil
}
