package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// PermanentError is an answer no retry will change (400, 401, 403, 404): the run must stop and
// the operator must fix the configuration.
type PermanentError struct {
	Status  int
	Message string
}

func (e *PermanentError) Error() string {
	hint := ""
	switch e.Status {
	case http.StatusUnauthorized:
		hint = ": the API key was rejected; set a valid OPENAI_API_KEY"
	case http.StatusForbidden:
		hint = ": the API key may not use this model or endpoint; check OPENAI_API_KEY and LLM_MODEL"
	case http.StatusNotFound:
		hint = ": unknown model or endpoint; check LLM_MODEL, EMBEDDING_MODEL and OPENAI_BASE_URL"
	case http.StatusBadRequest:
		hint = ": the API refused the request; check LLM_MODEL supports JSON-schema output"
	}
	return fmt.Sprintf("LLM API answered %d %s%s", e.Status, e.Message, hint)
}

// InvalidOutputError is a model answer that failed validation even after the corrective retry.
type InvalidOutputError struct{ Err error }

func (e *InvalidOutputError) Error() string { return "invalid model output: " + e.Err.Error() }
func (e *InvalidOutputError) Unwrap() error { return e.Err }

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

// classify decides whether err is worth retrying, and turns permanent API answers into PermanentError.
func classify(err error) (retry bool, out error) {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	status := 0
	msg := err.Error()
	switch {
	case errors.As(err, &apiErr):
		status, msg = apiErr.HTTPStatusCode, apiErr.Message
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
	}
	switch {
	case status == http.StatusBadRequest || status == http.StatusUnauthorized ||
		status == http.StatusForbidden || status == http.StatusNotFound:
		return false, &PermanentError{Status: status, Message: msg}
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
		return true, err // connection resets, truncated bodies
	}
	return false, err
}
