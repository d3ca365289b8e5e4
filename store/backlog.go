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
	// Written by the story review (empty for a mechanical draft); see store/reviews.go.
	UserStory          string   `json:"user_story"`
	AcceptanceCriteria []string `json:"acceptance_criteria"`
	InvestigationHints []string `json:"investigation_hints"`
	Severity           string   `json:"severity"`
	Verdict            string   `json:"verdict"`
	VerdictReason      string   `json:"verdict_reason"`
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

// MoveView is one conversation a run moved from one group to another.
type MoveView struct {
	RunID          string    `json:"run_id"`
	ConversationID string    `json:"conversation_id"`
	FromKind       string    `json:"from_kind"`
	FromKey        string    `json:"from_key"`
	ToKind         string    `json:"to_kind"`
	ToKey          string    `json:"to_key"`
	MovedAt        time.Time `json:"moved_at"`
}

// Backlog lists open stories (largest first) and open orphans, each with its current members.
// With runID set, only those the run created or updated.
func (s *Store) Backlog(ctx context.Context, runID string) ([]StoryView, []OrphanView, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT s.story_key, s.title, s.description, s.signature, s.product_area, s.component, s.conversation_count,
			s.first_seen, s.last_seen,
			coalesce(array_agg(g.conversation_id ORDER BY g.conversation_id) FILTER (WHERE g.conversation_id IS NOT NULL), '{}'),
			coalesce((array_agg(g.excerpt ORDER BY g.conversation_id) FILTER (WHERE g.excerpt <> ''))[1:5], '{}')
		FROM stories s LEFT JOIN group_members g ON g.story_id = s.id
		WHERE s.closed_at IS NULL
			AND ($1 = '' OR s.updated_by_run = $1 OR s.id IN (SELECT story_id FROM group_members WHERE run_id = $1 AND story_id IS NOT NULL))
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
	if err := s.storyTexts(ctx, stories); err != nil {
		return nil, nil, err
	}
	rows, err = s.pool.Query(ctx, `
		SELECT o.orphan_key, o.title, o.signature, o.product_area, o.first_seen, o.last_seen,
			coalesce(array_agg(g.conversation_id ORDER BY g.conversation_id) FILTER (WHERE g.conversation_id IS NOT NULL), '{}')
		FROM orphans o LEFT JOIN group_members g ON g.orphan_id = o.id
		WHERE o.graduated_at IS NULL AND o.closed_at IS NULL
			AND ($1 = '' OR o.updated_by_run = $1 OR o.id IN (SELECT orphan_id FROM group_members WHERE run_id = $1 AND orphan_id IS NOT NULL))
		GROUP BY o.id ORDER BY count(g.conversation_id) DESC, o.orphan_key`, runID)
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

// Moves lists the conversations moved between groups, newest first (then by conversation), at
// most limit of them; with runID set, only the moves of that run.
func (s *Store) Moves(ctx context.Context, runID string, limit int) ([]MoveView, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT run_id, conversation_id, from_kind, from_key, to_kind, to_key, moved_at
		FROM group_moves
		WHERE @run = '' OR run_id = @run
		ORDER BY moved_at DESC, id DESC
		LIMIT @limit`, pgx.NamedArgs{"run": runID, "limit": limit})
	if err != nil {
		return nil, fmt.Errorf("list moves: %w", err)
	}
	moves, err := pgx.CollectRows(rows, pgx.RowToStructByName[MoveView])
	if err != nil {
		return nil, fmt.Errorf("list moves: %w", err)
	}
	return moves, nil
}
