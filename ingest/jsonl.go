package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"feedbackpipe/conversation"
)

// jsonlRecord is a line of a JSON Lines file: conversation.Conversation's JSON shape,
// with the times and messages left raw so that a bad one can be named precisely.
// Unknown fields are ignored.
type jsonlRecord struct {
	ID        string            `json:"id"`
	CreatedAt json.RawMessage   `json:"created_at"`
	Subject   string            `json:"subject"`
	Messages  []json.RawMessage `json:"messages"`
	SourceURL string            `json:"source_url"`
	Contact   string            `json:"contact"`
}

type jsonlMessage struct {
	Author    string          `json:"author"`
	Text      string          `json:"text"`
	CreatedAt json.RawMessage `json:"created_at"`
}

// readJSONL reads one conversation per line; firstLine is the number of the line br
// starts on. bufio.Reader.ReadBytes has no line length limit.
func (rd *reader) readJSONL(br *bufio.Reader, firstLine int) error {
	lineNo := firstLine - 1
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			lineNo++
			if rec := bytes.TrimSpace(line); len(rec) > 0 {
				c, fe := parseJSONL(rec)
				if fe != nil {
					err := rd.bad(lineNo, fe)
					if err != nil {
						return err
					}
				} else if err := rd.add(lineNo, *c); err != nil {
					return err
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", rd.name, lineNo+1, err)
		}
	}
}

// parseJSONL decodes one line. A message without created_at takes the conversation's.
// The result is not validated yet.
func parseJSONL(line []byte) (*conversation.Conversation, *fieldError) {
	if k := jsonKind(line); k != "object" && json.Valid(line) {
		return nil, &fieldError{reason: fmt.Sprintf("must be a JSON object (one conversation per line), not %s", k)}
	}
	var rec jsonlRecord
	if fe := decode(line, &rec, ""); fe != nil {
		return nil, fe
	}
	c := &conversation.Conversation{
		ID:        rec.ID,
		Subject:   rec.Subject,
		SourceURL: rec.SourceURL,
		Contact:   rec.Contact,
	}
	var fe *fieldError
	if c.CreatedAt, fe = parseRFC3339(rec.CreatedAt, "created_at"); fe != nil {
		return nil, fe
	}
	for i, raw := range rec.Messages {
		path := fmt.Sprintf("messages[%d]", i)
		if k := jsonKind(raw); k != "object" {
			return nil, &fieldError{field: path, reason: fmt.Sprintf("must be an object, not %s", k)}
		}
		var m jsonlMessage
		if fe := decode(raw, &m, path); fe != nil {
			return nil, fe
		}
		at, fe := parseRFC3339(m.CreatedAt, path+".created_at")
		if fe != nil {
			return nil, fe
		}
		if at.IsZero() {
			at = c.CreatedAt
		}
		c.Messages = append(c.Messages, conversation.Message{
			Author:    conversation.Author(m.Author),
			Text:      m.Text,
			CreatedAt: at,
		})
	}
	return c, nil
}

// parseRFC3339 reads a time written as an RFC 3339 string; absent or null is the zero time.
func parseRFC3339(raw json.RawMessage, field string) (time.Time, *fieldError) {
	if isNull(raw) {
		return time.Time{}, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, &fieldError{field: field, reason: fmt.Sprintf("must be an RFC 3339 time string such as \"2024-05-01T12:00:00Z\", not %s", jsonKind(raw))}
	}
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		reason := fmt.Sprintf("%q is not an RFC 3339 time such as \"2024-05-01T12:00:00Z\"", s)
		var pe *time.ParseError
		if errors.As(err, &pe) && pe.Message != "" {
			reason += pe.Message // e.g. ": day out of range"
		}
		return time.Time{}, &fieldError{field: field, reason: reason}
	}
	return t, nil
}
