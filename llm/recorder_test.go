package llm

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// recorded keeps what a Recorder was told.
type recorded struct {
	mu       sync.Mutex
	requests []string // kind/outcome
	tokens   map[string][2]int
	retries  []string // kind/code
}

func (r *recorded) Request(_, kind string, _ time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	r.requests = append(r.requests, kind+"/"+outcome)
}

func (r *recorded) Tokens(_, kind string, in, out int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.tokens[kind]
	r.tokens[kind] = [2]int{t[0] + in, t[1] + out}
}

func (r *recorded) Retry(_, kind, code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retries = append(r.retries, kind+"/"+code)
}

func TestRecorderSeesRequestsTokensRetriesAndKinds(t *testing.T) {
	f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){
		status(429, map[string]string{"Retry-After": "0"}),
		answer(`{"conversation_type": "product_issue"`), // malformed: the corrective call follows
		answer(mustJSON(validTheme())),
	}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	rec := &recorded{tokens: map[string][2]int{}}
	c := New(Config{BaseURL: srv.URL + "/v1", APIKey: "k", ChatModel: "m", CallTimeout: 5 * time.Second, MaxAttempts: 3, Recorder: rec},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, _, err := c.Extract(context.Background(), conv, nil, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"extract/error", "extract/ok", "extract_correction/ok"}
	if len(rec.requests) != len(want) {
		t.Fatalf("requests %v, want %v", rec.requests, want)
	}
	for i := range want {
		if rec.requests[i] != want[i] {
			t.Fatalf("requests %v, want %v", rec.requests, want)
		}
	}
	if len(rec.retries) != 1 || rec.retries[0] != "extract/rate_limited" {
		t.Fatalf("retries %v, want one extract/rate_limited", rec.retries)
	}
	if rec.tokens[KindExtract] != [2]int{100, 50} || rec.tokens[KindCorrection] != [2]int{100, 50} {
		t.Fatalf("tokens %v", rec.tokens)
	}
}
