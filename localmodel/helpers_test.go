package localmodel

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
)

// newClient starts the local model under httptest and returns the real go-openai client for it.
func newClient(t *testing.T, cfg Config) (*openai.Client, *Server) {
	t.Helper()
	s := New(cfg, nil)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c := openai.DefaultConfig("local")
	c.BaseURL = srv.URL + "/v1"
	return openai.NewClientWithConfig(c), s
}

// schemaJSON lets a schema map travel as go-openai's json.Marshaler schema.
type schemaJSON map[string]any

func (s schemaJSON) MarshalJSON() ([]byte, error) { return json.Marshal(map[string]any(s)) }

// conv builds a conversation from lines "c: text" (customer), "s: text" (support), "b: text" (bot).
func conv(subject string, lines ...string) *conversation.Conversation {
	c := &conversation.Conversation{ID: "c1", CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Subject: subject}
	authors := map[string]conversation.Author{"c": conversation.Customer, "s": conversation.Support, "b": conversation.Bot}
	for _, l := range lines {
		who, text, _ := strings.Cut(l, ": ")
		c.Messages = append(c.Messages, conversation.Message{Author: authors[who], Text: text})
	}
	return c
}

// chatRequest builds the extraction request the product sends.
func themeRequest(c *conversation.Conversation, known []extraction.KnownSignature, schema map[string]any) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model: "local",
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: extraction.SystemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: extraction.BuildUserPrompt(c, known, 4000)},
		},
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: extraction.SchemaName, Schema: schemaJSON(schema), Strict: true,
			},
		},
	}
}

// complete sends a request and returns the assistant's content.
func complete(t *testing.T, client *openai.Client, req openai.ChatCompletionRequest) string {
	t.Helper()
	resp, err := client.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatalf("chat completion: %v", err)
	}
	if len(resp.Choices) != 1 {
		t.Fatalf("got %d choices, want 1", len(resp.Choices))
	}
	return resp.Choices[0].Message.Content
}

// extract runs one extraction with the full schema and parses it strictly.
func extract(t *testing.T, client *openai.Client, c *conversation.Conversation, known ...extraction.KnownSignature) *extraction.Theme {
	t.Helper()
	content := complete(t, client, themeRequest(c, known, extraction.Schema()))
	theme, err := extraction.Parse(content)
	if err != nil {
		t.Fatalf("answer does not parse: %v\n%s", err, content)
	}
	return theme
}

// expectSignatures extracts each text (a one-message conversation) and checks its signature:
// a want starting with "_" is the failure the signature must end with, any other the whole
// signature.
func expectSignatures(t *testing.T, client *openai.Client, wants map[string]string) {
	t.Helper()
	for text, want := range wants {
		got := extract(t, client, conv("", text)).IssueSignature
		if strings.HasPrefix(want, "_") && !strings.HasSuffix(got, want) || !strings.HasPrefix(want, "_") && got != want {
			t.Errorf("%q: signature %q, want %s", text, got, want)
		}
	}
}
