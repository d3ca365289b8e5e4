package localmodel

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"feedbackpipe/extraction"
	"feedbackpipe/ingest"
	"feedbackpipe/sampledata"
)

// BenchmarkExtractionAnswer measures the built-in model's work for one extraction request of a
// shipped sample conversation, HTTP decoding and encoding included (no latency configured).
func BenchmarkExtractionAnswer(b *testing.B) {
	res, err := ingest.Read("conversations.jsonl", bytes.NewReader(sampledata.ConversationsJSONL()), false)
	if err != nil {
		b.Fatal(err)
	}
	known := []extraction.KnownSignature{{Signature: "webhook_duplicate", ProductArea: "webhook"},
		{Signature: "invoice_pdf_wrong_value", ProductArea: "invoice"}}
	bodies := make([][]byte, len(res.Conversations))
	for i := range res.Conversations {
		if bodies[i], err = json.Marshal(themeRequest(&res.Conversations[i], known, extraction.Schema())); err != nil {
			b.Fatal(err)
		}
	}
	s := New(Config{}, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", bytes.NewReader(bodies[i%len(bodies)])))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
