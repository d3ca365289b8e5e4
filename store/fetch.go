package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/conversation"
	"feedbackpipe/pipeline"
)

// FetchState is where a run's fetch stands: the cursor of the next page to fetch ("" for the
// first) and whether the last page is stored.
type FetchState struct {
	NextCursor string `db:"next_cursor"`
	Pages      int    `db:"pages"`
	Done       bool   `db:"done"`
}

// GetFetchState returns the run's fetch state (zero before its first page is stored).
func (s *Store) GetFetchState(ctx context.Context, runID string) (FetchState, error) {
	rows, err := s.pool.Query(ctx, `SELECT next_cursor, pages, done FROM run_fetches WHERE run_id = $1`, runID)
	if err != nil {
		return FetchState{}, fmt.Errorf("read fetch state of run %s: %w", runID, err)
	}
	st, err := pgx.CollectOneRow(rows, pgx.RowToStructByName[FetchState])
	if errors.Is(err, pgx.ErrNoRows) {
		return FetchState{}, nil
	}
	if err != nil {
		return FetchState{}, fmt.Errorf("read fetch state of run %s: %w", runID, err)
	}
	return st, nil
}

// FetchedPage is one search page of a run's fetch, ready to store.
type FetchedPage struct {
	RunID         string
	Cursor        string // the cursor this page was fetched with ("" for the first page)
	NextCursor    string // the next page's; "" when this was the last
	Conversations []conversation.Conversation
	Counters      pipeline.FetchCounters
}

// StoreFetchedPage upserts the page's conversations, adds its counters to the run's row and
// moves the run's cursor to the next page, all in one transaction. An unchanged conversation is
// left as it is (its extractions and embeddings stay valid); a changed one has its text
// replaced. A page whose cursor is no longer the run's (stored already by an earlier attempt)
// changes nothing, so a resumed fetch never stores or counts a page twice. It reports whether
// the page was stored now.
func (s *Store) StoreFetchedPage(ctx context.Context, p FetchedPage) (bool, error) {
	stored := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO run_fetches (run_id) VALUES ($1) ON CONFLICT DO NOTHING`, p.RunID); err != nil {
			return err
		}
		var st FetchState
		rows, err := tx.Query(ctx, `SELECT next_cursor, pages, done FROM run_fetches WHERE run_id = $1 FOR UPDATE`, p.RunID)
		if err != nil {
			return err
		}
		if st, err = pgx.CollectOneRow(rows, pgx.RowToStructByName[FetchState]); err != nil {
			return err
		}
		if st.Done || st.NextCursor != p.Cursor {
			return nil
		}
		if err := upsertConversations(ctx, tx, p.Conversations); err != nil {
			return err
		}
		if err := recordFetched(ctx, tx, p.RunID, p.Conversations); err != nil {
			return err
		}
		c := p.Counters
		skipped, err := json.Marshal(c.SkippedBy)
		if err != nil {
			return fmt.Errorf("encode skip counts: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			UPDATE run_fetches SET next_cursor = @next, pages = pages + 1, done = @done, updated_at = now()
			WHERE run_id = @run`,
			pgx.NamedArgs{"run": p.RunID, "next": p.NextCursor, "done": p.NextCursor == ""}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE pipeline_runs SET
				conversations_fetched = conversations_fetched + @fetched,
				conversations_skipped = conversations_skipped + @skipped,
				conversations_stored = conversations_stored + @stored,
				conversations_skipped_by = (
					SELECT coalesce(jsonb_object_agg(k, coalesce((conversations_skipped_by->>k)::int, 0) + v::int), '{}')
					FROM jsonb_each_text(@by::jsonb) AS e(k, v))
			WHERE id = @run`,
			pgx.NamedArgs{"run": p.RunID, "fetched": c.ConversationsFetched, "skipped": c.ConversationsSkipped,
				"stored": c.ConversationsStored, "by": string(skipped)})
		stored = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store fetched page of run %s: %w", p.RunID, err)
	}
	return stored, nil
}

// recordFetched notes the conversations the run's fetch stored, for its selection.
func recordFetched(ctx context.Context, tx pgx.Tx, runID string, convs []conversation.Conversation) error {
	if len(convs) == 0 {
		return nil
	}
	ids := make([]string, len(convs))
	for i := range convs {
		ids[i] = convs[i].ID
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO run_fetched (run_id, conversation_id) SELECT $1, unnest($2::text[])
		ON CONFLICT DO NOTHING`, runID, ids); err != nil {
		return fmt.Errorf("record fetched conversations: %w", err)
	}
	return nil
}

// upsertConversations writes conversations, leaving unchanged ones as they are.
func upsertConversations(ctx context.Context, tx pgx.Tx, convs []conversation.Conversation) error {
	if len(convs) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for i := range convs {
		c := &convs[i]
		if err := c.CheckStorable(); err != nil {
			return fmt.Errorf("conversation %s: %w", c.ID, err)
		}
		msgs, err := json.Marshal(c.Messages)
		if err != nil {
			return fmt.Errorf("encode messages of %s: %w", c.ID, err)
		}
		b.Queue(`
			INSERT INTO conversations (id, created_at, subject, messages, source_url, contact, content_hash)
			VALUES (@id, @created_at, @subject, @messages, @source_url, @contact, @hash)
			ON CONFLICT (id) DO UPDATE SET
				created_at = EXCLUDED.created_at, subject = EXCLUDED.subject, messages = EXCLUDED.messages,
				source_url = EXCLUDED.source_url, contact = EXCLUDED.contact,
				content_hash = EXCLUDED.content_hash, updated_at = now()
			WHERE conversations.content_hash IS DISTINCT FROM EXCLUDED.content_hash
				OR conversations.created_at IS DISTINCT FROM EXCLUDED.created_at
				OR conversations.source_url IS DISTINCT FROM EXCLUDED.source_url
				OR conversations.contact IS DISTINCT FROM EXCLUDED.contact`,
			pgx.NamedArgs{"id": c.ID, "created_at": c.CreatedAt, "subject": c.Subject, "messages": msgs,
				"source_url": c.SourceURL, "contact": c.Contact, "hash": c.ContentHash()})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("upsert fetched conversations: %w", err)
	}
	return nil
}

// fetchCounters reads the fetch counters mirrored in the run's row.
func (s *Store) fetchCounters(ctx context.Context, runID string, c *pipeline.FetchCounters) error {
	var by []byte
	err := s.pool.QueryRow(ctx, `
		SELECT conversations_fetched, conversations_skipped, conversations_stored, conversations_skipped_by
		FROM pipeline_runs WHERE id = $1`, runID).Scan(
		&c.ConversationsFetched, &c.ConversationsSkipped, &c.ConversationsStored, &by)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read fetch counters of run %s: %w", runID, err)
	}
	if err := json.Unmarshal(by, &c.SkippedBy); err != nil {
		return fmt.Errorf("decode skip counts of run %s: %w", runID, err)
	}
	return nil
}
