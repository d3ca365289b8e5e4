package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"feedbackpipe/conversation"
)

// ImportCounts says what an import did.
type ImportCounts struct {
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// UpsertConversations writes conversations in one transaction: all of them or none. A
// conversation whose content is unchanged is left as it is, so re-importing a file is harmless.
func (s *Store) UpsertConversations(ctx context.Context, convs []conversation.Conversation) (ImportCounts, error) {
	var counts ImportCounts
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		const chunk = 500
		for start := 0; start < len(convs); start += chunk {
			batch := &pgx.Batch{}
			part := convs[start:min(start+chunk, len(convs))]
			for i := range part {
				c := &part[i]
				msgs, err := json.Marshal(c.Messages)
				if err != nil {
					return fmt.Errorf("encode messages of %s: %w", c.ID, err)
				}
				batch.Queue(`
					INSERT INTO conversations (id, created_at, subject, messages, source_url, contact, content_hash)
					VALUES ($1, $2, $3, $4, $5, $6, $7)
					ON CONFLICT (id) DO UPDATE SET
						created_at = EXCLUDED.created_at, subject = EXCLUDED.subject, messages = EXCLUDED.messages,
						source_url = EXCLUDED.source_url, contact = EXCLUDED.contact,
						content_hash = EXCLUDED.content_hash, updated_at = now()
					WHERE conversations.content_hash IS DISTINCT FROM EXCLUDED.content_hash
						OR conversations.created_at IS DISTINCT FROM EXCLUDED.created_at
						OR conversations.source_url IS DISTINCT FROM EXCLUDED.source_url
						OR conversations.contact IS DISTINCT FROM EXCLUDED.contact
					RETURNING (xmax = 0) AS inserted`,
					c.ID, c.CreatedAt, c.Subject, msgs, c.SourceURL, c.Contact, c.ContentHash())
			}
			results := tx.SendBatch(ctx, batch)
			for i := range part {
				var inserted bool
				err := results.QueryRow().Scan(&inserted)
				switch {
				case err == pgx.ErrNoRows:
					counts.Unchanged++
				case err != nil:
					results.Close()
					return fmt.Errorf("upsert conversation %s: %w", part[i].ID, err)
				case inserted:
					counts.Inserted++
				default:
					counts.Updated++
				}
			}
			if err := results.Close(); err != nil {
				return fmt.Errorf("upsert conversations: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return ImportCounts{}, err
	}
	return counts, nil
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
		if err := json.Unmarshal(msgs, &c.Messages); err != nil {
			return nil, fmt.Errorf("decode messages of %s: %w", c.ID, err)
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
