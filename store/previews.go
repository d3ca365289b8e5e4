package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SavePreview stores (or replaces) a dry run's preview.
func (s *Store) SavePreview(ctx context.Context, runID string, preview any) error {
	raw, err := json.Marshal(preview)
	if err != nil {
		return fmt.Errorf("encode preview of %s: %w", runID, err)
	}
	_, err = s.pool.Exec(ctx, `
		INSERT INTO dry_run_previews (run_id, preview) VALUES ($1, $2)
		ON CONFLICT (run_id) DO UPDATE SET preview = EXCLUDED.preview, created_at = now()`, runID, raw)
	if err != nil {
		return fmt.Errorf("save preview of %s: %w", runID, err)
	}
	return nil
}

// GetPreview decodes a dry run's preview into out.
func (s *Store) GetPreview(ctx context.Context, runID string, out any) error {
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT preview FROM dry_run_previews WHERE run_id = $1`, runID).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("preview of run %s: %w", runID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("read preview of %s: %w", runID, err)
	}
	return json.Unmarshal(raw, out)
}

// PreviewRow is one extraction of a dry run, for building its preview.
type PreviewRow struct {
	ConversationID   string
	Outcome          string
	ConversationType string
	Signature        string
	Subject          string
	FirstMessage     string
}

// PreviewRows returns the run's extractions with a little of each conversation's text.
func (s *Store) PreviewRows(ctx context.Context, runID string) ([]PreviewRow, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT x.conversation_id, x.outcome, x.conversation_type, x.signature, c.subject,
			coalesce(c.messages->0->>'text', '')
		FROM extractions x JOIN conversations c ON c.id = x.conversation_id
		WHERE x.run_id = $1 ORDER BY x.conversation_id`, runID)
	if err != nil {
		return nil, fmt.Errorf("read extractions of %s: %w", runID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PreviewRow, error) {
		var p PreviewRow
		return p, r.Scan(&p.ConversationID, &p.Outcome, &p.ConversationType, &p.Signature, &p.Subject, &p.FirstMessage)
	})
	if err != nil {
		return nil, fmt.Errorf("read extractions of %s: %w", runID, err)
	}
	return out, nil
}

// DeletePreviews deletes the previews of the given runs.
func (s *Store) DeletePreviews(ctx context.Context, runIDs []string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM dry_run_previews WHERE run_id = ANY($1)`, runIDs); err != nil {
		return fmt.Errorf("delete previews: %w", err)
	}
	return nil
}
