package extraction

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"feedbackpipe/conversation"
)

func sampleTheme() Theme {
	return Theme{
		ConversationType: TypeProductIssue, ProductArea: "exports", Component: "csv_export",
		IssueSignature: "csv_export_missing_columns", MatchConfidence: "medium", UserIntent: "Export all columns",
		Symptoms: []string{"columns missing", "file smaller"}, AffectedFlow: "export",
		RootCauseHypothesis: "schema change", DiagnosticSummary: "CSV export drops columns.",
		KeyExcerpts: []string{"no engagement column"}, ActionType: "bug_report", Direction: "deficit",
		ResolutionAction: "no_resolution", ResolutionCategory: "unresolved",
	}
}

func TestParseValid(t *testing.T) {
	raw, _ := json.Marshal(sampleTheme())
	got, err := Parse(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got.IssueSignature != "csv_export_missing_columns" {
		t.Fatalf("parsed %+v", got)
	}
}

func TestParseRejects(t *testing.T) {
	valid, _ := json.Marshal(sampleTheme())
	var m map[string]any
	_ = json.Unmarshal(valid, &m)
	mutate := func(f func(map[string]any)) string {
		c := map[string]any{}
		for k, v := range m {
			c[k] = v
		}
		f(c)
		b, _ := json.Marshal(c)
		return string(b)
	}
	cases := map[string]struct{ input, want string }{
		"not json":        {`{"conversation_type": "product_issue"`, "not a JSON"},
		"missing field":   {mutate(func(c map[string]any) { delete(c, "direction") }), "direction"},
		"extra field":     {mutate(func(c map[string]any) { c["mood"] = "angry" }), "mood"},
		"bad enum":        {mutate(func(c map[string]any) { c["conversation_type"] = "bug" }), "conversation_type"},
		"one symptom":     {mutate(func(c map[string]any) { c["symptoms"] = []string{"x"} }), "symptoms"},
		"six excerpts":    {mutate(func(c map[string]any) { c["key_excerpts"] = []string{"a", "b", "c", "d", "e", "f"} }), "key_excerpts"},
		"long excerpt":    {mutate(func(c map[string]any) { c["key_excerpts"] = []string{strings.Repeat("x", 501)} }), "key_excerpts[0]"},
		"camel signature": {mutate(func(c map[string]any) { c["issue_signature"] = "CsvExport" }), "issue_signature"},
		"empty area":      {mutate(func(c map[string]any) { c["product_area"] = " " }), "product_area"},
	}
	for name, tc := range cases {
		_, err := Parse(tc.input)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to name %q", name, err, tc.want)
		}
	}
}

func TestSchemaListsEveryField(t *testing.T) {
	s := Schema()
	props := s["properties"].(map[string]any)
	if len(props) != len(PropertyNames()) || s["additionalProperties"] != false {
		t.Fatalf("schema has %d properties for %d names", len(props), len(PropertyNames()))
	}
	raw, _ := json.Marshal(sampleTheme())
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	for _, name := range PropertyNames() {
		if _, ok := props[name]; !ok {
			t.Errorf("schema misses %s", name)
		}
		if _, ok := m[name]; !ok {
			t.Errorf("Theme does not encode %s", name)
		}
	}
}

func TestPromptRoundTrip(t *testing.T) {
	now := time.Now()
	c := &conversation.Conversation{ID: "c9", Subject: "Export\nbroken", SourceURL: "https://x/y", CreatedAt: now, Messages: []conversation.Message{
		{Author: conversation.Customer, Text: "The CSV\nexport lost columns"},
		{Author: conversation.Support, Text: "Which columns?"},
	}}
	known := []KnownSignature{{Signature: "csv_export_missing_columns", ProductArea: "exports", Count: 12}}
	p := ParseUserPrompt(BuildUserPrompt(c, known, 1000))
	if len(p.Known) != 1 || p.Known[0] != known[0] {
		t.Fatalf("known signatures %+v", p.Known)
	}
	if p.Subject != "Export broken" || len(p.Messages) != 2 ||
		p.Messages[0].Text != "The CSV export lost columns" || p.Messages[1].Author != conversation.Support {
		t.Fatalf("parsed %+v", p)
	}
}

func TestTruncationKeepsFirstAndLastMessages(t *testing.T) {
	c := &conversation.Conversation{ID: "long"}
	for i := range 40 {
		c.Messages = append(c.Messages, conversation.Message{Author: conversation.Customer, Text: strings.Repeat("word ", 100) + string(rune('A'+i%26))})
	}
	c.Messages[0].Text = "FIRST " + c.Messages[0].Text
	c.Messages[39].Text = "LAST " + c.Messages[39].Text
	prompt := BuildUserPrompt(c, nil, 1000)
	if len(prompt) > 4*1000+600 {
		t.Fatalf("prompt has %d chars for a 1000-token budget", len(prompt))
	}
	if !strings.Contains(prompt, "FIRST") || !strings.Contains(prompt, "LAST") || !strings.Contains(prompt, MarkerOmitted) {
		t.Fatalf("truncation lost the first or last message or the omission marker")
	}
	p := ParseUserPrompt(prompt)
	if p.Messages[0].Text[:5] != "FIRST" || !strings.HasPrefix(p.Messages[len(p.Messages)-1].Text, "LAST") {
		t.Fatalf("order not kept")
	}
}

func TestQuality(t *testing.T) {
	th := sampleTheme()
	if q := Quality(&th); q != 0.6 {
		t.Fatalf("medium = %v", q)
	}
	th.MatchConfidence, th.MatchedExisting = "low", true
	if q := Quality(&th); q < 0.39 || q > 0.41 {
		t.Fatalf("low+matched = %v", q)
	}
	th.MatchConfidence = "high"
	if q := Quality(&th); q != 1 {
		t.Fatalf("capped at 1, got %v", q)
	}
}

// Strict structured-output APIs reject some JSON Schema keywords (length and count limits among
// them); the schema keeps to the subset they all accept.
func TestSchemaUsesOnlyStrictSafeKeywords(t *testing.T) {
	allowed := map[string]bool{"type": true, "properties": true, "required": true, "additionalProperties": true,
		"enum": true, "items": true, "description": true}
	var walk func(path string, node map[string]any)
	walk = func(path string, node map[string]any) {
		for k, v := range node {
			if !allowed[k] {
				t.Errorf("%s uses %q", path, k)
			}
			switch k {
			case "properties":
				for name, sub := range v.(map[string]any) {
					walk(path+"."+name, sub.(map[string]any))
				}
			case "items":
				walk(path+"[]", v.(map[string]any))
			}
		}
	}
	walk("schema", Schema())
}
