package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Outcomes of a schedule's request to the run index.
const (
	ScheduleAdmitted = "admitted"
	ScheduleRefused  = "refused"
)

// ScheduleRun is one start of a Temporal Schedule: the run it asked for and the index's answer.
type ScheduleRun struct {
	Schedule    string    `db:"schedule" json:"schedule"`
	RunID       string    `db:"run_id" json:"run_id"`
	WindowSince time.Time `db:"window_since" json:"window_since"`
	WindowUntil time.Time `db:"window_until" json:"window_until"`
	Outcome     string    `db:"outcome" json:"outcome"`
	Message     string    `db:"message" json:"message,omitempty"`
	RequestedAt time.Time `db:"requested_at" json:"requested_at"`
	RunStatus   *string   `db:"run_status" json:"run_status,omitempty"` // the run's status, when admitted
}

// RecordScheduleRun records what the run index answered a schedule (again: the later answer wins,
// except that an admission is never turned into a refusal).
func (s *Store) RecordScheduleRun(ctx context.Context, r ScheduleRun) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO schedule_runs (schedule, run_id, window_since, window_until, outcome, message)
		VALUES (@schedule, @run, @since, @until, @outcome, @message)
		ON CONFLICT (schedule, run_id) DO UPDATE SET outcome = EXCLUDED.outcome, message = EXCLUDED.message
		WHERE schedule_runs.outcome <> 'admitted'`,
		pgx.NamedArgs{"schedule": r.Schedule, "run": r.RunID, "since": r.WindowSince, "until": r.WindowUntil,
			"outcome": r.Outcome, "message": r.Message})
	if err != nil {
		return fmt.Errorf("record run %s of schedule %s: %w", r.RunID, r.Schedule, err)
	}
	return nil
}

// LastScheduleWindowEnd returns where the window of the schedule's last completed run ended;
// ok is false when none completed yet.
func (s *Store) LastScheduleWindowEnd(ctx context.Context, schedule string) (end time.Time, ok bool, err error) {
	err = s.pool.QueryRow(ctx, `
		SELECT sr.window_until FROM schedule_runs sr JOIN pipeline_runs pr ON pr.id = sr.run_id
		WHERE sr.schedule = $1 AND sr.outcome = 'admitted' AND pr.status = 'completed'
		ORDER BY sr.window_until DESC LIMIT 1`, schedule).Scan(&end)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read the last window of schedule %s: %w", schedule, err)
	}
	return end.UTC(), true, nil
}

// RecentScheduleRuns returns the latest requests of a schedule (of every schedule when schedule
// is ""), newest first, with the status of the runs admitted.
func (s *Store) RecentScheduleRuns(ctx context.Context, schedule string, limit int) ([]ScheduleRun, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT sr.schedule, sr.run_id, sr.window_since, sr.window_until, sr.outcome, sr.message, sr.requested_at,
			pr.status AS run_status
		FROM schedule_runs sr LEFT JOIN pipeline_runs pr ON pr.id = sr.run_id AND sr.outcome = 'admitted'
		WHERE @schedule = '' OR sr.schedule = @schedule
		ORDER BY sr.requested_at DESC, sr.run_id DESC LIMIT @limit`,
		pgx.NamedArgs{"schedule": schedule, "limit": limit})
	if err != nil {
		return nil, fmt.Errorf("read runs of schedule %s: %w", schedule, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[ScheduleRun])
	if err != nil {
		return nil, fmt.Errorf("read runs of schedule %s: %w", schedule, err)
	}
	return out, nil
}

// ScheduleRequested is the outcome of a request not answered yet.
const ScheduleRequested = "requested"

// GetScheduleRun returns the request a schedule made for runID; ok is false when there is none.
func (s *Store) GetScheduleRun(ctx context.Context, schedule, runID string) (r ScheduleRun, ok bool, err error) {
	rows, err := s.pool.Query(ctx, `
		SELECT schedule, run_id, window_since, window_until, outcome, message, requested_at, NULL::text AS run_status
		FROM schedule_runs WHERE schedule = $1 AND run_id = $2`, schedule, runID)
	if err != nil {
		return r, false, fmt.Errorf("read run %s of schedule %s: %w", runID, schedule, err)
	}
	r, err = pgx.CollectOneRow(rows, pgx.RowToStructByName[ScheduleRun])
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("read run %s of schedule %s: %w", runID, schedule, err)
	}
	return r, true, nil
}
