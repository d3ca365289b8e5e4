package localmodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxBodyBytes bounds a request body.
const maxBodyBytes = 16 << 20

// apiError is the OpenAI error body: {"error": {...}}.
type apiError struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// writeError answers an OpenAI-style error.
func writeError(w http.ResponseWriter, status int, typ, code, message string) {
	e := apiError{Message: message, Type: typ}
	if code != "" {
		e.Code = &code
	}
	writeJSON(w, status, map[string]apiError{"error": e})
}

// badRequest answers 400 invalid_request_error.
func badRequest(w http.ResponseWriter, format string, args ...any) {
	writeError(w, http.StatusBadRequest, "invalid_request_error", "", fmt.Sprintf(format, args...))
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := marshal(v)
	if err != nil {
		http.Error(w, `{"error":{"message":"cannot encode response","type":"server_error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// decodeBody reads the whole request body and decodes it into v; it returns the 400 message
// when it cannot. Reading the body first also lets the server notice a client that goes away
// while the request waits.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) string {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fmt.Sprintf("request body is larger than %d bytes", maxBodyBytes)
		}
		return fmt.Sprintf("cannot read request body: %v", err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Sprintf("request body is not valid JSON: %v", err)
	}
	return ""
}

// usage is the OpenAI token usage.
type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func newUsage(promptChars, completionChars int) usage {
	p, c := approxTokens(promptChars), approxTokens(completionChars)
	return usage{PromptTokens: p, CompletionTokens: c, TotalTokens: p + c}
}
