package localmodel

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/extraction"
)

func TestStartServesTheOpenAIClient(t *testing.T) {
	s := New(Config{}, nil)
	baseURL, stop, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(baseURL, "http://127.0.0.1:") || !strings.HasSuffix(baseURL, "/v1") {
		t.Errorf("baseURL = %q", baseURL)
	}
	cfg := openai.DefaultConfig("local")
	cfg.BaseURL = baseURL
	client := openai.NewClientWithConfig(cfg)
	models, err := client.ListModels(context.Background())
	if err != nil || len(models.Models) != 2 {
		t.Fatalf("ListModels = %+v, %v", models, err)
	}
	if _, err := extraction.Parse(complete(t, client, themeRequest(invoiceBug, nil, extraction.Schema()))); err != nil {
		t.Errorf("answer does not parse: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := stop(ctx); err != nil {
		t.Errorf("stop: %v", err)
	}
	if _, err := client.ListModels(context.Background()); err == nil {
		t.Error("server still answers after stop")
	}
}

func TestStopReleasesHangingRequests(t *testing.T) {
	s := New(Config{FaultRate: 1, Seed: seedFor(t, FaultTimeout), TimeoutHang: time.Minute}, nil)
	baseURL, stop, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := openai.DefaultConfig("local")
	cfg.BaseURL = baseURL
	client := openai.NewClientWithConfig(cfg)
	done := make(chan error, 1)
	go func() {
		_, err := client.CreateChatCompletion(context.Background(), themeRequest(invoiceBug, nil, extraction.Schema()))
		done <- err
	}()
	for s.Stats().Faults[FaultTimeout] == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := stop(ctx); err != nil {
		t.Errorf("stop: %v", err)
	}
	var apiErr *openai.APIError
	if err := <-done; !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusGatewayTimeout {
		t.Errorf("hanging request got %v, want a 504", err)
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	srv := httptest.NewServer(New(Config{}, nil))
	defer srv.Close()
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/v1/chat/completions", http.StatusMethodNotAllowed},
		{http.MethodPost, "/v1/models", http.StatusMethodNotAllowed},
		{http.MethodGet, "/v1/nothing", http.StatusNotFound},
		{http.MethodPost, "/v1/embeddings", http.StatusBadRequest}, // empty body
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: %d %s, want %d application/json", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.want)
		}
	}
}
