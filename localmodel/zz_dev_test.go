package localmodel

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"feedbackpipe/conversation"
	"feedbackpipe/ingest"
	"feedbackpipe/sampledata"
)

func TestZZDigestVariants(t *testing.T) {
	in := os.Getenv("THEMES")
	if in == "" {
		t.Skip()
	}
	var rows []map[string]any
	b, _ := os.ReadFile(in)
	json.Unmarshal(b, &rows)
	res, err := ingest.Read("c.jsonl", bytes.NewReader(sampledata.ConversationsJSONL()), false)
	if err != nil {
		t.Fatal(err)
	}
	convs := map[string]conversation.Conversation{}
	for _, c := range res.Conversations {
		convs[c.ID] = c
	}
	variants := map[string]func(c conversation.Conversation) (string, int){
		"a_current": func(c conversation.Conversation) (string, int) { return c.Digest(2000), 256 },
		"b_allcust": func(c conversation.Conversation) (string, int) {
			parts := []string{c.Subject}
			for _, m := range c.Messages {
				if m.Author == conversation.Customer {
					parts = append(parts, m.Text)
				}
			}
			return strings.Join(parts, "\n"), 256
		},
		"c_withsupport": func(c conversation.Conversation) (string, int) {
			parts := []string{c.Digest(2000)}
			for _, m := range c.Messages {
				if m.Author == conversation.Support {
					parts = append(parts, m.Text)
				}
			}
			return strings.Join(parts, "\n"), 256
		},
		"d_dim1024": func(c conversation.Conversation) (string, int) { return c.Digest(2000), 1024 },
		"e_allcust1024": func(c conversation.Conversation) (string, int) {
			parts := []string{c.Subject}
			for _, m := range c.Messages {
				if m.Author == conversation.Customer {
					parts = append(parts, m.Text)
				}
			}
			return strings.Join(parts, "\n"), 1024
		},
	}
	for name, f := range variants {
		out := make([]map[string]any, len(rows))
		same := true
		for i, r := range rows {
			text, dim := f(convs[r["ID"].(string)])
			v := embed(text, dim)
			m := map[string]any{}
			for k, x := range r {
				m[k] = x
			}
			if name == "a_current" {
				old := r["Vec"].([]any)
				for d := range v {
					if float32(old[d].(float64)) != v[d] {
						same = false
					}
				}
			}
			m["Vec"] = v
			out[i] = m
		}
		if name == "a_current" && !same {
			t.Errorf("current digest does not reproduce the stored vectors")
		}
		b, _ := json.Marshal(out)
		os.WriteFile("/tmp/gdev/themes_"+name+".json", b, 0o644)
	}
}
