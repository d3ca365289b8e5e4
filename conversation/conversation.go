// Package conversation holds the customer-support conversation as the pipeline stores and reads it.
package conversation

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
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

// Limits a conversation must keep to. They bound what one record can cost the
// pipeline (memory while importing, tokens, rows) and are far above real support
// conversations; a record past one is refused with an error naming the limit.
const (
	MaxIDLen          = 200     // bytes; characters from IDCharset only
	MaxMessages       = 500     // messages in one conversation
	MaxMessageChars   = 100_000 // characters (runes) in one message's text
	MaxSubjectChars   = 2_000   // characters in the subject
	MaxContactChars   = 320     // characters in the contact (the longest e-mail address)
	MaxSourceURLChars = 2_048   // characters in the source URL
)

// IDCharset describes the characters an id may use.
const IDCharset = "A-Z a-z 0-9 . _ : / @ -"

// ValidID reports why id is not a usable conversation id, or "" when it is: 1 to
// MaxIDLen bytes of ASCII letters, digits and . _ : / @ -, so that an id is safe in a
// file name, a URL path, a CSV cell, a log line and a Temporal payload.
func ValidID(id string) string {
	if id == "" {
		return "is missing or empty"
	}
	if len(id) > MaxIDLen {
		return fmt.Sprintf("is %d bytes long, over the limit of %d", len(id), MaxIDLen)
	}
	for i := 0; i < len(id); i++ {
		if !idByte(id[i]) {
			r, _ := utf8.DecodeRuneInString(id[i:])
			return fmt.Sprintf("has the character %q at byte %d; ids may only use %s", r, i, IDCharset)
		}
	}
	return ""
}

func idByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == ':' || c == '/' || c == '@' || c == '-'
}

// Validate checks the fields the pipeline relies on and names the first one that is
// wrong: the id's charset and length, created_at, the authors, empty texts, the
// limits above, and text a Postgres text column refuses (a NUL or invalid UTF-8,
// which Clean removes).
func (c *Conversation) Validate() error {
	if reason := ValidID(c.ID); reason != "" {
		return &FieldError{Field: "id", Reason: reason}
	}
	if c.CreatedAt.IsZero() {
		return &FieldError{Field: "created_at", Reason: "is missing"}
	}
	for _, f := range []struct {
		field, value string
		limit        int
	}{
		{"subject", c.Subject, MaxSubjectChars},
		{"source_url", c.SourceURL, MaxSourceURLChars},
		{"contact", c.Contact, MaxContactChars},
	} {
		if err := checkText(f.field, f.value, f.limit); err != nil {
			return err
		}
	}
	if len(c.Messages) == 0 {
		return &FieldError{Field: "messages", Reason: "must hold at least one message"}
	}
	if len(c.Messages) > MaxMessages {
		return &FieldError{Field: "messages", Reason: fmt.Sprintf("holds %d messages, over the limit of %d", len(c.Messages), MaxMessages)}
	}
	for i, m := range c.Messages {
		if !m.Author.Valid() {
			return &FieldError{Field: fmt.Sprintf("messages[%d].author", i), Reason: fmt.Sprintf("%s is not one of customer, support, bot", quoteShort(string(m.Author)))}
		}
		field := fmt.Sprintf("messages[%d].text", i)
		if strings.TrimSpace(m.Text) == "" {
			return &FieldError{Field: field, Reason: "is empty"}
		}
		if err := checkText(field, m.Text, MaxMessageChars); err != nil {
			return err
		}
	}
	return nil
}

// checkText refuses a text over its limit or one Postgres cannot store.
func checkText(field, s string, limit int) error {
	if n := utf8.RuneCountInString(s); n > limit {
		return &FieldError{Field: field, Reason: fmt.Sprintf("is %d characters long, over the limit of %d", n, limit)}
	}
	return checkStorable(field, s)
}

// quoteShort quotes s for an error message, cut to 60 characters.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return fmt.Sprintf("%q", s)
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
