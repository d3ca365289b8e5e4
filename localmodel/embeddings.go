package localmodel

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
)

// maxEmbeddingInputs is the most texts one request may embed (as the OpenAI API).
const maxEmbeddingInputs = 2048

// embeddingRequest is the part of an OpenAI embeddings request the model reads.
type embeddingRequest struct {
	Input          json.RawMessage `json:"input"`
	Model          string          `json:"model"`
	EncodingFormat string          `json:"encoding_format"`
	Dimensions     int             `json:"dimensions"`
}

type embeddingData struct {
	Object    string `json:"object"`
	Embedding any    `json:"embedding"` // []float32, or a base64 string of little-endian float32
	Index     int    `json:"index"`
}

type embeddingResponse struct {
	Object string          `json:"object"`
	Data   []embeddingData `json:"data"`
	Model  string          `json:"model"`
	Usage  usage           `json:"usage"`
}

// handleEmbeddings answers POST /v1/embeddings.
func (s *Server) handleEmbeddings(w http.ResponseWriter, r *http.Request) {
	s.counts.embeddings.Add(1)
	var req embeddingRequest
	msg := decodeBody(w, r, &req)
	var inputs []string
	if msg == "" {
		inputs, msg = parseInputs(req.Input)
	}
	if msg != "" {
		badRequest(w, "%s", msg)
		return
	}
	format := cmp.Or(req.EncodingFormat, "float")
	if format != "float" && format != "base64" {
		badRequest(w, "encoding_format %q is not supported; use \"float\" or \"base64\"", req.EncodingFormat)
		return
	}
	dim := s.cfg.Dimensions
	if req.Dimensions < 0 || req.Dimensions > maxDimensions {
		badRequest(w, "dimensions must be between 1 and %d", maxDimensions)
		return
	} else if req.Dimensions > 0 {
		dim = req.Dimensions
	}
	s.counts.inputs.Add(int64(len(inputs)))
	if _, handled := s.injectFault(w, r, "embeddings", false); handled {
		return
	}
	resp := embeddingResponse{Object: "list", Model: cmp.Or(req.Model, EmbeddingModelID)}
	chars := 0
	for i, text := range inputs {
		vec := embed(text, dim)
		d := embeddingData{Object: "embedding", Embedding: vec, Index: i}
		if format == "base64" {
			d.Embedding = encodeBase64(vec)
		}
		resp.Data = append(resp.Data, d)
		chars += len(text)
	}
	resp.Usage = newUsage(chars, 0)
	writeJSON(w, http.StatusOK, resp)
}

// parseInputs reads input as a string or a list of strings; every text must be non-blank.
func parseInputs(raw json.RawMessage) ([]string, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, "input is required: a string or an array of strings"
	}
	var inputs []string
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		inputs = []string{one}
	} else if err := json.Unmarshal(raw, &inputs); err != nil {
		return nil, "input must be a string or an array of strings (token arrays are not supported)"
	}
	if len(inputs) == 0 {
		return nil, "input is an empty array"
	}
	if len(inputs) > maxEmbeddingInputs {
		return nil, fmt.Sprintf("input has %d items, at most %d allowed", len(inputs), maxEmbeddingInputs)
	}
	for i, text := range inputs {
		if strings.TrimSpace(text) == "" {
			return nil, fmt.Sprintf("input[%d] is empty", i)
		}
	}
	return inputs, ""
}

// encodeBase64 is the OpenAI base64 embedding: little-endian float32 values.
func encodeBase64(vec []float32) string {
	buf := make([]byte, 4*len(vec))
	for i, v := range vec {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	return base64.StdEncoding.EncodeToString(buf)
}
