package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/conversation"
)

// ImportCounts says what an import did.
type ImportCounts struct {
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	// Duplicates counts the records whose id an earlier record of the same import
	// already had; the later record won.
	Duplicates int `json:"duplicates"`
}

// UpsertConversations writes conversations in one transaction: all of them or none.
// See ImportConversations.
func (s *Store) UpsertConversations(ctx context.Context, convs []conversation.Conversation) (ImportCounts, error) {
	i := 0
	return s.ImportConversations(ctx, func() (*conversation.Conversation, error) {
		if i == len(convs) {
			return nil, io.EOF
		}
		i++
		return &convs[i-1], nil
	})
}

// ImportConversations streams the conversations next yields (until it returns
// io.EOF) into the store in one transaction: all of them or none. Any other error from
// next, a conversation Postgres cannot store (a NUL or invalid UTF-8 in a field; the
// error names the conversation and the field) or a cancelled context rolls back
// everything. Memory stays flat whatever the count: the conversations are copied
// (COPY) into a temporary table as next yields them, then merged into conversations
// by one statement. Of records sharing an id the last one wins. A conversation
// whose content, created_at, source_url and contact are unchanged is left as it is,
// so importing a file again is harmless.
func (s *Store) ImportConversations(ctx context.Context, next func() (*conversation.Conversation, error)) (ImportCounts, error) {
	var counts ImportCounts
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			CREATE TEMP TABLE import_conversations (
				seq bigint NOT NULL, id text NOT NULL, created_at timestamptz NOT NULL, subject text NOT NULL,
				messages jsonb NOT NULL, source_url text NOT NULL, contact text NOT NULL, content_hash text NOT NULL
			) ON COMMIT DROP`); err != nil {
			return fmt.Errorf("create import table: %w", err)
		}
		var seq int64
		var srcErr error // an error of next or of a conversation, kept apart from COPY's own
		rows := pgx.CopyFromFunc(func() ([]any, error) {
			c, err := next()
			if errors.Is(err, io.EOF) {
				return nil, nil
			}
			if err == nil {
				err = c.CheckStorable()
				if err != nil {
					err = fmt.Errorf("conversation %s: %w", c.ID, err)
				}
			}
			var msgs []byte
			if err == nil {
				if msgs, err = json.Marshal(c.Messages); err != nil {
					err = fmt.Errorf("encode messages of %s: %w", c.ID, err)
				}
			}
			if err != nil {
				srcErr = err
				return nil, err
			}
			seq++
			return []any{seq, c.ID, c.CreatedAt, c.Subject, msgs, c.SourceURL, c.Contact, c.ContentHash()}, nil
		})
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_conversations"},
			[]string{"seq", "id", "created_at", "subject", "messages", "source_url", "contact", "content_hash"}, rows)
		if srcErr != nil {
			return srcErr
		}
		if err != nil {
			return fmt.Errorf("copy conversations: %w", err)
		}
		var distinct, total int
		err = tx.QueryRow(ctx, `
			WITH latest AS MATERIALIZED (
				SELECT DISTINCT ON (id) * FROM import_conversations ORDER BY id, seq DESC
			), up AS (
				INSERT INTO conversations (id, created_at, subject, messages, source_url, contact, content_hash)
				SELECT id, created_at, subject, messages, source_url, contact, content_hash FROM latest
				ON CONFLICT (id) DO UPDATE SET
					created_at = EXCLUDED.created_at, subject = EXCLUDED.subject, messages = EXCLUDED.messages,
					source_url = EXCLUDED.source_url, contact = EXCLUDED.contact,
					content_hash = EXCLUDED.content_hash, updated_at = now()
				WHERE conversations.content_hash IS DISTINCT FROM EXCLUDED.content_hash
					OR conversations.created_at IS DISTINCT FROM EXCLUDED.created_at
					OR conversations.source_url IS DISTINCT FROM EXCLUDED.source_url
					OR conversations.contact IS DISTINCT FROM EXCLUDED.contact
				RETURNING (xmax = 0) AS inserted
			)
			SELECT (SELECT count(*) FILTER (WHERE inserted) FROM up), (SELECT count(*) FILTER (WHERE NOT inserted) FROM up),
				(SELECT count(*) FROM latest), (SELECT count(*) FROM import_conversations)`,
		).Scan(&counts.Inserted, &counts.Updated, &distinct, &total)
		if err != nil {
			return fmt.Errorf("merge imported conversations: %w", err)
		}
		counts.Unchanged = distinct - counts.Inserted - counts.Updated
		counts.Duplicates = total - distinct
		return nil
	})
	if err != nil {
		return ImportCounts{}, err
	}
	return counts, nil
}

// decodeMessages sets c's messages from their stored JSON.
func decodeMessages(c *conversation.Conversation, raw []byte) error {
	if err := json.Unmarshal(raw, &c.Messages); err != nil {
		return fmt.Errorf("decode messages of %s: %w", c.ID, err)
	}
	return nil
}

// GetConversations loads conversations by id; missing ids are simply absent from the map.
func (s *Store) GetConversations(ctx context.Context, ids []string) (map[string]*conversation.Conversation, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, created_at, subject, messages, source_url, contact
		FROM conversations WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("load conversations: %w", err)
	}
	defer rows.Close()
	out := make(map[string]*conversation.Conversation, len(ids))
	for rows.Next() {
		var c conversation.Conversation
		var msgs []byte
		if err := rows.Scan(&c.ID, &c.CreatedAt, &c.Subject, &msgs, &c.SourceURL, &c.Contact); err != nil {
			return nil, fmt.Errorf("read conversation: %w", err)
		}
		if err := decodeMessages(&c, msgs); err != nil {
			return nil, err
		}
		out[c.ID] = &c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load conversations: %w", err)
	}
	return out, nil
}

// CountConversations returns how many conversations are stored.
func (s *Store) CountConversations(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM conversations`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count conversations: %w", err)
	}
	return n, nil
}
