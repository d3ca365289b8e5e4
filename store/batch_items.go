package store

import (
	"context"
	"fmt"
	"time"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
)

// BatchItem is one conversation of a range of a run's selection, as an extraction batch loads
// it.
type BatchItem struct {
	ConversationID string
	// Conversation is nil when the conversation has an outcome in the run already (a retried
	// batch skips it), or was deleted since the selection.
	Conversation *conversation.Conversation
	// ContentHash is the content hash stored with the conversation at import.
	ContentHash string
	// Cached is the newest theme any run extracted from the conversation's stored content with
	// the prompt version and model asked for; nil when none.
	Cached *extraction.Theme
}

// ExtractionBatchItems loads the conversations numbered [from, to) in the run's selection, in
// order, with what extracting them needs, in one query: one round trip before a batch's first
// call, instead of one per question (selection, outcomes, conversations, cached themes).
func (s *Store) ExtractionBatchItems(ctx context.Context, runID string, from, to int, promptVersion, model string) ([]BatchItem, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT rc.conversation_id, c.id IS NOT NULL,
			c.created_at, coalesce(c.subject, ''), c.messages, coalesce(c.source_url, ''), coalesce(c.contact, ''),
			coalesce(c.content_hash, ''), cached.result
		FROM run_conversations rc
		LEFT JOIN extractions x ON x.run_id = rc.run_id AND x.conversation_id = rc.conversation_id
		LEFT JOIN conversations c ON c.id = rc.conversation_id AND x.conversation_id IS NULL
		LEFT JOIN LATERAL (
			SELECT y.result FROM extractions y
			WHERE y.conversation_id = c.id AND y.content_hash = c.content_hash AND y.prompt_version = $4
				AND y.model = $5 AND y.outcome <> 'failed' AND y.result IS NOT NULL
			ORDER BY y.extracted_at DESC LIMIT 1) cached ON true
		WHERE rc.run_id = $1 AND rc.seq >= $2 AND rc.seq < $3
		ORDER BY rc.seq`, runID, from, to, promptVersion, model)
	if err != nil {
		return nil, fmt.Errorf("load batch [%d, %d) of run %s: %w", from, to, runID, err)
	}
	defer rows.Close()
	var items []BatchItem
	for rows.Next() {
		var it BatchItem
		var present bool
		var c conversation.Conversation
		var created *time.Time
		var msgs, cached []byte
		if err := rows.Scan(&it.ConversationID, &present, &created, &c.Subject, &msgs, &c.SourceURL,
			&c.Contact, &it.ContentHash, &cached); err != nil {
			return nil, fmt.Errorf("read batch [%d, %d) of run %s: %w", from, to, runID, err)
		}
		if present {
			c.ID, c.CreatedAt = it.ConversationID, *created
			if err := decodeMessages(&c, msgs); err != nil {
				return nil, err
			}
			it.Conversation = &c
		}
		if cached != nil {
			if it.Cached, err = decodeCachedTheme(it.ConversationID, cached); err != nil {
				return nil, err
			}
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load batch [%d, %d) of run %s: %w", from, to, runID, err)
	}
	return items, nil
}
