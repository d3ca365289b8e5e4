package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Review verdicts recorded per run and group.
const (
	VerdictKeep     = "keep"
	VerdictSplit    = "split"
	VerdictReject   = "reject"
	VerdictFallback = "fallback"
)

// StoryText is what a review writes for a story beyond its title and description.
type StoryText struct {
	UserStory          string   `json:"user_story"`
	AcceptanceCriteria []string `json:"acceptance_criteria"`
	InvestigationHints []string `json:"investigation_hints"`
	Severity           string   `json:"severity"`
}

// ReviewedPart is one group to write from a review: the whole group when kept, a sub-group of a
// split.
type ReviewedPart struct {
	Group *GroupWrite
	Text  StoryText
}

// ReviewedWrite is a reviewed candidate group: its parts to write (none when rejected) and, for
// a rejection, the members that leave whatever group they were in.
type ReviewedWrite struct {
	RunID    string
	Key      string // the candidate group's key
	Verdict  string
	Reason   string // short code
	Parts    []ReviewedPart
	Rejected []Member
}

// GroupReview is a run's verdict on one candidate group.
type GroupReview struct {
	RunID     string   `json:"run_id"`
	GroupKey  string   `json:"group_key"`
	Verdict   string   `json:"verdict"`
	Reason    string   `json:"reason"`
	MemberIDs []string `json:"member_ids"`
	PartKeys  []string `json:"part_keys"`
}

// WriteReviewed applies a review in one transaction: every part is written as WriteGroup writes a
// group (story or orphan, members moved from their old groups), a rejected group's members leave
// their groups (which are refreshed, and closed when emptied), and the verdict is recorded. A
// candidate already applied by this run is not applied again.
func (s *Store) WriteReviewed(ctx context.Context, w *ReviewedWrite) error {
	all := &GroupWrite{RunID: w.RunID, Key: w.Key, Members: w.Rejected}
	var partKeys []string
	for _, p := range w.Parts {
		all.Members = append(all.Members, p.Group.Members...)
		partKeys = append(partKeys, p.Group.Key)
	}
	if len(all.Members) == 0 {
		return fmt.Errorf("write reviewed group %s: no members", w.Key)
	}
	var extraKeys []string
	for relock := 0; ; relock++ {
		err := s.inTx(ctx, func(tx pgx.Tx) error {
			if err := customPlans(ctx, tx); err != nil {
				return err
			}
			locks, missed, err := lockGroupKeys(ctx, tx, all, append(extraKeys, partKeys...))
			switch {
			case errors.Is(err, errRelock) && relock < maxRelocks:
				extraKeys = append(extraKeys, missed...)
				return err
			case errors.Is(err, errRelock):
				for _, k := range missed {
					if err := locks.lock(ctx, tx, k); err != nil {
						return err
					}
				}
			case err != nil:
				return err
			}
			var done bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM run_group_reviews WHERE run_id = $1 AND group_key = $2)`,
				w.RunID, w.Key).Scan(&done); err != nil {
				return fmt.Errorf("find review: %w", err)
			}
			if done {
				return nil
			}
			for _, p := range w.Parts {
				if err := writePart(ctx, tx, p, w, locks); err != nil {
					return err
				}
			}
			if len(w.Rejected) > 0 {
				if err := removeMembers(ctx, tx, w.RunID, w.Rejected); err != nil {
					return err
				}
			}
			ids, _, _ := memberColumns(distinctMembers(all.Members))
			if partKeys == nil {
				partKeys = []string{}
			}
			_, err = tx.Exec(ctx, `
				INSERT INTO run_group_reviews (run_id, group_key, verdict, reason, member_ids, part_keys)
				VALUES (@run, @key, @verdict, @reason, @ids, @parts)`,
				pgx.NamedArgs{"run": w.RunID, "key": w.Key, "verdict": w.Verdict, "reason": w.Reason, "ids": ids, "parts": partKeys})
			if err != nil {
				return fmt.Errorf("record review: %w", err)
			}
			return nil
		})
		if errors.Is(err, errRelock) {
			continue
		}
		if err != nil {
			return fmt.Errorf("write reviewed group %s: %w", w.Key, err)
		}
		return nil
	}
}

// writePart writes one part as WriteGroup does and sets its story's written fields.
func writePart(ctx context.Context, tx pgx.Tx, p ReviewedPart, w *ReviewedWrite, locks *keyLocks) error {
	g := p.Group
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM run_group_actions WHERE run_id = $1 AND group_key = $2 AND action <> 'failed')`,
		g.RunID, g.Key).Scan(&exists); err != nil {
		return fmt.Errorf("find action of %s: %w", g.Key, err)
	}
	if exists { // another candidate of this run wrote the key already
		return fmt.Errorf("part key %s written twice by run %s", g.Key, g.RunID)
	}
	action, err := writeGroup(ctx, tx, g, locks)
	if err != nil {
		return err
	}
	// The review's text; a story that reads so already is left as it is.
	t := p.Text
	tag, err := tx.Exec(ctx, `
		UPDATE stories SET user_story = @user_story, acceptance_criteria = @criteria, investigation_hints = @hints,
			severity = @severity, verdict = @verdict, verdict_reason = @reason, updated_by_run = @run, updated_at = now()
		WHERE story_key = @key AND (user_story, acceptance_criteria, investigation_hints, severity, verdict, verdict_reason)
			IS DISTINCT FROM (@user_story, @criteria, @hints, @severity, @verdict, @reason)`, pgx.NamedArgs{
		"key": g.Key, "user_story": t.UserStory, "criteria": nonNil(t.AcceptanceCriteria), "hints": nonNil(t.InvestigationHints),
		"severity": t.Severity, "verdict": w.Verdict, "reason": w.Reason, "run": g.RunID})
	if err != nil {
		return fmt.Errorf("set written story of %s: %w", g.Key, err)
	}
	if tag.RowsAffected() > 0 {
		action = changedAction(action)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO run_group_actions (run_id, group_key, action) VALUES ($1, $2, $3)
		ON CONFLICT (run_id, group_key) DO UPDATE SET action = EXCLUDED.action, detail = ''`,
		g.RunID, g.Key, action); err != nil {
		return fmt.Errorf("record action of %s: %w", g.Key, err)
	}
	return nil
}

// removeMembers takes the conversations out of whatever group they are in and refreshes those
// groups (closing the ones left empty).
func removeMembers(ctx context.Context, tx pgx.Tx, runID string, members []Member) error {
	ids, _, _ := memberColumns(distinctMembers(members))
	rows, err := tx.Query(ctx, `
		DELETE FROM group_members g WHERE g.conversation_id = ANY($1::text[])
		RETURNING g.story_id, g.orphan_id,
			coalesce((SELECT story_key FROM stories WHERE id = g.story_id), (SELECT orphan_key FROM orphans WHERE id = g.orphan_id))`, ids)
	if err != nil {
		return fmt.Errorf("remove rejected members: %w", err)
	}
	left := map[groupRef]bool{}
	var storyID, orphanID *int64
	var key string
	_, err = pgx.ForEachRow(rows, []any{&storyID, &orphanID, &key}, func() error {
		r := groupRef{Kind: KindOrphan, Key: key}
		if storyID != nil {
			r.Kind, r.ID = KindStory, *storyID
		} else if orphanID != nil {
			r.ID = *orphanID
		}
		left[r] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove rejected members: %w", err)
	}
	refs := make([]groupRef, 0, len(left))
	for r := range left {
		refs = append(refs, r)
	}
	_, err = refreshGroups(ctx, tx, runID, refs, false)
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CachedReviews returns the cached answers of the member sets (by hash) that have one, with
// this prompt version and model.
func (s *Store) CachedReviews(ctx context.Context, memberHashes []string, promptVersion, model string) (map[string][]byte, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT member_hash, answer FROM story_reviews
		WHERE member_hash = ANY(@hashes::text[]) AND prompt_version = @version AND model = @model`,
		pgx.NamedArgs{"hashes": memberHashes, "version": promptVersion, "model": model})
	if err != nil {
		return nil, fmt.Errorf("read cached reviews: %w", err)
	}
	out := map[string][]byte{}
	var hash string
	var answer []byte
	if _, err := pgx.ForEachRow(rows, []any{&hash, &answer}, func() error {
		out[hash] = answer
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read cached reviews: %w", err)
	}
	return out, nil
}

// ReviewUsage is the usage of one review call (its attempts included), counted in the run's
// totals under the stories phase.
type ReviewUsage struct {
	RunID     string
	GroupKey  string
	Calls     int
	TokensIn  int
	TokensOut int
	CostUSD   float64
}

// SaveReview stores a review's usage and, when answer is not nil, its valid answer for reuse, in
// one transaction. A failed review's usage is stored the same way, with no answer.
func (s *Store) SaveReview(ctx context.Context, u ReviewUsage, memberHash, promptVersion, model string, answer json.RawMessage) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if answer != nil {
			if _, err := tx.Exec(ctx, `
				INSERT INTO story_reviews (member_hash, prompt_version, model, answer, created_by_run)
				VALUES (@hash, @version, @model, @answer, @run) ON CONFLICT DO NOTHING`,
				pgx.NamedArgs{"hash": memberHash, "version": promptVersion, "model": model, "answer": answer, "run": u.RunID}); err != nil {
				return err
			}
		}
		if u.Calls == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO run_llm_usage (run_id, phase, batch_key, llm_calls, tokens_in, tokens_out, cost_usd)
			VALUES (@run, 'stories', @key, @calls, @in, @out, @cost)
			ON CONFLICT (run_id, phase, batch_key) DO UPDATE SET llm_calls = run_llm_usage.llm_calls + EXCLUDED.llm_calls,
				tokens_in = run_llm_usage.tokens_in + EXCLUDED.tokens_in, tokens_out = run_llm_usage.tokens_out + EXCLUDED.tokens_out,
				cost_usd = run_llm_usage.cost_usd + EXCLUDED.cost_usd`,
			pgx.NamedArgs{"run": u.RunID, "key": "review:" + u.GroupKey, "calls": u.Calls, "in": u.TokensIn,
				"out": u.TokensOut, "cost": u.CostUSD})
		return err
	})
	if err != nil {
		return fmt.Errorf("save review of group %s: %w", u.GroupKey, err)
	}
	return nil
}

// GroupReviews lists a run's review verdicts (all runs' latest when runID is empty), only
// verdict when it is not empty, by group key.
func (s *Store) GroupReviews(ctx context.Context, runID, verdict string) ([]GroupReview, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT DISTINCT ON (group_key) run_id, group_key, verdict, reason, member_ids, part_keys
		FROM run_group_reviews
		WHERE (@run = '' OR run_id = @run) AND (@verdict = '' OR verdict = @verdict)
		ORDER BY group_key, created_at DESC`, pgx.NamedArgs{"run": runID, "verdict": verdict})
	if err != nil {
		return nil, fmt.Errorf("list group reviews: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[GroupReview])
	if err != nil {
		return nil, fmt.Errorf("list group reviews: %w", err)
	}
	return out, nil
}

// storyTexts fills the stories' written fields and verdicts.
func (s *Store) storyTexts(ctx context.Context, stories []StoryView) error {
	if len(stories) == 0 {
		return nil
	}
	keys := make([]string, len(stories))
	for i, v := range stories {
		keys[i] = v.Key
	}
	rows, err := s.pool.Query(ctx, `
		SELECT story_key, user_story, acceptance_criteria, investigation_hints, severity, verdict, verdict_reason
		FROM stories WHERE story_key = ANY($1::text[])`, keys)
	if err != nil {
		return fmt.Errorf("read written stories: %w", err)
	}
	type written struct {
		StoryKey           string
		UserStory          string
		AcceptanceCriteria []string
		InvestigationHints []string
		Severity           string
		Verdict            string
		VerdictReason      string
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[written])
	if err != nil {
		return fmt.Errorf("read written stories: %w", err)
	}
	byKey := make(map[string]written, len(got))
	for _, w := range got {
		byKey[w.StoryKey] = w
	}
	for i := range stories {
		w := byKey[stories[i].Key]
		stories[i].UserStory, stories[i].AcceptanceCriteria, stories[i].InvestigationHints = w.UserStory, w.AcceptanceCriteria, w.InvestigationHints
		stories[i].Severity, stories[i].Verdict, stories[i].VerdictReason = w.Severity, w.Verdict, w.VerdictReason
	}
	return nil
}

// OrphanOthers counts, for each key with an open orphan, its members that are not among ids (the
// run's grouped conversations): with a group of the run of that key, whether the orphan would
// graduate.
func (s *Store) OrphanOthers(ctx context.Context, keys, ids []string) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT o.orphan_key, count(*)
		FROM orphans o JOIN group_members g ON g.orphan_id = o.id
		WHERE o.orphan_key = ANY(@keys::text[]) AND o.graduated_at IS NULL AND o.closed_at IS NULL
			AND NOT (g.conversation_id = ANY(@ids::text[]))
		GROUP BY o.orphan_key`, pgx.NamedArgs{"keys": keys, "ids": ids})
	if err != nil {
		return nil, fmt.Errorf("count orphan members: %w", err)
	}
	out := map[string]int{}
	var key string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&key, &n}, func() error { out[key] = n; return nil }); err != nil {
		return nil, fmt.Errorf("count orphan members: %w", err)
	}
	return out, nil
}

// PreviewThemes returns a dry run's themes (from its extractions' results), in conversation
// order, without vectors: what a preview's story review sees.
func (s *Store) PreviewThemes(ctx context.Context, runID string) ([]ThemeForGrouping, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT x.conversation_id, c.created_at, x.signature,
			coalesce(x.result->>'product_area', '') AS product_area, coalesce(x.result->>'component', '') AS component,
			coalesce(x.result->>'user_intent', '') AS user_intent,
			coalesce(ARRAY(SELECT jsonb_array_elements_text(coalesce(x.result->'symptoms', '[]'::jsonb))), '{}') AS symptoms,
			coalesce(x.result->>'affected_flow', '') AS affected_flow,
			coalesce(x.result->'key_excerpts'->>0, '') AS excerpt,
			coalesce(x.result->>'action_type', '') AS action_type, coalesce(x.result->>'direction', '') AS direction
		FROM extractions x JOIN conversations c ON c.id = x.conversation_id
		WHERE x.run_id = $1 AND x.outcome = 'theme' AND x.result IS NOT NULL
		ORDER BY x.conversation_id`, runID)
	if err != nil {
		return nil, fmt.Errorf("read preview themes of %s: %w", runID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ThemeForGrouping, error) {
		var t ThemeForGrouping
		return t, r.Scan(&t.ConversationID, &t.CreatedAt, &t.Signature, &t.ProductArea, &t.Component, &t.UserIntent,
			&t.Symptoms, &t.AffectedFlow, &t.Excerpt, &t.ActionType, &t.Direction)
	})
	if err != nil {
		return nil, fmt.Errorf("read preview themes of %s: %w", runID, err)
	}
	return out, nil
}
