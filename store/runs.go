package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/pipeline"
)

// ErrNotFound is returned when a row asked for by key does not exist.
var ErrNotFound = errors.New("not found")

// Run is a pipeline_runs row.
type Run struct {
	ID               string
	Status           string
	Phase            string
	DryRun           bool
	CreateStories    bool
	Concurrency      int
	MaxConversations int
	WindowSince      time.Time
	WindowUntil      time.Time
	StartedAt        time.Time
	EndedAt          *time.Time
	Counters         pipeline.Counters
	FailureMessage   string
}

// CreateRun inserts the run's row; creating it again (a retried activity) changes nothing.
func (s *Store) CreateRun(ctx context.Context, r Run) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO pipeline_runs (id, status, phase, dry_run, create_stories, concurrency, max_conversations,
			window_since, window_until, started_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO NOTHING`,
		r.ID, r.Status, r.Phase, r.DryRun, r.CreateStories, r.Concurrency, r.MaxConversations,
		r.WindowSince, r.WindowUntil, r.StartedAt)
	if err != nil {
		return fmt.Errorf("create run %s: %w", r.ID, err)
	}
	return nil
}

// SelectRunConversations numbers the conversations of the run's window, and those its Intercom
// fetch stored (created earlier, updated in the window; see run_fetched), oldest first, at most
// max when max > 0) into run_conversations and returns how many there are. It selects once: a
// retry returns the selection already made.
func (s *Store) SelectRunConversations(ctx context.Context, runID string, since, until time.Time, max int) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM run_conversations WHERE run_id = $1`, runID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		limit := any(nil)
		if max > 0 {
			limit = max
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO run_conversations (run_id, seq, conversation_id)
			SELECT $1, row_number() OVER (ORDER BY created_at, id) - 1, id
			FROM (SELECT id, created_at FROM conversations
			      WHERE (created_at >= $2 AND created_at < $3)
			         OR id IN (SELECT conversation_id FROM run_fetched WHERE run_id = $1)
			      ORDER BY created_at, id LIMIT $4) c`,
			runID, since, until, limit)
		if err != nil {
			return err
		}
		n = int(tag.RowsAffected())
		_, err = tx.Exec(ctx, `UPDATE pipeline_runs SET conversations_selected = $2 WHERE id = $1`, runID, n)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("select conversations of run %s: %w", runID, err)
	}
	return n, nil
}

// RunConversationIDs returns the ids numbered [from, to) in the run's selection, in order.
func (s *Store) RunConversationIDs(ctx context.Context, runID string, from, to int) ([]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT conversation_id FROM run_conversations
		WHERE run_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq`, runID, from, to)
	if err != nil {
		return nil, fmt.Errorf("read selection of run %s: %w", runID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read selection of run %s: %w", runID, err)
	}
	return ids, nil
}

// SetRunStatus records the run's current status and phase. A run that has ended keeps its final
// status: a late update (activities may complete out of order) never overwrites it.
func (s *Store) SetRunStatus(ctx context.Context, runID, status, phase string) error {
	_, err := s.pool.Exec(ctx, `
		UPDATE pipeline_runs SET status = $2, phase = $3
		WHERE id = $1 AND status NOT IN ('stopped', 'completed', 'failed')`, runID, status, phase)
	if err != nil {
		return fmt.Errorf("set status of run %s: %w", runID, err)
	}
	return nil
}

// FinishRun stores the run's final status and the counters computed from what is stored.
func (s *Store) FinishRun(ctx context.Context, runID, status, phase, failure string, endedAt time.Time) (pipeline.Counters, error) {
	c, err := s.RunCounters(ctx, runID)
	if err != nil {
		return c, err
	}
	_, err = s.pool.Exec(ctx, `
		UPDATE pipeline_runs SET status = $2, phase = $3, failure_message = $4, ended_at = $5,
			conversations_selected = $6, themes_extracted = $7, themes_new = $8, themes_filtered = $9,
			extraction_failed = $10, not_actionable = $11, embeddings_generated = $12, embeddings_failed = $13,
			stories_created = $14, stories_updated = $15, orphans_created = $16, orphans_updated = $17,
			orphans_graduated = $18, groups_failed = $19, llm_calls = $20, tokens_in = $21, tokens_out = $22,
			cost_usd = $23
		WHERE id = $1`,
		runID, status, phase, failure, endedAt,
		c.ConversationsSelected, c.ThemesExtracted, c.ThemesNew, c.ThemesFiltered,
		c.ExtractionFailed, c.NotActionable, c.EmbeddingsGenerated, c.EmbeddingsFailed,
		c.StoriesCreated, c.StoriesUpdated, c.OrphansCreated, c.OrphansUpdated,
		c.OrphansGraduated, c.GroupsFailed, c.LLMCalls, c.TokensIn, c.TokensOut, c.CostUSD)
	if err != nil {
		return c, fmt.Errorf("finish run %s: %w", runID, err)
	}
	return c, nil
}

// RunCounters computes every counter of a run from the rows its phases wrote, so a retried or
// resumed phase can never count an item twice or drop one.
func (s *Store) RunCounters(ctx context.Context, runID string) (pipeline.Counters, error) {
	var c pipeline.Counters
	err := s.pool.QueryRow(ctx, `
		SELECT
			(SELECT count(*) FROM run_conversations WHERE run_id = $1),
			count(*) FILTER (WHERE outcome = 'theme'),
			count(*) FILTER (WHERE outcome = 'filtered'),
			count(*) FILTER (WHERE outcome = 'failed'),
			count(*) FILTER (WHERE outcome = 'not_actionable'),
			count(*) FILTER (WHERE minted),
			(SELECT count(*) FROM embeddings WHERE created_by_run = $1),
			(SELECT count(*) FROM embedding_failures WHERE run_id = $1),
			coalesce(sum(llm_calls), 0) + (SELECT coalesce(sum(llm_calls), 0) FROM run_llm_usage WHERE run_id = $1),
			coalesce(sum(tokens_in), 0) + (SELECT coalesce(sum(tokens_in), 0) FROM run_llm_usage WHERE run_id = $1),
			coalesce(sum(tokens_out), 0) + (SELECT coalesce(sum(tokens_out), 0) FROM run_llm_usage WHERE run_id = $1),
			(coalesce(sum(cost_usd), 0) + (SELECT coalesce(sum(cost_usd), 0) FROM run_llm_usage WHERE run_id = $1))::float8
		FROM extractions WHERE run_id = $1`, runID).Scan(
		&c.ConversationsSelected, &c.ThemesExtracted, &c.ThemesFiltered, &c.ExtractionFailed,
		&c.NotActionable, &c.ThemesNew, &c.EmbeddingsGenerated, &c.EmbeddingsFailed,
		&c.LLMCalls, &c.TokensIn, &c.TokensOut, &c.CostUSD)
	if err != nil {
		return c, fmt.Errorf("count run %s: %w", runID, err)
	}
	if err := s.fetchCounters(ctx, runID, &c.FetchCounters); err != nil {
		return c, err
	}
	rows, err := s.pool.Query(ctx, `SELECT action, count(*) FROM run_group_actions WHERE run_id = $1 GROUP BY action`, runID)
	if err != nil {
		return c, fmt.Errorf("count groups of run %s: %w", runID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var action string
		var n int
		if err := rows.Scan(&action, &n); err != nil {
			return c, fmt.Errorf("count groups of run %s: %w", runID, err)
		}
		switch action {
		case ActionStoryCreated:
			c.StoriesCreated = n
		case ActionStoryUpdated:
			c.StoriesUpdated = n
		case ActionOrphanCreated:
			c.OrphansCreated = n
		case ActionOrphanUpdated:
			c.OrphansUpdated = n
		case ActionOrphanGraduated:
			c.OrphansGraduated = n
		case ActionFailed:
			c.GroupsFailed = n
		}
	}
	return c, rows.Err()
}

// RunErrors returns up to limit failed items of a run of each phase (extraction, embedding and
// story groups) and up to limit warnings of each kind (filtered themes; groups the story review
// rejected or could not review); every one when limit is 0.
func (s *Store) RunErrors(ctx context.Context, runID string, limit int) ([]pipeline.ItemError, []string, error) {
	var lim any // LIMIT NULL is no limit
	if limit > 0 {
		lim = limit
	}
	rows, err := s.pool.Query(ctx, `
		(SELECT 'extraction', conversation_id, detail FROM extractions WHERE run_id = $1 AND outcome = 'failed' ORDER BY conversation_id LIMIT $2)
		UNION ALL
		(SELECT 'embedding', conversation_id, error FROM embedding_failures WHERE run_id = $1 ORDER BY conversation_id LIMIT $2)
		UNION ALL
		(SELECT 'stories', group_key, detail FROM run_group_actions WHERE run_id = $1 AND action = 'failed' ORDER BY group_key LIMIT $2)`,
		runID, lim)
	if err != nil {
		return nil, nil, fmt.Errorf("read errors of run %s: %w", runID, err)
	}
	errs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (pipeline.ItemError, error) {
		var e pipeline.ItemError
		return e, r.Scan(&e.Phase, &e.ID, &e.Error)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read errors of run %s: %w", runID, err)
	}
	rows, err = s.pool.Query(ctx, `
		(SELECT conversation_id || ': ' || detail FROM extractions
		WHERE run_id = $1 AND outcome = 'filtered' ORDER BY conversation_id LIMIT $2)
		UNION ALL
		(SELECT 'group ' || group_key || ': ' || reason FROM run_group_reviews
		WHERE run_id = $1 AND verdict IN ('reject', 'fallback') ORDER BY group_key LIMIT $2)`, runID, lim)
	if err != nil {
		return nil, nil, fmt.Errorf("read warnings of run %s: %w", runID, err)
	}
	warns, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, fmt.Errorf("read warnings of run %s: %w", runID, err)
	}
	return errs, warns, nil
}

// GetRun loads one run's row.
func (s *Store) GetRun(ctx context.Context, runID string) (*Run, error) {
	runs, err := s.queryRuns(ctx, `WHERE id = $1`, runID)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("run %s: %w", runID, ErrNotFound)
	}
	return &runs[0], nil
}

func (s *Store) queryRuns(ctx context.Context, where string, args ...any) ([]Run, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, status, phase, dry_run, create_stories, concurrency, max_conversations, window_since,
			window_until, started_at, ended_at, conversations_selected, themes_extracted, themes_new,
			themes_filtered, extraction_failed, not_actionable, embeddings_generated, embeddings_failed,
			stories_created, stories_updated, orphans_created, orphans_updated, orphans_graduated,
			groups_failed, llm_calls, tokens_in, tokens_out, cost_usd::float8, failure_message,
			conversations_fetched, conversations_skipped, conversations_stored, conversations_skipped_by
		FROM pipeline_runs `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) {
		var r Run
		c := &r.Counters
		err := row.Scan(&r.ID, &r.Status, &r.Phase, &r.DryRun, &r.CreateStories, &r.Concurrency,
			&r.MaxConversations, &r.WindowSince, &r.WindowUntil, &r.StartedAt, &r.EndedAt,
			&c.ConversationsSelected, &c.ThemesExtracted, &c.ThemesNew, &c.ThemesFiltered,
			&c.ExtractionFailed, &c.NotActionable, &c.EmbeddingsGenerated, &c.EmbeddingsFailed,
			&c.StoriesCreated, &c.StoriesUpdated, &c.OrphansCreated, &c.OrphansUpdated,
			&c.OrphansGraduated, &c.GroupsFailed, &c.LLMCalls, &c.TokensIn, &c.TokensOut, &c.CostUSD,
			&r.FailureMessage, &c.ConversationsFetched, &c.ConversationsSkipped, &c.ConversationsStored, &c.SkippedBy)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	return runs, nil
}

// IndexRuns returns the runs a fresh run index rebuilds its entries from, oldest first: every run
// that has not ended, and the most recently started ended runs, at most retention in all (live
// runs are never left out, so there may be more when more than retention are live).
func (s *Store) IndexRuns(ctx context.Context, retention int) ([]Run, error) {
	runs, err := s.queryRuns(ctx, `
		WHERE status NOT IN ('stopped', 'completed', 'failed')
		   OR id IN (SELECT id FROM pipeline_runs
		             WHERE status IN ('stopped', 'completed', 'failed')
		             ORDER BY started_at DESC, id DESC
		             LIMIT greatest(@retention::int - (SELECT count(*) FROM pipeline_runs
		                                               WHERE status NOT IN ('stopped', 'completed', 'failed')), 0))
		ORDER BY started_at, id`, pgx.NamedArgs{"retention": retention})
	if err != nil {
		return nil, fmt.Errorf("read runs for the run index: %w", err)
	}
	return runs, nil
}
