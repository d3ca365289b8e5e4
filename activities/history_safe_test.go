package activities

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"feedbackpipe/llm"
	"feedbackpipe/pipeline"
)

const quoted = "Hey so my instagram got unlinked from Postwise again"

// Results leave with their item errors and warnings as codes, IDs kept; the activity's own
// values are not changed underneath it.
func TestHistorySafeResults(t *testing.T) {
	errs := []pipeline.ItemError{{Phase: "extraction", ID: "c1", Error: "invalid model output: user_intent \"" + quoted + "\" is longer than 200 characters"}}
	res := FinishResult{Errors: errs, Warnings: []string{"c2: quality score 0.20 below 0.30 for signature instagram_unlinked_again"}}
	got := res.forHistory().(FinishResult)
	if got.Errors[0] != (pipeline.ItemError{Phase: "extraction", ID: "c1", Error: "invalid_output: field user_intent"}) {
		t.Errorf("error for history: %+v", got.Errors[0])
	}
	if got.Warnings[0] != "c2: low_quality: 0.20 < 0.30" {
		t.Errorf("warning for history: %q", got.Warnings[0])
	}
	if !strings.Contains(errs[0].Error, quoted) {
		t.Error("the activity's own result was changed")
	}
	batch := BatchResult{Items: 3, Errors: errs}.forHistory().(BatchResult)
	phase := PhaseResult{Errors: errs}.forHistory().(PhaseResult)
	if batch.Items != 3 || batch.Errors[0].Error != "invalid_output: field user_intent" || phase.Errors[0].Error != batch.Errors[0].Error {
		t.Errorf("batch %+v, phase %+v", batch, phase)
	}
}

// An error that may quote the API leaves as its code, keeping its type and retryability; the
// pipeline's own errors pass unchanged.
func TestHistorySafeErrors(t *testing.T) {
	perm := &llm.PermanentError{Status: 401, Code: "invalid_api_key", Message: quoted}
	err := historySafeError(temporal.NewNonRetryableApplicationError(perm.Error(), ErrTypeLLMConfig, perm))
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		t.Fatalf("%T is not an application error", err)
	}
	if strings.Contains(app.Error(), quoted) || errors.Unwrap(app) != nil {
		t.Errorf("the error still carries the API's message: %v (cause %v)", app, errors.Unwrap(app))
	}
	if app.Type() != ErrTypeLLMConfig || !app.NonRetryable() || !strings.Contains(app.Message(), "OPENAI_API_KEY") {
		t.Errorf("type %q, non-retryable %t, message %q", app.Type(), app.NonRetryable(), app.Message())
	}
	transient := historySafeError(fmt.Errorf("embeddings call: %w", &llm.TransientError{Attempts: 6, Code: "http_503", Err: errors.New(quoted)}))
	if !errors.As(transient, &app) || app.NonRetryable() || app.Message() != "transient: http_503, gave up after 6 attempts" {
		t.Errorf("transient: %v", transient)
	}
	own := fmt.Errorf("read selection of run r1: %w", errors.New("connection refused"))
	if historySafeError(own) != own {
		t.Error("the pipeline's own error was replaced")
	}
}
