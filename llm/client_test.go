package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
)

// fakeAPI answers chat completions from a script of responses, one per request.
type fakeAPI struct {
	mu       sync.Mutex
	script   []func(w http.ResponseWriter, r *http.Request)
	requests []map[string]any
	times    []time.Time
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req map[string]any
	_ = json.Unmarshal(body, &req)
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.times = append(f.times, time.Now())
	i := len(f.requests) - 1
	var step func(w http.ResponseWriter, r *http.Request)
	if i < len(f.script) {
		step = f.script[i]
	} else {
		step = f.script[len(f.script)-1]
	}
	f.mu.Unlock()
	step(w, r)
}

func validTheme() extraction.Theme {
	return extraction.Theme{
		ConversationType: "product_issue", ProductArea: "exports", Component: "csv_export",
		IssueSignature: "csv_export_missing_columns", MatchConfidence: "high", UserIntent: "Export all columns",
		Symptoms: []string{"columns missing", "file smaller"}, AffectedFlow: "export", RootCauseHypothesis: "schema change",
		DiagnosticSummary: "CSV export drops columns.", KeyExcerpts: []string{"the CSV has no engagement column"},
		ActionType: "bug_report", Direction: "deficit", ResolutionAction: "escalated_to_engineering", ResolutionCategory: "escalation",
	}
}

func answer(content string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "x", "object": "chat.completion", "model": "m",
			"choices": []map[string]any{{"index": 0, "message": map[string]any{"role": "assistant", "content": content}, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
		})
	}
}

func status(code int, header map[string]string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"error":{"message":"status %d","type":"test"}}`, code)
	}
}

func newTestClient(t *testing.T, f *fakeAPI, timeout time.Duration) *Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return New(Config{BaseURL: srv.URL + "/v1", APIKey: "k", ChatModel: "gpt-4o-mini", CallTimeout: timeout, MaxAttempts: 4},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
}

var conv = &conversation.Conversation{ID: "c1", Subject: "CSV export", Messages: []conversation.Message{
	{Author: conversation.Customer, Text: "The CSV export has no engagement column since Tuesday."},
}}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestExtractHonoursRetryAfter(t *testing.T) {
	f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){
		status(429, map[string]string{"Retry-After": "1"}),
		answer(mustJSON(validTheme())),
	}}
	c := newTestClient(t, f, 5*time.Second)
	theme, usage, err := c.Extract(context.Background(), conv, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if theme.IssueSignature != "csv_export_missing_columns" {
		t.Fatalf("theme %+v", theme)
	}
	if gap := f.times[1].Sub(f.times[0]); gap < time.Second {
		t.Fatalf("retried after %v, before the server's Retry-After of 1s", gap)
	}
	if usage.Calls != 2 || usage.TokensIn != 100 || usage.TokensOut != 50 {
		t.Fatalf("usage %+v, want 2 calls and the successful call's tokens", usage)
	}
	if want := (100*0.15 + 50*0.60) / 1e6; usage.CostUSD != want {
		t.Fatalf("cost %v, want %v", usage.CostUSD, want)
	}
	rf := f.requests[1]["response_format"].(map[string]any)
	if rf["type"] != "json_schema" || rf["json_schema"].(map[string]any)["strict"] != true {
		t.Fatalf("response format %v is not a strict JSON schema", rf)
	}
}

func TestPermanentErrorsFailFast(t *testing.T) {
	for _, code := range []int{400, 401, 403} {
		f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){status(code, nil)}}
		c := newTestClient(t, f, 5*time.Second)
		_, _, err := c.Extract(context.Background(), conv, nil, nil)
		var perm *PermanentError
		if !errors.As(err, &perm) || perm.Status != code {
			t.Fatalf("%d: error %v, want a PermanentError", code, err)
		}
		if len(f.requests) != 1 {
			t.Fatalf("%d: %d requests, want 1 (no retry)", code, len(f.requests))
		}
		if code == 401 && !strings.Contains(err.Error(), "OPENAI_API_KEY") {
			t.Fatalf("401 message does not say what to fix: %v", err)
		}
	}
}

func TestServerErrorsAndTimeoutsAreRetried(t *testing.T) {
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){
		status(500, nil), hang, answer(mustJSON(validTheme())),
	}}
	c := newTestClient(t, f, 300*time.Millisecond)
	if _, _, err := c.Extract(context.Background(), conv, nil, nil); err != nil {
		t.Fatalf("after a 500 and a timeout: %v", err)
	}
	if len(f.requests) != 3 {
		t.Fatalf("%d requests, want 3", len(f.requests))
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){status(503, nil)}}
	c := newTestClient(t, f, time.Second)
	_, usage, err := c.Extract(context.Background(), conv, nil, nil)
	if err == nil || usage.Calls != 4 {
		t.Fatalf("err %v after %d calls, want a failure after 4", err, usage.Calls)
	}
}

func TestCorrectiveRetry(t *testing.T) {
	bad := validTheme()
	bad.ConversationType = "bug"
	f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){answer(`{"conversation_type": "product_issue"`), answer(mustJSON(validTheme()))}}
	c := newTestClient(t, f, time.Second)
	if _, usage, err := c.Extract(context.Background(), conv, nil, nil); err != nil || usage.Calls != 2 {
		t.Fatalf("malformed then valid: err %v, calls %d", err, usage.Calls)
	}
	msgs := f.requests[1]["messages"].([]any)
	last := msgs[len(msgs)-1].(map[string]any)["content"].(string)
	if !strings.Contains(last, "invalid") {
		t.Fatalf("corrective message does not carry the validation error: %q", last)
	}

	f = &fakeAPI{script: []func(http.ResponseWriter, *http.Request){answer(mustJSON(bad))}}
	c = newTestClient(t, f, time.Second)
	_, usage, err := c.Extract(context.Background(), conv, nil, nil)
	var invalid *InvalidOutputError
	if !errors.As(err, &invalid) || usage.Calls != 2 || !strings.Contains(err.Error(), "conversation_type") {
		t.Fatalf("invalid twice: err %v after %d calls, want an InvalidOutputError naming the field after 2", err, usage.Calls)
	}

	f = &fakeAPI{script: []func(http.ResponseWriter, *http.Request){answer(mustJSON(validTheme()))}}
	c = newTestClient(t, f, time.Second)
	check := func(t *extraction.Theme) error { return fmt.Errorf("issue_signature: too generic") }
	if _, _, err := c.Extract(context.Background(), conv, nil, check); !errors.As(err, &invalid) || len(f.requests) != 2 {
		t.Fatalf("extra check failing: err %v after %d requests", err, len(f.requests))
	}
}

func TestCancelStopsRetrying(t *testing.T) {
	f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){status(429, map[string]string{"Retry-After": "30"})}}
	c := newTestClient(t, f, time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := c.Extract(ctx, conv, nil, nil)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("cancelled extraction returned %v after %v", err, time.Since(start))
	}
}

func TestBackoffHonoursRetryAfterWithJitter(t *testing.T) {
	for attempt := range 10 {
		d := backoff(attempt, 2*time.Second)
		if d < 2*time.Second || d > 2400*time.Millisecond {
			t.Fatalf("attempt %d: %v outside [2s, 2.4s]", attempt, d)
		}
		if d := backoff(attempt, 0); d <= 0 || d > 20*time.Second {
			t.Fatalf("attempt %d: %v outside (0, 20s]", attempt, d)
		}
	}
}

func TestParsePrices(t *testing.T) {
	p, err := ParsePrices("my-model=1/2, gpt-4o-mini=0.1/0.2")
	if err != nil {
		t.Fatal(err)
	}
	if p["my-model"] != (Price{1, 2}) || p["gpt-4o-mini"] != (Price{0.1, 0.2}) || p["text-embedding-3-small"].InputPerMTok != 0.02 {
		t.Fatalf("prices %v", p)
	}
	if _, err := ParsePrices("broken"); err == nil || !strings.Contains(err.Error(), "LLM_PRICES") {
		t.Fatalf("bad spec error %v", err)
	}
}
