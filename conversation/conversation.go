// Package conversation holds the customer-support conversation as the pipeline stores and reads it.
package conversation

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Author says who wrote a message.
type Author string

// The authors a message may have.
const (
	Customer Author = "customer"
	Support  Author = "support"
	Bot      Author = "bot"
)

// Valid reports whether a is one of the known authors.
func (a Author) Valid() bool {
	return a == Customer || a == Support || a == Bot
}

// Message is one message of a conversation.
type Message struct {
	Author    Author    `json:"author"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// Conversation is one support conversation, the unit the pipeline turns into a theme.
type Conversation struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Subject   string    `json:"subject"`
	Messages  []Message `json:"messages"`
	SourceURL string    `json:"source_url,omitempty"`
	Contact   string    `json:"contact,omitempty"`
}

// FieldError names the field of a conversation that is wrong and why.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return fmt.Sprintf("field %s: %s", e.Field, e.Reason) }

// Validate checks the fields the pipeline relies on and names the first one that is wrong.
func (c *Conversation) Validate() error {
	if strings.TrimSpace(c.ID) == "" {
		return &FieldError{Field: "id", Reason: "is missing or empty"}
	}
	if c.CreatedAt.IsZero() {
		return &FieldError{Field: "created_at", Reason: "is missing"}
	}
	if len(c.Messages) == 0 {
		return &FieldError{Field: "messages", Reason: "must hold at least one message"}
	}
	for i, m := range c.Messages {
		if !m.Author.Valid() {
			return &FieldError{Field: fmt.Sprintf("messages[%d].author", i), Reason: fmt.Sprintf("%q is not one of customer, support, bot", m.Author)}
		}
		if strings.TrimSpace(m.Text) == "" {
			return &FieldError{Field: fmt.Sprintf("messages[%d].text", i), Reason: "is empty"}
		}
	}
	return nil
}

// ContentHash identifies the content the LLM sees: subject and messages. It changes when the
// conversation changes, so cached extractions and embeddings are reused only for identical text.
func (c *Conversation) ContentHash() string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	_ = enc.Encode(c.Subject)
	for _, m := range c.Messages {
		_ = enc.Encode([2]string{string(m.Author), m.Text})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// CustomerText joins the customer's messages, in order.
func (c *Conversation) CustomerText() string {
	var parts []string
	for _, m := range c.Messages {
		if m.Author == Customer {
			parts = append(parts, m.Text)
		}
	}
	return strings.Join(parts, "\n")
}
