package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/vector"
)

// ThemeForGrouping is a theme with what the stories phase needs, vector included.
type ThemeForGrouping struct {
	ConversationID string
	CreatedAt      time.Time
	Signature      string
	ProductArea    string
	Component      string
	UserIntent     string
	Symptoms       []string
	AffectedFlow   string
	Excerpt        string // the first of the theme's key excerpts (the one evidence shows), or ""
	ActionType     string
	Direction      string
	Vector         vector.Quantized // quantized as loaded; nil when the conversation has no vector for the model
	// Placed names the story or orphan a backlog theme's conversation is in now ("story:12",
	// "orphan:7"); "" for the run's own themes.
	Placed string
}

// themeColumns are the columns scanTheme reads, from themes t, conversations c and embeddings e.
const themeColumns = `t.conversation_id, c.created_at, t.issue_signature, t.product_area, t.component, t.user_intent,
	t.symptoms, t.affected_flow, coalesce(t.key_excerpts->>0, ''), t.action_type, t.direction, e.vector`

// ThemesForGrouping loads the run's themes, in conversation order, with their vectors of model.
func (s *Store) ThemesForGrouping(ctx context.Context, runID, model string) ([]ThemeForGrouping, error) {
	return s.groupingThemes(ctx, "themes of run "+runID, `
		SELECT `+themeColumns+`, ''
		FROM themes t
		JOIN conversations c ON c.id = t.conversation_id
		LEFT JOIN embeddings e ON e.conversation_id = t.conversation_id AND e.model = $2 AND e.content_hash = c.content_hash
		WHERE t.run_id = $1
		ORDER BY t.conversation_id`, runID, model)
}

// BacklogThemesForGrouping loads the themes of the conversations already in a story or orphan
// that the run has no theme of, in conversation order: each with its latest theme (of any run),
// its vector of model, and the group it is in now (Placed). The stories phase groups them with the
// run's own, so a run over a window sees each issue's whole history, not the window's slice.
func (s *Store) BacklogThemesForGrouping(ctx context.Context, runID, model string) ([]ThemeForGrouping, error) {
	return s.groupingThemes(ctx, "the backlog's themes for run "+runID, `
		SELECT DISTINCT ON (gm.conversation_id) `+themeColumns+`,
			CASE WHEN gm.story_id IS NOT NULL THEN 'story:' || gm.story_id ELSE 'orphan:' || gm.orphan_id END
		FROM group_members gm
		JOIN themes t ON t.conversation_id = gm.conversation_id
		JOIN conversations c ON c.id = gm.conversation_id
		LEFT JOIN embeddings e ON e.conversation_id = gm.conversation_id AND e.model = $2 AND e.content_hash = c.content_hash
		WHERE NOT EXISTS (SELECT 1 FROM themes r WHERE r.run_id = $1 AND r.conversation_id = gm.conversation_id)
		ORDER BY gm.conversation_id, t.extracted_at DESC, t.id DESC`, runID, model)
}

// groupingThemes runs a query of themeColumns and the group each theme is placed in.
func (s *Store) groupingThemes(ctx context.Context, what, query string, args ...any) ([]ThemeForGrouping, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", what, err)
	}
	out, err := pgx.CollectRows(rows, scanTheme)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", what, err)
	}
	return out, nil
}

// scanTheme reads one row of themeColumns and the group it is placed in.
func scanTheme(r pgx.CollectableRow) (ThemeForGrouping, error) {
	var t ThemeForGrouping
	var symptoms []byte
	var vec []float32
	if err := r.Scan(&t.ConversationID, &t.CreatedAt, &t.Signature, &t.ProductArea, &t.Component, &t.UserIntent,
		&symptoms, &t.AffectedFlow, &t.Excerpt, &t.ActionType, &t.Direction, &vec, &t.Placed); err != nil {
		return t, err
	}
	t.Vector = vector.Quantize(vec) // row by row: the float32 vectors are never all held
	if err := json.Unmarshal(symptoms, &t.Symptoms); err != nil {
		return t, fmt.Errorf("decode symptoms of %s: %w", t.ConversationID, err)
	}
	return t, nil
}

// BacklogSize is how many conversations the stories and orphans hold.
func (s *Store) BacklogSize(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM group_members`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the backlog's conversations: %w", err)
	}
	return n, nil
}
