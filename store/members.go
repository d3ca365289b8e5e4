package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// Group kinds, as group_moves records them.
const (
	KindStory  = "story"
	KindOrphan = "orphan"
)

// groupRef names one story or orphan.
type groupRef struct {
	Kind string
	ID   int64
	Key  string
}

// columns returns the group_members columns that point at the group: one set, the other nil.
func (r groupRef) columns() (storyID, orphanID *int64) {
	id := r.ID
	if r.Kind == KindStory {
		return &id, nil
	}
	return nil, &id
}

// placement is what placeMembers did: how many members joined the target (new to any group or
// moved from another), and the groups they left.
type placement struct {
	placed int
	left   []groupRef
}

// placeMembers puts the members into target. A conversation in no group joins it; one in another
// group leaves that group for target (its row moves: the primary key on conversation_id keeps it
// in one group) and the move is recorded. Rows are locked in conversation order, so writers of
// overlapping groups queue instead of deadlocking. It returns how many members joined target
// (new or moved) and the groups members left.
func placeMembers(ctx context.Context, tx pgx.Tx, runID string, target groupRef, members []Member, locks *keyLocks) (placement, error) {
	ids, sigs, excerpts := memberColumns(members)
	storyID, orphanID := target.columns()
	args := pgx.NamedArgs{"ids": ids, "sigs": sigs, "excerpts": excerpts, "story": storyID, "orphan": orphanID,
		"run": runID, "to_kind": target.Kind, "to_key": target.Key}
	var out placement
	added, err := tx.Exec(ctx, `
		INSERT INTO group_members (conversation_id, story_id, orphan_id, run_id, signature, excerpt)
		SELECT m.id, @story, @orphan, @run, m.sig, m.excerpt
		FROM unnest(@ids::text[], @sigs::text[], @excerpts::text[]) AS m(id, sig, excerpt)
		ORDER BY m.id
		ON CONFLICT (conversation_id) DO NOTHING`, args)
	if err != nil {
		return out, fmt.Errorf("add members: %w", err)
	}
	out.placed = int(added.RowsAffected())

	// Members of other groups: their rows are locked (in conversation order), then their groups
	// are read in a statement of their own, which sees groups committed while it waited.
	rows, err := tx.Query(ctx, `
		SELECT conversation_id, story_id, orphan_id FROM group_members
		WHERE conversation_id = ANY(@ids::text[])
			AND (story_id IS DISTINCT FROM @story::bigint OR orphan_id IS DISTINCT FROM @orphan::bigint)
		ORDER BY conversation_id
		FOR UPDATE`, args)
	if err != nil {
		return out, fmt.Errorf("lock members of other groups: %w", err)
	}
	type membership struct {
		ConversationID string
		StoryID        *int64
		OrphanID       *int64
	}
	others, err := pgx.CollectRows(rows, pgx.RowToStructByName[membership])
	if err != nil {
		return out, fmt.Errorf("lock members of other groups: %w", err)
	}
	if len(others) == 0 {
		return out, nil
	}
	var storyIDs, orphanIDs []int64
	for _, m := range others {
		if m.StoryID != nil {
			storyIDs = append(storyIDs, *m.StoryID)
		} else {
			orphanIDs = append(orphanIDs, *m.OrphanID)
		}
	}
	keys, err := groupKeys(ctx, tx, storyIDs, orphanIDs)
	if err != nil {
		return out, err
	}
	type moving struct {
		ConversationID string
		Kind           string
		ID             int64
		Key            string
	}
	moves := make([]moving, len(others))
	for i, m := range others {
		mv := moving{ConversationID: m.ConversationID, Kind: KindOrphan}
		if m.StoryID != nil {
			mv.Kind, mv.ID = KindStory, *m.StoryID
		} else {
			mv.ID = *m.OrphanID
		}
		mv.Key = keys[groupRef{Kind: mv.Kind, ID: mv.ID}]
		if err := locks.lock(ctx, tx, mv.Key); err != nil {
			return out, err
		}
		moves[i] = mv
	}

	movedIDs := make([]string, len(moves))
	fromKinds := make([]string, len(moves))
	fromKeys := make([]string, len(moves))
	left := map[groupRef]bool{}
	for i, m := range moves {
		movedIDs[i], fromKinds[i], fromKeys[i] = m.ConversationID, m.Kind, m.Key
		left[groupRef{m.Kind, m.ID, m.Key}] = true
	}
	args["moved"], args["from_kinds"], args["from_keys"] = movedIDs, fromKinds, fromKeys
	if _, err := tx.Exec(ctx, `
		UPDATE group_members g SET story_id = @story, orphan_id = @orphan, run_id = @run,
			signature = m.sig, excerpt = m.excerpt, added_at = now()
		FROM unnest(@ids::text[], @sigs::text[], @excerpts::text[]) AS m(id, sig, excerpt)
		WHERE g.conversation_id = m.id AND g.conversation_id = ANY(@moved::text[])`, args); err != nil {
		return out, fmt.Errorf("move members: %w", err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO group_moves (run_id, conversation_id, from_kind, from_key, to_kind, to_key)
		SELECT @run, m.id, m.kind, m.key, @to_kind, @to_key
		FROM unnest(@moved::text[], @from_kinds::text[], @from_keys::text[]) AS m(id, kind, key)`, args); err != nil {
		return out, fmt.Errorf("record moves: %w", err)
	}
	out.placed += len(moves)
	for r := range left {
		out.left = append(out.left, r)
	}
	return out, nil
}

// refreshGroups recomputes each group's count and first/last seen from its current members, and
// closes a group left without members (a group with members is open); each group it refreshes
// records runID as the run that last updated it. The groups' rows are locked in id order first.
// With onlyChanged, only the groups whose count, first/last seen or open state the members
// change are refreshed (and so marked updated by runID); it returns how many groups it refreshed.
func refreshGroups(ctx context.Context, tx pgx.Tx, runID string, groups []groupRef, onlyChanged bool) (int64, error) {
	var stories, orphans []int64
	for _, g := range groups {
		if g.Kind == KindStory {
			stories = append(stories, g.ID)
		} else {
			orphans = append(orphans, g.ID)
		}
	}
	storyTable := groupTable{"stories", "story_id", "conversation_count = m.n,", " OR g.conversation_count IS DISTINCT FROM m.n"}
	n, err := refreshKind(ctx, tx, runID, storyTable, stories, onlyChanged)
	if err != nil {
		return 0, err
	}
	m, err := refreshKind(ctx, tx, runID, groupTable{"orphans", "orphan_id", "", ""}, orphans, onlyChanged)
	return n + m, err
}

// groupTable is what refreshKind needs of stories or orphans: the table, its column in
// group_members, and the count it keeps (a story's conversation_count): constants, never input.
type groupTable struct {
	table, memberCol string
	countSet         string // more of the SET list
	countDiffers     string // more of the onlyChanged condition
}

// refreshKind locks the groups of one table in id order and refreshes them from their members
// (with onlyChanged, those whose values the members change), returning how many it refreshed.
func refreshKind(ctx context.Context, tx pgx.Tx, runID string, t groupTable, ids []int64, onlyChanged bool) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	args := pgx.NamedArgs{"ids": ids, "run": runID}
	if _, err := tx.Exec(ctx, `SELECT id FROM `+t.table+` WHERE id = ANY(@ids::bigint[]) ORDER BY id FOR UPDATE`, args); err != nil {
		return 0, fmt.Errorf("lock %s: %w", t.table, err)
	}
	where := "g.id = m.id"
	if onlyChanged {
		// closed_at becomes NULL exactly when the group has members.
		where += ` AND (g.first_seen IS DISTINCT FROM coalesce(m.first_seen, g.first_seen)
			OR g.last_seen IS DISTINCT FROM coalesce(m.last_seen, g.last_seen)
			OR (g.closed_at IS NULL) = (m.n = 0)` + t.countDiffers + `)`
	}
	tag, err := tx.Exec(ctx, `
		UPDATE `+t.table+` g SET
			`+t.countSet+`
			first_seen = coalesce(m.first_seen, g.first_seen),
			last_seen = coalesce(m.last_seen, g.last_seen),
			closed_at = CASE WHEN m.n = 0 THEN coalesce(g.closed_at, now()) END,
			updated_by_run = @run, updated_at = now()
		FROM (
			SELECT t.id, count(c.id) AS n, min(c.created_at) AS first_seen, max(c.created_at) AS last_seen
			FROM unnest(@ids::bigint[]) AS t(id)
			LEFT JOIN group_members gm ON gm.`+t.memberCol+` = t.id
			LEFT JOIN conversations c ON c.id = gm.conversation_id
			GROUP BY t.id
		) m
		WHERE `+where, args)
	if err != nil {
		return 0, fmt.Errorf("refresh %s: %w", t.table, err)
	}
	return tag.RowsAffected(), nil
}
