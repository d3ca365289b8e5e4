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
// created_at}], optional source_url and contact. Blank lines are ignored; a line may
// be at most MaxRecordBytes long (see Cleaning and limits). A message without created_at (absent, null or "") takes the
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
// The array is read with a streaming json.Decoder (Token/More), one element at a
// time, so an export is never held whole.
//
// # Cleaning and limits
//
// Every conversation is cleaned before it is validated (conversation.Clean): invalid
// UTF-8 becomes U+FFFD; NUL, the other C0 control characters except tab and line feed,
// DEL and C1 controls are removed; CR and CRLF become LF; in the one-line fields
// (subject, contact, source_url) line breaks and tabs become spaces. Ids are not
// cleaned but checked: 1 to 200 bytes of A-Z a-z 0-9 . _ : / @ -, else the record is
// refused. conversation.Validate also refuses more than 500 messages, a message over
// 100,000 characters and over-long subjects, contacts and URLs, naming the limit.
// A JSON Lines line, or an Intercom array element, may be at most MaxRecordBytes
// (4 MiB): a longer line is refused without being held in memory (it is read and
// dropped in pieces) and, with skipInvalid, skipped; a longer Intercom element ends
// the read, since the array cannot be followed past it.
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
// read with its *Error. With skipInvalid the bad records are skipped and listed
// (Reader.Skipped), except that malformed JSON in an Intercom export (anywhere in the
// array) still ends the read with an *Error, since the array cannot be followed past
// it. A malformed JSON line only spoils its own line.
//
// Reader yields the conversations one at a time, for streaming imports; Read and
// ReadFile collect them. Duplicate ids within one file: the later record wins. Read
// replaces the earlier one in place (the conversation keeps the position of its first
// occurrence) and Result.Duplicates counts the records that replaced another; a
// streaming import leaves this to the store.
package ingest

import (
	"errors"
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

// MaxRecordBytes is the longest JSON Lines line (without its line end) or Intercom
// array element read.
const MaxRecordBytes = 4 << 20

// Result is what a file holds.
type Result struct {
	// Conversations are the valid conversations, in file order, each id once.
	Conversations []conversation.Conversation
	// Skipped lists the records left out (only when skipInvalid was set), at most
	// MaxListedSkips of them; SkippedCount counts them all.
	Skipped      []*Error
	SkippedCount int
	// Format is FormatJSONL or FormatIntercom.
	Format string
	// Duplicates counts the records whose id an earlier record of the file already
	// had; each replaced the earlier one (the later record wins).
	Duplicates int
}

// ReadFile reads the conversation file at path whole. See the package doc for the
// formats and what skipInvalid changes.
func ReadFile(path string, skipInvalid bool) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *fs.PathError: "open PATH: …"
	}
	defer f.Close()
	return Read(path, f, skipInvalid)
}

// Read reads a conversation file from r whole; name is used in errors.
func Read(name string, r io.Reader, skipInvalid bool) (*Result, error) {
	rd, err := NewReader(name, r, skipInvalid)
	if err != nil {
		return nil, err
	}
	res := &Result{Format: rd.Format()}
	seen := map[string]int{} // id → index in res.Conversations
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if i, ok := seen[c.ID]; ok {
			res.Conversations[i] = *c
			res.Duplicates++
			continue
		}
		seen[c.ID] = len(res.Conversations)
		res.Conversations = append(res.Conversations, *c)
	}
	res.Skipped, res.SkippedCount = rd.Skipped(), rd.SkippedCount()
	return res, nil
}

// fieldError is a problem found in one record before its line is attached.
type fieldError struct {
	field  string
	reason string
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
