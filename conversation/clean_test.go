package conversation

import (
	"strings"
	"testing"
	"time"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, text, line string }{
		{"plain", "plain", "plain"},
		{"nul\x00byte", "nulbyte", "nulbyte"},
		{"bell\a and esc\x1b[31m", "bell and esc[31m", "bell and esc[31m"},
		{"broken \xff\xfe utf8", "broken \uFFFD\uFFFD utf8", "broken \uFFFD\uFFFD utf8"},
		{"a\r\nb\rc\nd", "a\nb\nc\nd", "a b c d"},
		{"tab\there", "tab\there", "tab here"},
		{"del\x7f and c1 \u0085", "del and c1 ", "del and c1 "},
		{"emoji 🙂 and עברית", "emoji 🙂 and עברית", "emoji 🙂 and עברית"},
	}
	for _, tt := range tests {
		if got := CleanText(tt.in); got != tt.text {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.text)
		}
		if got := CleanLine(tt.in); got != tt.line {
			t.Errorf("CleanLine(%q) = %q, want %q", tt.in, got, tt.line)
		}
		if got := CleanText(tt.text); got != tt.text {
			t.Errorf("CleanText is not idempotent on %q: %q", tt.text, got)
		}
	}
}

func valid() Conversation {
	at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	return Conversation{ID: "conv-1", CreatedAt: at, Subject: "s", Messages: []Message{{Author: Customer, Text: "hi", CreatedAt: at}}}
}

func TestValidateLimitsAndIDs(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Conversation)
		field  string
		reason string
	}{
		{"id with a newline", func(c *Conversation) { c.ID = "a\nb" }, "id", `'\n' at byte 1`},
		{"id with a space", func(c *Conversation) { c.ID = "a b" }, "id", "may only use"},
		{"id with an accent", func(c *Conversation) { c.ID = "café" }, "id", "'é' at byte 3"},
		{"id with a NUL", func(c *Conversation) { c.ID = "a\x00" }, "id", "may only use"},
		{"id too long", func(c *Conversation) { c.ID = strings.Repeat("x", MaxIDLen+1) }, "id", "over the limit of 200"},
		{"too many messages", func(c *Conversation) {
			for len(c.Messages) <= MaxMessages {
				c.Messages = append(c.Messages, c.Messages[0])
			}
		}, "messages", "501 messages, over the limit of 500"},
		{"message too long", func(c *Conversation) { c.Messages[0].Text = strings.Repeat("é", MaxMessageChars+1) },
			"messages[0].text", "100001 characters long, over the limit of 100000"},
		{"subject too long", func(c *Conversation) { c.Subject = strings.Repeat("s", MaxSubjectChars+1) }, "subject", "over the limit of 2000"},
		{"NUL in a message", func(c *Conversation) { c.Messages[0].Text = "a\x00b" }, "messages[0].text", "NUL"},
		{"invalid UTF-8 in the contact", func(c *Conversation) { c.Contact = "\xff@x" }, "contact", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.edit(&c)
			err := c.Validate()
			fe, ok := err.(*FieldError)
			if !ok || fe.Field != tt.field || !strings.Contains(fe.Reason, tt.reason) {
				t.Errorf("Validate() = %v, want field %s with %q", err, tt.field, tt.reason)
			}
		})
	}
	c := valid()
	c.ID = "intercom:123/ab_c.d@x-y"
	if err := c.Validate(); err != nil {
		t.Errorf("an id of the whole charset: %v", err)
	}
}

func TestCleanMakesStorable(t *testing.T) {
	c := valid()
	c.Subject, c.Contact, c.SourceURL = "sub\x00ject\nline", "\xffme@x", "https://x/\x00"
	c.Messages[0].Text = "nul\x00 and \xfe"
	if err := c.CheckStorable(); err == nil {
		t.Fatal("a NUL passed CheckStorable")
	}
	c.Clean()
	if err := c.Validate(); err != nil {
		t.Fatalf("after Clean: %v", err)
	}
	if c.Subject != "subject line" || c.Messages[0].Text != "nul and \uFFFD" {
		t.Errorf("cleaned = %+v", c)
	}
}
