package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func jsonlLine(id, text string) string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return fmt.Sprintf(`{"id":%s,"created_at":"2024-05-01T09:00:00Z","subject":"s","messages":[{"author":"customer","text":%s}]}`, q(id), q(text))
}

func TestReadCleansText(t *testing.T) {
	in := `{"id":"a","created_at":"2024-05-01T09:00:00Z","subject":"sub\u0000ject\nnext","contact":"me\u0007@x",` +
		`"messages":[{"author":"customer","text":"nul\u0000 here\r\nand ` + "\xff" + ` there"}]}` + "\n"
	res, err := Read("in.jsonl", strings.NewReader(in), false)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Conversations[0]
	if c.Subject != "subject next" || c.Contact != "me@x" || c.Messages[0].Text != "nul here\nand \uFFFD there" {
		t.Errorf("cleaned conversation = %+v", c)
	}
	// A text of nothing but control characters is empty once cleaned: refused by name.
	_, err = Read("in.jsonl", strings.NewReader(jsonlLine("b", "\x00\x01")), false)
	if e := mustAsError(t, err); e.Line != 1 || e.Field != "messages[0].text" || !strings.Contains(e.Reason, "empty") {
		t.Errorf("error = %v", err)
	}
}

func TestReadRefusesBadIDs(t *testing.T) {
	for _, id := range []string{"has space", "new\nline", "nul\x00", "tab\t", strings.Repeat("x", 201), "<script>"} {
		in := jsonlLine("ok1", "hi") + "\n" + jsonlLine(id, "hi") + "\n" + jsonlLine("ok2", "hi") + "\n"
		_, err := Read("ids.jsonl", strings.NewReader(in), false)
		e := mustAsError(t, err)
		if e.Line != 2 || e.Field != "id" || !strings.HasPrefix(err.Error(), "ids.jsonl: line 2: field id: ") {
			t.Errorf("id %q: error %q, want ids.jsonl line 2 field id", id, err)
		}
		res, err := Read("ids.jsonl", strings.NewReader(in), true)
		if err != nil || len(res.Conversations) != 2 || res.SkippedCount != 1 {
			t.Errorf("id %q with skipInvalid: %v, %+v", id, err, res)
		}
	}
	// Intercom ids are checked the same way.
	in := "[\n" + `{"id":"a b","created_at":1714550400,"source":{"body":"hi","author":{"type":"user"}}}` + "]"
	_, err := Read("x.json", strings.NewReader(in), false)
	if e := mustAsError(t, err); e.Line != 2 || e.Field != "id" {
		t.Errorf("intercom: error %v", err)
	}
}

func TestReadLimitsAreNamed(t *testing.T) {
	manyMessages := `{"id":"m","created_at":"2024-05-01T09:00:00Z","messages":[` +
		strings.TrimSuffix(strings.Repeat(`{"author":"customer","text":"hi"},`, 501), ",") + `]}`
	tests := []struct {
		name, line, field, reason string
	}{
		{"too many messages", manyMessages, "messages", "over the limit of 500"},
		{"message too long", jsonlLine("l", strings.Repeat("a", 100_001)), "messages[0].text", "over the limit of 100000"},
		{"line too long", jsonlLine("x", strings.Repeat("word ", MaxRecordBytes/5+1)), "", "over the limit of 4194304 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := jsonlLine("first", "hi") + "\n" + tt.line + "\n" + jsonlLine("last", "hi") + "\n"
			_, err := Read("big.jsonl", strings.NewReader(in), false)
			if e := mustAsError(t, err); e.Line != 2 || e.Field != tt.field || !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("error = %v, want line 2 field %q with %q", err, tt.field, tt.reason)
			}
			res, err := Read("big.jsonl", strings.NewReader(in), true)
			if err != nil || strings.Join(ids(res.Conversations), ",") != "first,last" {
				t.Fatalf("skipInvalid: %v; the records around the bad one must be kept", err)
			}
		})
	}
}

// A line of exactly MaxRecordBytes is read; one byte more is not.
func TestReadLineLimitBoundary(t *testing.T) {
	base := jsonlLine("b", "text")
	exact := `{"id":"b",` + strings.Repeat(" ", MaxRecordBytes-len(base)) + base[len(`{"id":"b",`):] // white space between fields
	if len(exact) != MaxRecordBytes {
		t.Fatalf("line is %d bytes", len(exact))
	}
	for _, tt := range []struct {
		line string
		ok   bool
	}{{exact, true}, {exact + " ", false}} {
		_, err := Read("b.jsonl", strings.NewReader(tt.line+"\r\n"), false)
		if (err == nil) != tt.ok {
			t.Errorf("line of %d bytes: error %v", len(tt.line), err)
		}
	}
}

func TestReadIntercomElementTooLarge(t *testing.T) {
	body := strings.Repeat("a", MaxRecordBytes+100<<10)
	in := "[\n" + `{"id":"a","created_at":1714550400,"source":{"body":"hi","author":{"type":"user"}}},` + "\n" +
		`{"id":"b","created_at":1714550400,"source":{"body":"` + body + `","author":{"type":"user"}}}]`
	_, err := Read("big.json", strings.NewReader(in), true)
	if e := mustAsError(t, err); e.Line != 3 || !strings.Contains(e.Reason, "limit of 4194304 bytes") {
		t.Errorf("error = %v, want line 3 naming the limit", err)
	}
}

func TestReaderStreams(t *testing.T) {
	in := jsonlLine("a", "hi") + "\n" + jsonlLine("bad id", "hi") + "\n" + jsonlLine("a", "again") + "\n"
	rd, err := NewReader("s.jsonl", strings.NewReader(in), true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c.ID+":"+c.Messages[0].Text)
	}
	if strings.Join(got, ",") != "a:hi,a:again" || rd.SkippedCount() != 1 || rd.Skipped()[0].Line != 2 {
		t.Errorf("got %v, skipped %v; a Reader yields every record (duplicates too) in file order", got, rd.Skipped())
	}
}
