package ingest

import (
	"bufio"
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

// readIntercom reads the JSON array br holds, element by element. It scans each
// element's bytes itself, counting lines, so that every error names the line where
// its element starts, and decodes the elements one at a time (the file is never held
// whole). Malformed JSON anywhere ends the read, whatever skipInvalid says.
func (rd *reader) readIntercom(br *bufio.Reader, firstLine int) error {
	s := &arrayScanner{br: br, line: firstLine}
	fatal := func(line int, format string, args ...any) error {
		return &Error{File: rd.name, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	if c, err := s.skipSpace(); err != nil || c != '[' {
		return fatal(s.line, "an Intercom export must be a JSON array")
	}
	c, err := s.skipSpace()
	if err != nil {
		return fatal(s.line, "the array is not closed before the end of the file")
	}
	if c == ']' {
		return s.expectEOF(fatal)
	}
	for {
		start := s.line
		elem, err := s.value(c)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return fatal(start, "the array element starting here is not closed before the end of the file (malformed JSON)")
			}
			return fmt.Errorf("%s: line %d: %w", rd.name, s.line, err)
		}
		if err := json.Unmarshal(elem, new(json.RawMessage)); err != nil {
			line := start
			var se *json.SyntaxError
			if errors.As(err, &se) {
				line += bytes.Count(elem[:min(max(se.Offset, 0), int64(len(elem)))], []byte("\n"))
			}
			return fatal(line, "invalid JSON: %v; the rest of the file cannot be read", err)
		}
		conv, fe := parseIntercom(elem)
		if fe != nil {
			err = rd.bad(start, fe)
		} else {
			err = rd.add(start, *conv)
		}
		if err != nil {
			return err
		}

		c, err = s.skipSpace()
		if err != nil {
			return fatal(s.line, "the array is not closed before the end of the file")
		}
		switch c {
		case ']':
			return s.expectEOF(fatal)
		case ',':
			if c, err = s.skipSpace(); err != nil {
				return fatal(s.line, "the array is not closed before the end of the file")
			}
			if c == ']' || c == ',' {
				return fatal(s.line, "invalid JSON: %q after a comma, a value was expected", c)
			}
		default:
			return fatal(s.line, "invalid JSON: %q after an array element, a comma or ] was expected", c)
		}
	}
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

// arrayScanner reads a JSON array's elements one by one from a bufio.Reader,
// counting lines. It only finds where each value ends (brackets and strings); the
// value itself is checked by the json package.
type arrayScanner struct {
	br   *bufio.Reader
	line int // line of the next byte
	last byte
	buf  []byte
}

func (s *arrayScanner) readByte() (byte, error) {
	c, err := s.br.ReadByte()
	if err != nil {
		return 0, err
	}
	if c == '\n' {
		s.line++
	}
	s.last = c
	return c, nil
}

func (s *arrayScanner) unreadByte() {
	if s.br.UnreadByte() == nil && s.last == '\n' {
		s.line--
	}
}

// skipSpace returns the next byte that is not JSON white space.
func (s *arrayScanner) skipSpace() (byte, error) {
	for {
		c, err := s.readByte()
		if err != nil || !isSpace(c) {
			return c, err
		}
	}
}

// expectEOF checks that only white space follows the array.
func (s *arrayScanner) expectEOF(fatal func(int, string, ...any) error) error {
	c, err := s.skipSpace()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	return fatal(s.line, "invalid JSON: %q after the end of the array", c)
}

// value reads the rest of the value whose first byte, first, was just read. The
// returned slice is reused by the next call. It returns io.EOF if the file ends
// inside the value.
func (s *arrayScanner) value(first byte) ([]byte, error) {
	s.buf = append(s.buf[:0], first)
	switch first {
	case '{', '[', '"':
		depth, inString, escaped := 0, false, false
		if first == '"' {
			inString = true
		} else {
			depth = 1
		}
		for depth > 0 || inString {
			c, err := s.readByte()
			if err != nil {
				return nil, err
			}
			s.buf = append(s.buf, c)
			switch {
			case escaped:
				escaped = false
			case inString && c == '\\':
				escaped = true
			case c == '"':
				inString = !inString
			case inString:
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
			}
		}
	default: // a number, true, false, null or garbage: up to the next delimiter
		for {
			c, err := s.readByte()
			if errors.Is(err, io.EOF) {
				return s.buf, nil
			}
			if err != nil {
				return nil, err
			}
			if isSpace(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' {
				s.unreadByte()
				return s.buf, nil
			}
			s.buf = append(s.buf, c)
		}
	}
	return s.buf, nil
}
