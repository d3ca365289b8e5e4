package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"feedbackpipe/conversation"
)

// icConversation is one element of an Intercom export: the fields read, with the
// times and the id left raw so that a bad one can be named precisely. The package doc
// says how it maps to a conversation.Conversation. Unknown fields are ignored.
type icConversation struct {
	Type      string          `json:"type"`
	ID        json.RawMessage `json:"id"`
	CreatedAt json.RawMessage `json:"created_at"`
	Source    *icSource       `json:"source"`
	Parts     *icPartList     `json:"conversation_parts"`
}

type icSource struct {
	Subject string   `json:"subject"`
	Body    string   `json:"body"`
	URL     string   `json:"url"`
	Author  icAuthor `json:"author"`
}

type icAuthor struct {
	Type  string `json:"type"`
	Email string `json:"email"`
}

type icPartList struct {
	Parts []json.RawMessage `json:"conversation_parts"`
}

type icPart struct {
	PartType  string          `json:"part_type"`
	Body      string          `json:"body"`
	CreatedAt json.RawMessage `json:"created_at"`
	Author    icAuthor        `json:"author"`
}

// keptPartTypes are the part types that become messages when they have a body.
var keptPartTypes = map[string]bool{"comment": true, "open": true, "close": true}

const partsPath = "conversation_parts.conversation_parts"

// intercomSource reads the JSON array of an Intercom export with a streaming
// json.Decoder, one element at a time. Malformed JSON, an element over
// MaxRecordBytes or anything after the array ends the read, whatever skipInvalid says.
type intercomSource struct {
	name    string
	lines   *lineCounter
	dec     *json.Decoder
	started bool
	done    bool
}

func newIntercomSource(name string, r io.Reader, firstLine int) *intercomSource {
	lc := &lineCounter{r: r, line: firstLine, limit: -1}
	return &intercomSource{name: name, lines: lc, dec: json.NewDecoder(lc)}
}

// fatal is an error that ends the read, at the line of byte offset off.
func (s *intercomSource) fatal(off int64, format string, args ...any) error {
	s.done = true
	return &Error{File: s.name, Line: s.lines.lineAt(off), Reason: fmt.Sprintf(format, args...)}
}

// jsonError turns an error of the decoder's Token or More into a fatal *Error at
// its line.
func (s *intercomSource) jsonError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return s.fatal(s.lines.read, "the array is not closed before the end of the file (malformed JSON)")
	case errors.As(err, &se): // Token's offsets are the stream's
		return s.fatal(max(se.Offset-1, 0), "invalid JSON: %v; the rest of the file cannot be read", err)
	}
	s.done = true
	return err
}

// decodeError turns an error of Decode into a fatal *Error. Decode's syntax error
// offsets are not the stream's, so the fault is found again in what the decoder
// holds: the element from its first byte on (Buffered).
func (s *intercomSource) decodeError(err error) error {
	base := s.dec.InputOffset()
	held, _ := io.ReadAll(s.dec.Buffered())
	elemStart := base + int64(len(held)-len(bytes.TrimLeft(held, " \t\r\n")))
	switch {
	case errors.Is(err, errRecordTooLarge):
		return s.fatal(elemStart, "the array element starting here is longer than the limit of %d bytes (4 MiB) for one conversation; the rest of the file cannot be read", MaxRecordBytes)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return s.fatal(elemStart, "the array element starting here is not closed before the end of the file (malformed JSON)")
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		s.done = true
		return err
	}
	off := base // "expected comma after array element": the decoder's own offset is right
	var se2 *json.SyntaxError
	if errors.As(json.NewDecoder(bytes.NewReader(held)).Decode(new(json.RawMessage)), &se2) {
		off = base + max(se2.Offset-1, 0)
	}
	return s.fatal(off, "invalid JSON: %v; the rest of the file cannot be read", err)
}

func (s *intercomSource) next() (*conversation.Conversation, int, *fieldError, error) {
	if s.done {
		return nil, 0, nil, io.EOF
	}
	if !s.started {
		s.started = true
		tok, err := s.dec.Token()
		if err != nil {
			return nil, 0, nil, s.jsonError(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return nil, 0, nil, s.fatal(0, "an Intercom export must be a JSON array")
		}
	}
	if !s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return nil, 0, nil, s.jsonError(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != ']' {
			return nil, 0, nil, s.fatal(s.dec.InputOffset(), "invalid JSON: %v where the array should close", tok)
		}
		end := s.dec.InputOffset()
		if _, err := s.dec.Token(); !errors.Is(err, io.EOF) {
			return nil, 0, nil, s.fatal(max(end, s.dec.InputOffset()-1), "invalid JSON: data after the end of the array")
		}
		s.done = true
		return nil, 0, nil, io.EOF
	}
	s.lines.limit = s.dec.InputOffset() + MaxRecordBytes + 64<<10 // slack for the decoder's read-ahead
	var elem json.RawMessage
	if err := s.dec.Decode(&elem); err != nil {
		return nil, 0, nil, s.decodeError(err)
	}
	s.lines.limit = -1
	start := s.dec.InputOffset() - int64(len(elem))
	line := s.lines.lineAt(start)
	if len(elem) > MaxRecordBytes {
		return nil, 0, nil, s.fatal(start, "the array element is %d bytes long, over the limit of %d bytes (4 MiB) for one conversation", len(elem), MaxRecordBytes)
	}
	conv, fe := parseIntercom(elem)
	return conv, line, fe, nil
}

// parseIntercom turns one element of the array into a conversation (not yet validated).
func parseIntercom(elem []byte) (*conversation.Conversation, *fieldError) {
	if k := jsonKind(elem); k != "object" {
		return nil, &fieldError{reason: fmt.Sprintf("must be an object (an Intercom conversation), not %s", k)}
	}
	var ic icConversation
	if fe := decode(elem, &ic, ""); fe != nil {
		return nil, fe
	}
	if ic.Type != "" && ic.Type != "conversation" {
		return nil, &fieldError{field: "type", reason: fmt.Sprintf("%q is not \"conversation\"", ic.Type)}
	}
	c := &conversation.Conversation{}
	switch jsonKind(ic.ID) {
	case "string":
		_ = json.Unmarshal(ic.ID, &c.ID)
	case "number":
		c.ID = string(bytes.TrimSpace(ic.ID))
	case "null", "nothing":
	default:
		return nil, &fieldError{field: "id", reason: fmt.Sprintf("must be a string or a number, not %s", jsonKind(ic.ID))}
	}
	var fe *fieldError
	if c.CreatedAt, fe = unixTime(ic.CreatedAt, "created_at"); fe != nil {
		return nil, fe
	}
	if c.CreatedAt.IsZero() {
		return nil, &fieldError{field: "created_at", reason: "is missing"}
	}

	if src := ic.Source; src != nil {
		c.Subject = htmlToText(src.Subject)
		c.SourceURL = strings.TrimSpace(src.URL)
		if text := htmlToText(src.Body); text != "" {
			author, fe := mapAuthor(src.Author.Type, "source.author.type")
			if fe != nil {
				return nil, fe
			}
			c.Messages = append(c.Messages, conversation.Message{Author: author, Text: text, CreatedAt: c.CreatedAt})
		}
		if a, _ := mapAuthor(src.Author.Type, ""); a == conversation.Customer {
			c.Contact = strings.TrimSpace(src.Author.Email)
		}
	}

	if ic.Parts != nil {
		for i, raw := range ic.Parts.Parts {
			path := fmt.Sprintf("%s[%d]", partsPath, i)
			if k := jsonKind(raw); k != "object" {
				return nil, &fieldError{field: path, reason: fmt.Sprintf("must be an object, not %s", k)}
			}
			var p icPart
			if fe := decode(raw, &p, path); fe != nil {
				return nil, fe
			}
			if !keptPartTypes[p.PartType] {
				continue
			}
			text := htmlToText(p.Body)
			if text == "" {
				continue
			}
			author, fe := mapAuthor(p.Author.Type, path+".author.type")
			if fe != nil {
				return nil, fe
			}
			at, fe := unixTime(p.CreatedAt, path+".created_at")
			if fe != nil {
				return nil, fe
			}
			if at.IsZero() {
				at = c.CreatedAt
			}
			c.Messages = append(c.Messages, conversation.Message{Author: author, Text: text, CreatedAt: at})
			if c.Contact == "" && author == conversation.Customer {
				c.Contact = strings.TrimSpace(p.Author.Email)
			}
		}
	}

	if len(c.Messages) == 0 {
		return nil, &fieldError{field: "source.body", reason: "is empty and no comment part has a body: the conversation has no message"}
	}
	return c, nil
}

// mapAuthor maps an Intercom author type to the pipeline's author.
func mapAuthor(t, field string) (conversation.Author, *fieldError) {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "user", "lead", "contact":
		return conversation.Customer, nil
	case "admin", "team":
		return conversation.Support, nil
	case "bot":
		return conversation.Bot, nil
	case "":
		return "", &fieldError{field: field, reason: "is missing"}
	}
	return "", &fieldError{field: field, reason: fmt.Sprintf("%q is not one of user, lead, contact, admin, team, bot", t)}
}

// unixTime reads a time written as unix seconds (a JSON number, fractions allowed);
// absent, null or 0 is the zero time.
func unixTime(raw json.RawMessage, field string) (time.Time, *fieldError) {
	if isNull(raw) {
		return time.Time{}, nil
	}
	if k := jsonKind(raw); k != "number" {
		return time.Time{}, &fieldError{field: field, reason: fmt.Sprintf("must be unix seconds (a number), not %s", k)}
	}
	s := string(bytes.TrimSpace(raw))
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n == 0 {
			return time.Time{}, nil
		}
		if n < 0 || n > 1<<40 {
			return time.Time{}, &fieldError{field: field, reason: fmt.Sprintf("%s is out of range for unix seconds", s)}
		}
		return time.Unix(n, 0).UTC(), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1<<40 || math.IsNaN(f) {
		return time.Time{}, &fieldError{field: field, reason: fmt.Sprintf("%s is not valid unix seconds", s)}
	}
	if f == 0 {
		return time.Time{}, nil
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), nil
}
