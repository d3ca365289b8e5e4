package ingest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"feedbackpipe/conversation"
)

const t0 = 1714550400 // 2024-05-01T08:00:00Z, created_at of the sample's first conversation

func unix(s int64) time.Time { return time.Unix(s, 0).UTC() }

func TestReadFileIntercom(t *testing.T) {
	res, err := ReadFile("testdata/intercom/export.json", false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != FormatIntercom || len(res.Skipped) != 0 || res.Duplicates != 0 {
		t.Fatalf("format %q, %d skipped, %d duplicates", res.Format, len(res.Skipped), res.Duplicates)
	}
	type msg struct {
		author conversation.Author
		text   string
		at     time.Time
	}
	tests := []struct {
		id, subject, contact, url string
		created                   time.Time
		messages                  []msg
	}{
		{
			id: "215471", subject: "Export broken", contact: "ada@example.com", url: "https://app.example.com/reports",
			created: unix(t0),
			messages: []msg{
				{conversation.Customer, "Hi team,\nExporting to CSV & Excel fails with <error 500>. It's urgent please!", unix(t0)},
				{conversation.Support, "Thanks! Could you share the file?\nWe'll check.", unix(t0 + 60)},
				// the note, the assignment, the comment without body and the bodiless close are dropped
				{conversation.Customer, "Sure, attached.\nreport.csv\nbig.xlsx", unix(t0 + 120)},
				{conversation.Bot, "Was this helpful?", unix(t0 + 130)},
			},
		},
		{
			id: "215472", contact: "lead@example.org", created: unix(t0 + 86400),
			messages: []msg{
				{conversation.Customer, "Do you offer SSO?", unix(t0 + 86400)},
				// the assignment with a body is dropped
				{conversation.Support, "Yes, on the Business plan.", unix(t0 + 86400 + 20)},        // author type team
				{conversation.Support, "Closing, reach out anytime.", unix(t0 + 86400 + 30)},       // close with a body
				{conversation.Customer, "One more question: SAML or OIDC?", unix(t0 + 86400 + 40)}, // open with a body
				{conversation.Support, "Both.", unix(t0 + 86400)},                                  // created_at 0: the conversation's
			},
		},
		{
			id: "215473", contact: "carol@example.net", created: unix(t0 + 2*86400), // the admin's email is not the contact
			messages: []msg{
				{conversation.Support, "Hey! How is it going with the new dashboard?", unix(t0 + 2*86400)},
				{conversation.Customer, "Honestly the charts load slowly… about 10 s.", unix(t0 + 2*86400 + 100)},
			},
		},
	}
	if len(res.Conversations) != len(tests) {
		t.Fatalf("%d conversations, want %d", len(res.Conversations), len(tests))
	}
	for i, tt := range tests {
		c := res.Conversations[i]
		if c.ID != tt.id || c.Subject != tt.subject || c.Contact != tt.contact || c.SourceURL != tt.url || !c.CreatedAt.Equal(tt.created) {
			t.Errorf("conversation %d = {id %q subject %q contact %q url %q created %v}, want %+v",
				i, c.ID, c.Subject, c.Contact, c.SourceURL, c.CreatedAt, tt)
		}
		var got []msg
		for _, m := range c.Messages {
			got = append(got, msg{m.Author, m.Text, m.CreatedAt})
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.messages) {
			t.Errorf("conversation %s messages:\n got %v\nwant %v", tt.id, got, tt.messages)
		}
	}
}

func TestReadFileIntercomErrors(t *testing.T) {
	tests := []struct {
		file   string
		line   int
		field  string
		reason string
		fatal  bool // an error even with skipInvalid
	}{
		{"bad_part_author.json", 168, "conversation_parts.conversation_parts[3].author.type", `"robot" is not one of user, lead, contact, admin, team, bot`, false},
		{"bad_created_at.json", 168, "created_at", "must be unix seconds", false},
		{"bad_source_body.json", 168, "source.body", "must be a string, not object", false},
		{"no_message.json", 168, "source.body", "is empty", false},
		{"malformed.json", 170, "", "invalid JSON", true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "intercom", tt.file)
			res, err := ReadFile(path, false)
			if res != nil {
				t.Errorf("a failed read returned a result")
			}
			e := mustAsError(t, err)
			if e.File != path || e.Line != tt.line || e.Field != tt.field || !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("error = %#v, want line %d, field %q, reason with %q", e, tt.line, tt.field, tt.reason)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("line %d", tt.line)) {
				t.Errorf("%q does not name line %d", err, tt.line)
			}

			res, err = ReadFile(path, true)
			if tt.fatal {
				if e := mustAsError(t, err); e.Line != tt.line {
					t.Errorf("skipInvalid: error %v, want one at line %d", err, tt.line)
				}
				return
			}
			if err != nil {
				t.Fatalf("skipInvalid: %v", err)
			}
			if got := strings.Join(ids(res.Conversations), ","); got != "215471,215473" {
				t.Errorf("skipInvalid kept %s, want 215471,215473", got)
			}
			if len(res.Skipped) != 1 || res.Skipped[0].Line != tt.line || res.Skipped[0].Field != tt.field {
				t.Errorf("skipped = %v", res.Skipped)
			}
		})
	}
}

// TestReadIntercomStructure covers the array's own syntax, element by element.
func TestReadIntercomStructure(t *testing.T) {
	conv := func(id string) string {
		return `{"type":"conversation","id":"` + id + `","created_at":1714550400,` +
			`"source":{"body":"<p>hi</p>","author":{"type":"user"}}}`
	}
	tests := []struct {
		name   string
		input  string
		ids    string // kept with skipInvalid
		line   int    // of the error
		reason string
		fatal  bool // an error even with skipInvalid
	}{
		{"empty array", " [ ] \n", "", 0, "", false},
		{"compact", "[" + conv("a") + "," + conv("b") + "]", "a,b", 0, "", false},
		{"one per line", "[\n" + conv("a") + ",\n" + conv("b") + "\n]\n", "a,b", 0, "", false},
		{"leading blank lines", "\n\n  [\n" + conv("a") + ",\n\n" + conv("b") + "]", "a,b", 0, "", false},
		{"duplicate id", "[" + conv("a") + ",\n" + conv("a") + "]", "a", 0, "", false},
		{"braces in strings", `[{"id":"x","created_at":1714550400,"source":{"subject":"} ] {\"","body":"a [b] {c} \\\\","author":{"type":"user"}}}]`, "x", 0, "", false},
		{"element not an object", "[\n" + conv("a") + ",\n42,\n" + conv("b") + "]", "a,b", 3, "must be an object", false},
		{"wrong type", "[\n{\"type\":\"ticket\",\"id\":\"t\"},\n" + conv("b") + "]", "b", 2, `"ticket" is not "conversation"`, false},
		{"id of the wrong type", "[\n" + conv("a") + ",\n{\"id\":[1],\"created_at\":1}]", "a", 3, "must be a string or a number", false},
		{"missing created_at", "[\n{\"id\":\"x\",\"source\":{\"body\":\"hi\",\"author\":{\"type\":\"user\"}}}]", "", 2, "is missing", false},
		{"trailing comma", "[\n" + conv("a") + ",\n]", "", 3, "invalid JSON", true},
		{"missing comma", "[\n" + conv("a") + "\n" + conv("b") + "]", "", 3, "expected comma after array element", true},
		{"not closed", "[\n" + conv("a") + ",\n" + conv("b"), "", 3, "not closed", true},
		{"element not closed", "[\n" + conv("a") + ",\n" + `{"id":"b",` + "\n\n", "", 3, "not closed", true},
		{"data after the array", "[" + conv("a") + "]\n\n{}", "", 3, "after the end of the array", true},
		{"bad syntax inside", "[\n" + conv("a") + ",\n{\"id\":\n\"b\",,\"x\":1}]", "", 4, "invalid JSON", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read("export.json", strings.NewReader(tt.input), true)
			if tt.fatal {
				if e := mustAsError(t, err); e.Line != tt.line || !strings.Contains(e.Reason, tt.reason) {
					t.Errorf("error = %v, want line %d and %q", err, tt.line, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != FormatIntercom {
				t.Errorf("format %q", res.Format)
			}
			if got := strings.Join(ids(res.Conversations), ","); got != tt.ids {
				t.Errorf("ids = %q, want %q", got, tt.ids)
			}
			if tt.line > 0 {
				if len(res.Skipped) != 1 || res.Skipped[0].Line != tt.line || !strings.Contains(res.Skipped[0].Reason, tt.reason) {
					t.Errorf("skipped = %v, want one at line %d with %q", res.Skipped, tt.line, tt.reason)
				}
			} else if len(res.Skipped) != 0 {
				t.Errorf("skipped = %v", res.Skipped)
			}
		})
	}
}

func TestReadIntercomHugeBody(t *testing.T) {
	big := strings.Repeat("<p>charts load slowly &amp; time out</p>", 90_000/30) // 90,000 characters of text, under the 100,000 limit
	export := []map[string]any{
		{"id": "big", "created_at": t0, "source": map[string]any{"body": big, "author": map[string]any{"type": "user"}}},
		{"id": "next", "created_at": "oops", "source": map[string]any{"body": "hi", "author": map[string]any{"type": "user"}}},
	}
	data, err := json.MarshalIndent(export, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ReadFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Conversations) != 1 || strings.Count(res.Conversations[0].Messages[0].Text, "charts load slowly & time out") != 90_000/30 {
		t.Fatalf("the big body did not come through")
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Line != 12 || res.Skipped[0].Field != "created_at" {
		t.Errorf("skipped = %v, want the second element at line 12, created_at", res.Skipped)
	}
}
