package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/vector"
)

// ThemeForGrouping is a run's theme with what the stories phase needs, vector included.
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
}

// ThemesForGrouping loads the run's themes, in conversation order, with their vectors of model.
func (s *Store) ThemesForGrouping(ctx context.Context, runID, model string) ([]ThemeForGrouping, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT t.conversation_id, c.created_at, t.issue_signature, t.product_area, t.component, t.user_intent,
			t.symptoms, t.affected_flow, coalesce(t.key_excerpts->>0, ''), t.action_type, t.direction, e.vector
		FROM themes t
		JOIN conversations c ON c.id = t.conversation_id
		LEFT JOIN embeddings e ON e.conversation_id = t.conversation_id AND e.model = $2 AND e.content_hash = c.content_hash
		WHERE t.run_id = $1
		ORDER BY t.conversation_id`, runID, model)
	if err != nil {
		return nil, fmt.Errorf("load themes of run %s: %w", runID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ThemeForGrouping, error) {
		var t ThemeForGrouping
		var symptoms []byte
		var vec []float32
		if err := r.Scan(&t.ConversationID, &t.CreatedAt, &t.Signature, &t.ProductArea, &t.Component, &t.UserIntent,
			&symptoms, &t.AffectedFlow, &t.Excerpt, &t.ActionType, &t.Direction, &vec); err != nil {
			return t, err
		}
		t.Vector = vector.Quantize(vec) // row by row: the run's float32 vectors are never all held
		if err := json.Unmarshal(symptoms, &t.Symptoms); err != nil {
			return t, fmt.Errorf("decode symptoms of %s: %w", t.ConversationID, err)
		}
		return t, nil
	})
	if err != nil {
		return nil, fmt.Errorf("load themes of run %s: %w", runID, err)
	}
	return out, nil
}
