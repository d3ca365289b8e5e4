package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Reason prefixes of a failed item. A reason is a short code, never text from the conversation or
// the model's answer: reasons are stored with the item and travel in Temporal history.
const (
	// ReasonTransient prefixes failures that retrying later may cure (rate limits, 5xx, timeouts
	// after every attempt): the run retries them once at the end of the phase.
	ReasonTransient = "transient: "
	// ReasonRefused prefixes an input the API refused (too long, filtered, invalid).
	ReasonRefused = "refused: "
	// ReasonInvalidOutput is a model answer that failed validation after the corrective retry.
	ReasonInvalidOutput = "invalid_output"
)

// PermanentError means the configuration is wrong (bad key, unknown model, a model without
// JSON-schema output): no retry and no other input will succeed, so the run must stop and the
// operator must fix the variable the message names.
type PermanentError struct {
	Status  int
	Code    string // the API's error code, when it gave one
	Message string
}

func (e *PermanentError) Error() string {
	return fmt.Sprintf("LLM API answered %d %s: %s", e.Status, e.Message, e.hint())
}

// Hint says what the operator should fix: it names variables, never quotes the API's message.
func (e *PermanentError) Hint() string { return e.hint() }

func (e *PermanentError) hint() string {
	switch {
	case e.Code == "invalid_api_key" || e.Status == http.StatusUnauthorized:
		return "the API key was rejected; set a valid OPENAI_API_KEY"
	case e.Code == "insufficient_quota":
		return "the API key's account has no quota left; check its billing or set another OPENAI_API_KEY"
	case e.Code == "model_not_found" || e.Code == "invalid_model":
		return "unknown model; check LLM_MODEL and EMBEDDING_MODEL (and OPENAI_BASE_URL)"
	case e.Code == "response_format":
		return "the model does not support JSON-schema structured output; set LLM_MODEL to one that does"
	case e.Status == http.StatusForbidden:
		return "the API key may not use this model or endpoint; check OPENAI_API_KEY and LLM_MODEL"
	case e.Status == http.StatusNotFound:
		return "unknown model or endpoint; check LLM_MODEL, EMBEDDING_MODEL and OPENAI_BASE_URL"
	default:
		return "the API refused the first requests; check LLM_MODEL supports JSON-schema output, and OPENAI_BASE_URL"
	}
}

// RefusedError is an input the API refused (400 context_length_exceeded, content_filter,
// invalid_prompt, …): that item fails with its reason, and the other items go on.
type RefusedError struct {
	Status int
	Code   string // short code, e.g. context_length_exceeded
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("LLM API refused the input (%d %s)", e.Status, e.Code)
}

// TransientError is a call that still failed for a transient reason after every attempt.
type TransientError struct {
	Attempts int
	Code     string // short code: http_503, rate_limited, timeout, connection, …
	Err      error
}

func (e *TransientError) Error() string {
	return fmt.Sprintf("gave up after %d attempts (%s): %v", e.Attempts, e.Code, e.Err)
}
func (e *TransientError) Unwrap() error { return e.Err }

// InvalidOutputError is a model answer that failed validation even after the corrective retry.
type InvalidOutputError struct{ Err error }

func (e *InvalidOutputError) Error() string { return "invalid model output: " + e.Err.Error() }
func (e *InvalidOutputError) Unwrap() error { return e.Err }

// Reason returns the short reason code of an item's failure: "refused: <code>",
// "transient: <code>", "invalid_output", or "error: <code>".
func Reason(err error) string {
	var refused *RefusedError
	var transient *TransientError
	var invalid *InvalidOutputError
	switch {
	case errors.As(err, &refused):
		return ReasonRefused + refused.Code
	case errors.As(err, &transient):
		return ReasonTransient + transient.Code
	case errors.As(err, &invalid):
		return ReasonInvalidOutput
	}
	if status, _ := apiFields(err); status != 0 {
		return fmt.Sprintf("error: http_%d", status)
	}
	return "error: unexpected"
}

// IsTransient reports whether a stored reason is a transient failure.
func IsTransient(reason string) bool { return strings.HasPrefix(reason, ReasonTransient) }

// retryHint carries the Retry-After of the last response from the HTTP layer to the retry loop.
type retryHint struct{ after time.Duration }

type retryHintKey struct{}

// hintingDoer records Retry-After of 429 and 503 answers into the request context's hint.
type hintingDoer struct{ next *http.Client }

func (d hintingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.next.Do(req)
	if err == nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if h, ok := req.Context().Value(retryHintKey{}).(*retryHint); ok {
			h.after = parseRetryAfter(resp.Header.Get("Retry-After"))
		}
	}
	return resp, err
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// apiError is what an error answer said: status, and the error object's code, type and param.
type apiError struct {
	status           int
	code, typ, param string
	message          string
	hasPayload       bool
}

// apiFields returns the HTTP status and error payload of an API answer (status 0 for no answer).
func apiFields(err error) (int, apiError) {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr):
		e := apiError{status: apiErr.HTTPStatusCode, typ: apiErr.Type, message: apiErr.Message, hasPayload: true}
		switch c := apiErr.Code.(type) {
		case string:
			e.code = c
		case float64:
			e.code = strconv.FormatFloat(c, 'f', -1, 64)
		}
		if apiErr.Param != nil {
			e.param = *apiErr.Param
		}
		if apiErr.InnerError != nil && e.code == "" {
			e.code = apiErr.InnerError.Code // Azure's content filter
		}
		return e.status, e
	case errors.As(err, &reqErr):
		return reqErr.HTTPStatusCode, apiError{status: reqErr.HTTPStatusCode}
	}
	return 0, apiError{}
}

// Codes that always mean the configuration is wrong, whatever the input.
var configCodes = map[string]bool{
	"invalid_api_key": true, "model_not_found": true, "invalid_model": true, "insufficient_quota": true,
	"invalid_organization": true, "unsupported_model": true,
}

// Codes that always mean this one input was refused.
var refusalCodes = map[string]bool{
	"context_length_exceeded": true, "content_filter": true, "content_policy_violation": true,
	"invalid_prompt": true, "string_above_max_length": true, "max_tokens_per_request": true,
	"responsibleaipolicyviolation": true,
}

// Params that belong to the configuration, not to the input: an error about them is the
// model or client setting.
var configParams = map[string]bool{"model": true, "response_format": true, "temperature": true}

// classify decides whether err is worth retrying, and turns permanent API answers into a
// PermanentError (the configuration is wrong) or a RefusedError (this input is refused).
// proven says whether a call of this client has succeeded already: a 400 that names no
// refusal code before any success is taken for a configuration the API refuses outright.
func classify(err error, proven bool) (retry bool, out error) {
	var refused *RefusedError
	if errors.As(err, &refused) {
		return false, err
	}
	status, e := apiFields(err)
	code := strings.ToLower(e.code)
	switch {
	case configCodes[code]:
		return false, &PermanentError{Status: status, Code: code, Message: redactKey(e.message)}
	case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound:
		return false, &PermanentError{Status: status, Code: code, Message: redactKey(e.message)}
	case status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge ||
		status == http.StatusUnprocessableEntity:
		return false, badRequest(status, e, proven)
	case status == http.StatusTooManyRequests || status >= 500:
		return true, err
	case errors.Is(err, context.DeadlineExceeded):
		return true, err
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true, err
	}
	if status == 0 {
		return true, err // connection resets, truncated bodies, answers without choices
	}
	return false, err
}

// badRequest tells a 400 about the configuration from one about this input.
func badRequest(status int, e apiError, proven bool) error {
	code, msg := strings.ToLower(e.code), strings.ToLower(e.message)
	if refusalCodes[code] || strings.Contains(strings.ToLower(e.typ), "content_filter") {
		return &RefusedError{Status: status, Code: shortCode(code, e.typ, "refused")}
	}
	if configParams[strings.ToLower(e.param)] || strings.Contains(msg, "response_format") || strings.Contains(msg, "json_schema") {
		return &PermanentError{Status: status, Code: "response_format", Message: redactKey(e.message)}
	}
	if !proven {
		return &PermanentError{Status: status, Code: code, Message: redactKey(e.message)}
	}
	return &RefusedError{Status: status, Code: shortCode(code, e.typ, "invalid_request")}
}

var unsafeCode = regexp.MustCompile(`[^a-z0-9_.-]+`)

// shortCode is the API's code (or its type when it is specific) as a short safe token.
func shortCode(code, typ, fallback string) string {
	c := code
	if c == "" && typ != "" && typ != "invalid_request_error" {
		c = typ
	}
	c = unsafeCode.ReplaceAllString(strings.ToLower(c), "_")
	if len(c) > 60 {
		c = c[:60]
	}
	if c == "" {
		return fallback
	}
	return c
}

// transientCode names why a retried call failed in the end.
func transientCode(err error) string {
	status, _ := apiFields(err)
	var netErr net.Error
	switch {
	case status == http.StatusTooManyRequests:
		return "rate_limited"
	case status != 0:
		return fmt.Sprintf("http_%d", status)
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.As(err, &netErr):
		return "connection"
	}
	return "bad_answer"
}

var apiKeyPattern = regexp.MustCompile(`sk-[A-Za-z0-9_*\-]+`)

// redactKey hides API keys an error message may echo ("Incorrect API key provided: sk-…").
func redactKey(msg string) string { return apiKeyPattern.ReplaceAllString(msg, "sk-…") }
