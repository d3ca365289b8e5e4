package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// EndedRuns returns which of ids are runs that ended (stopped, completed or failed) or are
// unknown: a worker holding per-run state for them may drop it.
func (s *Store) EndedRuns(ctx context.Context, ids []string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT want.id FROM unnest($1::text[]) AS want(id)
		LEFT JOIN pipeline_runs r ON r.id = want.id
		WHERE r.id IS NULL OR r.status IN ('stopped', 'completed', 'failed')`, ids)
	if err != nil {
		return nil, fmt.Errorf("read which runs ended: %w", err)
	}
	ended, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read which runs ended: %w", err)
	}
	return ended, nil
}
