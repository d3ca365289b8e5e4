package ingest

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"feedbackpipe/conversation"
)

// mustAsError returns the *Error inside err, failing the test if there is none.
func mustAsError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *ingest.Error", err, err)
	}
	return e
}

func ids(cs []conversation.Conversation) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "in.jsonl", Line: 7, Field: "messages[0].author", Reason: `"agent" is not one of customer, support, bot`},
			`in.jsonl: line 7: field messages[0].author: "agent" is not one of customer, support, bot`},
		{Error{File: "in.jsonl", Line: 3, Reason: "invalid JSON: unexpected end of JSON input"},
			"in.jsonl: line 3: invalid JSON: unexpected end of JSON input"},
		{Error{File: "in.json", Reason: "an Intercom export must be a JSON array"},
			"in.json: an Intercom export must be a JSON array"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestReadFileJSONLValid(t *testing.T) {
	res, err := ReadFile("testdata/jsonl/valid.jsonl", false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != FormatJSONL || len(res.Conversations) != 10 || len(res.Skipped) != 0 || res.Duplicates != 0 {
		t.Fatalf("format %q, %d conversations, %d skipped, %d duplicates; want jsonl, 10, 0, 0",
			res.Format, len(res.Conversations), len(res.Skipped), res.Duplicates)
	}
	for i, c := range res.Conversations {
		if err := c.Validate(); err != nil {
			t.Errorf("conversation %d: %v", i, err)
		}
	}
	c := res.Conversations[5] // conv-006: even (source_url, contact) and a multiple of 3 (bot message without created_at)
	want := time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)
	if c.ID != "conv-006" || !c.CreatedAt.Equal(want) || c.Subject != "Search is slow" ||
		c.SourceURL != "https://app.example.com/inbox/6" || c.Contact != "user6@example.com" {
		t.Errorf("conversation = %+v", c)
	}
	if len(c.Messages) != 3 {
		t.Fatalf("messages = %+v, want 3", c.Messages)
	}
	if m := c.Messages[1]; m.Author != conversation.Support || !m.CreatedAt.Equal(want.Add(30*time.Minute-2*time.Hour)) {
		t.Errorf("message 1 = %+v (its +02:00 offset must be kept)", m)
	}
	if m := c.Messages[2]; m.Author != conversation.Bot || !m.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("message 2 = %+v; a message without created_at takes the conversation's", m)
	}
}

func TestReadFileJSONLBrokenLine7(t *testing.T) {
	tests := []struct {
		file   string
		field  string
		reason string // a part of the reason
	}{
		{"line7_bad_author.jsonl", "messages[0].author", `"agent" is not one of customer, support, bot`},
		{"line7_missing_id.jsonl", "id", "missing"},
		{"line7_bad_created_at.jsonl", "created_at", `"07/05/2024 09:00" is not an RFC 3339 time`},
		{"line7_bad_message_created_at.jsonl", "messages[1].created_at", "day out of range"},
		{"line7_created_at_number.jsonl", "created_at", "must be an RFC 3339 time string"},
		{"line7_messages_not_array.jsonl", "messages", "must be an array, not string"},
		{"line7_empty_text.jsonl", "messages[1].text", "is empty"},
		{"line7_invalid_json.jsonl", "", "invalid JSON"},
		{"line7_not_object.jsonl", "", "must be a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "jsonl", tt.file)

			res, err := ReadFile(path, false)
			if err == nil {
				t.Fatalf("no error; got %d conversations", len(res.Conversations))
			}
			if res != nil {
				t.Errorf("a failed read returned a result with %d conversations", len(res.Conversations))
			}
			e := mustAsError(t, err)
			if e.File != path || e.Line != 7 || e.Field != tt.field || !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("error = %#v, want line 7, field %q, reason containing %q", e, tt.field, tt.reason)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+": line 7: ") || (tt.field != "" && !strings.Contains(msg, "field "+tt.field+": ")) {
				t.Errorf("message %q does not name the file, line 7 and the field", msg)
			}

			res, err = ReadFile(path, true)
			if err != nil {
				t.Fatalf("skipInvalid: %v", err)
			}
			if len(res.Conversations) != 9 || len(res.Skipped) != 1 {
				t.Fatalf("skipInvalid: %d conversations, %d skipped; want 9 and 1", len(res.Conversations), len(res.Skipped))
			}
			if s := res.Skipped[0]; s.Line != 7 || s.Field != tt.field {
				t.Errorf("skipped = %#v", s)
			}
			for _, id := range ids(res.Conversations) {
				if id == "conv-007" {
					t.Error("the broken conversation was kept")
				}
			}
		})
	}
}

func TestReadFileJSONLBlankLines(t *testing.T) {
	res, err := ReadFile("testdata/jsonl/blank_lines.jsonl", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Conversations) != 10 || res.Format != FormatJSONL {
		t.Fatalf("%d conversations in %s, want 10 in jsonl", len(res.Conversations), res.Format)
	}
}

// TestReadJSONLLineNumbers checks that blank lines, CRLF line ends, leading white
// space and a byte order mark are counted right.
func TestReadJSONLLineNumbers(t *testing.T) {
	good := `{"id":"a","created_at":"2024-05-01T09:00:00Z","messages":[{"author":"customer","text":"hi"}]}`
	bad := `{"id":"b","created_at":"2024-05-01T09:00:00Z","messages":[{"author":"agent","text":"hi"}]}`
	tests := []struct {
		name  string
		input string
		line  int
	}{
		{"first line", bad + "\n", 1},
		{"after blank lines", "\n\n" + good + "\n\n" + bad + "\n" + good, 5},
		{"crlf", good + "\r\n\r\n" + bad + "\r\n", 3},
		{"leading white space", "  \n\t\n " + bad, 3},
		{"byte order mark", "\xef\xbb\xbf" + good + "\n" + bad, 2},
		{"last line without newline", good + "\n" + good + "\n" + bad, 3},
		{"white space only lines", good + "\n \t \n" + bad, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("in.jsonl", strings.NewReader(tt.input), false)
			e := mustAsError(t, err)
			if e.Line != tt.line || e.Field != "messages[0].author" {
				t.Errorf("error = %v, want line %d field messages[0].author", err, tt.line)
			}
		})
	}
}

func TestReadJSONLDuplicates(t *testing.T) {
	res, err := ReadFile("testdata/jsonl/duplicates.jsonl", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids(res.Conversations), ","); got != "conv-001,conv-002,conv-003,conv-004,conv-005" {
		t.Errorf("ids = %s; each id once, in the order of first appearance", got)
	}
	if res.Duplicates != 2 {
		t.Errorf("Duplicates = %d, want 2", res.Duplicates)
	}
	if s := res.Conversations[1].Subject; s != "Login loop on mobile (updated)" {
		t.Errorf("conv-002 subject = %q; the later line must win", s)
	}
}

func TestReadEmpty(t *testing.T) {
	for _, in := range []string{"", "\n \n\t", "\xef\xbb\xbf"} {
		res, err := Read("empty", strings.NewReader(in), false)
		if err != nil || len(res.Conversations) != 0 || len(res.Skipped) != 0 {
			t.Errorf("Read(%q) = %+v, %v; want an empty result", in, res, err)
		}
	}
}

func TestReadFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.jsonl")
	_, err := ReadFile(path, true)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error = %v; want one naming %s that is fs.ErrNotExist", err, path)
	}
}

// TestReadHugeLines reads records far past bufio.Scanner's 64 KiB token limit.
func TestReadHugeLines(t *testing.T) {
	big := strings.Repeat("the export button does nothing ", 3000) // 93,000 characters: under the message limit, over 64 KiB
	if len(big) < 90_000 {
		t.Fatal("message too small")
	}
	c := conversation.Conversation{
		ID: "huge", CreatedAt: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC), Subject: "big",
		Messages: []conversation.Message{
			{Author: conversation.Customer, Text: big, CreatedAt: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)},
			{Author: conversation.Customer, Text: big, CreatedAt: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)},
		},
	}
	line, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	small := `{"id":"small","created_at":"2024-05-01T09:00:00Z","messages":[{"author":"customer","text":"hi"}]}`
	path := filepath.Join(t.TempDir(), "huge.jsonl")
	if err := os.WriteFile(path, []byte(small+"\n"+string(line)+"\n"+small+"2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadFile(path, false)
	e := mustAsError(t, err) // the third line is broken: its line number must survive the huge one
	if e.Line != 3 {
		t.Errorf("error = %v, want line 3", err)
	}
	res, err := ReadFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Conversations) != 2 || res.Conversations[1].Messages[0].Text != big {
		t.Errorf("the huge message did not come through whole")
	}
}
