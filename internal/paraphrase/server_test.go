package paraphrase

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"

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
	m, err := New(res.Conversations, labels, specs, localmodel.New(localmodel.Config{}, nil))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
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
	vecs, _, err := client.Embed(ctx, []string{"the export lost its columns", "dark mode please"})
	if err != nil || len(vecs) != 2 || len(vecs[0]) == 0 {
		t.Fatalf("embeddings: %v, %d vectors", err, len(vecs))
	}
}
