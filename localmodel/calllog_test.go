package localmodel

import (
	"context"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/extraction"
)

// With RecordCalls, every chat request leaves its span, at least the latency long; embeddings
// requests leave none, and without RecordCalls nothing is kept.
func TestChatCallsAreRecordedWhenAsked(t *testing.T) {
	const latency = 20 * time.Millisecond
	for _, record := range []bool{true, false} {
		client, s := newClient(t, Config{Latency: latency, RecordCalls: record})
		for range 3 {
			if _, err := client.CreateChatCompletion(context.Background(), themeRequest(invoiceBug, nil, extraction.Schema())); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := client.CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{Input: []string{"a b c"}}); err != nil {
			t.Fatal(err)
		}
		spans := s.ChatCalls()
		if !record {
			if len(spans) != 0 {
				t.Errorf("without RecordCalls: %d spans kept, want none", len(spans))
			}
			continue
		}
		if len(spans) != 3 {
			t.Fatalf("%d spans, want one per chat request (3)", len(spans))
		}
		for i, sp := range spans {
			if took := sp.Left.Sub(sp.Arrived); took < latency {
				t.Errorf("span %d lasts %v, want at least the latency %v", i, took, latency)
			}
		}
	}
}
