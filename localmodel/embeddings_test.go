package localmodel

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"
)

func embedAll(t *testing.T, client *openai.Client, format openai.EmbeddingEncodingFormat, inputs ...string) [][]float32 {
	t.Helper()
	resp, err := client.CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{
		Input: inputs, Model: "local-embedding-model", EncodingFormat: format,
	})
	if err != nil {
		t.Fatalf("embeddings: %v", err)
	}
	if len(resp.Data) != len(inputs) {
		t.Fatalf("got %d embeddings for %d inputs", len(resp.Data), len(inputs))
	}
	out := make([][]float32, len(inputs))
	for i, d := range resp.Data {
		if d.Index != i {
			t.Fatalf("embedding %d has index %d", i, d.Index)
		}
		out[i] = d.Embedding
	}
	return out
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return dot / math.Sqrt(na*nb)
}

func TestEmbeddingsBatch(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		format openai.EmbeddingEncodingFormat
		dim    int
	}{
		{"default dimensions, float", Config{}, openai.EmbeddingEncodingFormatFloat, DefaultDimensions},
		{"configured dimensions, float", Config{Dimensions: 64}, openai.EmbeddingEncodingFormatFloat, 64},
		{"base64", Config{Dimensions: 128}, openai.EmbeddingEncodingFormatBase64, 128},
	}
	inputs := []string{"Photo upload fails with an error", "the", "Invoice PDF export is broken", "???"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client, s := newClient(t, tc.cfg)
			vecs := embedAll(t, client, tc.format, inputs...)
			for i, v := range vecs {
				if len(v) != tc.dim {
					t.Errorf("input %d: dimension %d, want %d", i, len(v), tc.dim)
				}
				var norm float64
				for _, x := range v {
					norm += float64(x) * float64(x)
				}
				if math.Abs(math.Sqrt(norm)-1) > 1e-5 {
					t.Errorf("input %d: norm %v, want 1", i, math.Sqrt(norm))
				}
			}
			again := embedAll(t, client, tc.format, inputs[2], inputs[0])
			if cosine(again[0], vecs[2]) < 0.99999 || cosine(again[1], vecs[0]) < 0.99999 {
				t.Error("embeddings are not deterministic or not returned in input order")
			}
			if st := s.Stats(); st.EmbeddingRequests != 2 || st.EmbeddingInputs != 6 {
				t.Errorf("stats = %+v, want 2 requests and 6 inputs", st)
			}
		})
	}
}

func TestEmbeddingsRankParaphrasesAboveDifferentIssues(t *testing.T) {
	client, _ := newClient(t, Config{})
	cases := []struct {
		name              string
		issue, paraphrase string
		different         string
	}{
		{"photo upload",
			"Photo upload fails: when I upload a photo to my profile it fails with an error.",
			"Can't upload photos, uploading a profile photo doesn't work and says upload failed.",
			"The photo gallery takes forever to open and scrolling lags."},
		{"card declined",
			"My debit card keeps getting declined at checkout.",
			"Card declined again when paying at the checkout with my debit card.",
			"How do I download my bank statements as PDF?"},
		{"thermostat schedule",
			"The heating schedule on my thermostat resets every night.",
			"My thermostat forgets the heating schedule I set.",
			"The thermostat disconnects from the wifi."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := embedAll(t, client, "", tc.issue, tc.paraphrase, tc.different)
			same, diff := cosine(v[0], v[1]), cosine(v[0], v[2])
			if same <= diff {
				t.Errorf("paraphrase similarity %.3f is not above different-issue similarity %.3f", same, diff)
			}
		})
	}
}

func TestEmbeddingsRejectBadInput(t *testing.T) {
	client, _ := newClient(t, Config{})
	tests := []struct {
		name    string
		req     openai.EmbeddingRequestConverter
		message string
	}{
		{"empty input among others", openai.EmbeddingRequestStrings{Input: []string{"fine", "  "}}, "input[1] is empty"},
		{"empty single input", openai.EmbeddingRequest{Input: ""}, "input[0] is empty"},
		{"no inputs", openai.EmbeddingRequestStrings{Input: []string{}}, "empty"},
		{"token arrays", openai.EmbeddingRequestTokens{Input: [][]int{{1, 2}}}, "array of strings"},
		{"bad format", openai.EmbeddingRequestStrings{Input: []string{"x"}, EncodingFormat: "int8"}, "encoding_format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.CreateEmbeddings(context.Background(), tc.req)
			var apiErr *openai.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("want an API error, got %v", err)
			}
			if apiErr.HTTPStatusCode != http.StatusBadRequest || apiErr.Type != "invalid_request_error" || !strings.Contains(apiErr.Message, tc.message) {
				t.Errorf("got %d %s %q, want 400 invalid_request_error mentioning %q", apiErr.HTTPStatusCode, apiErr.Type, apiErr.Message, tc.message)
			}
		})
	}
}

func TestEmbeddingsAcceptASingleString(t *testing.T) {
	client, _ := newClient(t, Config{Dimensions: 32})
	resp, err := client.CreateEmbeddings(context.Background(), openai.EmbeddingRequest{Input: "calendar sync fails", Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Data) != 1 || len(resp.Data[0].Embedding) != 32 || resp.Usage.PromptTokens == 0 {
		t.Errorf("unexpected response %+v", resp)
	}
}
