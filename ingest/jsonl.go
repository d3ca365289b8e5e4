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

// jsonlSource reads one conversation per line.
type jsonlSource struct {
	br   *bufio.Reader
	line int    // number of the last line read
	buf  []byte // the current line, reused

	lastByte byte // the last byte read
}

func (s *jsonlSource) next() (*conversation.Conversation, int, *fieldError, error) {
	for {
		line, n, err := s.readLine()
		if n == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return nil, s.line, nil, io.EOF
			}
			return nil, s.line + 1, nil, err
		}
		s.line++
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, s.line, nil, err
		}
		if n > MaxRecordBytes {
			return nil, s.line, &fieldError{reason: fmt.Sprintf("the line is %d bytes long, over the limit of %d bytes (4 MiB) for one conversation", n, MaxRecordBytes)}, nil
		}
		if rec := bytes.TrimSpace(line); len(rec) > 0 {
			c, fe := parseJSONL(rec)
			return c, s.line, fe, nil
		}
	}
}

// readLine reads the next line without its line end. It keeps at most
// MaxRecordBytes+1 bytes of it: a longer line is read in pieces and dropped, and its
// length n tells it apart. n is 0 and err set at the end of the input.
func (s *jsonlSource) readLine() (line []byte, n int, err error) {
	s.buf = s.buf[:0]
	var beforeLast byte // the byte before the fragment's last one, across fragments
	for {
		frag, err := s.br.ReadSlice('\n')
		if len(frag) >= 2 {
			beforeLast = frag[len(frag)-2]
		} else if len(frag) == 1 && n > 0 {
			beforeLast = s.lastByte
		}
		if len(frag) > 0 {
			s.lastByte = frag[len(frag)-1]
		}
		n += len(frag)
		if len(s.buf) <= MaxRecordBytes {
			s.buf = append(s.buf, frag[:min(len(frag), MaxRecordBytes+1-len(s.buf))]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if n > 0 && err == nil { // the line end (LF or CRLF) is not part of the line
			n--
			if n > 0 && beforeLast == '\r' {
				n--
			}
			s.buf = s.buf[:min(len(s.buf), n)]
		}
		return s.buf, n, err
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
