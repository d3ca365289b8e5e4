// Package ingest reads files of support conversations for `starter import FILE…`.
//
// Two formats are read, told apart by the first byte that is not white space
// (a UTF-8 byte order mark is skipped): `[` starts an Intercom conversation export,
// anything else is JSON Lines.
//
// # JSON Lines
//
// One conversation per line in conversation.Conversation's JSON shape: id,
// created_at (RFC 3339), subject, messages [{author: customer|support|bot, text,
// created_at}], optional source_url and contact. Blank lines are ignored and lines
// may be of any length. A message without created_at (absent, null or "") takes the
// conversation's. Unknown fields are ignored.
//
// # Intercom export
//
// A JSON array of Intercom conversation objects (the REST API's conversation model):
//
//	{"type": "conversation", "id": "123", "created_at": 1714560000,
//	 "source": {"subject": "…", "body": "<p>HTML</p>", "url": "…",
//	            "author": {"type": "user", "email": "…"}},
//	 "conversation_parts": {"conversation_parts": [
//	     {"part_type": "comment", "body": "<p>HTML</p>", "created_at": 1714560100,
//	      "author": {"type": "admin"}}]}}
//
// It becomes a conversation.Conversation as follows:
//
//   - id may be a JSON string or number; created_at is unix seconds (a number);
//     type, when present, must be "conversation".
//   - The first message is source.body, written by source.author at the
//     conversation's created_at; it is left out when it has no text (an
//     admin-initiated conversation may have none).
//   - Of the conversation parts only "comment", "open" and "close" parts become
//     messages, and only when their body has text: "open" and "close" parts carry a
//     body when a customer replies to a closed conversation or an agent closes it
//     with a reply, and that reply belongs to the conversation. Internal "note"s,
//     "assignment"s and every other part type are dropped unread (their authors are
//     not checked). A part without created_at (or 0) takes the conversation's.
//   - Authors: user, lead and contact → customer; admin and team → support;
//     bot → bot. Any other author type on a kept message is an error.
//   - Bodies and the subject are HTML, turned into plain text: tags dropped,
//     entities decoded, white space collapsed, block elements (p, div, br, li, …)
//     on lines of their own.
//   - Contact is source.author.email when the source author is a customer,
//     otherwise the email of the first customer-written kept part that has one.
//     SourceURL is source.url.
//   - A conversation left with no message is an error on source.body.
//
// The array is read element by element, so an export need not fit in memory twice.
//
// # Errors
//
// Every problem is reported as an *Error naming the file, the line (for an Intercom
// export, the line where the array element starts, or for malformed JSON the line
// of the fault) and, where it can, the field in
// the record's own vocabulary (`messages[2].created_at`, `source.body`,
// `conversation_parts.conversation_parts[3].author.type`); after decoding, each
// conversation must pass conversation.Validate, whose FieldError field is used.
//
// Reading is all-or-nothing unless skipInvalid is set: the first bad record ends the
// read with its *Error and no conversations. With skipInvalid the good records are
// returned and every bad one is listed in Result.Skipped, except that malformed JSON
// in an Intercom export (anywhere in the array) still ends the read with an *Error,
// since the array cannot be followed past it. A malformed JSON line only spoils
// its own line.
//
// Duplicate ids within one file: the later record wins. It replaces the earlier one
// in place (the conversation keeps the position of its first occurrence) and
// Result.Duplicates counts the records that replaced another.
package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"feedbackpipe/conversation"
)

// The formats Result.Format names.
const (
	FormatJSONL    = "jsonl"
	FormatIntercom = "intercom"
)

// Error is one record of an input file that cannot be imported.
type Error struct {
	File   string // the name the file was read under
	Line   int    // 1-based line of the record (an Intercom element: the line it starts on); 0 if unknown
	Field  string // the field at fault, e.g. messages[0].author; empty when the record as a whole is at fault
	Reason string
}

// Error reads like `FILE: line 7: field messages[0].author: "agent" is not one of customer, support, bot`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(": line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Field != "" {
		b.WriteString(": field ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// Result is what a file holds.
type Result struct {
	// Conversations are the valid conversations, in file order, each id once.
	Conversations []conversation.Conversation
	// Skipped lists the records left out (only when skipInvalid was set).
	Skipped []*Error
	// Format is FormatJSONL or FormatIntercom.
	Format string
	// Duplicates counts the records whose id an earlier record of the file already
	// had; each replaced the earlier one (the later record wins).
	Duplicates int
}

// ReadFile reads the conversation file at path. See the package doc for the formats
// and what skipInvalid changes.
func ReadFile(path string, skipInvalid bool) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *fs.PathError: "open PATH: …"
	}
	defer f.Close()
	return Read(path, f, skipInvalid)
}

// Read reads a conversation file from r; name is used in errors.
func Read(name string, r io.Reader, skipInvalid bool) (*Result, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	// Skip leading white space, counting lines, to find the first significant byte.
	line := 1
	var first byte
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return &Result{Format: FormatJSONL}, nil // empty file: nothing to import
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if isSpace(c) {
			if c == '\n' {
				line++
			}
			continue
		}
		first = c
		_ = br.UnreadByte()
		break
	}
	rd := &reader{name: name, skipInvalid: skipInvalid, seen: map[string]int{}}
	var err error
	if first == '[' {
		rd.res.Format = FormatIntercom
		err = rd.readIntercom(br, line)
	} else {
		rd.res.Format = FormatJSONL
		err = rd.readJSONL(br, line)
	}
	if err != nil {
		return nil, err
	}
	return &rd.res, nil
}

// reader collects the records of one file.
type reader struct {
	name        string
	skipInvalid bool
	res         Result
	seen        map[string]int // id → index in res.Conversations
}

// bad handles a bad record: it is the error to stop with, or it is noted as skipped
// and nil is returned.
func (rd *reader) bad(line int, fe *fieldError) error {
	e := &Error{File: rd.name, Line: line, Field: fe.field, Reason: fe.reason}
	if !rd.skipInvalid {
		return e
	}
	rd.res.Skipped = append(rd.res.Skipped, e)
	return nil
}

// add validates c and keeps it, the later of two records with one id winning.
func (rd *reader) add(line int, c conversation.Conversation) error {
	if err := c.Validate(); err != nil {
		var fe *conversation.FieldError
		if errors.As(err, &fe) {
			return rd.bad(line, &fieldError{field: fe.Field, reason: fe.Reason})
		}
		return rd.bad(line, &fieldError{reason: err.Error()})
	}
	if i, ok := rd.seen[c.ID]; ok {
		rd.res.Conversations[i] = c
		rd.res.Duplicates++
		return nil
	}
	rd.seen[c.ID] = len(rd.res.Conversations)
	rd.res.Conversations = append(rd.res.Conversations, c)
	return nil
}

// fieldError is a problem found in one record before its line is attached.
type fieldError struct {
	field  string
	reason string
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
