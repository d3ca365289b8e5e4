package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Triage statuses a product manager sets on a story; a story never triaged is new.
const (
	TriageNew      = "new"
	TriageAccepted = "accepted"
	TriageRejected = "rejected"
	TriageDone     = "done"
	// TriageRegressed is not set by anyone: it is how a done story reads once a conversation
	// dated after it was marked done joined it. Filters accept it.
	TriageRegressed = "regressed"
)

// TriageStatuses are the statuses a person may set, in the order they are offered.
var TriageStatuses = []string{TriageNew, TriageAccepted, TriageRejected, TriageDone}

// ValidTriage reports whether status may be set on a story.
func ValidTriage(status string) bool {
	for _, s := range TriageStatuses {
		if s == status {
			return true
		}
	}
	return false
}

// Triage is a story's triage: its status, who set it and when (zero for a story never triaged),
// and whether it regressed (done, then a conversation dated after set_at joined it).
type Triage struct {
	Status    string    `json:"status"`
	SetBy     string    `json:"set_by,omitempty"`
	SetAt     time.Time `json:"set_at,omitzero"`
	Regressed bool      `json:"regressed,omitempty"`
}

// Effective is the status filters match: regressed for a done story that regressed.
func (t Triage) Effective() string {
	if t.Regressed {
		return TriageRegressed
	}
	return t.Status
}

// triageColumns reads a story's triage from the stories row s and its story_triage row t.
const triageColumns = `coalesce(t.status, 'new') AS status, coalesce(t.set_by, '') AS set_by,
	coalesce(t.set_at, 'epoch'::timestamptz) AS set_at,
	(t.status = 'done' AND s.last_seen > t.set_at) IS TRUE AS regressed`

// SetTriage records a story's status, who set it and now. The story must exist (closed or not).
func (s *Store) SetTriage(ctx context.Context, storyKey, status, by string) error {
	if !ValidTriage(status) {
		return fmt.Errorf("set triage of %s: unknown status %q", storyKey, status)
	}
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO story_triage (story_key, status, set_by, set_at)
		SELECT story_key, @status, @by, now() FROM stories WHERE story_key = @key
		ON CONFLICT (story_key) DO UPDATE SET status = EXCLUDED.status, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`,
		pgx.NamedArgs{"key": storyKey, "status": status, "by": by})
	if err != nil {
		return fmt.Errorf("set triage of %s: %w", storyKey, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set triage of %s: %w", storyKey, ErrNotFound)
	}
	return nil
}

// StoryTriages returns the triage of every open story, by key.
func (s *Store) StoryTriages(ctx context.Context) (map[string]Triage, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT s.story_key, `+triageColumns+`
		FROM stories s LEFT JOIN story_triage t ON t.story_key = s.story_key
		WHERE s.closed_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("read triage: %w", err)
	}
	out := map[string]Triage{}
	var key string
	var t Triage
	_, err = pgx.ForEachRow(rows, []any{&key, &t.Status, &t.SetBy, &t.SetAt, &t.Regressed}, func() error {
		out[key] = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read triage: %w", err)
	}
	return out, nil
}

// BoardFilter selects and orders the board's stories.
type BoardFilter struct {
	Area   string // product area, exact; empty: all
	Status string // a triage status or regressed; empty: all
	Query  string // case-insensitive text in title, description, signature or key; empty: all
	Sort   string // "growth": most conversations added by the latest runs first; otherwise by conversations
}

// TrendRuns is how many of the latest runs a story's trend covers.
const TrendRuns = 8

// BoardStory is one story of the board.
type BoardStory struct {
	Key               string
	Title             string
	Signature         string
	ProductArea       string
	ConversationCount int
	FirstSeen         time.Time
	LastSeen          time.Time
	Triage            Triage
	// Trend is the story's conversation count after each of the latest runs that wrote stories
	// (oldest first), from the runs that added its current members; Growth is what the latest
	// of them added.
	Trend  []int
	Growth int
}

// Board lists the open stories that pass the filter, by conversations (or growth), largest first.
func (s *Store) Board(ctx context.Context, f BoardFilter) ([]BoardStory, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT s.story_key, s.title, s.signature, s.product_area, s.conversation_count, s.first_seen, s.last_seen,
			`+triageColumns+`
		FROM stories s LEFT JOIN story_triage t ON t.story_key = s.story_key
		WHERE s.closed_at IS NULL
			AND (@area = '' OR s.product_area = @area)
			AND (@q = '' OR strpos(lower(s.title || ' ' || s.description || ' ' || s.signature || ' ' || s.story_key), lower(@q)) > 0)
		ORDER BY s.conversation_count DESC, s.story_key`,
		pgx.NamedArgs{"area": f.Area, "q": strings.TrimSpace(f.Query)})
	if err != nil {
		return nil, fmt.Errorf("list board: %w", err)
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BoardStory, error) {
		var b BoardStory
		t := &b.Triage
		return b, r.Scan(&b.Key, &b.Title, &b.Signature, &b.ProductArea, &b.ConversationCount, &b.FirstSeen, &b.LastSeen,
			&t.Status, &t.SetBy, &t.SetAt, &t.Regressed)
	})
	if err != nil {
		return nil, fmt.Errorf("list board: %w", err)
	}
	stories := all[:0]
	for _, b := range all {
		if f.Status == "" || b.Triage.Effective() == f.Status {
			stories = append(stories, b)
		}
	}
	if err := s.addTrends(ctx, stories); err != nil {
		return nil, err
	}
	if f.Sort == "growth" {
		sort.SliceStable(stories, func(i, j int) bool { return stories[i].Growth > stories[j].Growth })
	}
	return stories, nil
}

// addTrends fills each story's trend from the runs that added its current members.
func (s *Store) addTrends(ctx context.Context, stories []BoardStory) error {
	rows, err := s.pool.Query(ctx, `
		SELECT id FROM pipeline_runs
		WHERE id IN (SELECT DISTINCT run_id FROM run_group_actions)
		ORDER BY started_at DESC, id DESC LIMIT @n`, pgx.NamedArgs{"n": TrendRuns})
	if err != nil {
		return fmt.Errorf("list trend runs: %w", err)
	}
	runs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("list trend runs: %w", err)
	}
	slot := map[string]int{} // run id -> position, oldest first
	for i, id := range runs {
		slot[id] = len(runs) - 1 - i
	}
	rows, err = s.pool.Query(ctx, `
		SELECT s.story_key, g.run_id, count(*)::int
		FROM group_members g JOIN stories s ON s.id = g.story_id
		WHERE s.closed_at IS NULL GROUP BY s.story_key, g.run_id`)
	if err != nil {
		return fmt.Errorf("count members per run: %w", err)
	}
	added := map[string][]int{} // story key -> members added per slot; index len(runs): earlier runs
	var key, run string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&key, &run, &n}, func() error {
		a := added[key]
		if a == nil {
			a = make([]int, len(runs)+1)
			added[key] = a
		}
		if i, ok := slot[run]; ok {
			a[i] += n
		} else {
			a[len(runs)] += n
		}
		return nil
	}); err != nil {
		return fmt.Errorf("count members per run: %w", err)
	}
	for i := range stories {
		a := added[stories[i].Key]
		if a == nil {
			a = make([]int, len(runs)+1)
		}
		total := a[len(runs)]
		trend := make([]int, len(runs))
		for j := range runs {
			total += a[j]
			trend[j] = total
		}
		stories[i].Trend = trend
		if len(runs) > 0 {
			stories[i].Growth = a[len(runs)-1]
		}
	}
	return nil
}

// Areas lists the product areas of open stories and orphans.
func (s *Store) Areas(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT product_area FROM stories WHERE closed_at IS NULL
		UNION SELECT product_area FROM orphans WHERE closed_at IS NULL AND graduated_at IS NULL
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list areas: %w", err)
	}
	areas, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list areas: %w", err)
	}
	return areas, nil
}

// BoardOrphans lists the open orphans that pass the filter's area and text.
func (s *Store) BoardOrphans(ctx context.Context, f BoardFilter) ([]OrphanView, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT o.orphan_key, o.title, o.signature, o.product_area, o.first_seen, o.last_seen,
			coalesce(array_agg(g.conversation_id ORDER BY g.conversation_id) FILTER (WHERE g.conversation_id IS NOT NULL), '{}')
		FROM orphans o LEFT JOIN group_members g ON g.orphan_id = o.id
		WHERE o.graduated_at IS NULL AND o.closed_at IS NULL
			AND (@area = '' OR o.product_area = @area)
			AND (@q = '' OR strpos(lower(o.title || ' ' || o.signature || ' ' || o.orphan_key), lower(@q)) > 0)
		GROUP BY o.id ORDER BY count(g.conversation_id) DESC, o.orphan_key`,
		pgx.NamedArgs{"area": f.Area, "q": strings.TrimSpace(f.Query)})
	if err != nil {
		return nil, fmt.Errorf("list orphans: %w", err)
	}
	orphans, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OrphanView, error) {
		var v OrphanView
		return v, r.Scan(&v.Key, &v.Title, &v.Signature, &v.ProductArea, &v.FirstSeen, &v.LastSeen, &v.ConversationIDs)
	})
	if err != nil {
		return nil, fmt.Errorf("list orphans: %w", err)
	}
	return orphans, nil
}

// StoryMember is one conversation of a story, with its evidence.
type StoryMember struct {
	ConversationID string
	Subject        string
	CreatedAt      time.Time
	SourceURL      string // as imported; a page must check its scheme before linking it
	Excerpt        string
	RunID          string
}

// StoryDetail is everything the story page shows.
type StoryDetail struct {
	Key                string
	Title              string
	Description        string
	UserStory          string   // when the store has the column and a value
	AcceptanceCriteria []string // likewise
	Signature          string
	ProductArea        string
	Component          string
	ConversationCount  int
	FirstSeen          time.Time
	LastSeen           time.Time
	Closed             bool
	Triage             Triage
	Aliases            []string
	Members            []StoryMember
	Moves              []MoveView // into or out of this story, newest first
}

// maxStoryMoves bounds the moves a story page lists.
const maxStoryMoves = 200

// Story reads one story by key, with its triage, aliases, members and moves; ErrNotFound when
// no story has the key. Columns other migrations may add (user_story, acceptance_criteria) are
// read when present.
func (s *Store) Story(ctx context.Context, key string) (*StoryDetail, error) {
	var d StoryDetail
	var extra []byte
	t := &d.Triage
	err := s.pool.QueryRow(ctx, `
		SELECT s.story_key, s.title, s.description, s.signature, s.product_area, s.component, s.conversation_count,
			s.first_seen, s.last_seen, s.closed_at IS NOT NULL,
			jsonb_build_object('user_story', to_jsonb(s) -> 'user_story', 'acceptance_criteria', to_jsonb(s) -> 'acceptance_criteria'),
			`+triageColumns+`
		FROM stories s LEFT JOIN story_triage t ON t.story_key = s.story_key
		WHERE s.story_key = @key`, pgx.NamedArgs{"key": key}).Scan(
		&d.Key, &d.Title, &d.Description, &d.Signature, &d.ProductArea, &d.Component, &d.ConversationCount,
		&d.FirstSeen, &d.LastSeen, &d.Closed, &extra, &t.Status, &t.SetBy, &t.SetAt, &t.Regressed)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("story %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read story %s: %w", key, err)
	}
	d.UserStory, d.AcceptanceCriteria = writtenStory(extra)

	rows, err := s.pool.Query(ctx, `SELECT alias FROM signature_aliases WHERE canonical = @sig ORDER BY alias`,
		pgx.NamedArgs{"sig": d.Signature})
	if err != nil {
		return nil, fmt.Errorf("read aliases of %s: %w", key, err)
	}
	if d.Aliases, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, fmt.Errorf("read aliases of %s: %w", key, err)
	}

	rows, err = s.pool.Query(ctx, `
		SELECT g.conversation_id, c.subject, c.created_at, c.source_url, g.excerpt, g.run_id
		FROM group_members g JOIN stories s ON s.id = g.story_id JOIN conversations c ON c.id = g.conversation_id
		WHERE s.story_key = @key ORDER BY c.created_at, g.conversation_id`, pgx.NamedArgs{"key": key})
	if err != nil {
		return nil, fmt.Errorf("read members of %s: %w", key, err)
	}
	if d.Members, err = pgx.CollectRows(rows, pgx.RowToStructByPos[StoryMember]); err != nil {
		return nil, fmt.Errorf("read members of %s: %w", key, err)
	}

	rows, err = s.pool.Query(ctx, `
		SELECT run_id, conversation_id, from_kind, from_key, to_kind, to_key, moved_at
		FROM group_moves
		WHERE (from_kind = 'story' AND from_key = @key) OR (to_kind = 'story' AND to_key = @key)
		ORDER BY moved_at DESC, id DESC LIMIT @limit`, pgx.NamedArgs{"key": key, "limit": maxStoryMoves})
	if err != nil {
		return nil, fmt.Errorf("read moves of %s: %w", key, err)
	}
	if d.Moves, err = pgx.CollectRows(rows, pgx.RowToStructByName[MoveView]); err != nil {
		return nil, fmt.Errorf("read moves of %s: %w", key, err)
	}
	return &d, nil
}

// writtenStory reads the optional user story and acceptance criteria: text, or for the criteria
// a JSON array of strings or text with one criterion a line.
func writtenStory(raw []byte) (string, []string) {
	var v struct {
		UserStory          json.RawMessage `json:"user_story"`
		AcceptanceCriteria json.RawMessage `json:"acceptance_criteria"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return "", nil
	}
	var story string
	_ = json.Unmarshal(v.UserStory, &story)
	var criteria []string
	if json.Unmarshal(v.AcceptanceCriteria, &criteria) != nil {
		var text string
		_ = json.Unmarshal(v.AcceptanceCriteria, &text)
		for _, line := range strings.Split(text, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				criteria = append(criteria, line)
			}
		}
	}
	return story, criteria
}
