package errcode

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/llm"
)

// secret stands for what a customer or the model wrote; no code may carry it.
const secret = "Hey so my instagram got unlinked from Postwise again"

func TestFromDetailKeepsOnlyCodes(t *testing.T) {
	cases := []struct{ detail, want string }{
		{"", ""},
		{"invalid model output: conversation_type \"" + secret + "\" is not one of product_issue, billing\nsymptoms has 0 items, want 1 to 5",
			"invalid_output: field conversation_type, field symptoms"},
		{"invalid model output: issue_signature: signature \"" + secret + "\" is generic", "invalid_output: field issue_signature"},
		{"invalid model output: answer is not a JSON theme object: unexpected EOF", "invalid_output: not_json"},
		{"invalid model output: answer is not a JSON theme object: json: unknown field \"" + secret + "\"", "invalid_output: unknown_field"},
		{"invalid model output: answer misses required fields: user_intent, " + secret, "invalid_output: missing user_intent"},
		{"invalid model output: " + secret, "invalid_output: other"},
		{"quality score 0.20 below 0.30 for signature pdf_report_fails", "low_quality: 0.20 < 0.30"},
		{"blocklisted signature: signature \"" + secret + "\" says nothing", "blocklisted_signature"},
		{"extraction call: gave up after 6 attempts: error, status code: 500, status: 500 Internal Server Error, message: " + secret,
			"http_500, gave up after 6 attempts"},
		{"embedding request failed: error, status code: 400, status: 400, message: " + secret + ", body: " + secret, "embedding_failed: http_400"},
		{"write group pdf_report_fails: ERROR: value too long for type character varying(80) (SQLSTATE 22001)", "db_error: SQLSTATE 22001"},
		{"Post \"http://127.0.0.1:1/v1/chat/completions\": context deadline exceeded", "timeout"},
		{secret, "error"},
		// Reasons already stored as codes pass as they are.
		{"invalid_output", "invalid_output"},
		{"refused: context_length_exceeded", "refused: context_length_exceeded"},
		{"transient: http_503 (retried)", "transient: http_503 (retried)"},
		{"empty_digest", "empty_digest"},
		{"refused: " + secret, "error"},
	}
	for _, c := range cases {
		got := FromDetail(c.detail)
		if got != c.want {
			t.Errorf("FromDetail(%q) = %q, want %q", c.detail, got, c.want)
		}
		if strings.Contains(got, "instagram") || strings.Contains(got, "pdf_report") {
			t.Errorf("FromDetail(%q) = %q carries the text", c.detail, got)
		}
	}
}

func TestWarningKeepsTheID(t *testing.T) {
	if got := Warning("conv_0058: quality score 0.20 below 0.30 for signature pdf_report_fails"); got != "conv_0058: low_quality: 0.20 < 0.30" {
		t.Errorf("Warning = %q", got)
	}
}

func TestOfKeepsOnlyCodes(t *testing.T) {
	apiErr := &openai.APIError{HTTPStatusCode: 400, Code: "context_length_exceeded", Message: secret}
	cases := []struct {
		err  error
		want string
	}{
		{&llm.PermanentError{Status: 401, Code: "invalid_api_key", Message: secret},
			"http_401: invalid_api_key: the API key was rejected; set a valid OPENAI_API_KEY"},
		{fmt.Errorf("extraction: %w", &llm.RefusedError{Status: 400, Code: "context_length_exceeded"}), "refused: context_length_exceeded"},
		{&llm.TransientError{Attempts: 6, Code: "http_503", Err: errors.New(secret)}, "transient: http_503, gave up after 6 attempts"},
		{&llm.InvalidOutputError{Err: errors.New("user_intent \"" + secret + "\" is longer than 200 characters")}, "invalid_output: field user_intent"},
		{fmt.Errorf("embeddings call: %w", apiErr), "http_400: context_length_exceeded"},
		{fmt.Errorf("save: %w", &pgconn.PgError{Code: "22P02", Message: "invalid input value for enum: \"" + secret + "\""}), "db_error: SQLSTATE 22P02"},
		{fmt.Errorf("call: %w", context.DeadlineExceeded), "timeout"},
	}
	for _, c := range cases {
		if !Carries(c.err) && c.want != "timeout" {
			t.Errorf("Carries(%v) = false", c.err)
		}
		if got := Of(c.err); got != c.want {
			t.Errorf("Of(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if Carries(errors.New("read selection of run r1: connection refused")) {
		t.Error("an error of the pipeline's own words is not an API's or a row's")
	}
}
