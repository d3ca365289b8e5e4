package paraphrase

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
)

// embeddingRequest is the part of an embeddings request the model reads.
type embeddingRequest struct {
	Input          []string `json:"input"`
	Model          string   `json:"model"`
	EncodingFormat string   `json:"encoding_format,omitempty"`
}

// serveNoisyEmbeddings answers an embeddings request with the fallback's vectors blurred by a
// particular of each text: v + noise·r(text), normalised, where r is a unit vector drawn from
// a hash of the text. It stands for an embedding model whose vectors say more about each
// conversation's particulars than about its issue, so centroids of small groups drift apart.
func (s *Server) serveNoisyEmbeddings(w http.ResponseWriter, r *http.Request, body []byte) {
	var req embeddingRequest
	if err := json.Unmarshal(body, &req); err != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.fallback.ServeHTTP(w, r)
		return
	}
	format := req.EncodingFormat
	req.EncodingFormat = "float"
	inner, err := json.Marshal(req)
	if err != nil {
		http.Error(w, "encode request", http.StatusInternalServerError)
		return
	}
	rec := httptest.NewRecorder()
	s.fallback.ServeHTTP(rec, httptest.NewRequestWithContext(r.Context(), http.MethodPost, r.URL.Path, bytes.NewReader(inner)))
	if rec.Code != http.StatusOK {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	var resp struct {
		Object string `json:"object"`
		Model  string `json:"model"`
		Data   []struct {
			Object    string    `json:"object"`
			Embedding []float32 `json:"embedding"`
			Index     int       `json:"index"`
		} `json:"data"`
		Usage json.RawMessage `json:"usage"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		http.Error(w, "decode the fallback's embeddings", http.StatusInternalServerError)
		return
	}
	out := map[string]any{"object": resp.Object, "model": resp.Model, "usage": resp.Usage}
	data := make([]map[string]any, len(resp.Data))
	for i, d := range resp.Data {
		text := ""
		if d.Index >= 0 && d.Index < len(req.Input) {
			text = req.Input[d.Index]
		}
		vec := blur(d.Embedding, text, s.noise)
		var emb any = vec
		if format == "base64" {
			buf := make([]byte, 4*len(vec))
			for j, x := range vec {
				binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(x))
			}
			emb = base64.StdEncoding.EncodeToString(buf)
		}
		data[i] = map[string]any{"object": d.Object, "embedding": emb, "index": d.Index}
	}
	out["data"] = data
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out) // a failed write means the client went away
}

// blur adds noise times a unit vector drawn from a hash of text to v and normalises the sum.
func blur(v []float32, text string, noise float64) []float32 {
	h := fnv.New64a()
	h.Write([]byte(text))
	rng := rand.New(rand.NewPCG(h.Sum64(), uint64(len(v))))
	r := make([]float64, len(v))
	rn := 0.0
	for i := range r {
		r[i] = rng.NormFloat64()
		rn += r[i] * r[i]
	}
	rn = math.Sqrt(rn)
	sum := make([]float64, len(v))
	n := 0.0
	for i := range v {
		sum[i] = float64(v[i]) + noise*r[i]/rn
		n += sum[i] * sum[i]
	}
	n = math.Sqrt(n)
	out := make([]float32, len(v))
	for i := range out {
		out[i] = float32(sum[i] / n)
	}
	return out
}
