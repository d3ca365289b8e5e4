package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Group actions recorded per run.
const (
	ActionStoryCreated    = "story_created"
	ActionStoryUpdated    = "story_updated"
	ActionOrphanCreated   = "orphan_created"
	ActionOrphanUpdated   = "orphan_updated"
	ActionOrphanGraduated = "orphan_graduated"
	ActionFailed          = "failed"
)

// Member is one conversation of a group, with its evidence.
type Member struct {
	ConversationID string
	Signature      string
	Excerpt        string
	CreatedAt      time.Time
}

// GroupWrite is one group of a run to write as a story or an orphan.
type GroupWrite struct {
	RunID       string
	Key         string // stable key: the same issue gets the same key in every run
	Title       string
	Description string
	Signature   string
	ProductArea string
	Component   string
	Members     []Member
	MinSize     int // distinct conversations needed for a story
}

// WriteGroup writes one group in its own transaction: it updates the story with the group's key
// when there is one; otherwise it adds the group to the orphan of that key and graduates the
// orphan into a story when it reaches MinSize distinct conversations (its evidence carried over),
// or creates a story directly when the group alone is big enough. A group already written by this
// run is not written again; its recorded action is returned.
func (s *Store) WriteGroup(ctx context.Context, g *GroupWrite) (string, error) {
	var action string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// Serialise the writers of one key (runs over overlapping windows): without it, two
		// transactions that both find no story or orphan both insert one, and one fails on the
		// unique key instead of adding to the other's.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "group:"+g.Key); err != nil {
			return fmt.Errorf("lock key: %w", err)
		}
		err := tx.QueryRow(ctx, `SELECT action FROM run_group_actions WHERE run_id = $1 AND group_key = $2 AND action <> 'failed'`,
			g.RunID, g.Key).Scan(&action)
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if action, err = writeGroup(ctx, tx, g); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO run_group_actions (run_id, group_key, action) VALUES ($1, $2, $3)
			ON CONFLICT (run_id, group_key) DO UPDATE SET action = EXCLUDED.action, detail = ''`,
			g.RunID, g.Key, action)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("write group %s: %w", g.Key, err)
	}
	return action, nil
}

// RecordGroupFailure keeps a group's failure for the run's counters and errors.
func (s *Store) RecordGroupFailure(ctx context.Context, runID, key, detail string) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO run_group_actions (run_id, group_key, action, detail) VALUES ($1, $2, 'failed', $3)
		ON CONFLICT (run_id, group_key) DO NOTHING`, runID, key, detail)
	if err != nil {
		return fmt.Errorf("record failure of group %s: %w", key, err)
	}
	return nil
}

func writeGroup(ctx context.Context, tx pgx.Tx, g *GroupWrite) (string, error) {
	first, last := span(g.Members)
	var storyID int64
	err := tx.QueryRow(ctx, `SELECT id FROM stories WHERE story_key = $1 FOR UPDATE`, g.Key).Scan(&storyID)
	switch {
	case err == nil:
		return ActionStoryUpdated, addEvidence(ctx, tx, storyID, g, g.Members, first, last)
	case !errors.Is(err, pgx.ErrNoRows):
		return "", fmt.Errorf("find story: %w", err)
	}
	var orphanID int64
	err = tx.QueryRow(ctx, `SELECT id FROM orphans WHERE orphan_key = $1 AND graduated_at IS NULL FOR UPDATE`, g.Key).Scan(&orphanID)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("find orphan: %w", err)
	}
	hasOrphan := err == nil
	members := g.Members
	if hasOrphan {
		prior, err := orphanMembers(ctx, tx, orphanID)
		if err != nil {
			return "", err
		}
		members = union(prior, g.Members)
	}
	if len(members) >= g.MinSize {
		mf, ml := span(members)
		if err := tx.QueryRow(ctx, `
			INSERT INTO stories (story_key, title, description, signature, product_area, component,
				first_seen, last_seen, created_by_run, updated_by_run)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			g.Key, g.Title, g.Description, g.Signature, g.ProductArea, g.Component, mf, ml, g.RunID).Scan(&storyID); err != nil {
			return "", fmt.Errorf("create story: %w", err)
		}
		if err := addEvidence(ctx, tx, storyID, g, members, mf, ml); err != nil {
			return "", err
		}
		if !hasOrphan {
			return ActionStoryCreated, nil
		}
		if _, err := tx.Exec(ctx, `UPDATE orphans SET graduated_at = now(), story_id = $2, updated_by_run = $3, updated_at = now() WHERE id = $1`,
			orphanID, storyID, g.RunID); err != nil {
			return "", fmt.Errorf("graduate orphan: %w", err)
		}
		return ActionOrphanGraduated, nil
	}
	action := ActionOrphanUpdated
	if !hasOrphan {
		action = ActionOrphanCreated
		if err := tx.QueryRow(ctx, `
			INSERT INTO orphans (orphan_key, signature, product_area, component, title, first_seen, last_seen,
				created_by_run, updated_by_run)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			g.Key, g.Signature, g.ProductArea, g.Component, g.Title, first, last, g.RunID).Scan(&orphanID); err != nil {
			return "", fmt.Errorf("create orphan: %w", err)
		}
	} else if _, err := tx.Exec(ctx, `
		UPDATE orphans SET first_seen = least(first_seen, $2), last_seen = greatest(last_seen, $3),
			title = $4, updated_by_run = $5, updated_at = now() WHERE id = $1`,
		orphanID, first, last, g.Title, g.RunID); err != nil {
		return "", fmt.Errorf("update orphan: %w", err)
	}
	ids, sigs, excerpts := memberColumns(g.Members)
	if _, err := tx.Exec(ctx, `
		INSERT INTO orphan_members (orphan_id, conversation_id, run_id, signature, excerpt)
		SELECT $1, unnest($2::text[]), $3, unnest($4::text[]), unnest($5::text[])
		ON CONFLICT (orphan_id, conversation_id) DO NOTHING`,
		orphanID, ids, g.RunID, sigs, excerpts); err != nil {
		return "", fmt.Errorf("add orphan members: %w", err)
	}
	return action, nil
}

func addEvidence(ctx context.Context, tx pgx.Tx, storyID int64, g *GroupWrite, members []Member, first, last time.Time) error {
	ids, sigs, excerpts := memberColumns(members)
	if _, err := tx.Exec(ctx, `
		INSERT INTO story_evidence (story_id, conversation_id, run_id, signature, excerpt)
		SELECT $1, unnest($2::text[]), $3, unnest($4::text[]), unnest($5::text[])
		ON CONFLICT (story_id, conversation_id) DO NOTHING`,
		storyID, ids, g.RunID, sigs, excerpts); err != nil {
		return fmt.Errorf("add evidence: %w", err)
	}
	_, err := tx.Exec(ctx, `
		UPDATE stories SET
			conversation_count = (SELECT count(*) FROM story_evidence WHERE story_id = $1),
			first_seen = least(first_seen, $2), last_seen = greatest(last_seen, $3),
			title = $4, description = $5, updated_by_run = $6, updated_at = now()
		WHERE id = $1`, storyID, first, last, g.Title, g.Description, g.RunID)
	if err != nil {
		return fmt.Errorf("refresh story: %w", err)
	}
	return nil
}

func orphanMembers(ctx context.Context, tx pgx.Tx, orphanID int64) ([]Member, error) {
	rows, err := tx.Query(ctx, `
		SELECT m.conversation_id, m.signature, m.excerpt, c.created_at
		FROM orphan_members m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.orphan_id = $1 ORDER BY m.conversation_id`, orphanID)
	if err != nil {
		return nil, fmt.Errorf("read orphan members: %w", err)
	}
	members, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Member, error) {
		var m Member
		return m, r.Scan(&m.ConversationID, &m.Signature, &m.Excerpt, &m.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("read orphan members: %w", err)
	}
	return members, nil
}

func union(a, b []Member) []Member {
	seen := make(map[string]bool, len(a)+len(b))
	out := make([]Member, 0, len(a)+len(b))
	for _, list := range [][]Member{a, b} {
		for _, m := range list {
			if !seen[m.ConversationID] {
				seen[m.ConversationID] = true
				out = append(out, m)
			}
		}
	}
	return out
}

func span(members []Member) (first, last time.Time) {
	for i, m := range members {
		if i == 0 || m.CreatedAt.Before(first) {
			first = m.CreatedAt
		}
		if i == 0 || m.CreatedAt.After(last) {
			last = m.CreatedAt
		}
	}
	return first, last
}

// memberColumns splits members into the parallel arrays one INSERT … SELECT unnest(…) takes, so
// a group's members are written in one statement whatever its size.
func memberColumns(members []Member) (ids, signatures, excerpts []string) {
	for _, m := range members {
		ids = append(ids, m.ConversationID)
		signatures = append(signatures, m.Signature)
		excerpts = append(excerpts, m.Excerpt)
	}
	return ids, signatures, excerpts
}
