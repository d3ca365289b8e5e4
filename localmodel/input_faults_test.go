package localmodel

import (
	"context"
	"errors"
	"net/http"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/extraction"
)

func TestInputFaults(t *testing.T) {
	client, s := newClient(t, Config{})
	s.InjectForInputs(
		InputFault{Marker: "POISON", Kind: FaultContextLength},
		InputFault{Marker: "FLAGGED", Kind: FaultContentFilter},
		InputFault{Marker: "OUTAGE", Kind: FaultUnavailable, Times: 2},
	)
	chat := func(text string) error {
		_, err := client.CreateChatCompletion(context.Background(),
			themeRequest(conv("Export", "c: "+text), nil, extraction.Schema()))
		return err
	}
	apiErr := func(err error) (int, string) {
		var e *openai.APIError
		if !errors.As(err, &e) {
			return 0, ""
		}
		code, _ := e.Code.(string)
		return e.HTTPStatusCode, code
	}
	tests := []struct {
		text   string
		status int
		code   string
	}{
		{"the CSV export misses rows POISON", http.StatusBadRequest, "context_length_exceeded"},
		{"the CSV export misses rows FLAGGED", http.StatusBadRequest, "content_policy_violation"},
		{"the CSV export misses rows OUTAGE", http.StatusServiceUnavailable, ""},
		{"the CSV export misses rows OUTAGE", http.StatusServiceUnavailable, ""},
		{"the CSV export misses rows OUTAGE", 0, ""}, // the outage is over after two requests
		{"the CSV export misses rows", 0, ""},
	}
	for i, tc := range tests {
		status, code := apiErr(chat(tc.text))
		if status != tc.status || code != tc.code {
			t.Errorf("request %d: %d %q, want %d %q", i, status, code, tc.status, tc.code)
		}
	}
	// An embeddings request with one poisoned input is refused whole, like the API does.
	_, err := client.CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{
		Input: []string{"fine", "also POISON", "fine too"}, Model: "local"})
	if status, code := apiErr(err); status != http.StatusBadRequest || code != "context_length_exceeded" {
		t.Errorf("embeddings: %d %q, want 400 context_length_exceeded", status, code)
	}
	if st := s.Stats(); st.ChatRequests != int64(len(tests)) || st.EmbeddingRequests != 1 {
		t.Errorf("stats count %d chat and %d embedding requests, want %d and 1", st.ChatRequests, st.EmbeddingRequests, len(tests))
	}
	s.InjectForInputs() // healed
	if err := chat("POISON"); err != nil {
		t.Errorf("after healing: %v", err)
	}
}
