// Package intercomtest is a fake of Intercom's REST API for tests: the search endpoint (AND/OR of
// > and < on created_at and updated_at, sorted, cursor pagination) and GET /conversations/{id},
// with scripted faults (a 429 with Retry-After, a 503, a 401) and a record of what was asked.
package intercomtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Token is the access token the fake accepts.
const Token = "fake-intercom-token-s3cret"

// Fault is an answer the fake gives instead of the real one.
type Fault struct {
	Status  int
	Headers map[string]string
}

// Server is the fake. Its fields may be set before the first request.
type Server struct {
	*httptest.Server
	// OnGet, if set, is called with each conversation id asked for, before the answer.
	OnGet func(id string)

	mu       sync.Mutex
	convs    []Conversation
	faults   map[string][]Fault // by kind: "search" or "get"
	searches []Search
	gets     map[string]int
}

// Conversation is one conversation the fake holds: its times (unix seconds) and its JSON.
type Conversation struct {
	ID        string
	CreatedAt int64
	UpdatedAt int64
	JSON      map[string]any
}

// Search is one search request the fake answered: its query and cursor.
type Search struct {
	Query  json.RawMessage
	Cursor string
	IDs    []string
}

// New starts a fake holding convs; it is closed when the test ends.
func New(t testing.TB, convs ...Conversation) *Server {
	s := &Server{convs: convs, faults: map[string][]Fault{}, gets: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Fail makes the next requests of kind ("search" or "get") answer with the faults, in order.
func (s *Server) Fail(kind string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[kind] = append(s.faults[kind], faults...)
}

// Searches returns the search requests answered so far.
func (s *Server) Searches() []Search {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.searches)
}

// Gets returns how often each conversation was read.
func (s *Server) Gets() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.gets))
	for k, v := range s.gets {
		out[k] = v
	}
	return out
}

// Update replaces a conversation the fake holds (same id).
func (s *Server) Update(c Conversation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.convs {
		if s.convs[i].ID == c.ID {
			s.convs[i] = c
		}
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+Token {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"type": "error.list", "errors": []any{map[string]any{"code": "unauthorized", "message": "Access Token Invalid"}}})
		return
	}
	if r.Header.Get("Intercom-Version") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"type": "error.list"})
		return
	}
	kind := "get"
	if r.Method == http.MethodPost && r.URL.Path == "/conversations/search" {
		kind = "search"
	} else if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/conversations/") {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	if f := s.faults[kind]; len(f) > 0 {
		s.faults[kind] = f[1:]
		s.mu.Unlock()
		for k, v := range f[0].Headers {
			w.Header().Set(k, v)
		}
		writeJSON(w, f[0].Status, map[string]any{"type": "error.list"})
		return
	}
	s.mu.Unlock()
	if kind == "search" {
		s.search(w, r)
		return
	}
	id := strings.TrimPrefix(r.URL.Path, "/conversations/")
	if s.OnGet != nil {
		s.OnGet(id)
	}
	s.mu.Lock()
	s.gets[id]++
	var found map[string]any
	for _, c := range s.convs {
		if c.ID == id {
			found = c.JSON
		}
	}
	s.mu.Unlock()
	if found == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"type": "error.list"})
		return
	}
	writeJSON(w, http.StatusOK, found)
}

type searchBody struct {
	Query      node `json:"query"`
	Pagination struct {
		PerPage       int    `json:"per_page"`
		StartingAfter string `json:"starting_after"`
	} `json:"pagination"`
}

type node struct {
	Field    string          `json:"field"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
}

func (n node) match(c Conversation) (bool, error) {
	switch n.Operator {
	case "AND", "OR":
		var subs []node
		if err := json.Unmarshal(n.Value, &subs); err != nil {
			return false, err
		}
		all := n.Operator == "AND"
		for _, sub := range subs {
			ok, err := sub.match(c)
			if err != nil {
				return false, err
			}
			if all && !ok {
				return false, nil
			}
			if !all && ok {
				return true, nil
			}
		}
		return all, nil
	case ">", "<":
		v, err := strconv.ParseInt(string(n.Value), 10, 64)
		if err != nil {
			return false, fmt.Errorf("value %s: %w", n.Value, err)
		}
		var f int64
		switch n.Field {
		case "created_at":
			f = c.CreatedAt
		case "updated_at":
			f = c.UpdatedAt
		default:
			return false, fmt.Errorf("field %q", n.Field)
		}
		if n.Operator == ">" {
			return f > v, nil
		}
		return f < v, nil
	}
	return false, fmt.Errorf("operator %q", n.Operator)
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return
	}
	var body searchBody
	if err := json.Unmarshal(raw, &body); err != nil || body.Pagination.PerPage <= 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprint(err)})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []Conversation
	for _, c := range s.convs {
		ok, err := body.Query.match(c)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
		if ok {
			matched = append(matched, c)
		}
	}
	slices.SortFunc(matched, func(a, b Conversation) int {
		if a.CreatedAt != b.CreatedAt {
			return int(a.CreatedAt - b.CreatedAt)
		}
		return strings.Compare(a.ID, b.ID)
	})
	start := 0
	if cur := body.Pagination.StartingAfter; cur != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(cur, "cursor-"))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad cursor"})
			return
		}
		start = n
	}
	end := min(start+body.Pagination.PerPage, len(matched))
	start = min(start, end)
	page := matched[start:end]
	out := make([]any, 0, len(page))
	var ids []string
	for _, c := range page {
		ids = append(ids, c.ID)
		// the search lists conversations without their parts
		out = append(out, map[string]any{"type": "conversation", "id": c.ID, "created_at": c.CreatedAt, "updated_at": c.UpdatedAt})
	}
	pages := map[string]any{"type": "pages", "per_page": body.Pagination.PerPage}
	if end < len(matched) {
		pages["next"] = map[string]any{"page": end/body.Pagination.PerPage + 1, "starting_after": fmt.Sprintf("cursor-%d", end)}
	}
	s.searches = append(s.searches, Search{Query: raw, Cursor: body.Pagination.StartingAfter, IDs: ids})
	writeJSON(w, http.StatusOK, map[string]any{"type": "conversation.list", "conversations": out, "total_count": len(matched), "pages": pages})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
