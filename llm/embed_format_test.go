package llm

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"testing"
	"time"
)

// embeddingsAnswer answers f's latest request, an embeddings request, with vector {i, i+0.5} for
// input i, as base64 when the request asks for it and base64 is honoured, as decimal floats
// otherwise; refuse answers a base64 request with a 400 naming encoding_format instead.
func embeddingsAnswer(f *fakeAPI, honourBase64, refuse bool) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		f.mu.Lock()
		raw, _ := json.Marshal(f.requests[len(f.requests)-1])
		f.mu.Unlock()
		var req struct {
			Input          []string `json:"input"`
			EncodingFormat string   `json:"encoding_format"`
		}
		_ = json.Unmarshal(raw, &req)
		w.Header().Set("Content-Type", "application/json")
		if refuse && req.EncodingFormat == "base64" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":{"message":"unsupported encoding_format: base64","type":"invalid_request_error","param":"encoding_format"}}`))
			return
		}
		var data []map[string]any
		for i := range req.Input {
			vec := []float32{float32(i), float32(i) + 0.5}
			var embedding any = vec
			if honourBase64 && req.EncodingFormat == "base64" {
				buf := make([]byte, 8)
				binary.LittleEndian.PutUint32(buf, math.Float32bits(vec[0]))
				binary.LittleEndian.PutUint32(buf[4:], math.Float32bits(vec[1]))
				embedding = base64.StdEncoding.EncodeToString(buf)
			}
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": embedding})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": "m",
			"usage": map[string]any{"prompt_tokens": 3, "total_tokens": 3}})
	}
}

// Vectors are asked for as base64; a server that answers floats anyway, or refuses base64, gets
// the request again with floats, and every later request asks for floats. The extra request
// counts as a call.
func TestEmbeddingsFallBackToFloatsWhenBase64IsNotAnswered(t *testing.T) {
	for name, c := range map[string]struct {
		honour, refuse bool
		formats        []string // encoding_format of each request, over two Embed calls
		calls          int      // of the first Embed call
	}{
		"base64 answered": {honour: true, formats: []string{"base64", "base64"}, calls: 1},
		"floats answered": {formats: []string{"base64", "float", "float"}, calls: 2},
		"base64 refused":  {refuse: true, formats: []string{"base64", "float", "float"}, calls: 2},
	} {
		t.Run(name, func(t *testing.T) {
			f := &fakeAPI{}
			f.script = []func(http.ResponseWriter, *http.Request){embeddingsAnswer(f, c.honour, c.refuse)}
			client := newTestClient(t, f, 5*time.Second)
			for call := range 2 {
				vecs, usage, err := client.Embed(context.Background(), []string{"first text", "second text"})
				if err != nil {
					t.Fatalf("Embed %d: %v", call, err)
				}
				want := [][]float32{{0, 0.5}, {1, 1.5}}
				if len(vecs) != 2 || vecs[0][0] != want[0][0] || vecs[0][1] != want[0][1] || vecs[1][0] != want[1][0] || vecs[1][1] != want[1][1] {
					t.Fatalf("Embed %d: vectors %v, want %v", call, vecs, want)
				}
				if call == 0 && usage.Calls != c.calls {
					t.Errorf("first Embed counted %d calls, want %d", usage.Calls, c.calls)
				}
			}
			var formats []string
			for _, r := range f.requests {
				format, _ := r["encoding_format"].(string)
				formats = append(formats, format)
			}
			if len(formats) != len(c.formats) {
				t.Fatalf("requests asked for %v, want %v", formats, c.formats)
			}
			for i := range formats {
				if formats[i] != c.formats[i] {
					t.Fatalf("requests asked for %v, want %v", formats, c.formats)
				}
			}
		})
	}
}
