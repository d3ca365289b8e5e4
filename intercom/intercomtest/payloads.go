package intercomtest

import "fmt"

// Part is one conversation part of a payload.
type Part struct {
	Type   string // comment, note, assignment, quick_reply, close, …
	Author string // user, admin, bot
	Body   string // HTML
	At     int64
}

// Payload builds a conversation as the API sends it (GET /conversations/{id}): source with an
// HTML body and attachments, parts with HTML bodies.
func Payload(id string, createdAt, updatedAt int64, author, deliveredAs, subject, body string, parts ...Part) Conversation {
	ps := make([]any, 0, len(parts))
	for i, p := range parts {
		ps = append(ps, map[string]any{
			"type": "conversation_part", "id": fmt.Sprintf("%s-p%d", id, i), "part_type": p.Type, "body": p.Body,
			"created_at": p.At, "updated_at": p.At, "notified_at": p.At,
			"author":      map[string]any{"type": p.Author, "id": "a1", "name": "Someone", "email": "someone@example.com"},
			"attachments": []any{},
		})
	}
	return Conversation{ID: id, CreatedAt: createdAt, UpdatedAt: updatedAt, JSON: map[string]any{
		"type": "conversation", "id": id, "created_at": createdAt, "updated_at": updatedAt,
		"state": "open", "open": true, "read": true,
		"source": map[string]any{
			"type": "conversation", "id": "src-" + id, "delivered_as": deliveredAs, "subject": subject, "body": body,
			"url":    "https://app.example.com/settings",
			"author": map[string]any{"type": author, "id": "u-" + id, "name": "Customer", "email": "customer" + id + "@example.com"},
			"attachments": []any{map[string]any{
				"type": "upload", "name": "screenshot.png", "url": "https://downloads.intercomcdn.com/i/o/1/screenshot.png",
				"content_type": "image/png", "filesize": 48213, "width": 1280, "height": 720,
			}},
		},
		"contacts":           map[string]any{"type": "contact.list", "contacts": []any{map[string]any{"type": "contact", "id": "u-" + id}}},
		"conversation_parts": map[string]any{"type": "conversation_part.list", "conversation_parts": ps, "total_count": len(ps)},
	}}
}
