package paraphrase

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
	"feedbackpipe/ingest"
	"feedbackpipe/llm"
	"feedbackpipe/localmodel"
	"feedbackpipe/sampledata"
)

// TestAnswersEverySampleConversationWithItsIssue drives the model through the pipeline's own
// client: every sample conversation is recognised from its prompt, answered with its label's
// theme in one of the label's wordings (never the offered signature), and the embeddings come
// from the fallback.
func TestAnswersEverySampleConversationWithItsIssue(t *testing.T) {
	res, err := ingest.Read("conversations.jsonl", bytes.NewReader(sampledata.ConversationsJSONL()), false)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := sampledata.Labels()
	if err != nil {
		t.Fatal(err)
	}
	specs := SampleSpecs()
	m, err := New(res.Conversations, labels, specs, localmodel.New(localmodel.Config{}, nil), Options{EmbeddingNoise: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	builtin := httptest.NewServer(localmodel.New(localmodel.Config{}, nil))
	defer builtin.Close()
	client := llm.New(llm.Config{BaseURL: srv.URL + "/v1", APIKey: "test", ChatModel: "paraphrase", EmbeddingModel: "local",
		MaxAttempts: 1, CallTimeout: 10e9, PromptTokens: 4000}, nil)
	ctx := context.Background()
	variants := map[string]map[string]bool{} // label → wordings seen
	for _, c := range res.Conversations {
		spec := specs[labels[c.ID]]
		known := []extraction.KnownSignature{{Signature: spec.Signatures[(Variant(c.ID)+1)%3], ProductArea: spec.ProductArea, Count: 5}}
		theme, _, err := client.Extract(ctx, &c, known, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		if want := spec.Signatures[Variant(c.ID)]; theme.IssueSignature != want || theme.ConversationType != spec.Type || theme.ProductArea != spec.ProductArea {
			t.Fatalf("%s (%s): got %s %s %s, want %s %s %s", c.ID, labels[c.ID], theme.ConversationType, theme.ProductArea,
				theme.IssueSignature, spec.Type, spec.ProductArea, want)
		}
		if theme.MatchedExisting {
			t.Errorf("%s: claims to reuse a known signature", c.ID)
		}
		if variants[labels[c.ID]] == nil {
			variants[labels[c.ID]] = map[string]bool{}
		}
		variants[labels[c.ID]][theme.IssueSignature] = true
	}
	if answered, unknown := m.Counts(); answered != int64(len(res.Conversations)) || unknown != 0 {
		t.Errorf("answered %d, unknown %d, of %d conversations", answered, unknown, len(res.Conversations))
	}
	for _, l := range []string{"instagram_publish_fails", "calendar_timezone_shift", "csv_export_missing_columns"} {
		if len(variants[l]) != 3 {
			t.Errorf("%s worded %d ways, want 3: %v", l, len(variants[l]), variants[l])
		}
	}
	texts := []string{"the export lost its columns", "dark mode please", "the export lost its columns"}
	vecs, _, err := client.Embed(ctx, texts)
	if err != nil || len(vecs) != 3 || len(vecs[0]) == 0 {
		t.Fatalf("embeddings: %v, %d vectors", err, len(vecs))
	}
	plain, _, err := llm.New(llm.Config{BaseURL: builtin.URL + "/v1", APIKey: "test", ChatModel: "c", EmbeddingModel: "local",
		MaxAttempts: 1, CallTimeout: 10e9}, nil).Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	// Blurred, deterministically per text, and still unit vectors.
	if c := cosine(vecs[0], plain[0]); c > 0.8 || c < 0.2 {
		t.Errorf("blurred vector's cosine to the built-in one %.2f, want about 0.55", c)
	}
	if c := cosine(vecs[0], vecs[2]); c < 0.9999 {
		t.Errorf("one text embedded twice: cosine %.4f", c)
	}
	if n := cosine(vecs[1], vecs[1]); n < 0.999 || n > 1.001 {
		t.Errorf("norm² %.4f, want 1", n)
	}
}

func cosine(a, b []float32) float64 {
	var ab float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
	}
	return ab
}

// TestReusesOfferedWordingOnRequest: with ReuseOffered the model answers with an offered wording of
// the issue (and says so); an offered signature of another issue is ignored.
func TestReusesOfferedWordingOnRequest(t *testing.T) {
	res, err := ingest.Read("conversations.jsonl", bytes.NewReader(sampledata.ConversationsJSONL()), false)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := sampledata.Labels()
	if err != nil {
		t.Fatal(err)
	}
	specs := SampleSpecs()
	m, err := New(res.Conversations, labels, specs, localmodel.New(localmodel.Config{}, nil), Options{ReuseOffered: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	client := llm.New(llm.Config{BaseURL: srv.URL + "/v1", APIKey: "test", ChatModel: "paraphrase", EmbeddingModel: "local",
		MaxAttempts: 1, CallTimeout: 10e9}, nil)
	var c *conversation.Conversation
	for i := range res.Conversations {
		if labels[res.Conversations[i].ID] == "csv_export_missing_columns" {
			c = &res.Conversations[i]
			break
		}
	}
	spec := specs["csv_export_missing_columns"]
	other := specs["pdf_export_timeout"].Signatures[0]
	offered := spec.Signatures[(Variant(c.ID)+2)%3]
	theme, _, err := client.Extract(context.Background(), c, []extraction.KnownSignature{{Signature: other, Count: 9}, {Signature: offered, Count: 2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if theme.IssueSignature != offered || !theme.MatchedExisting {
		t.Errorf("answered %s (matched %v), want the offered %s", theme.IssueSignature, theme.MatchedExisting, offered)
	}
	theme, _, err = client.Extract(context.Background(), c, []extraction.KnownSignature{{Signature: other, Count: 9}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := spec.Signatures[Variant(c.ID)]; theme.IssueSignature != want || theme.MatchedExisting {
		t.Errorf("answered %s (matched %v), want its own %s", theme.IssueSignature, theme.MatchedExisting, want)
	}
}
