package sampledata_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"feedbackpipe/conversation"
	"feedbackpipe/sampledata"
	"feedbackpipe/sampledata/generate"
)

var generated = []string{generate.ConversationsFile, generate.LabelsFile, generate.IntercomFile}

func TestGeneratorIsReproducible(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if err := generate.Write(dir, generate.DefaultSeed); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range generated {
		if !bytes.Equal(mustRead(t, filepath.Join(a, name)), mustRead(t, filepath.Join(b, name))) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
}

func TestCheckedInFilesAreCurrent(t *testing.T) {
	if !bytes.Equal(sampledata.ConversationsJSONL(), mustRead(t, generate.ConversationsFile)) ||
		!bytes.Equal(sampledata.IntercomJSON(), mustRead(t, generate.IntercomFile)) {
		t.Fatal("embedded files differ from the files on disk")
	}
	dir := t.TempDir()
	if err := generate.Write(dir, generate.DefaultSeed); err != nil {
		t.Fatal(err)
	}
	for _, name := range generated {
		// name alone is the checked-in file: tests run in the package directory.
		if !bytes.Equal(mustRead(t, name), mustRead(t, filepath.Join(dir, name))) {
			t.Errorf("%s is stale: run go run ./sampledata/gen from the module root", name)
		}
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func conversations(t *testing.T) []conversation.Conversation {
	t.Helper()
	var convs []conversation.Conversation
	sc := bufio.NewScanner(bytes.NewReader(sampledata.ConversationsJSONL()))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var c conversation.Conversation
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("line %d (%s): %v", n, c.ID, err)
		}
		convs = append(convs, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return convs
}

func TestConversationsAreValidAndLabelled(t *testing.T) {
	convs := conversations(t)
	labels, err := sampledata.Labels()
	if err != nil {
		t.Fatal(err)
	}
	if len(convs) < 300 {
		t.Errorf("%d conversations, want at least 300", len(convs))
	}
	ids := map[string]bool{}
	for _, c := range convs {
		if ids[c.ID] {
			t.Errorf("id %s is not unique", c.ID)
		}
		ids[c.ID] = true
		if labels[c.ID] == "" {
			t.Errorf("%s has no label", c.ID)
		}
		if !c.CreatedAt.Equal(c.Messages[0].CreatedAt) || !c.CreatedAt.Before(generate.Reference) {
			t.Errorf("%s: created_at %v must be its first message's time and before %v", c.ID, c.CreatedAt, generate.Reference)
		}
		if c.Contact != "" && !strings.HasSuffix(c.Contact, "@example.com") {
			t.Errorf("%s: contact %q is not on example.com", c.ID, c.Contact)
		}
	}
	if len(labels) != len(convs) {
		t.Errorf("labels.csv has %d rows for %d conversations", len(labels), len(convs))
	}
	for id := range labels {
		if !ids[id] {
			t.Errorf("labels.csv names unknown conversation %s", id)
		}
	}
}

func TestLabelDistribution(t *testing.T) {
	labels, err := sampledata.Labels()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	noise := 0
	for _, l := range labels {
		count[l]++
		if strings.HasPrefix(l, sampledata.NoisePrefix) {
			noise++
		}
	}
	issues := sampledata.Issues()
	if len(issues) < 12 {
		t.Errorf("%d actionable labels, want at least 12", len(issues))
	}
	small, large := 0, 0
	for _, is := range issues {
		if count[is] <= 2 {
			small++
		}
		if count[is] >= 20 {
			large++
		}
	}
	if small < 2 || large < 3 {
		t.Errorf("%d labels with at most 2 conversations (want >= 2), %d with at least 20 (want >= 3)", small, large)
	}
	if share := float64(noise) / float64(len(labels)); share < .15 || share > .35 {
		t.Errorf("noise share %.2f, want between 0.15 and 0.35", share)
	}
	for _, l := range []string{"noise_thanks", "noise_spam", "noise_billing", "noise_general"} {
		if count[l] == 0 {
			t.Errorf("no %s conversations", l)
		}
	}
}

// TestLargeIssuesAreVaried checks that no long customer sentence recurs in most conversations of
// an issue, so grouping has to work on meaning rather than one shared phrase.
func TestLargeIssuesAreVaried(t *testing.T) {
	labels, err := sampledata.Labels()
	if err != nil {
		t.Fatal(err)
	}
	byLabel := map[string][]conversation.Conversation{}
	for _, c := range conversations(t) {
		byLabel[labels[c.ID]] = append(byLabel[labels[c.ID]], c)
	}
	split := strings.NewReplacer("!", ".", "?", ".", "\n", ".")
	for label, convs := range byLabel {
		if len(convs) < 20 || strings.HasPrefix(label, sampledata.NoisePrefix) {
			continue
		}
		seen := map[string]int{}
		for _, c := range convs {
			once := map[string]bool{}
			for _, s := range strings.Split(split.Replace(strings.ToLower(c.CustomerText())), ".") {
				if s = strings.TrimSpace(s); len(s) >= 25 && !once[s] {
					once[s] = true
					seen[s]++
				}
			}
		}
		for s, n := range seen {
			if n*4 > len(convs) {
				t.Errorf("%s: %q appears in %d of %d conversations", label, s, n, len(convs))
			}
		}
	}
}

func TestIntercomSample(t *testing.T) {
	var convs []struct {
		Type      string `json:"type"`
		ID        string `json:"id"`
		CreatedAt int64  `json:"created_at"`
		Source    struct {
			Body   string `json:"body"`
			Author struct {
				Type string `json:"type"`
			} `json:"author"`
		} `json:"source"`
		Parts struct {
			Parts []struct {
				PartType  string  `json:"part_type"`
				Body      *string `json:"body"`
				CreatedAt int64   `json:"created_at"`
				Author    struct {
					Type string `json:"type"`
				} `json:"author"`
			} `json:"conversation_parts"`
		} `json:"conversation_parts"`
	}
	raw := sampledata.IntercomJSON()
	if err := json.Unmarshal(raw, &convs); err != nil {
		t.Fatal(err)
	}
	if len(convs) < 10 {
		t.Errorf("%d Intercom conversations, want about 12", len(convs))
	}
	kinds := map[string]int{}
	ids := map[string]bool{}
	for _, c := range convs {
		if c.Type != "conversation" || !strings.HasPrefix(c.ID, "ic_") || ids[c.ID] || c.CreatedAt == 0 {
			t.Errorf("conversation %q: bad type, id or created_at", c.ID)
		}
		ids[c.ID] = true
		if c.Source.Author.Type != "user" || !strings.HasPrefix(c.Source.Body, "<p>") {
			t.Errorf("%s: source must be an HTML body by a user", c.ID)
		}
		last := c.CreatedAt
		for _, p := range c.Parts.Parts {
			kinds[p.PartType]++
			if p.PartType == "assignment" && p.Body != nil {
				t.Errorf("%s: assignment part has a body", c.ID)
			}
			if p.PartType == "comment" && (p.Body == nil || *p.Body == "") {
				t.Errorf("%s: comment without a body", c.ID)
			}
			if p.CreatedAt < last {
				t.Errorf("%s: parts out of order", c.ID)
			}
			last = p.CreatedAt
		}
	}
	if kinds["note"] == 0 || kinds["assignment"] == 0 || kinds["comment"] == 0 {
		t.Errorf("part types %v: want comments, a note and an assignment", kinds)
	}
	for _, s := range []string{"&amp;", "<br>"} {
		if !bytes.Contains(raw, []byte(s)) {
			t.Errorf("Intercom sample has no %s", s)
		}
	}
}
