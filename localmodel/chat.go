package localmodel

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"feedbackpipe/extraction"
)

// chatRequest is the part of an OpenAI chat completion request the model reads.
type chatRequest struct {
	Model          string        `json:"model"`
	Messages       []chatMessage `json:"messages"`
	Stream         bool          `json:"stream"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string          `json:"name"`
			Schema json.RawMessage `json:"schema"`
			Strict bool            `json:"strict"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

// chatMessage holds content as a string or as a list of parts.
type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// text is the message's text: the string content, or its text parts joined by newlines.
func (m chatMessage) text() string {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(m.Content, &parts) != nil {
		return ""
	}
	var texts []string
	for _, p := range parts {
		if p.Type == "text" || p.Type == "" {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, "\n")
}

type chatResponse struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []chatChoice `json:"choices"`
	Usage             usage        `json:"usage"`
	SystemFingerprint string       `json:"system_fingerprint"`
}

type chatChoice struct {
	Index   int `json:"index"`
	Message struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"message"`
	FinishReason string `json:"finish_reason"`
}

// handleChat answers POST /v1/chat/completions with a theme that follows the requested schema.
func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	s.counts.chat.Add(1)
	defer s.counts.chatStarted()()
	if s.cfg.RecordCalls {
		arrived := time.Now()
		defer func() { s.calls.add(CallSpan{Arrived: arrived, Left: time.Now()}) }()
	}
	var req chatRequest
	msg := decodeBody(w, r, &req)
	if msg == "" && isReview(req) {
		s.handleReview(w, r, req)
		return
	}
	var job chatJob
	if msg == "" {
		job, msg = newChatJob(req, &s.schemas)
	}
	if msg != "" {
		badRequest(w, "%s", msg)
		return
	}
	fault, handled := s.injectFault(w, r, "chat", true)
	if handled {
		return
	}
	content, err := render(analyze(job.prompt).theme(), job.schema, fault)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "server_error", "", "cannot render the answer: "+err.Error())
		return
	}
	choice := chatChoice{FinishReason: "stop"}
	choice.Message.Role = "assistant"
	choice.Message.Content = content
	writeJSON(w, http.StatusOK, chatResponse{
		ID:                fmt.Sprintf("chatcmpl-local-%d", s.ids.Add(1)),
		Object:            "chat.completion",
		Created:           time.Now().Unix(),
		Model:             cmp.Or(req.Model, ChatModelID),
		Choices:           []chatChoice{choice},
		Usage:             newUsage(job.promptChars, len(content)),
		SystemFingerprint: "local-heuristic-v1",
	})
}

// chatJob is a valid chat request, ready to answer.
type chatJob struct {
	schema      objectSchema
	prompt      extraction.ParsedPrompt
	promptChars int
}

// newChatJob checks the request and finds the prompt: the last user message holding a
// conversation (on a corrective retry the last user message is the validation feedback, and the
// conversation is in an earlier one). msg is the 400 message when the request is unusable.
func newChatJob(req chatRequest, schemas *schemaCache) (job chatJob, msg string) {
	if req.Stream {
		return job, "streaming is not supported by the local model"
	}
	if len(req.Messages) == 0 {
		return job, "messages must not be empty"
	}
	rf := req.ResponseFormat
	if rf == nil || rf.Type != "json_schema" || rf.JSONSchema == nil || len(rf.JSONSchema.Schema) == 0 ||
		string(rf.JSONSchema.Schema) == "null" {
		return job, "the local model needs a json_schema response format (response_format.type \"json_schema\" with a schema)"
	}
	var err error
	if job.schema, err = schemas.get(rf.JSONSchema.Schema); err != nil {
		return job, "response_format.json_schema.schema: " + err.Error()
	}
	texts := make([]string, len(req.Messages))
	for i, m := range req.Messages {
		texts[i] = m.text()
		job.promptChars += len(texts[i])
	}
	prompt := ""
	for i := len(req.Messages) - 1; i >= 0 && prompt == ""; i-- {
		if req.Messages[i].Role == "user" && strings.Contains(texts[i], extraction.MarkerConversation) {
			prompt = texts[i]
		}
	}
	if prompt == "" {
		return job, "no user message holds a conversation between the " + extraction.MarkerConversation +
			" and " + extraction.MarkerEndConversation + " markers"
	}
	job.prompt = extraction.ParseUserPrompt(prompt)
	if len(job.prompt.Messages) == 0 && strings.TrimSpace(job.prompt.Subject) == "" {
		return job, "the conversation in the prompt has no subject and no messages"
	}
	return job, ""
}

// render projects the theme onto the schema and encodes it; a content fault spoils the result.
func render(theme extraction.Theme, schema objectSchema, fault FaultKind) (string, error) {
	full, err := jsonFields(theme)
	if err != nil {
		return "", err
	}
	fields := schema.project(full)
	if fault == FaultSchemaViolation {
		fields = violateSchema(fields)
	}
	out, err := marshal(fields)
	if err != nil {
		return "", err
	}
	if fault == FaultMalformedJSON {
		return string(out[:len(out)/2]), nil // truncated mid-object: not valid JSON
	}
	return string(out), nil
}

// violateSchema breaks the schema while staying valid JSON: an enum value outside the enum,
// an empty symptom list, or, when the schema has neither, an extra property.
func violateSchema(fields orderedObject) orderedObject {
	out := make(orderedObject, 0, len(fields)+1)
	broken := false
	for _, f := range fields {
		switch f.name {
		case "conversation_type":
			f.value, broken = "bug", true
		case "symptoms":
			f.value, broken = []any{}, true
		}
		out = append(out, f)
	}
	if !broken {
		out = append(out, orderedField{"unexpected_property", true})
	}
	return out
}
