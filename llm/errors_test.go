package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// apiAnswer answers an OpenAI error payload.
func apiAnswer(code int, payload string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprint(w, payload)
	}
}

const (
	contextLength = `{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`
	contentPolicy = `{"error":{"message":"Your request was rejected as a result of our safety system.","type":"invalid_request_error","param":null,"code":"content_policy_violation"}}`
	invalidPrompt = `{"error":{"message":"Invalid prompt: your prompt was flagged.","type":"invalid_request_error","param":null,"code":"invalid_prompt"}}`
	genericBad    = `{"error":{"message":"Invalid 'messages[1].content': string too weird.","type":"invalid_request_error","param":"messages[1].content","code":null}}`
	badKey        = `{"error":{"message":"Incorrect API key provided: sk-proj-abc******wxyz. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`
	noModel       = `{"error":{"message":"The model 'gpt-9' does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}`
	noSchema      = `{"error":{"message":"Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.","type":"invalid_request_error","param":"response_format","code":null}}`
	noQuota       = `{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`
)

// The API's answers tell "this input is refused" (the item fails with a short reason, the run
// goes on) from "the configuration is wrong" (the run fails, naming the variable to fix).
func TestClassifyRefusalsFromConfiguration(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		payload string
		proven  bool   // a call of the client succeeded before
		reason  string // refused: the item's reason
		fix     string // permanent: what the message must name
	}{
		{"context length", 400, contextLength, false, "refused: context_length_exceeded", ""},
		{"content policy", 400, contentPolicy, false, "refused: content_policy_violation", ""},
		{"azure content filter", 400, `{"error":{"message":"filtered","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation"}}}`, false, "refused: content_filter", ""},
		{"invalid prompt", 400, invalidPrompt, false, "refused: invalid_prompt", ""},
		{"other invalid input once calls work", 400, genericBad, true, "refused: invalid_request", ""},
		{"other invalid input on the first calls", 400, genericBad, false, "", "LLM_MODEL"},
		{"bad key", 401, badKey, true, "", "OPENAI_API_KEY"},
		{"unknown model", 404, noModel, true, "", "LLM_MODEL"},
		{"unknown model as a 400", 400, noModel, true, "", "LLM_MODEL"},
		{"no JSON schema support", 400, noSchema, true, "", "LLM_MODEL"},
		{"forbidden", 403, `{"error":{"message":"no access","type":"invalid_request_error"}}`, true, "", "OPENAI_API_KEY"},
		{"no quota is not a rate limit", 429, noQuota, true, "", "OPENAI_API_KEY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){apiAnswer(tc.status, tc.payload)}}
			c := newTestClient(t, f, 5*time.Second)
			c.proven.Store(tc.proven)
			_, _, err := c.Extract(context.Background(), conv, nil, nil)
			if len(f.requests) != 1 {
				t.Fatalf("%d requests, want 1: neither kind is retried", len(f.requests))
			}
			var perm *PermanentError
			var refused *RefusedError
			if tc.reason != "" {
				if !errors.As(err, &refused) || errors.As(err, &perm) {
					t.Fatalf("err %v, want a RefusedError", err)
				}
				if got := Reason(err); got != tc.reason {
					t.Fatalf("reason %q, want %q", got, tc.reason)
				}
				return
			}
			if !errors.As(err, &perm) {
				t.Fatalf("err %v, want a PermanentError", err)
			}
			if !strings.Contains(perm.Error(), tc.fix) {
				t.Fatalf("message %q does not name %s", perm.Error(), tc.fix)
			}
			if strings.Contains(perm.Error(), "abc******wxyz") {
				t.Fatalf("message %q repeats the API key", perm.Error())
			}
		})
	}
}

// A call that succeeds proves the configuration: a later generic 400 is that input's fault.
func TestSuccessProvesTheConfiguration(t *testing.T) {
	f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){answer(mustJSON(validTheme())), apiAnswer(400, genericBad)}}
	c := newTestClient(t, f, 5*time.Second)
	if _, _, err := c.Extract(context.Background(), conv, nil, nil); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Extract(context.Background(), conv, nil, nil)
	var refused *RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("err %v, want a RefusedError once a call succeeded", err)
	}
}

func TestContentFilteredAnswerIsARefusal(t *testing.T) {
	filtered := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}],"usage":{"prompt_tokens":10,"completion_tokens":0,"total_tokens":10}}`)
	}
	f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){filtered}}
	c := newTestClient(t, f, 5*time.Second)
	_, usage, err := c.Extract(context.Background(), conv, nil, nil)
	if got := Reason(err); got != "refused: content_filter" || len(f.requests) != 1 || usage.Calls != 1 {
		t.Fatalf("reason %q (err %v) after %d requests, want refused: content_filter after 1", got, err, len(f.requests))
	}
}

func TestExhaustedRetriesAreTransient(t *testing.T) {
	tests := []struct {
		status int
		reason string
	}{
		{503, "transient: http_503"},
		{500, "transient: http_500"},
		{429, "transient: rate_limited"},
	}
	for _, tc := range tests {
		f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){apiAnswer(tc.status, `{"error":{"message":"busy","type":"server_error"}}`)}}
		c := New(Config{BaseURL: newServer(t, f) + "/v1", APIKey: "k", ChatModel: "m", MaxAttempts: 2, CallTimeout: time.Second}, discard())
		_, usage, err := c.Extract(context.Background(), conv, nil, nil)
		if got := Reason(err); got != tc.reason || usage.Calls != 2 || !IsTransient(got) {
			t.Errorf("%d: reason %q after %d calls, want %q after 2", tc.status, got, usage.Calls, tc.reason)
		}
	}
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	f := &fakeAPI{script: []func(http.ResponseWriter, *http.Request){hang}}
	c := New(Config{BaseURL: newServer(t, f) + "/v1", APIKey: "k", ChatModel: "m", MaxAttempts: 1, CallTimeout: 100 * time.Millisecond}, discard())
	if _, _, err := c.Extract(context.Background(), conv, nil, nil); Reason(err) != "transient: timeout" {
		t.Errorf("timeout: reason %q (err %v)", Reason(err), err)
	}
}

func TestReasonsQuoteNoText(t *testing.T) {
	for _, err := range []error{
		&InvalidOutputError{Err: errors.New(`conversation_type "my secret text" is not one of …`)},
		errors.New("something with customer text"),
	} {
		if r := Reason(err); strings.Contains(r, "text") {
			t.Errorf("reason %q quotes the error", r)
		}
	}
}

func newServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
