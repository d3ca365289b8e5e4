package store

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// keyLocks holds a transaction's advisory locks on group keys. Every change to a story or orphan
// (its members, its count) happens under the lock of its key, and a group write takes the locks
// of its own key and of the groups its members are in, all at once and in key order, so writers
// of overlapping groups (runs over overlapping windows, several workers) queue instead of
// deadlocking. The lock also serialises the writers of one key: without it, two transactions
// that both find no story or orphan both insert one, and one fails on the unique key instead of
// adding to the other's.
type keyLocks struct {
	held map[string]bool
}

// errRelock says the members' groups changed while their keys were being locked: the
// transaction is rolled back and tried again with those keys added, so locks are still taken in
// key order.
var errRelock = errors.New("group keys changed while locking")

// lockGroupKeys takes, in key order, the locks of the group's key, of the keys of the groups its
// members are in now, and of extra. It returns errRelock, with the locks it holds and the keys
// it missed, when the members' groups changed before the locks were held.
func lockGroupKeys(ctx context.Context, tx pgx.Tx, g *GroupWrite, extra []string) (*keyLocks, []string, error) {
	ids, _, _ := memberColumns(g.Members)
	current, err := memberGroupKeys(ctx, tx, ids)
	if err != nil {
		return nil, nil, err
	}
	keys := append(append(current, extra...), g.Key)
	sort.Strings(keys)
	l := &keyLocks{held: map[string]bool{}}
	for _, k := range keys {
		if err := l.lock(ctx, tx, k); err != nil {
			return nil, nil, err
		}
	}
	now, err := memberGroupKeys(ctx, tx, ids)
	if err != nil {
		return nil, nil, err
	}
	var missed []string
	for _, k := range now {
		if !l.held[k] {
			missed = append(missed, k)
		}
	}
	if len(missed) > 0 {
		return l, missed, errRelock
	}
	return l, nil, nil
}

// memberGroupKeys returns the keys of the groups the conversations are in.
func memberGroupKeys(ctx context.Context, tx pgx.Tx, ids []string) ([]string, error) {
	rows, err := tx.Query(ctx, `
		SELECT DISTINCT coalesce(s.story_key, o.orphan_key)
		FROM group_members m
		LEFT JOIN stories s ON s.id = m.story_id
		LEFT JOIN orphans o ON o.id = m.orphan_id
		WHERE m.conversation_id = ANY($1::text[])`, ids)
	if err != nil {
		return nil, fmt.Errorf("find the members' groups: %w", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("find the members' groups: %w", err)
	}
	return keys, nil
}

// lock takes the lock of key unless it is held already. Outside lockGroupKeys that happens only
// when a member changed group after lockGroupKeys gave up relocking (rare); a deadlock it may
// cause is reported by Postgres as transient and the write is retried.
func (l *keyLocks) lock(ctx context.Context, tx pgx.Tx, key string) error {
	if l.held[key] {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "group:"+key); err != nil {
		return fmt.Errorf("lock group key %s: %w", key, err)
	}
	l.held[key] = true
	return nil
}

// groupKeys returns the keys of the given stories and orphans.
func groupKeys(ctx context.Context, tx pgx.Tx, storyIDs, orphanIDs []int64) (map[groupRef]string, error) {
	rows, err := tx.Query(ctx, `
		SELECT 'story', id, story_key FROM stories WHERE id = ANY($1::bigint[])
		UNION ALL
		SELECT 'orphan', id, orphan_key FROM orphans WHERE id = ANY($2::bigint[])`, storyIDs, orphanIDs)
	if err != nil {
		return nil, fmt.Errorf("read group keys: %w", err)
	}
	defer rows.Close()
	out := map[groupRef]string{}
	for rows.Next() {
		var r groupRef
		var key string
		if err := rows.Scan(&r.Kind, &r.ID, &key); err != nil {
			return nil, fmt.Errorf("read group keys: %w", err)
		}
		out[r] = key
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read group keys: %w", err)
	}
	return out, nil
}
