package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// AheadGroup is one candidate group of a run's review-ahead list (run_review_ahead): the group as
// it stood when the list was made, the hash its review's answer is cached under, and the sample
// the review is shown (the prompt's data; conversation IDs are not in it).
type AheadGroup struct {
	Ord        int             `db:"ord"`
	Key        string          `db:"group_key"`
	MemberIDs  []string        `db:"member_ids"`
	MemberHash string          `db:"member_hash"`
	Sample     json.RawMessage `db:"sample"`
}

// ReviewAheadList returns the run's review-ahead list, made with build when the run has none yet.
// It holds the run's advisory lock meanwhile, so ReviewAheads that start together make it once
// and all read the same list.
func (s *Store) ReviewAheadList(ctx context.Context, runID string, build func(context.Context) ([]AheadGroup, error)) ([]AheadGroup, error) {
	var list []AheadGroup
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('review-ahead:' || $1, 0))`, runID); err != nil {
			return err
		}
		var err error
		if list, err = aheadGroups(ctx, tx, runID); err != nil || len(list) > 0 {
			return err
		}
		if list, err = build(ctx); err != nil {
			return err
		}
		rows := make([][]any, len(list))
		for i, g := range list {
			rows[i] = []any{runID, g.Ord, g.Key, g.MemberIDs, g.MemberHash, g.Sample}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"run_review_ahead"},
			[]string{"run_id", "ord", "group_key", "member_ids", "member_hash", "sample"}, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("review-ahead list of run %s: %w", runID, err)
	}
	return list, nil
}

// ReviewAheadGroups returns the run's review-ahead list in order (none when the run made none).
func (s *Store) ReviewAheadGroups(ctx context.Context, runID string) ([]AheadGroup, error) {
	list, err := aheadGroups(ctx, s.pool, runID)
	if err != nil {
		return nil, fmt.Errorf("read the review-ahead list of run %s: %w", runID, err)
	}
	return list, nil
}

func aheadGroups(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, runID string) ([]AheadGroup, error) {
	rows, err := q.Query(ctx, `
		SELECT ord, group_key, member_ids, member_hash, sample FROM run_review_ahead
		WHERE run_id = @run ORDER BY ord`, pgx.NamedArgs{"run": runID})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[AheadGroup])
}
