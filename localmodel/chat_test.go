package localmodel

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/extraction"
)

var invoiceBug = conv("Invoice PDF export broken",
	`c: Hi team, when I try to export an invoice as PDF I get an error "ERR_PDF_502". It worked last week.`,
	"s: Thanks for reporting, I've escalated this to our engineering team.",
	"c: Any news? Our accountant needs the PDFs today.")

func TestChatAnswerPassesParseAndIsDeterministic(t *testing.T) {
	client, s := newClient(t, Config{})
	first := complete(t, client, themeRequest(invoiceBug, nil, extraction.Schema()))
	theme, err := extraction.Parse(first)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, first)
	}
	if theme.ConversationType != extraction.TypeProductIssue {
		t.Errorf("conversation_type = %q, want product_issue", theme.ConversationType)
	}
	if theme.ResolutionAction != "escalated_to_engineering" {
		t.Errorf("resolution_action = %q, want escalated_to_engineering", theme.ResolutionAction)
	}
	if len(theme.KeyExcerpts) == 0 || !strings.Contains(theme.KeyExcerpts[0], "ERR_PDF_502") {
		t.Errorf("first key excerpt should quote the error code, got %q", theme.KeyExcerpts)
	}
	second := complete(t, client, themeRequest(invoiceBug, nil, extraction.Schema()))
	if first != second {
		t.Errorf("same prompt gave different answers:\n%s\n%s", first, second)
	}
	if got := s.Stats().ChatRequests; got != 2 {
		t.Errorf("ChatRequests = %d, want 2", got)
	}
}

func TestChatFollowsTheSchemaItIsSent(t *testing.T) {
	full := extraction.Schema()
	props := full["properties"].(map[string]any)
	tests := []struct {
		name     string
		schema   map[string]any
		wantKeys []string
		check    func(t *testing.T, got map[string]any)
	}{
		{
			name: "three properties",
			schema: map[string]any{
				"type": "object", "additionalProperties": false,
				"required":   []string{"conversation_type", "issue_signature", "symptoms"},
				"properties": map[string]any{"conversation_type": props["conversation_type"], "issue_signature": props["issue_signature"], "symptoms": props["symptoms"]},
			},
			wantKeys: []string{"conversation_type", "issue_signature", "symptoms"},
		},
		{
			name: "narrower enum",
			schema: map[string]any{
				"type": "object", "required": []string{"conversation_type"},
				"properties": map[string]any{"conversation_type": map[string]any{"type": "string", "enum": []string{"feature_request", "general_inquiry"}}},
			},
			wantKeys: []string{"conversation_type"},
			check: func(t *testing.T, got map[string]any) {
				if v := got["conversation_type"]; v != "general_inquiry" {
					t.Errorf("conversation_type = %v, want the neutral enum value general_inquiry", v)
				}
			},
		},
		{
			name: "unknown property and limits",
			schema: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"sentiment":    map[string]any{"type": "string", "enum": []string{"positive", "negative"}},
					"urgent":       map[string]any{"type": "boolean"},
					"key_excerpts": map[string]any{"type": "array", "maxItems": 1, "items": map[string]any{"type": "string", "maxLength": 10}},
				},
			},
			wantKeys: []string{"key_excerpts", "sentiment", "urgent"},
			check: func(t *testing.T, got map[string]any) {
				ex := got["key_excerpts"].([]any)
				if len(ex) != 1 || len([]rune(ex[0].(string))) > 10 {
					t.Errorf("key_excerpts = %q, want one item of at most 10 characters", ex)
				}
				if got["sentiment"] != "positive" || got["urgent"] != false {
					t.Errorf("unknown properties should get their enum's first value / zero value, got %v", got)
				}
			},
		},
	}
	client, _ := newClient(t, Config{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			content := complete(t, client, themeRequest(invoiceBug, nil, tc.schema))
			var got map[string]any
			if err := json.Unmarshal([]byte(content), &got); err != nil {
				t.Fatalf("answer is not JSON: %v\n%s", err, content)
			}
			var keys []string
			for k := range got {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			wantKeys := slices.Sorted(slices.Values(tc.wantKeys))
			if !slices.Equal(keys, wantKeys) {
				t.Errorf("keys = %v, want exactly %v", keys, wantKeys)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

func TestChatRejectsBadRequests(t *testing.T) {
	client, _ := newClient(t, Config{})
	good := themeRequest(invoiceBug, nil, extraction.Schema())
	tests := []struct {
		name    string
		mutate  func(r *openai.ChatCompletionRequest)
		message string
	}{
		{"no response format", func(r *openai.ChatCompletionRequest) { r.ResponseFormat = nil }, "json_schema response format"},
		{"json_object format", func(r *openai.ChatCompletionRequest) {
			r.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
		}, "json_schema response format"},
		{"schema without properties", func(r *openai.ChatCompletionRequest) {
			r.ResponseFormat.JSONSchema.Schema = schemaJSON{"type": "object"}
		}, "no properties"},
		{"no conversation", func(r *openai.ChatCompletionRequest) { r.Messages[1].Content = "hello" }, "CONVERSATION"},
		{"no messages", func(r *openai.ChatCompletionRequest) { r.Messages = nil }, "messages"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := good
			req.Messages = slices.Clone(good.Messages)
			rf := *good.ResponseFormat
			js := *rf.JSONSchema
			rf.JSONSchema = &js
			req.ResponseFormat = &rf
			tc.mutate(&req)
			_, err := client.CreateChatCompletion(context.Background(), req)
			var apiErr *openai.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("want an API error, got %v", err)
			}
			if apiErr.HTTPStatusCode != http.StatusBadRequest || apiErr.Type != "invalid_request_error" {
				t.Errorf("got %d %q, want 400 invalid_request_error", apiErr.HTTPStatusCode, apiErr.Type)
			}
			if !strings.Contains(apiErr.Message, tc.message) {
				t.Errorf("message %q does not mention %q", apiErr.Message, tc.message)
			}
		})
	}
}

func TestChatCorrectiveRetryAnswersAValidTheme(t *testing.T) {
	client, _ := newClient(t, Config{})
	req := themeRequest(invoiceBug, nil, extraction.Schema())
	req.Messages = append(req.Messages,
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: `{"conversation_type":"bug"}`},
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: `Your answer failed validation: conversation_type "bug" is not one of product_issue, ... Answer again.`},
	)
	content := complete(t, client, req)
	if _, err := extraction.Parse(content); err != nil {
		t.Fatalf("retry answer does not parse: %v\n%s", err, content)
	}
	if want := complete(t, client, themeRequest(invoiceBug, nil, extraction.Schema())); content != want {
		t.Errorf("retry answer differs from the first-try answer:\n%s\n%s", content, want)
	}
}

func TestChatReportsUsage(t *testing.T) {
	client, _ := newClient(t, Config{})
	resp, err := client.CreateChatCompletion(context.Background(), themeRequest(invoiceBug, nil, extraction.Schema()))
	if err != nil {
		t.Fatal(err)
	}
	u := resp.Usage
	if u.PromptTokens <= 0 || u.CompletionTokens <= 0 || u.TotalTokens != u.PromptTokens+u.CompletionTokens {
		t.Errorf("usage = %+v, want positive prompt and completion tokens adding up", u)
	}
	if want := approxTokens(len(resp.Choices[0].Message.Content)); u.CompletionTokens != want {
		t.Errorf("completion tokens = %d, want about characters/4 = %d", u.CompletionTokens, want)
	}
	if resp.Choices[0].FinishReason != openai.FinishReasonStop || resp.Object != "chat.completion" {
		t.Errorf("finish_reason %q, object %q", resp.Choices[0].FinishReason, resp.Object)
	}
}
