package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// StoryView is a story as the CLI shows it.
type StoryView struct {
	Key               string    `json:"key"`
	Title             string    `json:"title"`
	Description       string    `json:"description"`
	Signature         string    `json:"signature"`
	ProductArea       string    `json:"product_area"`
	Component         string    `json:"component"`
	ConversationCount int       `json:"conversation_count"`
	FirstSeen         time.Time `json:"first_seen"`
	LastSeen          time.Time `json:"last_seen"`
	ConversationIDs   []string  `json:"conversation_ids"`
	Excerpts          []string  `json:"excerpts"`
}

// OrphanView is an orphan as the CLI shows it.
type OrphanView struct {
	Key             string    `json:"key"`
	Title           string    `json:"title"`
	Signature       string    `json:"signature"`
	ProductArea     string    `json:"product_area"`
	FirstSeen       time.Time `json:"first_seen"`
	LastSeen        time.Time `json:"last_seen"`
	ConversationIDs []string  `json:"conversation_ids"`
}

// Backlog lists stories (largest first) and active orphans. With runID set, only those the run
// created or updated.
func (s *Store) Backlog(ctx context.Context, runID string) ([]StoryView, []OrphanView, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT s.story_key, s.title, s.description, s.signature, s.product_area, s.component, s.conversation_count,
			s.first_seen, s.last_seen,
			coalesce(array_agg(e.conversation_id ORDER BY e.conversation_id) FILTER (WHERE e.conversation_id IS NOT NULL), '{}'),
			coalesce((array_agg(e.excerpt ORDER BY e.conversation_id) FILTER (WHERE e.excerpt <> ''))[1:5], '{}')
		FROM stories s LEFT JOIN story_evidence e ON e.story_id = s.id
		WHERE $1 = '' OR s.id IN (SELECT story_id FROM story_evidence WHERE run_id = $1) OR s.updated_by_run = $1
		GROUP BY s.id ORDER BY s.conversation_count DESC, s.story_key`, runID)
	if err != nil {
		return nil, nil, fmt.Errorf("list stories: %w", err)
	}
	stories, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (StoryView, error) {
		var v StoryView
		return v, r.Scan(&v.Key, &v.Title, &v.Description, &v.Signature, &v.ProductArea, &v.Component,
			&v.ConversationCount, &v.FirstSeen, &v.LastSeen, &v.ConversationIDs, &v.Excerpts)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list stories: %w", err)
	}
	rows, err = s.pool.Query(ctx, `
		SELECT o.orphan_key, o.title, o.signature, o.product_area, o.first_seen, o.last_seen,
			coalesce(array_agg(m.conversation_id ORDER BY m.conversation_id) FILTER (WHERE m.conversation_id IS NOT NULL), '{}')
		FROM orphans o LEFT JOIN orphan_members m ON m.orphan_id = o.id
		WHERE o.graduated_at IS NULL AND ($1 = '' OR o.id IN (SELECT orphan_id FROM orphan_members WHERE run_id = $1) OR o.updated_by_run = $1)
		GROUP BY o.id ORDER BY count(m.conversation_id) DESC, o.orphan_key`, runID)
	if err != nil {
		return nil, nil, fmt.Errorf("list orphans: %w", err)
	}
	orphans, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OrphanView, error) {
		var v OrphanView
		return v, r.Scan(&v.Key, &v.Title, &v.Signature, &v.ProductArea, &v.FirstSeen, &v.LastSeen, &v.ConversationIDs)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list orphans: %w", err)
	}
	return stories, orphans, nil
}
