package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// GroupAssignment is where a run's grouping put one of its themed conversations.
type GroupAssignment struct {
	ConversationID string
	Signature      string // the theme's canonical signature
	Key            string // story_key or orphan_key; empty when the conversation ended in neither
	Orphan         bool   // Key is an active (not graduated) orphan
}

// LatestGroupedRun returns the id of the newest completed run that was not a dry run and built
// stories, or ErrNotFound.
func (s *Store) LatestGroupedRun(ctx context.Context) (string, error) {
	var id string
	err := s.pool.QueryRow(ctx, `
		SELECT id FROM pipeline_runs
		WHERE status = 'completed' AND NOT dry_run AND create_stories
		ORDER BY started_at DESC, id DESC LIMIT 1`).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("no completed run with stories: %w", ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("find the latest run: %w", err)
	}
	return id, nil
}

// RunGroupAssignments lists the run's themed conversations, in id order, each with the story or
// orphan the run's stories phase put it in. A conversation's candidates are the story evidence
// and the active orphan memberships of a story or orphan the run wrote (its key is among the
// run's successful group actions, or the row was added by the run); rows the run added win over
// older ones (a conversation already evidence of a story keeps its first run_id), and a story
// wins over an orphan. A graduated orphan is not a candidate: its members are the story's.
func (s *Store) RunGroupAssignments(ctx context.Context, runID string) ([]GroupAssignment, error) {
	rows, err := s.pool.Query(ctx, `
		WITH acts AS (
			SELECT group_key FROM run_group_actions WHERE run_id = $1 AND action <> 'failed'
		), cand AS (
			SELECT e.conversation_id, s.story_key AS key, false AS orphan, e.run_id = $1 AS own
			FROM story_evidence e JOIN stories s ON s.id = e.story_id
			WHERE e.conversation_id IN (SELECT conversation_id FROM themes WHERE run_id = $1)
				AND (e.run_id = $1 OR s.story_key IN (SELECT group_key FROM acts))
			UNION ALL
			SELECT m.conversation_id, o.orphan_key, true, m.run_id = $1
			FROM orphan_members m JOIN orphans o ON o.id = m.orphan_id
			WHERE o.graduated_at IS NULL
				AND m.conversation_id IN (SELECT conversation_id FROM themes WHERE run_id = $1)
				AND (m.run_id = $1 OR o.orphan_key IN (SELECT group_key FROM acts))
		)
		SELECT t.conversation_id, t.issue_signature, coalesce(c.key, ''), coalesce(c.orphan, false)
		FROM themes t
		LEFT JOIN LATERAL (
			SELECT key, orphan FROM cand WHERE cand.conversation_id = t.conversation_id
			ORDER BY own DESC, orphan, key LIMIT 1
		) c ON true
		WHERE t.run_id = $1
		ORDER BY t.conversation_id`, runID)
	if err != nil {
		return nil, fmt.Errorf("read the grouping of run %s: %w", runID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (GroupAssignment, error) {
		var a GroupAssignment
		return a, r.Scan(&a.ConversationID, &a.Signature, &a.Key, &a.Orphan)
	})
	if err != nil {
		return nil, fmt.Errorf("read the grouping of run %s: %w", runID, err)
	}
	return out, nil
}
