package localmodel

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/extraction"
)

// outcome classifies what the client saw: "ok" or the fault kind it looks like.
func outcome(t *testing.T, content string, err error) string {
	t.Helper()
	var apiErr *openai.APIError
	switch {
	case errors.As(err, &apiErr):
		switch apiErr.HTTPStatusCode {
		case http.StatusTooManyRequests:
			return string(FaultRateLimit)
		case http.StatusInternalServerError:
			return string(FaultServerError)
		case http.StatusGatewayTimeout:
			return string(FaultTimeout)
		}
		t.Fatalf("unexpected API error %d: %v", apiErr.HTTPStatusCode, apiErr)
	case err != nil:
		t.Fatalf("unexpected error: %v", err)
	case !json.Valid([]byte(content)):
		return string(FaultMalformedJSON)
	}
	if _, perr := extraction.Parse(content); perr != nil {
		return string(FaultSchemaViolation)
	}
	return "ok"
}

// chatOutcomes sends n extraction requests and classifies each answer.
func chatOutcomes(t *testing.T, client *openai.Client, n int) []string {
	t.Helper()
	var out []string
	for range n {
		resp, err := client.CreateChatCompletion(context.Background(), themeRequest(invoiceBug, nil, extraction.Schema()))
		content := ""
		if err == nil {
			content = resp.Choices[0].Message.Content
		}
		out = append(out, outcome(t, content, err))
	}
	return out
}

func TestFaultInjection(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		wantKinds []FaultKind // every one must occur
		wantOK    bool        // every request must succeed
	}{
		{"every request faults, every kind occurs", Config{FaultRate: 1, Seed: 7, TimeoutHang: 5 * time.Millisecond}, FaultKinds(), false},
		{"rate zero never faults", Config{FaultRate: 0, Seed: 7}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client, s := newClient(t, tc.cfg)
			outcomes := chatOutcomes(t, client, 50)
			seen := map[string]int{}
			for _, o := range outcomes {
				seen[o]++
			}
			st := s.Stats()
			for _, k := range tc.wantKinds {
				if seen[string(k)] == 0 || st.Faults[k] != int64(seen[string(k)]) {
					t.Errorf("kind %s: client saw %d, stats count %d; want the same non-zero number", k, seen[string(k)], st.Faults[k])
				}
			}
			if tc.wantOK && (seen["ok"] != 50 || st.TotalFaults() != 0) {
				t.Errorf("outcomes %v, %d faults; want 50 ok and none", seen, st.TotalFaults())
			}
			if !tc.wantOK && seen["ok"] != 0 {
				t.Errorf("%d requests succeeded with FaultRate 1", seen["ok"])
			}
		})
	}
}

func TestFaultSequenceFollowsTheSeed(t *testing.T) {
	cfg := Config{FaultRate: 0.5, Seed: 42, TimeoutHang: time.Millisecond}
	a, _ := newClient(t, cfg)
	b, _ := newClient(t, cfg)
	first, second := chatOutcomes(t, a, 30), chatOutcomes(t, b, 30)
	if strings.Join(first, ",") != strings.Join(second, ",") {
		t.Errorf("same seed, different faults:\n%v\n%v", first, second)
	}
	cfg.Seed = 43
	c, _ := newClient(t, cfg)
	if third := chatOutcomes(t, c, 30); strings.Join(first, ",") == strings.Join(third, ",") {
		t.Errorf("different seeds gave the same 30 fault decisions: %v", third)
	}
}

func TestRateLimitCarriesRetryAfter(t *testing.T) {
	srv := httptest.NewServer(New(Config{FaultRate: 1, Seed: 1, TimeoutHang: time.Millisecond}, nil))
	defer srv.Close()
	body, _ := json.Marshal(map[string]any{"model": "m", "input": []string{"hello world"}})
	for range 50 {
		resp, err := http.Post(srv.URL+"/v1/embeddings", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Error apiError `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("a request succeeded with FaultRate 1")
		}
		if e.Error.Message == "" || e.Error.Type == "" {
			t.Errorf("status %d without an OpenAI error body", resp.StatusCode)
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			if got := resp.Header.Get("Retry-After"); got != "1" {
				t.Errorf("Retry-After = %q, want 1", got)
			}
			return
		}
	}
	t.Fatal("no 429 in 50 faulty requests")
}

func TestEmbeddingFaultsAreHTTPErrors(t *testing.T) {
	client, s := newClient(t, Config{FaultRate: 1, Seed: 3, TimeoutHang: time.Millisecond})
	for range 30 {
		_, err := client.CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{Input: []string{"a b c"}})
		var apiErr *openai.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("want an API error, got %v", err)
		}
	}
	if got := s.Stats().TotalFaults(); got != 30 {
		t.Errorf("TotalFaults = %d, want 30", got)
	}
}

// Every answer leaves the configured latency after its request: a theme, embeddings, and a
// refusal of a bad request alike.
func TestLatencyIsApplied(t *testing.T) {
	const latency = 60 * time.Millisecond
	client, _ := newClient(t, Config{Latency: latency})
	requests := map[string]func() error{
		"theme": func() error {
			_, err := client.CreateChatCompletion(context.Background(), themeRequest(invoiceBug, nil, extraction.Schema()))
			return err
		},
		"embeddings": func() error {
			_, err := client.CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{Input: []string{"a b c"}})
			return err
		},
		"refusal": func() error {
			_, err := client.CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{})
			if err == nil {
				return errors.New("an empty input was answered")
			}
			return nil
		},
	}
	for name, request := range requests {
		start := time.Now()
		if err := request(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if took := time.Since(start); took < latency {
			t.Errorf("%s answered after %v, want at least the configured latency %v", name, took, latency)
		}
	}
}

func TestWaitsEndWhenTheClientGivesUp(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"latency", Config{Latency: time.Minute}},
		{"timeout fault", Config{FaultRate: 1, Seed: seedFor(t, FaultTimeout), TimeoutHang: time.Minute}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client, _ := newClient(t, tc.cfg) // cleanup blocks until the handler returns
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := client.CreateChatCompletion(ctx, themeRequest(invoiceBug, nil, extraction.Schema()))
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want the client's deadline", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("request took %v after the client gave up", took)
			}
		})
	}
}

func TestTimeoutFaultAnswers504AfterTheHang(t *testing.T) {
	client, _ := newClient(t, Config{FaultRate: 1, Seed: seedFor(t, FaultTimeout), TimeoutHang: 30 * time.Millisecond})
	start := time.Now()
	_, err := client.CreateChatCompletion(context.Background(), themeRequest(invoiceBug, nil, extraction.Schema()))
	if got := outcome(t, "", err); got != string(FaultTimeout) {
		t.Errorf("outcome %s, want timeout (504)", got)
	}
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Errorf("answered after %v, before the hang of 30ms", took)
	}
}

// seedFor finds a seed whose first fault (at FaultRate 1) is kind.
func seedFor(t *testing.T, kind FaultKind) uint64 {
	t.Helper()
	for seed := uint64(0); seed < 1000; seed++ {
		if k, _, _ := newFaultDice(1, seed).roll(); k == kind {
			return seed
		}
	}
	t.Fatalf("no seed below 1000 starts with %s", kind)
	return 0
}
