package conversation

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// CleanText makes text safe to store and show: invalid UTF-8 becomes U+FFFD, CRLF and
// lone CR become LF, and the control characters Postgres or a terminal would choke on
// (NUL, the rest of C0 except tab and line feed, DEL, and the C1 range U+0080–U+009F)
// are removed. Everything else, including emoji and right-to-left text, is kept.
func CleanText(s string) string {
	if isClean(s, true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				size++
			}
		case keep(r, true):
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// CleanLine is CleanText for one-line fields (subject, contact, source URL): line
// breaks and tabs become spaces too.
func CleanLine(s string) string {
	if isClean(s, false) {
		return s
	}
	s = CleanText(s)
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		return r
	}, s)
}

// Clean cleans every text field of c in place (see CleanText and CleanLine). The id
// is not cleaned: an id with a character outside its charset is refused by Validate,
// since changing it would silently make a different conversation.
func (c *Conversation) Clean() {
	c.Subject = CleanLine(c.Subject)
	c.SourceURL = CleanLine(c.SourceURL)
	c.Contact = CleanLine(c.Contact)
	for i := range c.Messages {
		c.Messages[i].Text = CleanText(c.Messages[i].Text)
	}
}

// isClean reports whether s is valid UTF-8 free of the characters CleanText (or, for
// one-line fields, CleanLine) changes.
func isClean(s string, multiline bool) bool {
	for _, r := range s {
		if r == utf8.RuneError || !keep(r, multiline) || r == '\r' {
			return false
		}
	}
	return true
}

// keep reports whether r survives cleaning.
func keep(r rune, multiline bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return multiline
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return false
	}
	return true
}

// CheckStorable names the first field Postgres would refuse to store: one with a NUL
// character or invalid UTF-8 (the id, subject, source_url, contact, an author or a
// message text). Validate checks this and more; the store checks only this, so that
// a bad record is refused by name instead of failing the whole write.
func (c *Conversation) CheckStorable() error {
	fields := []struct{ name, value string }{
		{"id", c.ID}, {"subject", c.Subject}, {"source_url", c.SourceURL}, {"contact", c.Contact},
	}
	for _, f := range fields {
		if err := checkStorable(f.name, f.value); err != nil {
			return err
		}
	}
	for i, m := range c.Messages {
		if err := checkStorable(fmt.Sprintf("messages[%d].author", i), string(m.Author)); err != nil {
			return err
		}
		if err := checkStorable(fmt.Sprintf("messages[%d].text", i), m.Text); err != nil {
			return err
		}
	}
	return nil
}

func checkStorable(field, s string) error {
	if !utf8.ValidString(s) {
		return &FieldError{Field: field, Reason: "is not valid UTF-8"}
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		return &FieldError{Field: field, Reason: fmt.Sprintf("has a NUL character at byte %d", i)}
	}
	return nil
}
