package paraphrase

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
)

// snippetRunes is how much of the subject and first customer message identifies a conversation: the
// prompt carries neither its id nor its metadata, and a long first message may be cut.
const snippetRunes = 120

// Server answers extraction calls for the conversations it knows; it implements http.Handler.
type Server struct {
	byText   map[string]entry // snippet → the conversation's id and spec
	fallback http.Handler     // embeddings, calls that are not extractions, unknown conversations
	noise    float64          // blur of the fallback's embeddings (0: none)
	reuse    bool             // reuse an offered wording of the issue
	answered atomic.Int64
	unknown  atomic.Int64
}

type entry struct {
	id   string
	spec Spec
}

// Options tune the model.
type Options struct {
	// EmbeddingNoise blurs the fallback's embeddings (see serveNoisyEmbeddings): 0 passes them
	// through; 1.5 makes the centroids of one issue's signature groups mostly miss the grouping's
	// centroid threshold on the sample data.
	EmbeddingNoise float64
	// ReuseOffered makes the model reuse an offered known signature when it is one of the
	// issue's wordings (matched_existing true), as a model that follows the prompt does; by
	// default it ignores the offered signatures.
	ReuseOffered bool
}

// New builds the model from conversations, their labels and the spec of each label. Every
// labelled conversation must be told apart by its subject and first customer message, and every label
// must have a spec. fallback answers everything else.
func New(convs []conversation.Conversation, labels map[string]string, specs map[string]Spec, fallback http.Handler, opts Options) (*Server, error) {
	s := &Server{byText: make(map[string]entry, len(convs)), fallback: fallback, noise: opts.EmbeddingNoise, reuse: opts.ReuseOffered}
	for i := range convs {
		c := &convs[i]
		label, ok := labels[c.ID]
		if !ok {
			continue
		}
		spec, ok := specs[label]
		if !ok {
			return nil, fmt.Errorf("paraphrase: no spec for label %q of %s", label, c.ID)
		}
		key := snippet(c.Subject, firstCustomer(c.Messages))
		if prev, dup := s.byText[key]; dup && labels[prev.id] != label {
			return nil, fmt.Errorf("paraphrase: %s and %s open alike but are labelled apart", prev.id, c.ID)
		}
		s.byText[key] = entry{id: c.ID, spec: spec}
	}
	return s, nil
}

// firstCustomer is the text of the first customer message (bots greet alike).
func firstCustomer(msgs []conversation.Message) string {
	for _, m := range msgs {
		if m.Author == conversation.Customer {
			return m.Text
		}
	}
	return ""
}

// snippet is the lookup key: subject and the first customer message's beginning, on one line each.
func snippet(subject, first string) string {
	cut := func(s string) string {
		s = strings.Join(strings.Fields(s), " ")
		if r := []rune(s); len(r) > snippetRunes {
			s = string(r[:snippetRunes])
		}
		return s
	}
	return cut(subject) + "\n" + cut(first)
}

// Counts reports the extraction calls answered from the labels, and those about a conversation
// the model does not know (handed to the fallback).
func (s *Server) Counts() (answered, unknown int64) { return s.answered.Load(), s.unknown.Load() }

// ServeHTTP answers extraction calls; everything else goes to the fallback.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	chat := strings.HasSuffix(r.URL.Path, "/chat/completions")
	embeddings := strings.HasSuffix(r.URL.Path, "/embeddings") && s.noise > 0
	if r.Method != http.MethodPost || !chat && !embeddings {
		s.fallback.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if embeddings {
		s.serveNoisyEmbeddings(w, r, body)
		return
	}
	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
	}
	if json.Unmarshal(body, &req) != nil {
		s.fallback.ServeHTTP(w, r)
		return
	}
	prompt := ""
	for i := len(req.Messages) - 1; i >= 0 && prompt == ""; i-- {
		if m := req.Messages[i]; m.Role == "user" && strings.Contains(m.Content, extraction.MarkerConversation) {
			prompt = m.Content
		}
	}
	if prompt == "" {
		s.fallback.ServeHTTP(w, r)
		return
	}
	p := extraction.ParseUserPrompt(prompt)
	e, ok := s.byText[snippet(p.Subject, firstCustomer(p.Messages))]
	if !ok {
		s.unknown.Add(1)
		s.fallback.ServeHTTP(w, r)
		return
	}
	s.answered.Add(1)
	theme := e.spec.theme(Variant(e.id), p.Subject)
	if s.reuse {
		if v, ok := e.spec.offered(p.Known); ok {
			theme = e.spec.theme(v, p.Subject)
			theme.MatchedExisting = true
		}
	}
	content, err := json.Marshal(theme)
	if err != nil {
		http.Error(w, "encode theme", http.StatusInternalServerError)
		return
	}
	resp := map[string]any{
		"id":      "chatcmpl-paraphrase",
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   req.Model,
		"choices": []map[string]any{{
			"index":         0,
			"message":       map[string]string{"role": "assistant", "content": string(content)},
			"finish_reason": "stop",
		}},
		"usage": map[string]int{"prompt_tokens": len(body) / 4, "completion_tokens": len(content) / 4, "total_tokens": (len(body) + len(content)) / 4},
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(resp); err != nil {
		return // the client went away
	}
}
