package intercom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Page is one page of a search: the conversations' ids and the cursor of the next page ("" on
// the last page).
type Page struct {
	IDs  []string
	Next string
}

type searchAnswer struct {
	Conversations []struct {
		ID json.RawMessage `json:"id"`
	} `json:"conversations"`
	Pages struct {
		Next *struct {
			StartingAfter string `json:"starting_after"`
		} `json:"next"`
	} `json:"pages"`
}

// WindowBounds are the whole unix seconds of a [since, until) window: a conversation at second s
// is in it when from ≤ s < to (Intercom's times are whole seconds, UTC).
func WindowBounds(since, until time.Time) (from, to int64) {
	return ceilUnix(since), ceilUnix(until)
}

func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

// SearchQuery is the body of a search for the conversations created or updated in [since,
// until): Intercom has no ≥, so "from" is written as > from-1.
func SearchQuery(since, until time.Time, perPage int, cursor string) map[string]any {
	from, to := WindowBounds(since, until)
	inWindow := func(field string) map[string]any {
		return map[string]any{"operator": "AND", "value": []any{
			map[string]any{"field": field, "operator": ">", "value": from - 1},
			map[string]any{"field": field, "operator": "<", "value": to},
		}}
	}
	pagination := map[string]any{"per_page": perPage}
	if cursor != "" {
		pagination["starting_after"] = cursor
	}
	return map[string]any{
		"query":      map[string]any{"operator": "OR", "value": []any{inWindow("created_at"), inWindow("updated_at")}},
		"pagination": pagination,
		"sort":       map[string]any{"field": "created_at", "order": "ascending"},
	}
}

// Search returns the page of the window's conversations after cursor ("" for the first).
func (c *Client) Search(ctx context.Context, since, until time.Time, cursor string) (Page, error) {
	body, err := json.Marshal(SearchQuery(since, until, c.cfg.PageSize, cursor))
	if err != nil {
		return Page{}, fmt.Errorf("encode search: %w", err)
	}
	data, err := c.do(ctx, "search conversations", http.MethodPost, "/conversations/search", body)
	if err != nil {
		return Page{}, err
	}
	var ans searchAnswer
	if err := json.Unmarshal(data, &ans); err != nil {
		return Page{}, fmt.Errorf("intercom search conversations: decode the answer: %w", err)
	}
	var p Page
	for _, conv := range ans.Conversations {
		id, err := rawID(conv.ID)
		if err != nil {
			return Page{}, fmt.Errorf("intercom search conversations: %w", err)
		}
		p.IDs = append(p.IDs, id)
	}
	if ans.Pages.Next != nil {
		p.Next = ans.Pages.Next.StartingAfter
	}
	return p, nil
}

// Conversation returns one conversation with its parts, as Intercom sends it (JSON).
func (c *Client) Conversation(ctx context.Context, id string) ([]byte, error) {
	return c.do(ctx, "get conversation", http.MethodGet, "/conversations/"+url.PathEscape(id), nil)
}

func rawID(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil && s != "" {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil && n != "" {
		return n.String(), nil
	}
	return "", fmt.Errorf("a conversation without a usable id: %.40s", raw)
}
