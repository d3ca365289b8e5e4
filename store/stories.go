package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
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
	// A group written into a story or orphan that already held every member, with the same text:
	// the run changed nothing there, and no counter counts it (a run over a window an earlier run
	// covered reports only what changed).
	ActionStoryUnchanged  = "story_unchanged"
	ActionOrphanUnchanged = "orphan_unchanged"
)

// changedAction is the action of a group whose write changed its story or orphan after all.
func changedAction(action string) string {
	switch action {
	case ActionStoryUnchanged:
		return ActionStoryUpdated
	case ActionOrphanUnchanged:
		return ActionOrphanUpdated
	}
	return action
}

// unchanged says whether the action changed nothing (so far).
func unchanged(action string) bool {
	return action == ActionStoryUnchanged || action == ActionOrphanUnchanged
}

// maxRelocks bounds how often a group write starts again because its members changed groups
// while it was locking their keys.
const maxRelocks = 5

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

// WriteGroup writes one group in its own transaction. The group goes to the open story of its
// key when there is one; otherwise to the orphan of that key, which graduates into a story (its
// members carried over) when it reaches MinSize distinct conversations, or straight to a new
// story when the group alone is big enough. A closed story or orphan of the key is reopened, and
// counted as created: it is new in the backlog.
// Members that belong to another story or orphan leave it in the same transaction (a conversation
// is in one group at a time; the schema enforces it), each move is recorded in group_moves, and
// every group touched gets its count and first/last seen recomputed from its members; one left
// empty is closed. A group already written by this run is not written again; its recorded
// action is returned.
func (s *Store) WriteGroup(ctx context.Context, g *GroupWrite) (string, error) {
	if len(g.Members) == 0 {
		return "", fmt.Errorf("write group %s: no members", g.Key)
	}
	var action string
	var extraKeys []string
	for relock := 0; ; relock++ {
		err := s.inTx(ctx, func(tx pgx.Tx) error {
			if err := customPlans(ctx, tx); err != nil {
				return err
			}
			locks, missed, err := lockGroupKeys(ctx, tx, g, extraKeys)
			switch {
			case errors.Is(err, errRelock) && relock < maxRelocks:
				extraKeys = append(extraKeys, missed...)
				return err
			case errors.Is(err, errRelock): // out of relocks: take the missed keys now, out of order
				for _, k := range missed {
					if err := locks.lock(ctx, tx, k); err != nil {
						return err
					}
				}
			case err != nil:
				return err
			}
			err = tx.QueryRow(ctx, `SELECT action FROM run_group_actions WHERE run_id = $1 AND group_key = $2 AND action <> 'failed'`,
				g.RunID, g.Key).Scan(&action)
			if err == nil {
				return nil
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			if action, err = writeGroup(ctx, tx, g, locks); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `
				INSERT INTO run_group_actions (run_id, group_key, action) VALUES ($1, $2, $3)
				ON CONFLICT (run_id, group_key) DO UPDATE SET action = EXCLUDED.action, detail = ''`,
				g.RunID, g.Key, action)
			return err
		})
		if errors.Is(err, errRelock) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("write group %s: %w", g.Key, err)
		}
		return action, nil
	}
}

// customPlans has the transaction plan each statement for its own arrays of members. A group
// write looks its members up by one array of up to thousands of ids in group_members, a table
// the stories phase fills as it goes; the generic plan Postgres caches for a prepared statement
// after five executions is made for an array of unknown size against the table as it was then,
// and planned on a nearly empty table it compares every row with every id (3 s a lookup at
// 70,000 members, a 100,000-conversation stories phase 50-70 s instead of 5 s). A custom plan
// costs a fraction of a millisecond, once per statement of a group write.
func customPlans(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
		return fmt.Errorf("plan the group write: %w", err)
	}
	return nil
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

// writeGroup writes the group into its story or orphan and returns what it did. A group whose
// story or orphan already holds every member, with the same text and the same span, is
// ActionStoryUnchanged or ActionOrphanUnchanged, and the run is not recorded as updating it.
func writeGroup(ctx context.Context, tx pgx.Tx, g *GroupWrite, locks *keyLocks) (string, error) {
	members := distinctMembers(g.Members)
	target, action, err := resolveTarget(ctx, tx, g, members)
	if err != nil {
		return "", err
	}
	p, err := placeMembers(ctx, tx, g.RunID, target, members, locks)
	if err != nil {
		return "", err
	}
	if p.placed > 0 {
		action = changedAction(action)
	}
	refreshed, err := refreshGroups(ctx, tx, g.RunID, append(p.left, target), unchanged(action))
	if err != nil {
		return "", err
	}
	if refreshed > 0 {
		action = changedAction(action)
	}
	return action, nil
}

// resolveTarget finds, creates, reopens or graduates the story or orphan the group goes to, and
// sets its text from the group. An open story or orphan whose text was the group's already is
// ActionStoryUnchanged or ActionOrphanUnchanged, so far: its members may still change.
func resolveTarget(ctx context.Context, tx pgx.Tx, g *GroupWrite, members []Member) (groupRef, string, error) {
	var storyID int64
	var storyClosed bool
	err := tx.QueryRow(ctx, `SELECT id, closed_at IS NOT NULL FROM stories WHERE story_key = $1 FOR UPDATE`, g.Key).Scan(&storyID, &storyClosed)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return groupRef{}, "", fmt.Errorf("find story: %w", err)
	}
	hasStory := err == nil
	if hasStory && !storyClosed {
		changed, err := setStoryText(ctx, tx, storyID, g)
		action := ActionStoryUnchanged
		if changed {
			action = ActionStoryUpdated
		}
		return groupRef{KindStory, storyID, g.Key}, action, err
	}

	var orphanID int64
	var orphanActive bool
	err = tx.QueryRow(ctx, `SELECT id, graduated_at IS NULL AND closed_at IS NULL FROM orphans WHERE orphan_key = $1 FOR UPDATE`,
		g.Key).Scan(&orphanID, &orphanActive)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return groupRef{}, "", fmt.Errorf("find orphan: %w", err)
	}
	hasOrphan := err == nil
	size := len(members)
	if orphanActive {
		ids, _, _ := memberColumns(members)
		if err := tx.QueryRow(ctx, `
			SELECT count(*) FROM (
				SELECT conversation_id FROM group_members WHERE orphan_id = $1
				UNION SELECT unnest($2::text[])) u`, orphanID, ids).Scan(&size); err != nil {
			return groupRef{}, "", fmt.Errorf("size orphan: %w", err)
		}
	}

	if size >= g.MinSize {
		action := ActionStoryCreated
		if hasStory {
			if _, err := setStoryText(ctx, tx, storyID, g); err != nil {
				return groupRef{}, "", err
			}
		} else {
			first, last := span(members)
			if err := tx.QueryRow(ctx, `
				INSERT INTO stories (story_key, title, description, signature, product_area, component,
					first_seen, last_seen, created_by_run, updated_by_run)
				VALUES (@key, @title, @description, @signature, @area, @component, @first, @last, @run, @run) RETURNING id`,
				groupArgs(g, pgx.NamedArgs{"first": first, "last": last})).Scan(&storyID); err != nil {
				return groupRef{}, "", fmt.Errorf("create story: %w", err)
			}
		}
		if orphanActive {
			action = ActionOrphanGraduated
			if _, err := tx.Exec(ctx, `UPDATE group_members SET orphan_id = NULL, story_id = $2 WHERE orphan_id = $1`, orphanID, storyID); err != nil {
				return groupRef{}, "", fmt.Errorf("carry orphan members over: %w", err)
			}
			if _, err := tx.Exec(ctx, `UPDATE orphans SET graduated_at = now(), story_id = $2, updated_by_run = $3, updated_at = now() WHERE id = $1`,
				orphanID, storyID, g.RunID); err != nil {
				return groupRef{}, "", fmt.Errorf("graduate orphan: %w", err)
			}
		}
		return groupRef{KindStory, storyID, g.Key}, action, nil
	}

	action := ActionOrphanUpdated
	switch {
	case !hasOrphan:
		action = ActionOrphanCreated
		first, last := span(members)
		if err := tx.QueryRow(ctx, `
			INSERT INTO orphans (orphan_key, signature, product_area, component, title, first_seen, last_seen,
				created_by_run, updated_by_run)
			VALUES (@key, @signature, @area, @component, @title, @first, @last, @run, @run) RETURNING id`,
			groupArgs(g, pgx.NamedArgs{"first": first, "last": last})).Scan(&orphanID); err != nil {
			return groupRef{}, "", fmt.Errorf("create orphan: %w", err)
		}
	case !orphanActive:
		// Closed (emptied by moves) or graduated into a story since closed: the key's issue is
		// back with too few conversations for a story, so its orphan opens again.
		action = ActionOrphanCreated
		if _, err := tx.Exec(ctx, `
			UPDATE orphans SET graduated_at = NULL, closed_at = NULL, story_id = NULL, signature = @signature,
				product_area = @area, component = @component, title = @title, updated_by_run = @run, updated_at = now()
			WHERE id = @id`, groupArgs(g, pgx.NamedArgs{"id": orphanID})); err != nil {
			return groupRef{}, "", fmt.Errorf("reopen orphan: %w", err)
		}
	default:
		tag, err := tx.Exec(ctx, `
			UPDATE orphans SET title = @title, updated_by_run = @run, updated_at = now()
			WHERE id = @id AND title IS DISTINCT FROM @title`, groupArgs(g, pgx.NamedArgs{"id": orphanID}))
		if err != nil {
			return groupRef{}, "", fmt.Errorf("update orphan: %w", err)
		}
		if tag.RowsAffected() == 0 {
			action = ActionOrphanUnchanged
		}
	}
	return groupRef{KindOrphan, orphanID, g.Key}, action, nil
}

// setStoryText sets an existing story's text from the group and opens it if it was closed; it
// says whether that changed the story (a story that reads so already is left as it is).
func setStoryText(ctx context.Context, tx pgx.Tx, storyID int64, g *GroupWrite) (bool, error) {
	tag, err := tx.Exec(ctx, `
		UPDATE stories SET title = @title, description = @description, closed_at = NULL, updated_by_run = @run, updated_at = now()
		WHERE id = @id AND (title IS DISTINCT FROM @title OR description IS DISTINCT FROM @description OR closed_at IS NOT NULL)`,
		groupArgs(g, pgx.NamedArgs{"id": storyID}))
	if err != nil {
		return false, fmt.Errorf("update story: %w", err)
	}
	return tag.RowsAffected() > 0, nil
}

// groupArgs are the group's named arguments, plus extra.
func groupArgs(g *GroupWrite, extra pgx.NamedArgs) pgx.NamedArgs {
	args := pgx.NamedArgs{
		"key": g.Key, "title": g.Title, "description": g.Description, "signature": g.Signature,
		"area": g.ProductArea, "component": g.Component, "run": g.RunID,
	}
	for k, v := range extra {
		args[k] = v
	}
	return args
}

// distinctMembers returns the members once each, by conversation id (ascending), so rows are
// always locked in the same order.
func distinctMembers(members []Member) []Member {
	seen := make(map[string]bool, len(members))
	out := make([]Member, 0, len(members))
	for _, m := range members {
		if !seen[m.ConversationID] {
			seen[m.ConversationID] = true
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ConversationID < out[j].ConversationID })
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
